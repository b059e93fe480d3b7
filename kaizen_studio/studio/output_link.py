"""One output of the programme and how frames and sound reach it; and the simplest output,
which keeps the newest frame for a preview to read.

An output that has its own bounded queue and never waits in ``send`` (an encoder: a
:class:`QueuedOutput`) is handed each frame directly: one queue between the compositor and
the encoder, not two in a row. Any other output gets a queue and a worker thread here
("latest": the newest frame only, for previews and the virtual camera; "buffered": a few
seconds). Sound reaches an output through a declared interface, :class:`SoundOutput`.
"""

from __future__ import annotations

import logging
import queue
import threading
from dataclasses import dataclass, field
from typing import Literal, Protocol, runtime_checkable

from kaizen_studio.core.media import AudioBlock, VideoFrame, VideoOutput

log = logging.getLogger(__name__)

Mode = Literal["latest", "buffered"]
Feed = Literal["programme", "camera"]


@runtime_checkable
class QueuedOutput(Protocol):
    """An output with its own queue, bounded in bytes, whose ``send`` never waits and
    never raises (:class:`broadcast.BroadcastOutput`): the link hands it frames directly."""

    max_queue_bytes: int

    def send(self, frame: VideoFrame) -> None: ...


@runtime_checkable
class SoundOutput(Protocol):
    """An output that takes the show's sound (stamped on the show's clock); it must not
    block."""

    def send_audio(self, block: AudioBlock) -> None: ...


@dataclass
class OutputLink:
    """One output, how frames reach it (directly, or through a queue and worker), and
    whether it takes sound."""

    output: VideoOutput
    mode: Mode
    capacity: int
    feed: Feed = "programme"
    sent: int = 0
    dropped: int = 0
    failed: str = ""
    frames: queue.Queue[VideoFrame | None] = field(init=False)
    thread: threading.Thread | None = None
    direct: bool = field(init=False)
    """frames go straight to the output's own queue (this link queues nothing)"""
    sound: SoundOutput | None = field(init=False)
    """the output, when it takes sound"""

    def __post_init__(self) -> None:
        self.direct = self.mode == "buffered" and isinstance(self.output, QueuedOutput)
        self.sound = self.output if isinstance(self.output, SoundOutput) else None
        # a direct link's queue only ever carries the end (None)
        small = self.mode == "latest" or self.direct
        self.frames = queue.Queue(maxsize=1 if small else self.capacity)

    def offer(self, frame: VideoFrame) -> None:
        """Hand ``frame`` over without waiting: to the output's own queue (direct), or
        here, dropping the oldest (latest) or this one (buffered) when full."""
        if self.direct:
            self._send(frame)
            return
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

    def send_audio(self, block: AudioBlock) -> None:
        """Hand a block of the show's sound to the output if it takes sound."""
        if self.sound is not None and not self.failed:
            self.sound.send_audio(block)

    def run(self) -> None:
        """The worker: send queued frames until the end (None)."""
        while True:
            frame = self.frames.get()
            if frame is None:
                return
            self._send(frame)

    def _send(self, frame: VideoFrame) -> None:
        if self.failed:
            return
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
