"""Keeping ``studio serve``'s two servers up: nginx and the school channel's app server
are started again when one stops by itself, after a wait that grows each time
(:class:`RestartPolicy`), until one stops too often for restarting to mend it. What
happens is said through the ``say`` given (the screen and serve.log).
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from kaizen_studio.broadcast.server import MediaServer
from kaizen_studio.channel.site.process import AppServer
from kaizen_studio.core.errors import DeviceError

Say = Callable[[str], None]
"""says one line (on the screen and in the log)"""


@dataclass
class RestartPolicy:
    """When to start nginx again after it stopped by itself: after 1 s, then twice as
    long each time (up to ``longest`` s), at most ``most`` times in ``within`` seconds;
    beyond that something is wrong that restarting will not mend."""

    most: int = 5
    within: float = 600.0
    first: float = 1.0
    longest: float = 30.0
    clock: Callable[[], float] = time.monotonic
    _restarts: list[float] = field(default_factory=list)

    def next_delay(self) -> float | None:
        """Seconds to wait before the next restart (counted now), or None to give up."""
        now = self.clock()
        self._restarts = [t for t in self._restarts if now - t < self.within]
        if len(self._restarts) >= self.most:
            return None
        delay = min(self.longest, self.first * 2 ** len(self._restarts))
        self._restarts.append(now)
        return delay


def restart_server(
    server: MediaServer, policy: RestartPolicy, done: threading.Event, say: Say
) -> bool:
    """Start nginx again after a wait; False when it has stopped too often to go on."""
    code = server.exit_code  # None: the last try to start it again failed (and was said)
    delay = policy.next_delay()
    if delay is None:
        say(
            f"The media server (nginx) would not keep running ({policy.most} restarts in "
            f"{policy.within / 60:.0f} minutes): giving up; see {server.folder / 'error.log'}"
        )
        return False
    if code is None:
        say(f"Trying to start the media server again in {delay:.0f} s")
    else:
        why = f"killed by {signal.Signals(-code).name}" if code < 0 else f"exit status {code}"
        say(
            f"The media server (nginx) stopped by itself ({why}); "
            f"starting it again in {delay:.0f} s"
        )
    if done.wait(delay):
        return True
    try:
        server.restart()
    except DeviceError as error:
        say(f"The media server could not start again: {error}")
        return True
    say(
        f"The media server is running again (nginx pid {server.pid}); "
        "studios reconnect by themselves"
    )
    return True


def restart_app(app: AppServer, policy: RestartPolicy, done: threading.Event, say: Say) -> bool:
    """Start the channel's app server again after a wait; False when it has stopped too
    often to go on."""
    code = app.exit_code
    delay = policy.next_delay()
    if delay is None:
        say(
            f"The school channel (gunicorn) would not keep running ({policy.most} restarts "
            f"in {policy.within / 60:.0f} minutes): giving up; see "
            f"{app.channel.folder / 'logs' / 'channel.log'}"
        )
        return False
    why = "" if code is None else f" (exit status {code})"
    say(f"The school channel stopped by itself{why}; starting it again in {delay:.0f} s")
    if done.wait(delay):
        return True
    try:
        app.restart()
    except DeviceError as error:
        say(f"The school channel could not start again: {error}")
        return True
    say(f"The school channel is running again (gunicorn pid {app.pid})")
    return True
