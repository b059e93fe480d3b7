"""What ``studio serve`` says about partner relays and guests, read from nginx's statistics.

Once a second :meth:`RelayWatch.poll` reads nginx's statistics, keeps them as
FOLDER/status.json (for the staff page; loopback only), says when a relay connects or is
lost (with its bitrate and dropped frames) and when a guest goes on or off air, and cuts a
guest whose key was revoked while it was on air. It never raises: a statistics read that
fails is said once and tried again.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from kaizen_studio.broadcast.relays import (
    RelayHealth,
    ServerStatus,
    drop_publisher,
    fetch_stat,
    parse_status,
    write_status,
)
from kaizen_studio.broadcast.server import MediaServer
from kaizen_studio.core.errors import DeviceError, InputError

log = logging.getLogger(__name__)

EVERY = 1.0
"""Seconds between two reads of nginx's statistics."""
SUMMARY_EVERY = 60.0
"""Seconds between two lines summing up every relay while the show is on air."""


def relay_line(relay: RelayHealth) -> str:
    """One line for the screen about ``relay``."""
    if relay.connected:
        return (
            f"Relay to {relay.name} connected ({relay.url}): {_bitrate(relay)}, "
            f"{relay.dropped} frames dropped"
        )
    return f"Relay to {relay.name} not connected ({relay.url}); nginx tries again every second"


def _short(relay: RelayHealth) -> str:
    if not relay.connected:
        return f"{relay.name} not connected"
    return f"{relay.name} {_bitrate(relay)}, {relay.dropped} dropped"


def _bitrate(relay: RelayHealth) -> str:
    """nginx measures a stream's bitrate over 10 s: none in a relay's first seconds."""
    return f"{relay.bitrate / 1000:.0f} kbit/s" if relay.bitrate else "bitrate not measured yet"


class RelayWatch:
    """Reads ``server``'s statistics for ``say`` (one line at a time); see the module."""

    def __init__(
        self,
        server: MediaServer,
        say: Callable[[str], None],
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.server, self.say, self.clock = server, say, clock
        self.status: ServerStatus | None = None
        self._next = 0.0
        self._summary = 0.0
        self._failing = False

    def poll(self) -> None:
        """Read the statistics if a second has passed since the last read."""
        now = self.clock()
        if now < self._next or not self.server.running:
            return
        self._next = now + EVERY
        try:
            status = parse_status(fetch_stat(self.server.stat_url), self.server.partners)
        except (DeviceError, ValueError) as error:
            if not self._failing:
                self.say(f"Cannot read the relays' health now: {error}")
            self._failing = True
            return
        self._failing = False
        write_status(self.server.folder, status)
        self._tell(self.status, status)
        self.status = status
        self._cut_revoked(status)

    def _tell(self, before: ServerStatus | None, now: ServerStatus) -> None:
        old = {relay.name: relay.connected for relay in before.relays} if before else {}
        for relay in now.relays:
            if relay.connected != old.get(relay.name, False):
                self.say(relay_line(relay))
        if now.relays and now.on_air and self.clock() >= self._summary:
            self._summary = self.clock() + SUMMARY_EVERY
            self.say("Relays: " + "; ".join(_short(relay) for relay in now.relays))
        was = set(before.guests) if before else set()
        for stream in sorted(set(now.guests) - was):
            self.say(f"Guest on air: live/{stream}")
        for stream in sorted(was - set(now.guests)):
            self.say(f"Guest off air: live/{stream}")

    def _cut_revoked(self, status: ServerStatus) -> None:
        if not status.guests:
            return
        try:
            allowed = self.server.guests.guests()
        except InputError as error:
            allowed = {}
            log.warning("%s", error)
        for stream in status.guests:
            if stream in allowed:
                continue
            try:
                drop_publisher(self.server.http_port, stream)
            except DeviceError as error:
                self.say(f"Could not cut live/{stream} (its key was revoked): {error}")
                continue
            self.say(f"Cut live/{stream}: its guest key was revoked")
