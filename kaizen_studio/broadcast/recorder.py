"""Recording the programme with its sound to MP4 (H.264 + AAC), crash-safe.

The file is written as :class:`broadcast.mp4.RecordingFile` does: a fragmented MP4 under
a hidden name while recording (it still plays if the laptop loses power), rewritten once
as an ordinary MP4 with its index at the front on stop. Encoding runs in a worker thread
fed by a bounded queue: ``send`` never waits and never raises; a full disk or an
unwritable folder stops the recording, says so in :meth:`Recorder.stats`, and keeps what
was recorded playable. A recorder is a :class:`broadcast.BroadcastOutput` that only
records; to stream as well from the same encoder, use that class with ``stream=``.
"""

from __future__ import annotations

import os
from pathlib import Path

from kaizen_studio.broadcast.output import BroadcastOutput


class Recorder(BroadcastOutput):
    """Records frames and audio blocks (stamped on the show's clock) to ``path``."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        width: int,
        height: int,
        fps: float,
        sample_rate: int = 48000,
        channels: int = 2,
        video_bitrate: int | None = None,
        buffer_seconds: float = 4.0,
    ) -> None:
        super().__init__(
            record=path,
            width=width,
            height=height,
            fps=fps,
            sample_rate=sample_rate,
            channels=channels,
            video_bitrate=video_bitrate,
            buffer_seconds=buffer_seconds,
        )

    @property
    def path(self) -> Path:
        """The final MP4."""
        assert self.file is not None
        return self.file.path

    @property
    def partial(self) -> Path:
        """The fragmented MP4 while recording (and after a failure)."""
        assert self.file is not None
        return self.file.partial
