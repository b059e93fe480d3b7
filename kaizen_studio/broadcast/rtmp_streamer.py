"""A streamer fed raw frames and sound, which its child process encodes (H.264 + AAC) and
sends over RTMP: a single stream with no recording beside it, as the tests and
benchmarks send one. The show's own outputs encode once for the recording and the stream
(:class:`broadcast.BroadcastOutput` with :class:`broadcast.streamer.PacketStreamer`)."""

from __future__ import annotations

from kaizen_studio.broadcast.rtmp_connection import StreamSettings
from kaizen_studio.broadcast.stream_worker import MAX_DELAY
from kaizen_studio.broadcast.streamer import StatusCallback, StreamProcess, check_url
from kaizen_studio.core.media import AudioBlock, VideoFrame


class RtmpStreamer(StreamProcess):
    """Streams frames and audio blocks to ``url`` (rtmp://...), encoding in the child
    process; a VideoOutput. (:class:`broadcast.BroadcastOutput` encodes once when the
    show is recorded as well.)

    Parameters
    ----------
    url : str
        The RTMP URL, with the stream key if the server needs one.
    width, height, fps : int, int, float
        The programme's size and rate; frames of another size are dropped and counted.
    video_bitrate : int
        Bits per second for the picture (x264 zerolatency, no B-frames, GOP of 1 s).
    stall_seconds : float
        The child is restarted if it makes no progress for this long.
    max_delay : float
        The longest wait between reconnect tries.
    on_status : callable, optional
        Called (from a monitor thread) with fresh stats whenever the state changes,
        including each reconnect attempt.
    """

    def __init__(
        self,
        url: str,
        *,
        width: int,
        height: int,
        fps: float,
        sample_rate: int = 48000,
        channels: int = 2,
        video_bitrate: int = 2_500_000,
        buffer_seconds: float = 2.0,
        stall_seconds: float = 6.0,
        max_delay: float = MAX_DELAY,
        on_status: StatusCallback | None = None,
    ) -> None:
        check_url(url)
        if width % 2 or height % 2 or width < 16 or height < 16:
            raise ValueError(f"stream size must be even and at least 16x16, got {width}x{height}")
        if channels not in (1, 2):
            raise ValueError(f"stream sound must be mono or stereo, got {channels} channels")
        if not 1 <= fps <= 120:
            raise ValueError(f"stream frame rate must be 1 to 120, got {fps}")
        super().__init__(
            StreamSettings(
                url=url,
                width=width,
                height=height,
                fps=fps,
                sample_rate=sample_rate,
                channels=channels,
                video_bitrate=video_bitrate,
                max_delay=max_delay,
            ),
            buffer_seconds=buffer_seconds,
            stall_seconds=stall_seconds,
            on_status=on_status,
        )

    def send(self, frame: VideoFrame) -> None:
        """Hand a programme frame over; never waits, never raises (drops are counted)."""
        if frame.size != (self.settings.width, self.settings.height):
            self._drop()
            return
        self._offer(("v", frame.image, frame.pts), True)

    def send_audio(self, block: AudioBlock) -> None:
        """Hand a block of sound over (same clock as the frames)."""
        self._offer(("a", block.samples, block.pts), False)
