"""The one frame interface shared by sources, filters and outputs.

Every video frame and audio block carries its presentation time in seconds on the
engine's monotonic clock (:class:`core.clock.Clock`), and passes it on unchanged.
Audio and video are synchronised by these timestamps, never by counting.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
import numpy.typing as npt

Image = npt.NDArray[np.uint8]
"""A BGR uint8 image of shape (height, width, 3), OpenCV's channel order."""

Samples = npt.NDArray[np.float32]
"""Audio samples, float32 in [-1, 1], shape (n_samples, channels)."""


@dataclass(frozen=True, slots=True)
class VideoFrame:
    """One BGR uint8 picture and its presentation time in seconds."""

    image: Image
    pts: float
    index: int = 0
    meta: dict[str, object] = field(default_factory=dict)

    @property
    def size(self) -> tuple[int, int]:
        """(width, height) in pixels."""
        return int(self.image.shape[1]), int(self.image.shape[0])


@dataclass(frozen=True, slots=True)
class AudioBlock:
    """A block of float32 samples, shape (n, channels), starting at ``pts`` seconds."""

    samples: Samples
    sample_rate: int
    pts: float

    @property
    def duration(self) -> float:
        return float(self.samples.shape[0]) / float(self.sample_rate)


class VideoSource(Protocol):
    """Anything that yields video frames: a camera, a file, the demo presenter, a filter."""

    def start(self) -> None: ...

    def read(self) -> VideoFrame | None:
        """The newest frame, or None when none is ready yet."""
        ...

    def stop(self) -> None: ...

    def close(self) -> None: ...


class SourceState(enum.StrEnum):
    """Where a source is. (A ``StrEnum``: its value is a plain word for logs.)"""

    IDLE = "idle"
    """not started"""
    RUNNING = "running"
    ENDED = "ended"
    """a video file's last picture is due (not looping)"""
    STOPPED = "stopped"
    """stopped as asked"""
    FAILED = "failed"
    """stopped by a fault (the message says which)"""

    @property
    def gone(self) -> bool:
        """No more pictures will come by themselves (ended or failed)."""
        return self in (SourceState.ENDED, SourceState.FAILED)


class VideoOutput(Protocol):
    """Anything that consumes programme frames: a recorder, a streamer, a virtual camera."""

    def start(self) -> None: ...

    def send(self, frame: VideoFrame) -> None: ...

    def stop(self) -> None: ...
