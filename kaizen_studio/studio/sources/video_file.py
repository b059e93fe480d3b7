"""A video file as a source: decoded in a worker, paced by the show's clock, looped, with
its sound (:class:`studio.playback.VideoPlayer`)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import av

from kaizen_studio.core.clock import Clock
from kaizen_studio.core.media import AudioBlock, VideoFrame
from kaizen_studio.studio.playback import VideoPlayer
from kaizen_studio.studio.sources.base import SourceStats


class VideoFileSource:
    """Plays ``path`` at its own pace (by its timestamps) and, with ``loop``, again.

    ``on_sound`` (settable until :meth:`start`; the programme sets it to a feed of the
    show's sound) gets the file's sound, stamped on the same clock as the pictures.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        loop: bool = True,
        clock: Clock | None = None,
        on_sound: Callable[[AudioBlock], None] | None = None,
    ) -> None:
        self.path, self.loop = Path(path), loop
        self.clock = clock or Clock()
        self.on_sound = on_sound
        self.name = f"the video {self.path.name}"
        self._player = VideoPlayer(self.path, clock=self.clock, loop=loop)  # checks the file
        with av.open(str(self.path)) as container:
            stream = container.streams.video[0]
            self.size = (stream.codec_context.width, stream.codec_context.height)
            """(width, height) of the pictures."""
            self.has_sound = bool(container.streams.audio)
            """Whether the file has a sound track."""

    def start(self) -> None:
        self._player.on_sound = self.on_sound
        self._player.start()

    def read(self) -> VideoFrame | None:
        """The newest picture due on the show's clock, or None before the first."""
        return self._player.newest()

    def stop(self) -> None:
        self._player.stop()

    def close(self) -> None:
        self.stop()

    def stats(self) -> SourceStats:
        player = self._player
        return SourceStats(
            frames=player.frames, dropped=player.dropped, state=player.state, message=player.message
        )

    def __enter__(self) -> VideoFileSource:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
