"""A still picture as a source (a presenter photo, a test card)."""

from __future__ import annotations

import os

from kaizen_studio.core.clock import Clock
from kaizen_studio.core.media import Image, VideoFrame
from kaizen_studio.studio.imageio import read_image


class StillSource:
    """The same picture every time, stamped with the time it is read."""

    def __init__(
        self, picture: Image | str | os.PathLike[str], *, clock: Clock | None = None
    ) -> None:
        self.image = (
            picture
            if not isinstance(picture, str | os.PathLike)
            else read_image(picture, strict=False)
        )
        self.clock = clock or Clock()
        self._reads = 0

    def start(self) -> None:
        """Nothing to start: a picture is always ready."""

    def read(self) -> VideoFrame:
        frame = VideoFrame(self.image, self.clock.now(), self._reads)
        self._reads += 1
        return frame

    def stop(self) -> None:
        """Nothing to stop."""

    def close(self) -> None:
        """Nothing to close."""
