"""A show clock that a test moves by hand, so timing logic is tested without real time.

:class:`FakeClock` is a :class:`core.clock.Clock`: give it wherever the engine takes a
clock (a :class:`core.clock.Pacer`, a sound source, a microphone's stamps). Its time moves
only when the test calls :meth:`FakeClock.advance` (or, with ``auto=True``, when the code
under test sleeps: the sleep jumps the time to its end at once, for loops driven from the
test's own thread). A thread sleeping on it waits until the test has moved the time past
the moment it sleeps until, so the order of events is the test's, whatever the machine's
load.
"""

from __future__ import annotations

import threading

from kaizen_studio.core.clock import Clock

SAFETY_SECONDS = 60.0
"""A sleep on a clock the test never moves returns after this much real time, so a
forgotten ``advance`` fails the test instead of hanging it."""


class FakeClock(Clock):
    """Seconds since the show started, as set by the test.

    Parameters
    ----------
    start : the time it reads at first (seconds).
    auto : a sleep moves the time to its end at once (a test driving one loop itself)
        instead of waiting for :meth:`advance` from another thread.
    """

    def __init__(self, start: float = 0.0, *, auto: bool = False) -> None:
        super().__init__()
        self._now = float(start)
        self.auto = auto
        self._moved = threading.Condition()
        self.sleeps = 0
        """How many sleeps it was asked for (a loop that never waits never sleeps)."""
        self._sleepers: list[float] = []  # the moments the threads asleep wait for

    @property
    def asleep(self) -> int:
        """How many threads wait for a time still to come (one the test moved the time
        past no longer counts, even before it runs): move the time once the thread the
        test drives has done its work and gone to sleep again."""
        with self._moved:
            return sum(1 for moment in self._sleepers if moment > self._now)

    def now(self) -> float:
        with self._moved:
            return self._now

    def advance(self, seconds: float) -> float:
        """Move the time on by ``seconds`` (>= 0) and wake the sleepers it reaches; the
        new time."""
        if seconds < 0:
            raise ValueError(f"a clock only goes forward, got {seconds} s")
        with self._moved:
            self._now += seconds
            self._moved.notify_all()
            return self._now

    def next_wake(self) -> float | None:
        """The soonest moment a thread asleep on the clock waits for (None: none)."""
        with self._moved:
            waiting = [moment for moment in self._sleepers if moment > self._now]
            return min(waiting) if waiting else None

    def release(self) -> None:
        """From now on every sleep moves the time to its end at once (``auto``), waking
        the threads asleep on it: call it before stopping what runs on this clock."""
        with self._moved:
            self.auto = True
            self._moved.notify_all()

    def sleep_until(self, moment: float) -> None:
        """Return once the time has reached ``moment`` (at once with ``auto``)."""
        with self._moved:
            self.sleeps += 1
            if self.auto:
                self._now = max(self._now, moment)
                return
            self._sleepers.append(moment)
            try:
                self._moved.wait_for(
                    lambda: self.auto or self._now >= moment, timeout=SAFETY_SECONDS
                )
            finally:
                self._sleepers.remove(moment)
            self._now = max(self._now, moment) if self.auto else self._now
