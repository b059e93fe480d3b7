"""The built-in demo presenter: a pupil talking and waving in front of a green cloth.

Drawn by the project (:mod:`studio.synthetic`), so every feature can be shown on a machine
with no camera. Drawing a frame takes longer than showing one (about 0.2 s at 1280x720),
so the presenter is drawn once as a loop of a few seconds, in the worker thread while the
first frames already play, and then played at the frame rate from memory.
"""

from __future__ import annotations

from collections.abc import Iterator

from kaizen_studio.core.clock import Clock, Pacer
from kaizen_studio.core.media import Image
from kaizen_studio.studio.sources.base import ThreadedSource
from kaizen_studio.studio.synthetic import SceneSpec, render_scene

DEMO_PRESENTER = SceneSpec(
    seed=7,
    uneven=0.4,
    creases=0.4,
    shadow=0.35,
    spill=0.4,
    noise=2.5,
    hair_strands=True,
    talking=True,
    waving=True,
    sway=0.06,
)
"""A school take as a webcam would see it: creased, unevenly lit cloth, a shadow, spill."""


class DemoPresenterSource(ThreadedSource):
    """The demo presenter at ``size`` (width, height) and ``fps``."""

    name = "the demo presenter"

    def __init__(
        self,
        *,
        size: tuple[int, int] = (1280, 720),
        fps: float = 25.0,
        loop_seconds: float = 4.0,
        spec: SceneSpec = DEMO_PRESENTER,
        clock: Clock | None = None,
    ) -> None:
        super().__init__(clock=clock)
        width, height = size
        if not (16 <= width <= 3840 and 16 <= height <= 2160):
            raise ValueError(f"demo presenter size must be 16x16 to 3840x2160, got {size}")
        if not 0.2 <= loop_seconds <= 60:
            raise ValueError(f"the presenter's loop must be 0.2 to 60 s, got {loop_seconds}")
        self.size, self.fps, self.spec = size, fps, spec
        self.loop_frames = max(1, round(loop_seconds * fps))
        self._drawn: list[Image] = []

    @property
    def drawn(self) -> int:
        """How many frames of the loop are drawn so far."""
        return len(self._drawn)

    def first_picture(self) -> Image:
        """The loop's first picture (draws it if the source has not started)."""
        if not self._drawn:
            self._drawn.append(render_scene(self.spec, t=0.0, size=self.size).image)
        return self._drawn[0]

    @property
    def ready(self) -> bool:
        """Whether the whole loop is drawn (from then on it plays at the full rate)."""
        return len(self._drawn) >= self.loop_frames

    def produce(self) -> Iterator[Image]:
        pacer = Pacer(self.clock, self.fps)
        index = 0
        while not self.stopping:
            pacer.wait()
            if not self.ready:  # still drawing the loop: show each frame as it is drawn
                moment = len(self._drawn) / self.fps
                self._drawn.append(render_scene(self.spec, t=moment, size=self.size).image)
                yield self._drawn[-1]
                continue
            yield self._drawn[index % self.loop_frames]
            index += 1
