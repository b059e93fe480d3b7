"""The programme's health as numbers: the ticks counted as they go, the rolling means its
stage timings use, and the record the status strip shows."""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass

from kaizen_studio.studio.step_down import ShowLevel

STAGES = ("key", "place", "overlays", "transition", "outputs")
"""The compositor's stages (:mod:`studio.stages`) and the hand-over to the outputs, timed
each frame (:class:`ProgrammeStats`)."""


@dataclass(frozen=True, slots=True)
class ProgrammeStats:
    """The show's health as numbers (shown in the status strip).

    The ``*_ms`` figures are the mean over the last second's frames of each stage of the
    compositor: keying (and fitting the camera), placing the presenter, drawing the
    overlays, the transition (``fade_ms``) between scenes, handing the frame to the
    outputs; ``frame_ms`` is all of a frame's work. ``faults``: what went wrong and was
    taken out of the show while it went on, in words (also in ``message``). ``level``:
    how far the show has stepped down to keep every picture (:mod:`studio.step_down`),
    ``stepped`` its last change in words ('' while it never has).
    """

    frames: int
    late: int
    repeated: int
    waiting: int
    key_ms: float
    cpu: float
    outputs: dict[str, tuple[int, int]]
    message: str
    overlays_ms: float = 0.0
    fade_ms: float = 0.0
    outputs_ms: float = 0.0
    frame_ms: float = 0.0
    place_ms: float = 0.0
    faults: tuple[str, ...] = ()
    level: ShowLevel = ShowLevel.FULL
    stepped: str = ""

    @property
    def timings(self) -> str:
        """The stage timings in words, such as 'key 12.1, overlays 1.0, ... ms'."""
        return (
            f"key {self.key_ms:.1f}, place {self.place_ms:.1f}, overlays "
            f"{self.overlays_ms:.1f}, fade {self.fade_ms:.1f}, outputs {self.outputs_ms:.1f}; "
            f"frame {self.frame_ms:.1f} ms"
        )


class Rolling:
    """The mean of the last ``size`` values added (0.0 before any)."""

    def __init__(self, size: int) -> None:
        self._values: deque[float] = deque(maxlen=max(1, size))

    def add(self, value: float) -> None:
        self._values.append(value)

    @property
    def mean(self) -> float:
        values = list(self._values)
        return sum(values) / len(values) if values else 0.0


class TickCounts:
    """What the programme's ticks did, counted as they go: frames made, shown again (the
    camera slower than the show), waited for (no picture yet), failed; the hand-over to
    the outputs and the whole frame timed over the last second; the CPU since the start."""

    def __init__(self, fps: float) -> None:
        self.frames = self.repeated = self.waiting = self.failed = 0
        self.timings = {stage: Rolling(round(fps)) for stage in ("outputs", "frame")}
        self._began: tuple[float, float] | None = None  # monotonic, process time

    def begin(self) -> None:
        """The show starts now (its CPU use is counted from here)."""
        self._began = (time.monotonic(), time.process_time())

    @property
    def cpu(self) -> float:
        """Cores the show's process has used since :meth:`begin` (0.0 before)."""
        if self._began is None:
            return 0.0
        began, cpu_began = self._began
        return (time.process_time() - cpu_began) / max(time.monotonic() - began, 1e-6)

    def stats(
        self,
        stages: dict[str, Rolling],
        *,
        late: int,
        said: str,
        faults: tuple[str, ...],
        outputs: dict[str, tuple[int, int]],
        failed: list[str],
        level: ShowLevel,
        stepped: str,
    ) -> ProgrammeStats:
        """The show's :class:`ProgrammeStats`: these counts with the compositor's
        ``stages`` timings, ``said`` (the key's words) and the faults in the message."""
        timed = {name: rolling.mean for name, rolling in (*stages.items(), *self.timings.items())}
        return ProgrammeStats(
            frames=self.frames,
            late=late,
            repeated=self.repeated,
            waiting=self.waiting,
            key_ms=timed["key"],
            cpu=self.cpu,
            outputs=outputs,
            message="; ".join([said, *faults, *failed]),
            level=level,
            stepped=stepped,
            faults=faults,
            place_ms=timed["place"],
            overlays_ms=timed["overlays"],
            fade_ms=timed["transition"],
            outputs_ms=timed["outputs"],
            frame_ms=timed["frame"],
        )
