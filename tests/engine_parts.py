"""Stand-ins the engine's tests share: a camera that numbers its pictures (in a thread of
its own, or on a fake clock) and an output that keeps what it is sent."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import numpy as np

from kaizen_studio.core.clock import Clock, Pacer
from kaizen_studio.core.media import Image, VideoFrame
from kaizen_studio.studio.sources import ThreadedSource
from tests.conditions import BOUND


class Numbered(ThreadedSource):
    """Frames whose grey level is their number (mod 256), at ``fps`` (a camera in a
    thread of its own, on the real clock)."""

    name = "the numbered source"

    def __init__(self, fps: float) -> None:
        super().__init__()
        self.fps = fps

    def produce(self) -> Iterator[Image]:
        pacer = Pacer(self.clock, self.fps)
        count = 0
        while not self.stopping:
            pacer.wait()
            yield np.full((24, 32, 3), count % 256, np.uint8)
            count += 1


class Clocked:
    """A camera at ``fps`` on ``clock``: picture n (grey level n mod 256) from the time
    n / fps, read at once (the programme on a :class:`FakeClock` ticks when the test
    says, and this camera keeps to the same clock)."""

    def __init__(self, clock: Clock, fps: float, size: tuple[int, int] = (32, 24)) -> None:
        self.clock, self.fps, self.size = clock, fps, size
        self.started = self.stopped = 0

    def start(self) -> None:
        self.started += 1

    def read(self) -> VideoFrame:
        n = int(self.clock.now() * self.fps + 1e-9)
        picture = np.full((self.size[1], self.size[0], 3), n % 256, np.uint8)
        return VideoFrame(picture, n / self.fps, n)

    def stop(self) -> None:
        self.stopped += 1

    def close(self) -> None:
        self.stop()


class Collector:
    """An output that keeps what it is sent; ``held`` (set by the test) holds up its
    worker, as a slow encoder does; ``fail_after`` frames it fails."""

    def __init__(self, held: threading.Event | None = None, fail_after: int | None = None):
        self.frames: list[VideoFrame] = []
        self.held, self.fail_after = held, fail_after
        self.started = self.stopped = 0

    def start(self) -> None:
        self.started += 1

    def send(self, frame: VideoFrame) -> None:
        if self.fail_after is not None and len(self.frames) >= self.fail_after:
            raise OSError("the disk is full")
        if self.held is not None:
            self.held.wait(timeout=BOUND)
        self.frames.append(frame)

    def stop(self) -> None:
        self.stopped += 1
