"""Waiting for a condition in a test, with a generous bound instead of a bare sleep."""

from __future__ import annotations

import time
from collections.abc import Callable

BOUND = 60.0
"""Seconds a condition may take on a busy machine before the test fails."""


def wait_until(
    condition: Callable[[], bool], *, timeout: float = BOUND, what: str = "the condition"
) -> None:
    """Return as soon as ``condition()`` is true; fail the test after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {timeout:.0f} s for {what}")
        time.sleep(0.01)
