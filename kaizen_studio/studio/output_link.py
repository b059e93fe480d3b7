"""One output of the programme, with its own bounded queue and worker thread; and the
simplest output, which keeps the newest frame for a preview to read."""

from __future__ import annotations

import logging
import queue
import threading
from dataclasses import dataclass, field
from typing import Literal

from kaizen_studio.core.media import VideoFrame, VideoOutput

log = logging.getLogger(__name__)

Mode = Literal["latest", "buffered"]
Feed = Literal["programme", "camera"]


@dataclass
class OutputLink:
    """One output, its queue and its worker."""

    output: VideoOutput
    mode: Mode
    capacity: int
    feed: Feed = "programme"
    sent: int = 0
    dropped: int = 0
    failed: str = ""
    frames: queue.Queue[VideoFrame | None] = field(init=False)
    thread: threading.Thread | None = None

    def __post_init__(self) -> None:
        self.frames = queue.Queue(maxsize=1 if self.mode == "latest" else self.capacity)

    def offer(self, frame: VideoFrame) -> None:
        """Hand ``frame`` over without waiting: drop the oldest (latest) or this one."""
        if self.mode == "latest":
            try:
                self.frames.get_nowait()
                self.dropped += 1
            except queue.Empty:
                pass
        try:
            self.frames.put_nowait(frame)
        except queue.Full:
            self.dropped += 1
            if self.dropped == 1:  # (then counted: the show's record has the total)
                log.warning("%s cannot keep up: frames dropped", type(self.output).__name__)

    def run(self) -> None:
        while True:
            frame = self.frames.get()
            if frame is None:
                return
            if self.failed:
                continue
            try:
                self.output.send(frame)
                self.sent += 1
            except (OSError, ValueError, RuntimeError) as error:
                self.failed = f"{type(self.output).__name__} stopped: {error}"
                log.error("%s", self.failed)


class LatestPicture:
    """An output that keeps only the newest programme frame (the preview reads it)."""

    def __init__(self) -> None:
        self.frame: VideoFrame | None = None

    def start(self) -> None:
        return None

    def send(self, frame: VideoFrame) -> None:
        self.frame = frame

    def stop(self) -> None:
        return None
