"""Encoding the programme once: H.264 + AAC packets that a file and a stream both take.

:class:`ProgrammeEncoder` turns frames and blocks of sound (stamped on the show's clock)
into :class:`EncodedPacket` objects: the bytes, their times, the keyframe flag and the time
base; small enough to hand to another process. The codecs' set-up (``extradata``: H.264's
SPS/PPS, AAC's AudioSpecificConfig) travels once, in a :class:`StreamHeader`, from which
:func:`add_mux_streams` builds the streams of any container (MP4 file, FLV over RTMP)
without opening an encoder there.
"""

from __future__ import annotations

import logging
from collections import deque
from dataclasses import dataclass
from fractions import Fraction

import av
import cv2
import numpy as np

from kaizen_studio.broadcast.effort import EncoderEffort, effort_bitrate, x264_options
from kaizen_studio.broadcast.h264 import H264Choice, Probe, choose_h264
from kaizen_studio.broadcast.packets import VIDEO_TIME_BASE, EncodedPacket, StreamHeader
from kaizen_studio.broadcast.sound_stamps import SOUND_STAMP_SECONDS
from kaizen_studio.core.media import AudioBlock, Image, VideoFrame

log = logging.getLogger(__name__)

EARLY_BLOCKS = 500
"""Blocks of sound held for the first picture when they reach the encoder before it (the
pictures come through the output's own worker, the sound straight from the show): 10 s of
20 ms blocks."""

SILENT_SECONDS = 2.0
"""A stream's sound filled with silence when none has come for this long behind its
pictures. Half a second cut real sound on a starved machine (the show's sound thread late:
benchmarks/sound_starved.py with the stream, 2 CPU hogs, found a block 1.0 s behind)."""

RECORDING = {"preset": "superfast", "bf": "0", "x264-params": "mbtree=1:rc-lookahead=10"}
"""x264 options of a recording on its own: superfast with veryfast's rate control (the
macroblock tree over 10 frames of look-ahead), which superfast leaves out. On the keyed
newsroom at 1080p30, CRF 23: 19% less CPU than veryfast (13 against 16-17 ms a frame), the
same picture (PSNR-Y 46.6 dB), a file 16% larger (1.8 against 1.5 Mb/s); plain superfast
would make it 2.5 times larger."""

LOW_LATENCY = {"preset": "superfast", "tune": "zerolatency", "bf": "0", "sc_threshold": "0"}
"""x264 options when the packets are streamed too: no B-frames, no look-ahead. At the
stream's fixed bitrate (2.5 Mb/s, 1080p30) superfast costs 31% less CPU than veryfast
(10.8 against 15.7 ms a frame) for the same picture (PSNR-Y 44.9 dB)."""


@dataclass(frozen=True, slots=True)
class Planes:
    """A programme picture already in the encoder's 4:2:0 (:func:`yuv420p` planes, uint8
    (height * 3 / 2, width)) and its time on the show's clock: what an encoder's queue
    holds, half the bytes of the BGR picture, converted once."""

    planes: Image
    pts: float

    @classmethod
    def of(cls, frame: VideoFrame) -> Planes:
        return cls(yuv420p(frame.image), frame.pts)


Picture = VideoFrame | Planes
"""What the encoder takes as a picture."""


def check_format(*, width: int, height: int, fps: float, channels: int) -> None:
    """Refuse what H.264 + AAC cannot take, naming the bad value (checked once, at the
    boundary, for every output that encodes)."""
    if width % 2 or height % 2 or width < 16 or height < 16:
        raise ValueError(f"picture size must be even and at least 16x16, got {width}x{height}")
    if channels not in (1, 2):
        raise ValueError(f"sound must be mono or stereo, got {channels} channels")
    if not 1 <= fps <= 120:
        raise ValueError(f"frame rate must be 1 to 120, got {fps}")


