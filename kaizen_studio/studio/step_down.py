"""Never drop, degrade: when the show falls behind it steps down before a picture is lost.

:class:`StepDownPolicy` is the decision alone, a pure function of the time and the load
it is shown (tested on the fake clock): when an encoder's queue fills past
:data:`BEHIND_BACKLOG` (long before it is full and would drop), when the key takes most of
a frame's time, or when ticks come late, the show goes one :class:`ShowLevel` down (a
faster encoder setting, then a lower bitrate, then the key at half size, then at a
quarter, and last of all half as many pictures a second), waiting
:data:`SETTLE_SECONDS` between steps so that each can take effect (unless the queue
fills by :data:`BEHIND_BACKLOG` more meanwhile); once everything has
had room for :data:`ROOM_SECONDS` it goes one level back up. In the show's first
:data:`WARM_UP_SECONDS` it does not step down for what passes with the start (the streaming
child starting on the same core, x264's first pictures, the first pictures' memory), only
for an encoder whose queue fills. Each decision is a :class:`Step` with its
:class:`Reason`, said in words by :attr:`Step.words`.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from kaizen_studio.broadcast.effort import EncoderEffort

BEHIND_BACKLOG = 0.2
"""An encoder whose queue is this full (of :attr:`broadcast.BroadcastOutput.backlog`, 1:
pictures dropped) is behind: at 1080p (the queue holds about a second) 0.2 s of pictures
wait. A queue that grows by as much again before the last step has settled steps down
again at once: that step was not enough, and a second at 1080p leaves no time to wait."""
BEHIND_KEY_SHARE = 0.8
"""A key taking this share of a frame's time leaves too little for the rest."""
BEHIND_LATE_TICKS = 2
"""Ticks late since the last look that mean the show is behind."""
ROOM_BACKLOG = 0.05
"""At most this full, the encoder has room."""
ROOM_KEY_SHARE = 0.5
"""At most this share of a frame's time, the key has room."""
WARM_UP_SECONDS = 10.0
"""The show's start, from its first look at the load: the key's first pictures and the
late ticks of the start pass, and are not a reason to step down (on one shared core the
pipeline benchmark's key at 1080p averaged 137 ms over its first frames, its ladder's first
step at its first look). An encoder's queue filling is: its pictures would be dropped."""
WARM_UP_BACKLOG = 0.5
"""In the warm-up, an encoder's queue this full steps the show down (x264's first
pictures make a little wait; a show that does not fit fills its queue within seconds:
1080p at full quality costs 44 ms of CPU a frame on one core, ``benchmarks.pipeline
--costs``, against 33 ms a frame at 30 fps)."""
SETTLE_SECONDS = 2.0
"""Time a step is given to take effect before the next step down."""
ROOM_SECONDS = 20.0
"""Time with room everywhere before a step back up (much longer than a step down)."""
MOST_ROOM_SECONDS = 320.0
"""A step up that had to be taken back (behind again within :data:`ROOM_SECONDS`)
doubles the wait before the next one, up to this: a show must not bounce between two
levels every twenty seconds."""


class ShowLevel(enum.IntEnum):
    """How much work the show does, most first; each level keeps the steps above it.

    CPU a frame at 1080p on one core (``benchmarks.pipeline --costs --level N``, decode
    + key + overlays + encode): 50 ms at FULL, 37 at CHEAPER_KEY, 28 at
    CHEAPEST_KEY, and HALF_RATE makes every other picture only (the source is still
    decoded at its own rate): the lowest step that fits one core at 30 fps."""

    FULL = 0
    FASTER_ENCODER = 1
    LOWER_BITRATE = 2
    CHEAPER_KEY = 3
    CHEAPEST_KEY = 4
    HALF_RATE = 5

    @property
    def effort(self) -> EncoderEffort:
        """What the encoders are asked at this level."""
        return EncoderEffort(min(self, EncoderEffort.LEANER))

    @property
    def key_divisor(self) -> int:
        """The key works on the picture at 1/this of its width and height (1: all of it)."""
        return 1 if self < ShowLevel.CHEAPER_KEY else 2 if self < ShowLevel.CHEAPEST_KEY else 4

    @property
    def rate_divisor(self) -> int:
        """The show makes one picture every this many ticks (1: every tick)."""
        return 2 if self >= ShowLevel.HALF_RATE else 1

    @property
    def words(self) -> str:
        return {
            ShowLevel.FULL: "full quality",
            ShowLevel.FASTER_ENCODER: "a faster encoder setting",
            ShowLevel.LOWER_BITRATE: "a faster encoder setting and a lower bitrate",
            ShowLevel.CHEAPER_KEY: "a lower bitrate and a simpler key",
            ShowLevel.CHEAPEST_KEY: "a lower bitrate and the simplest key",
            ShowLevel.HALF_RATE: "the simplest key and half as many pictures a second",
        }[self]


