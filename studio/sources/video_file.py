"""A video file as a source: decoded in a worker, paced in real time, looped."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from studio.backdrop import open_video
from studio.clock import Clock
from studio.media import Image
from studio.sources.base import ThreadedSource


class VideoFileSource(ThreadedSource):
    """Plays ``path`` at its own pace (by its timestamps) and, with ``loop``, again."""

    def __init__(
        self, path: str | os.PathLike[str], *, loop: bool = True, clock: Clock | None = None
    ) -> None:
        super().__init__(clock=clock)
        self.path, self.loop = Path(path), loop
        open_video(self.path).close()  # a missing or broken file is refused at once
        self.name = f"the video {self.path.name}"

    def produce(self) -> Iterator[Image]:
        began = self.clock.now()
        offset = 0.0
        while not self.stopping:
            last = 0.0
            with open_video(self.path) as container:
                stream = container.streams.video[0]
                for frame in container.decode(stream):
                    if self.stopping:
                        return
                    if frame.pts is None:
                        continue
                    last = float(frame.pts * frame.time_base)
                    self.clock.sleep_until(began + offset + last)
                    yield frame.to_ndarray(format="bgr24")
            if not self.loop:
                return
            rate = stream.average_rate
            offset += last + (1.0 / float(rate) if rate else 0.04)
