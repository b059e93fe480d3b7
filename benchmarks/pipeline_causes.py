"""Why the live pipeline benchmark's show fell behind: the spans at half rate, the garbage
collector's pauses, and the late ticks put down to a step or a collection.

Used by :mod:`benchmarks.pipeline` (split off to keep it under 400 lines).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from kaizen_studio.studio.step_down import Step


def half_rate_spans(steps: list[Step], origin: float, length: float) -> list[tuple[float, float]]:
    """The spans (seconds from ``origin``, the first picture) the show spent making half as
    many pictures a second, from its ``steps``; the last runs to ``length``."""
    spans, since = [], None
    for step in steps:
        if step.level.rate_divisor > 1 and since is None:
            since = step.at - origin
        elif step.level.rate_divisor == 1 and since is not None:
            spans.append((since, step.at - origin))
            since = None
    return spans + ([(since, length)] if since is not None else [])


def collections_timed(
    pauses: list[tuple[float, float]], now: Callable[[], float]
) -> Callable[[str, dict[str, int]], None]:
    """A :data:`gc.callbacks` entry that adds each collection (its end by ``now``, the
    show's clock, and its length in ms) to ``pauses``."""
    began = [0.0]

    def timed(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            began[0] = time.perf_counter()
        else:
            pauses.append((now(), (time.perf_counter() - began[0]) * 1000.0))

    return timed


def late_by_cause(
    samples: list[tuple[float, int]], steps: list[float], pauses: list[tuple[float, float]]
) -> dict[str, float]:
    """The late ticks of each second sampled (``samples``: its time from the start and
    the late ticks so far), put down to what happened in it or the second before: a step
    (its time from the start), a collection over 10 ms (``pauses``: its time from the
    start, its length in ms), or neither; a second with both counts as the step's."""
    causes = dict.fromkeys(("late_at_steps", "late_at_gc", "late_other"), 0.0)
    long_pauses = [at for at, ms in pauses if ms > 10.0]
    before = (0.0, 0)
    for sample in samples:
        late = sample[1] - before[1]
        window = (before[0] - 1.0, sample[0])
        if late > 0 and any(window[0] <= at <= window[1] for at in steps):
            causes["late_at_steps"] += late
        elif late > 0 and any(window[0] <= at <= window[1] for at in long_pauses):
            causes["late_at_gc"] += late
        else:
            causes["late_other"] += late
        before = sample
    return causes
