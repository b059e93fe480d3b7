"""The engine's one clock, pacing at a frame rate, and keeping the ticks steady.

Every frame and audio block is stamped with :meth:`Clock.now`: seconds on the monotonic
clock since the show started. Audio and video are lined up by these stamps, never by
counting frames.
"""

from __future__ import annotations

import gc
import math
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass


class Clock:
    """Seconds since the show started, on the system's monotonic clock."""

    def __init__(self) -> None:
        self._start = time.monotonic()

    def now(self) -> float:
        return time.monotonic() - self._start

    def sleep_until(self, moment: float) -> None:
        """Sleep until ``moment`` (seconds on this clock); return at once if it has passed."""
        delay = moment - self.now()
        if delay > 0:
            time.sleep(delay)


@dataclass
class Pacer:
    """Ticks at ``fps`` frames per second on ``clock`` from ``start`` (None: now), on that
    grid for good; a late tick is counted, not caught up (the next tick is the one just
    due, so a slow frame never causes a burst and the ticks keep their phase)."""

    clock: Clock
    fps: float
    ticks: int = 0
    late: int = 0
    start: float | None = None

    def __post_init__(self) -> None:
        if not 1 <= self.fps <= 240:
            raise ValueError(f"frame rate must be 1 to 240 frames per second, got {self.fps}")
        self._next = self.clock.now() if self.start is None else self.start

    def wait(self) -> float:
        """Sleep until the next tick and return its time on the clock."""
        period = 1.0 / self.fps
        now = self.clock.now()
        if now > self._next + period:  # more than a whole frame late: skip ahead
            self.late += 1
            self._next += math.floor((now - self._next) / period) * period
        self.clock.sleep_until(self._next)
        tick = self._next
        self._next += period
        self.ticks += 1
        return tick


def first_tick(picture: float, now: float, fps: float) -> float:
    """The first tick from ``now`` a quarter of a frame after a picture stamped
    ``picture`` (and so after the pictures of a source at ``fps`` on the same clock).

    The compositor takes the newest picture due at each tick, some milliseconds after
    the tick (later still after a slow frame). With the ticks just after the pictures,
    each finds its own picture due for up to three quarters of a frame; with the ticks
    just before them, a little delay would find the picture before again (shown twice,
    and the next one dropped).
    """
    period = 1.0 / fps
    after = picture + period / 4
    return after + math.ceil((now - after) / period) * period


_shows_lock = threading.Lock()
_shows = 0  # shows running inside :func:`set_up_kept`


@contextmanager
def set_up_kept() -> Iterator[None]:
    """While a show runs, keep what was set up before it out of the garbage collector's
    full collections.

    A full collection scans every object Python tracks; with the keyer's compiler, PyAV
    and the sources loaded that is about 120,000 objects and 25-65 ms with the GIL held
    (a 1080p show), which holds up the compositor and can make a tick late. On entering (the first
    show only) what the set-up left over is collected, then everything there is now is
    frozen (:func:`gc.freeze`): full collections during the show scan only what the show
    has made since. On leaving (the last show) it is all unfrozen, so the show's own
    leftovers can be collected again. Reference counting frees objects as ever.
    """
    global _shows
    with _shows_lock:
        _shows += 1
        if _shows == 1:
            gc.collect()
            gc.freeze()
    try:
        yield
    finally:
        with _shows_lock:
            _shows -= 1
            if _shows == 0:
                gc.unfreeze()