class ProgrammeEncoder:
    """H.264 (keyframe every second, no B-frames) + AAC, with global headers; H.264 on the
    machine's hardware encoder when one works (``h264``, default :func:`choose_h264`), else
    x264 (:attr:`h264` says which).

    Times start at the first picture: sound stamped before it is left out (sound that
    merely *arrives* before it is held for it), a picture stamped no later than the one
    before is counted in :attr:`late` and left out. The sound track follows the show's
    clock, not the blocks that came: a gap between blocks is filled with silence, an
    overlap is cut, and :meth:`flush` fills it to the end of the last picture, so a
    recording's sound is never shorter than its pictures nor shifted from them, whatever
    was late or dropped on the way. ``fill_silence`` adds silence when no sound has come
    for :data:`SILENT_SECONDS` (a stream's declared sound track must not stall players).
    :meth:`set_effort` asks it for less work (or full work again) from the next picture.
    Not thread-safe: one worker feeds it.
    """

    def __init__(
        self,
        *,
        width: int,
        height: int,
        fps: float,
        sample_rate: int = 48000,
        channels: int = 2,
        video_bitrate: int | None = None,
        options: dict[str, str] | None = None,
        fill_silence: bool = False,
        h264: H264Choice | None = None,
    ) -> None:
        check_format(width=width, height=height, fps=fps, channels=channels)
        self.width, self.height, self.fps = width, height, fps
        self.sample_rate, self.channels = sample_rate, channels
        self.fill_silence = fill_silence
        self.h264 = choose_h264() if h264 is None else h264
        self.effort = EncoderEffort.FULL
        self._bitrate, self._options = video_bitrate, options or RECORDING
        try:
            video = self._open_video(self.h264.encoder, self.effort)
        except (av.FFmpegError, OSError) as error:
            if not self.h264.encoder.hardware:
                raise
            log.warning(
                "%s would not open at %dx%d (%s): x264 instead",
                self.h264.encoder.name,
                width,
                height,
                error,
            )
            software = next(p for p in self.h264.probes if not p.hardware)
            self.h264 = H264Choice(encoder=software, probes=self.h264.probes)
            video = self._open_video(software, self.effort)
        log.info("%s", self.h264.summary())
        audio = av.CodecContext.create("aac", "w")
        assert isinstance(audio, av.AudioCodecContext)
        audio.sample_rate, audio.format = sample_rate, "fltp"
        audio.layout = "stereo" if channels == 2 else "mono"
        audio.time_base = Fraction(1, sample_rate)
        audio.bit_rate = 128_000
        audio.flags |= av.codec.context.Flags.global_header
        audio.open()
        self.video, self.audio = video, audio
        self.header = StreamHeader(
            width,
            height,
            fps,
            sample_rate,
            channels,
            video.extradata or b"",
            audio.extradata or b"",
            video_bitrate or 0,
        )
        self.origin: float | None = None
        self.frames = self.late = 0
        self.misplaced = 0  # sound stamped far behind the track (broadcast.sound_stamps)
        self._last_video = -1
        self._next_audio = 0
        self._early: deque[AudioBlock] = deque(maxlen=EARLY_BLOCKS)
        self._planes = np.empty((height * 3 // 2, width), np.uint8)  # x264's input

    def _open_video(self, encoder: Probe, effort: EncoderEffort) -> av.VideoCodecContext:
        """The H.264 encoder ``encoder`` opened for this show at ``effort``: a keyframe
        every second and no B-frames; x264 with the show's options (default
        :data:`RECORDING`), a hardware encoder at the show's bitrate (default
        :func:`hardware_bitrate`)."""
        video_bitrate = effort_bitrate(self._bitrate, effort)
        if encoder.hardware and effort >= EncoderEffort.LEANER:
            full = self._bitrate or hardware_bitrate(self.width, self.height, self.fps)
            video_bitrate = effort_bitrate(full, effort)
        options = x264_options(self._options, effort, bitrate=self._bitrate)
        gop = str(max(1, round(self.fps)))
        video = av.CodecContext.create(encoder.name, "w")
        assert isinstance(video, av.VideoCodecContext)
        video.width, video.height, video.pix_fmt = self.width, self.height, encoder.pix_fmt
        video.time_base, video.framerate = VIDEO_TIME_BASE, Fraction(round(self.fps))
        if encoder.hardware:
            video.bit_rate = video_bitrate or hardware_bitrate(self.width, self.height, self.fps)
            video.options = {"g": gop, "bf": "0"}
        else:
            if video_bitrate:
                video.bit_rate = video_bitrate
            video.options = {**options, "g": gop, "keyint_min": gop}
        video.flags |= av.codec.context.Flags.global_header
        video.open()
        return video

    def set_effort(self, effort: EncoderEffort) -> list[EncodedPacket]:
        """Encode the pictures from now on at ``effort``: the encoder is reopened (its
        first picture a keyframe) when the stream's headers stay the same, else it goes
        on as it was (logged). The packets the old encoder still held."""
        if effort is self.effort:
            return []
        try:
            video = self._open_video(self.h264.encoder, effort)
        except (av.FFmpegError, OSError) as error:
            log.warning("the encoder could not change to %s: %s", effort.words, error)
            return []
        if (video.extradata or b"") != self.header.video_extradata:
            log.warning("%s would change the stream's headers: not taken", effort.words)
            return []
        old, self.video, self.effort = self.video, video, effort
        log.info("encoding with %s", effort.words)
        return [EncodedPacket.of("v", p) for p in old.encode(None)]

    def encode(self, item: Picture | AudioBlock) -> list[EncodedPacket]:
        """The packets ready after ``item`` (often none, sometimes several)."""
        if self.origin is None:
            if isinstance(item, AudioBlock):
                self._early.append(item)  # sound that came before the first picture waits
                return []
            self.origin = item.pts
            packets = self._picture(item)
            while self._early:
                early = self._early.popleft()
                packets += self._sound(early.samples, early.pts, early=True)
            return packets
        if not isinstance(item, AudioBlock):
            return self._picture(item)
        return self._sound(item.samples, item.pts)

    def flush(self) -> list[EncodedPacket]:
        """Everything still inside the encoders, the sound filled with silence to the end
        of the last picture; the encoders are finished after this."""
        packets = []
        if self.origin is not None and self._last_video >= 0:
            end = float(self._last_video * VIDEO_TIME_BASE) + 1.0 / self.fps
            packets = self._silence_to(round(end * self.sample_rate))
        return (
            packets
            + [EncodedPacket.of("v", p) for p in self.video.encode(None)]
            + [EncodedPacket.of("a", p) for p in self.audio.encode(None)]
        )

    def _picture(self, item: Picture) -> list[EncodedPacket]:
        assert self.origin is not None
        pts = round((item.pts - self.origin) / VIDEO_TIME_BASE)
        if pts <= self._last_video:
            self.late += 1
            return []
        w, h = self.width, self.height
        given = item.planes if isinstance(item, Planes) else item.image
        want = (h * 3 // 2, w) if isinstance(item, Planes) else (h, w, 3)
        if given.shape != want:
            raise ValueError(f"a picture shaped {given.shape} reached an encoder wanting {want}")
        self._last_video = pts
        # x264 copies the picture in before encode() returns: one buffer serves every
        # picture, wrapped, not copied (a hardware encoder may keep it: a new one each)
        software = not self.h264.encoder.hardware
        planes = (
            item.planes
            if isinstance(item, Planes)
            else yuv420p(item.image, out=self._planes if software else None)
        )
        frame = av.VideoFrame.from_numpy_buffer(planes, format="yuv420p")
        if self.video.pix_fmt != "yuv420p":  # a hardware encoder's own layout (nv12)
            frame = frame.reformat(format=self.video.pix_fmt)
        frame.pts, frame.time_base = pts, VIDEO_TIME_BASE
        self.frames += 1
        silence = self._silence_until(item.pts - SILENT_SECONDS) if self.fill_silence else []
        return silence + [EncodedPacket.of("v", p) for p in self.video.encode(frame)]

    def _sound(
        self, samples: np.ndarray, pts: float, *, early: bool = False
    ) -> list[EncodedPacket]:
        """Encode ``samples`` at their place on the show's clock: silence before them
        for a gap, what overlaps the sound already encoded cut off; far behind it (not
        held from ``early``, before the first picture), a fault counted."""
        assert self.origin is not None
        start = round((pts - self.origin) * self.sample_rate)
        skip = max(0, self._next_audio - start)  # before the origin or already encoded
        if skip >= samples.shape[0]:
            behind = (self._next_audio - start - samples.shape[0]) / self.sample_rate
            if not early and behind > SOUND_STAMP_SECONDS:
                self.misplaced += 1
                if self.misplaced == 1:  # (then counted: the output's stats have the total)
                    log.warning("sound stamped %.1f s behind the track: left out", behind)
            return []
        packets = self._silence_to(start)
        planar = np.ascontiguousarray(samples[skip:, : self.channels].T, dtype=np.float32)
        return packets + self._encode_sound(planar)

    def _encode_sound(self, planar: np.ndarray) -> list[EncodedPacket]:
        """Encode (channels, n) float32 samples as the next ones of the sound track."""
        block = av.AudioFrame.from_ndarray(planar, format="fltp", layout=self.audio.layout.name)
        block.sample_rate = self.sample_rate
        block.pts, block.time_base = self._next_audio, Fraction(1, self.sample_rate)
        self._next_audio += planar.shape[1]
        return [EncodedPacket.of("a", p) for p in self.audio.encode(block)]

    def _silence_to(self, sample: int) -> list[EncodedPacket]:
        """Silence from the end of the sound track to ``sample`` (counted from the
        origin), one second at a time."""
        packets: list[EncodedPacket] = []
        while (missing := min(sample - self._next_audio, self.sample_rate)) > 0:
            packets += self._encode_sound(np.zeros((self.channels, missing), np.float32))
        return packets

    def _silence_until(self, pts: float) -> list[EncodedPacket]:
        assert self.origin is not None
        missing = round((pts - self.origin) * self.sample_rate) - self._next_audio
        if missing < self.sample_rate // 10:
            return []
        return self._silence_to(self._next_audio + missing)


def hardware_bitrate(width: int, height: int, fps: float) -> int:
    """Bits a second for a hardware encoder asked for no bitrate (they have no constant
    quality mode in common): 0.1 bit a pixel, 6.2 Mb/s at 1080p30, 2.8 Mb/s at 720p30."""
    return round(0.1 * width * height * fps)


def yuv420p(picture: Image, *, out: Image | None = None) -> Image:
    """A BGR uint8 picture (even width and height) as one yuv420p plane set, shape
    (height * 3 / 2, width), written into ``out`` when given: BT.601, limited range
    (Y 16..235), as swscale makes it from bgr24, within a level; OpenCV's SIMD
    conversion costs about half of swscale's."""
    planes: Image = cv2.cvtColor(picture, cv2.COLOR_BGR2YUV_I420, dst=out)
    return planes
