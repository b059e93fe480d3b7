"""Raw pictures and sound encoded in the streaming child, for :class:`broadcast.RtmpStreamer`.

:class:`RawEncoding` stamps each item from its connection's first picture, converts the
picture to 4:2:0 (:func:`broadcast.encoder.yuv420p`), and fills silence where no sound
came (players and HLS wait for a declared sound track). Only a raw stream's child imports
this module (NumPy and OpenCV with it); the show's own stream sends packets and never does.
"""

from __future__ import annotations

from fractions import Fraction

import av
import numpy as np

from kaizen_studio.broadcast.encoder import yuv420p
from kaizen_studio.broadcast.rtmp_connection import FLV_TIME_BASE, RtmpConnection, StreamSettings


class RawEncoding:
    """The times and sound of one connection's raw items (a new one for each connection)."""

    def __init__(self, settings: StreamSettings) -> None:
        self.settings = settings
        self.origin: float | None = None
        self.last_video = -1
        self.next_audio = 0

    def encode(
        self, connection: RtmpConnection, kind: str, data: np.ndarray, pts: float
    ) -> tuple[list[av.Packet], bool]:
        """Packets for one item, and whether it was a video frame that got sent."""
        if self.origin is None:
            if kind != "v":
                return [], False
            self.origin = pts
        if kind == "v":
            stamp = round((pts - self.origin) * 1000)
            if stamp <= self.last_video:
                return [], False
            self.last_video = stamp
            frame = av.VideoFrame.from_ndarray(yuv420p(data), format="yuv420p")
            frame.pts, frame.time_base = stamp, FLV_TIME_BASE
            return self._silence_until(connection, pts - 0.5) + list(
                connection.video.encode(frame)
            ), True
        rate = self.settings.sample_rate
        start = round((pts - self.origin) * rate)
        if start < 0 or start + data.shape[0] <= self.next_audio:
            return [], False
        samples = np.ascontiguousarray(data[:, : self.settings.channels].T, dtype=np.float32)
        block = av.AudioFrame.from_ndarray(
            samples, format="fltp", layout=connection.audio.layout.name
        )
        block.sample_rate = rate
        block.pts, block.time_base = max(start, self.next_audio), Fraction(1, rate)
        self.next_audio = block.pts + data.shape[0]
        return list(connection.audio.encode(block)), False

    def _silence_until(self, connection: RtmpConnection, pts: float) -> list[av.Packet]:
        """Silence up to ``pts`` when no sound has come: a show without a microphone
        still needs its declared sound track, or players and HLS wait for it."""
        assert self.origin is not None
        missing = round((pts - self.origin) * self.settings.sample_rate) - self.next_audio
        if missing < self.settings.sample_rate // 10:
            return []
        silence = np.zeros((missing, self.settings.channels), np.float32)
        packets, _ = self.encode(
            connection, "a", silence, self.origin + self.next_audio / self.settings.sample_rate
        )
        return packets
