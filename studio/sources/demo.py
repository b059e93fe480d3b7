"""The built-in demo presenter: a pupil talking and waving in front of a green cloth.

Drawn by the project (:mod:`studio.synthetic`), so every feature can be shown on a machine
with no camera. Frames are drawn in a worker thread, paced at the frame rate.
"""

from __future__ import annotations

from collections.abc import Iterator

from studio.clock import Clock, Pacer
from studio.media import Image
from studio.sources.base import ThreadedSource
from studio.synthetic import SceneSpec, render_scene

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
        spec: SceneSpec = DEMO_PRESENTER,
        clock: Clock | None = None,
    ) -> None:
        super().__init__(clock=clock)
        width, height = size
        if not (16 <= width <= 3840 and 16 <= height <= 2160):
            raise ValueError(f"demo presenter size must be 16x16 to 3840x2160, got {size}")
        self.size, self.fps, self.spec = size, fps, spec

    def produce(self) -> Iterator[Image]:
        pacer = Pacer(self.clock, self.fps)
        while not self.stopping:
            moment = pacer.wait()
            yield render_scene(self.spec, t=moment, size=self.size).image