LOWEST = max(ShowLevel)
"""The last step down."""


class Reason(enum.StrEnum):
    """Why the level changed."""

    ENCODER_BEHIND = "the encoder fell behind"
    KEY_BEHIND = "the key fell behind"
    LATE = "pictures came late"
    ROOM = "the computer has room again"


@dataclass(frozen=True, slots=True, kw_only=True)
class Load:
    """What the show looks like now."""

    backlog: float
    """the fullest encoder queue, 0 (empty) to 1 (full: pictures dropped)"""
    key_share: float
    """the key's time per frame over the frame's time"""
    late_ticks: int = 0
    """ticks that came late since the last look"""


@dataclass(frozen=True, slots=True, kw_only=True)
class Step:
    """A change of level: where to, why, when (the show's clock)."""

    level: ShowLevel
    reason: Reason
    at: float

    @property
    def words(self) -> str:
        """The change for the status strip and the log."""
        if self.reason is Reason.ROOM:
            return f"{self.reason}: back up to {self.level.words}"
        return f"{self.reason}: the show stepped down to {self.level.words}"


class StepDownPolicy:
    """Decides the show's level from its load over time (see the module); pure: the
    time is given, never read. ``warm_up_seconds``: how long from the first look the
    show does not step down for a passing load (:data:`WARM_UP_SECONDS`)."""

    def __init__(self, *, warm_up_seconds: float = WARM_UP_SECONDS) -> None:
        if warm_up_seconds < 0:
            raise ValueError(f"warm_up_seconds must be 0 or more, got {warm_up_seconds}")
        self.warm_up_seconds = warm_up_seconds
        self._began: float | None = None
        self.level = ShowLevel.FULL
        self._changed_at: float | None = None
        self._backlog_at_change = 0.0
        self._room_since: float | None = None
        self._room_needed = ROOM_SECONDS
        self._went_up_at: float | None = None

    def decide(self, now: float, load: Load) -> Step | None:
        """The step to take at ``now`` given ``load`` (None: stay)."""
        if self._began is None:
            self._began = now
        if now - self._began < self.warm_up_seconds:
            # the start's key and late ticks pass; a queue filling up does not wait
            reason = Reason.ENCODER_BEHIND if load.backlog >= WARM_UP_BACKLOG else None
        else:
            reason = behind(load)
        if reason is not None:
            self._room_since = None
            settled = self._changed_at is None or now - self._changed_at >= SETTLE_SECONDS
            worse = load.backlog >= self._backlog_at_change + BEHIND_BACKLOG  # not enough
            if self.level < LOWEST and (settled or worse):
                up = self._went_up_at
                if up is not None and now - up < ROOM_SECONDS:  # that step up was too soon
                    self._room_needed = min(2 * self._room_needed, MOST_ROOM_SECONDS)
                self._backlog_at_change = load.backlog
                return self._go(ShowLevel(self.level + 1), reason, now)
            return None
        if load.backlog > ROOM_BACKLOG or load.key_share > ROOM_KEY_SHARE:
            self._room_since = None
            return None
        if self._room_since is None:
            self._room_since = now
        if self.level > ShowLevel.FULL and now - self._room_since >= self._room_needed:
            self._room_since = self._went_up_at = now  # the next step up waits again
            self._backlog_at_change = load.backlog
            return self._go(ShowLevel(self.level - 1), Reason.ROOM, now)
        return None

    def _go(self, level: ShowLevel, reason: Reason, now: float) -> Step:
        self.level, self._changed_at = level, now
        return Step(level=level, reason=reason, at=now)


def behind(load: Load) -> Reason | None:
    """Why ``load`` is too much (None: it is not)."""
    if load.backlog >= BEHIND_BACKLOG:
        return Reason.ENCODER_BEHIND
    if load.late_ticks >= BEHIND_LATE_TICKS:
        return Reason.LATE
    if load.key_share >= BEHIND_KEY_SHARE:
        return Reason.KEY_BEHIND
    return None
