"""The programme's health as numbers, and the rolling means its stage timings use."""

from __future__ import annotations

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
