"""Waiting for a condition in a test, with a generous bound instead of a bare sleep."""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import partial

from kaizen_studio.core.fake_clock import FakeClock

BOUND = 60.0
"""Seconds a condition may take on a busy machine before the test fails."""


def wait_until(
    condition: Callable[[], bool],
    *,
    timeout: float = BOUND,
    what: str = "the condition",
    every: float = 0.01,
    why: Callable[[], str] | None = None,
) -> None:
    """Return as soon as ``condition()`` is true, asking every ``every`` s (longer for a
    costly question, such as a browser's screenshot); fail the test after ``timeout`` s,
    saying ``what`` was awaited and ``why()`` (what was seen instead)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            seen = f": {why()}" if why is not None else ""
            raise AssertionError(f"waited {timeout:.0f} s for {what}{seen}")
        time.sleep(every)


def step(
    clock: FakeClock,
    seconds: float | None = None,
    *,
    times: int = 1,
    sleepers: int = 1,
    ready: Callable[[int], bool] | None = None,
) -> None:
    """Move ``clock`` on by ``seconds`` (None: to the soonest moment a thread sleeps
    until, such as a programme's next tick), ``times`` times, each once ``sleepers``
    threads are asleep on it (the thread driven has done what the last move let it do)
    and ``ready(moves so far)`` is true (another worker has caught up); return when they
    are asleep again."""
    for moved in range(times):
        wait_until(lambda: clock.asleep >= sleepers, what="the thread to wait for the clock")
        if ready is not None:
            wait_until(partial(ready, moved), what="the workers to catch up")
        wake = clock.next_wake() if seconds is None else None
        clock.advance(
            seconds if seconds is not None else 0.0 if wake is None else wake - clock.now()
        )
    wait_until(lambda: clock.asleep >= sleepers, what="the thread to wait for the clock")
