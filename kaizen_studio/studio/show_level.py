"""Steps the running show down and up: the policy's decisions put into effect.

:class:`ShowLevels` looks at the programme's load a few times a second (the fullest
encoder queue, the key's time, late ticks), asks :class:`studio.step_down.StepDownPolicy`
what to do, and does it: every output that encodes (a :class:`SteppedOutput`) is given
the level's encoder effort, the key stage its size (:attr:`ShowLevel.key_divisor`); the
programme asks :meth:`ShowLevels.skips` whether a tick makes a picture at the level's
frame rate. Each change is logged and kept in words (:attr:`ShowLevels.words`) for the
status strip.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Protocol, runtime_checkable

from kaizen_studio.broadcast.effort import EncoderEffort
from kaizen_studio.core.clock import Clock
from kaizen_studio.studio.step_down import (
    WARM_UP_SECONDS,
    Load,
    Reason,
    ShowLevel,
    Step,
    StepDownPolicy,
)

log = logging.getLogger(__name__)

LOOK_SECONDS = 0.25
"""How often the load is looked at (the show's clock)."""


class Encoding(Protocol):
    """An encoder's worker (:class:`broadcast.encoder_worker.EncoderWorker`)."""

    effort: EncoderEffort

    @property
    def backlog(self) -> float: ...


@runtime_checkable
class SteppedOutput(Protocol):
    """An output whose encoder can be asked for less work (:class:`broadcast.BroadcastOutput`)."""

    encoding: Encoding


class CheaperKey(Protocol):
    """A key stage with cheaper paths (:class:`studio.stages.KeyStage`)."""

    divisor: int


class ShowLevels:
    """Applies :class:`StepDownPolicy` to a running show (see the module)."""

    def __init__(
        self,
        *,
        clock: Clock,
        fps: float,
        key: CheaperKey,
        warm_up_seconds: float = WARM_UP_SECONDS,
    ) -> None:
        self.clock, self.fps, self.frame_ms, self.key = clock, fps, 1000.0 / fps, key
        self.policy = StepDownPolicy(warm_up_seconds=warm_up_seconds)
        self.last: Step | None = None
        """the last change, None while at full quality from the start"""
        self.steps: list[Step] = []
        """every change, oldest first (for the show's record and the benchmarks)"""
        self._looked: float | None = None
        self._late = 0

    @property
    def level(self) -> ShowLevel:
        return self.policy.level

    @property
    def words(self) -> str:
        """The level in words once the show has stepped ('' before)."""
        return "" if self.last is None else self.last.words

    def skips(self, tick: float, *, last: float) -> bool:
        """At a lower frame rate (the show's lowest step, :attr:`ShowLevel.rate_divisor`),
        whether ``tick`` makes no picture, the last one made at ``last``: that one stands
        until the next (its time stamp says so; the recording has no gap, only fewer
        pictures)."""
        divisor = self.level.rate_divisor
        return divisor != 1 and tick - last < (divisor - 0.5) / self.fps

    def look(self, outputs: Iterable[object], *, key_ms: float, late: int) -> Step | None:
        """Look at the load (at most every :data:`LOOK_SECONDS`) and step if the policy
        says so; every stepped output is given the level's effort. The step taken."""
        now = self.clock.now()
        if self._looked is not None and now - self._looked < LOOK_SECONDS:
            return None
        self._looked = now
        stepped = [o for o in outputs if isinstance(o, SteppedOutput)]
        load = Load(
            backlog=max((o.encoding.backlog for o in stepped), default=0.0),
            key_share=key_ms / self.frame_ms,
            late_ticks=late - self._late,
        )
        self._late = late
        step = self.policy.decide(now, load)
        if step is not None:
            self.last = step
            self.steps.append(step)
            up = step.reason is Reason.ROOM
            log.log(logging.INFO if up else logging.WARNING, "%s", step.words)
        effort = self.level.effort
        for output in stepped:
            output.encoding.effort = effort
        self.key.divisor = self.level.key_divisor
        return step
