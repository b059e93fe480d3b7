"""One RTMP connection of the streaming process, and the settings it is opened with.

An FLV container to the server with two encoders (H.264 + AAC) for raw frames and sound,
or two plain streams for packets the show's process encoded already (``header`` set):
:class:`RtmpConnection` restarts the packets' times at the connection's first keyframe,
and flushes its encoders on close (raw frames are encoded by :mod:`broadcast.rtmp_raw`).
PyAV only: the child that muxes packets loads neither NumPy nor OpenCV. Run by
:func:`stream_worker.run_stream`, which decides when to open and drop one.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import av

from kaizen_studio.broadcast.packets import EncodedPacket, StreamHeader, add_mux_streams

FLV_TIME_BASE = Fraction(1, 1000)


@dataclass(frozen=True, slots=True, kw_only=True)
class StreamSettings:
    url: str
    width: int
    height: int
    fps: float
    sample_rate: int
    channels: int
    video_bitrate: int
    max_delay: float
    header: StreamHeader | None = None
    """Set when the show's process encodes: the child then only muxes packets."""


class RtmpConnection:
    """One RTMP connection: an FLV container with two encoders, or two plain streams for
    packets encoded elsewhere (``settings.header``)."""

    def __init__(self, settings: StreamSettings) -> None:
        self.settings = settings
        self.container = av.open(settings.url, "w", format="flv", timeout=4.0)
        self.shift: Fraction | None = None  # packets: the stream starts at this keyframe
        if settings.header is not None:
            self.video, self.audio = add_mux_streams(self.container, settings.header)
            return
        gop = str(max(1, round(settings.fps)))
        video = self.container.add_stream("libx264", rate=round(settings.fps))
        video.width, video.height, video.pix_fmt = settings.width, settings.height, "yuv420p"
        video.bit_rate = settings.video_bitrate
        video.time_base = FLV_TIME_BASE
        video.options = {
            "preset": "veryfast",
            "tune": "zerolatency",
            "bf": "0",
            "g": gop,
            "keyint_min": gop,
            "sc_threshold": "0",
        }
        audio = self.container.add_stream("aac", rate=settings.sample_rate)
        audio.layout = "stereo" if settings.channels == 2 else "mono"
        audio.bit_rate = 128_000
        self.video, self.audio = video, audio

    def take(self, packet: EncodedPacket) -> tuple[list[av.Packet], bool]:
        """The packet for this connection (none before its first keyframe), and whether
        it was a picture that got sent. Times restart at that keyframe."""
        if self.shift is None:
            if packet.kind != "v" or not packet.keyframe:
                return [], False
            self.shift = packet.dts * packet.time_base
        shift = round(self.shift / packet.time_base)
        if packet.dts < shift:
            return [], False  # sound from before the keyframe
        stream = self.video if packet.kind == "v" else self.audio
        return [packet.to_av(stream, shift=shift)], packet.kind == "v"

    def close(self) -> None:
        try:
            if self.settings.header is None:
                self.container.mux(self.video.encode(None))
                self.container.mux(self.audio.encode(None))
        finally:
            self.container.close()


def abandon(connection: RtmpConnection) -> None:
    """Drop a broken connection without waiting on it (its socket is gone)."""
    try:
        connection.container.close()
    except (OSError, av.FFmpegError):
        return
