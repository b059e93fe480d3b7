"""What crosses from the encoder to a file or another process: packets and the stream's header.

:class:`EncodedPacket` (the bytes, their times, the keyframe flag, the time base) and
:class:`StreamHeader` (the codecs' set-up, ``extradata``: H.264's SPS/PPS, AAC's
AudioSpecificConfig) are small and picklable; :func:`add_mux_streams` builds the streams of
any container (MP4 file, FLV over RTMP) from a header without opening an encoder there.
This module needs PyAV only (no NumPy, no OpenCV): the streaming child imports it, and
the less it imports the less memory it holds. :func:`give_way` lowers an encoding
thread's (or process's) priority below the show's.
"""

from __future__ import annotations

import io
import os
import sys
import threading
from dataclasses import dataclass
from fractions import Fraction

import av

VIDEO_TIME_BASE = Fraction(1, 90000)

ENCODER_NICENESS = 5
"""How far below the show an encoder runs (Linux nice steps, 0-19). The show's clock,
the camera and the keyer must make every frame on time; the encoder only has to keep up
on average, and its queue holds a few seconds. At 5 the scheduler gives the show about
three times the encoder's share of a busy core, yet the encoder keeps the idle time."""


def give_way(niceness: int = ENCODER_NICENESS) -> None:
    """Lower the calling thread's priority by ``niceness`` (Linux; elsewhere nothing).
    Threads it starts afterwards, such as x264's, inherit it; it cannot be raised back
    without privileges, so call it only on a thread (or process) made for encoding."""
    if not 0 <= niceness <= 19:
        raise ValueError(f"niceness {niceness} is not within 0..19")
    if sys.platform.startswith("linux"):
        tid = threading.get_native_id()
        current = os.getpriority(os.PRIO_PROCESS, tid)
        os.setpriority(os.PRIO_PROCESS, tid, min(19, current + niceness))


@dataclass(frozen=True, slots=True)
class StreamHeader:
    """What a muxer needs to know about the encoded streams (picklable)."""

    width: int
    height: int
    fps: float
    sample_rate: int
    channels: int
    video_extradata: bytes
    audio_extradata: bytes
    video_bitrate: int


@dataclass(frozen=True, slots=True)
class EncodedPacket:
    """One encoded packet: ``kind`` 'v' (H.264) or 'a' (AAC), times in ``time_base``."""

    kind: str
    data: bytes
    pts: int
    dts: int
    keyframe: bool
    time_base: Fraction

    @classmethod
    def of(cls, kind: str, packet: av.Packet) -> EncodedPacket:
        if packet.pts is None or packet.dts is None or packet.time_base is None:
            raise ValueError(f"an encoded {kind!r} packet has no time stamps")
        return cls(
            kind, bytes(packet), packet.pts, packet.dts, packet.is_keyframe, packet.time_base
        )

    def to_av(self, stream: av.stream.Stream, *, shift: int = 0) -> av.Packet:
        """A PyAV packet for ``stream``, its times moved back by ``shift`` (in time_base)."""
        packet = av.Packet(self.data)
        packet.pts, packet.dts = self.pts - shift, self.dts - shift
        packet.time_base = self.time_base
        packet.is_keyframe = self.keyframe
        packet.stream = stream
        return packet


def add_mux_streams(
    container: av.container.OutputContainer, header: StreamHeader
) -> tuple[av.VideoStream, av.AudioStream]:
    """Add an H.264 and an AAC stream described by ``header`` to ``container``, for muxing
    packets encoded elsewhere (no encoder is opened)."""
    with av.open(io.BytesIO(), "w", format="mp4") as blank:
        video = container.add_stream_from_template(blank.add_stream("libx264"))
        audio = container.add_stream_from_template(blank.add_stream("aac"))
    v, a = video.codec_context, audio.codec_context
    v.width, v.height, v.pix_fmt = header.width, header.height, "yuv420p"
    v.extradata = header.video_extradata
    if header.video_bitrate:
        v.bit_rate = header.video_bitrate
    video.time_base = VIDEO_TIME_BASE
    a.sample_rate = header.sample_rate
    a.layout = "stereo" if header.channels == 2 else "mono"
    a.extradata = header.audio_extradata
    a.bit_rate = 128_000
    audio.time_base = Fraction(1, header.sample_rate)
    return video, audio
