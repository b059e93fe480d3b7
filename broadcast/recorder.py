"""Recording the programme with its sound to MP4 (H.264 + AAC), crash-safe.

While recording, the file is a *fragmented* MP4 under a temporary name beside the final
one: every keyframe (each second) closes a fragment, so if the laptop loses power the file
up to the last second or so still plays. On stop it is rewritten once as an ordinary MP4
with its index at the front (it starts playing at once in a browser or on the class blog)
and renamed to the final name. Encoding runs in a worker thread fed by a bounded queue:
``send`` never waits and never raises; a full disk or an unwritable folder stops the
recording, says so in :meth:`Recorder.stats`, and keeps what was recorded playable.
"""

from __future__ import annotations

import contextlib
import os
import queue
import threading
import time
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from broadcast.stats import OutputStats
from studio.media import AudioBlock, VideoFrame

VIDEO_TIME_BASE = Fraction(1, 90000)
FRAGMENTED = {"movflags": "frag_keyframe+empty_moov+default_base_moof"}


class Recorder:
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
        if width % 2 or height % 2 or width < 16 or height < 16:
            raise ValueError(
                f"recording size must be even and at least 16x16, got {width}x{height}"
            )
        if channels not in (1, 2):
            raise ValueError(f"recording sound must be mono or stereo, got {channels} channels")
        self.path = Path(path)
        self.partial = self.path.with_name(f".{self.path.stem}.recording{self.path.suffix}")
        self.width, self.height, self.fps = width, height, fps
        self.sample_rate, self.channels, self.video_bitrate = sample_rate, channels, video_bitrate
        self._queue: queue.Queue[VideoFrame | AudioBlock | None] = queue.Queue(
            maxsize=max(8, round(buffer_seconds * fps * 2))
        )
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._sent = self._dropped = self._late = 0
        self._bytes = 0
        self._state, self._message, self._error = "idle", "not recording", ""
        self._started_at = 0.0
        self._origin: float | None = None
        self._last_video_pts = -1
        self._audio_pts = 0

    # -- the show's side: never waits, never raises --------------------------------
    def start(self) -> None:
        if self._thread is not None:
            return
        folder = self.path.parent
        if not folder.is_dir() or not os.access(folder, os.W_OK):
            why = "it does not exist" if not folder.is_dir() else "it cannot be written to"
            self._set(
                "failed",
                f"cannot record to the folder {folder}: {why}; choose another folder",
                error=why,
            )
            return
        self._set("recording", f"recording to {self.path.name}")
        self._started_at = time.monotonic()
        self._thread = threading.Thread(target=self._run, name="recorder", daemon=True)
        self._thread.start()

    def send(self, frame: VideoFrame) -> None:
        self._offer(frame)

    def send_audio(self, block: AudioBlock) -> None:
        self._offer(block)

    def _offer(self, item: VideoFrame | AudioBlock) -> None:
        if self._state != "recording":
            self._dropped += isinstance(item, VideoFrame)
            return
        try:
            self._queue.put_nowait(item)
        except queue.Full:
            self._dropped += isinstance(item, VideoFrame)

    def stop(self) -> None:
        """Finish: encode what is queued, write the trailer once, make the final MP4."""
        thread = self._thread
        if thread is None:
            return
        self._queue.put(None)
        thread.join()
        self._thread = None

    def close(self) -> None:
        self.stop()

    def stats(self) -> OutputStats:
        seconds = max(time.monotonic() - self._started_at, 1e-6) if self._started_at else 1.0
        with self._lock:
            return OutputStats(
                self._sent,
                self._dropped,
                self._late,
                self._bytes * 8 / 1000 / seconds,
                0,
                self._state,
                self._message,
                self._error,
            )

    def _set(self, state: str, message: str, error: str = "") -> None:
        with self._lock:
            self._state, self._message = state, message
            if error:
                self._error = error

    # -- the worker -----------------------------------------------------------------
    def _run(self) -> None:
        try:
            container = av.open(str(self.partial), "w", format="mp4", options=FRAGMENTED)
        except (OSError, av.FFmpegError) as error:
            self._fail(f"cannot record to {self.path.parent}: {_reason(error)}", error)
            self._drain()
            return
        video = container.add_stream("libx264", rate=round(self.fps))
        video.width, video.height, video.pix_fmt = self.width, self.height, "yuv420p"
        video.time_base = VIDEO_TIME_BASE
        video.options = {"preset": "veryfast", "g": str(round(self.fps)), "bf": "0"}
        if self.video_bitrate:
            video.bit_rate = self.video_bitrate
        audio = container.add_stream("aac", rate=self.sample_rate)
        audio.layout = "stereo" if self.channels == 2 else "mono"
        try:
            while (item := self._queue.get()) is not None:
                packets = self._encode(item, video, audio)
                for packet in packets:
                    container.mux(packet)
                    self._bytes += packet.size
            container.mux(video.encode(None))
            container.mux(audio.encode(None))
            container.close()
        except (OSError, av.FFmpegError) as error:
            self._fail(
                f"the recording stopped: {_reason(error)}; what was recorded is "
                f"kept in {self.partial.name}",
                error,
            )
            with contextlib.suppress(OSError, av.FFmpegError):
                container.close()
            self._drain()
            return
        self._finalise()

    def _encode(
        self, item: VideoFrame | AudioBlock, video: av.VideoStream, audio: av.AudioStream
    ) -> list[av.Packet]:
        if self._origin is None:
            if not isinstance(item, VideoFrame):
                return []  # sound before the first picture waits for it
            self._origin = item.pts
        if isinstance(item, VideoFrame):
            pts = round((item.pts - self._origin) / VIDEO_TIME_BASE)
            if pts <= self._last_video_pts:
                self._late += 1
                return []
            self._last_video_pts = pts
            picture = item.image
            if picture.shape[:2] != (self.height, self.width):
                raise ValueError(
                    f"a frame of {picture.shape[1]}x{picture.shape[0]} reached a "
                    f"{self.width}x{self.height} recording"
                )
            frame = av.VideoFrame.from_ndarray(picture, format="bgr24")
            frame.pts, frame.time_base = pts, VIDEO_TIME_BASE
            self._sent += 1
            return list(video.encode(frame))
        start = round((item.pts - self._origin) * self.sample_rate)
        if start + item.samples.shape[0] <= self._audio_pts:
            return []
        samples = np.ascontiguousarray(item.samples[:, : self.channels].T, dtype=np.float32)
        block = av.AudioFrame.from_ndarray(
            samples, format="fltp", layout="stereo" if self.channels == 2 else "mono"
        )
        block.sample_rate = self.sample_rate
        block.pts, block.time_base = max(start, self._audio_pts), Fraction(1, self.sample_rate)
        self._audio_pts = block.pts + item.samples.shape[0]
        return list(audio.encode(block))

    def _finalise(self) -> None:
        """Rewrite the fragmented file once as an ordinary MP4, index at the front."""
        final_tmp = self.path.with_name(f".{self.path.stem}.final{self.path.suffix}")
        try:
            with (
                av.open(str(self.partial)) as source,
                av.open(
                    str(final_tmp), "w", format="mp4", options={"movflags": "+faststart"}
                ) as target,
            ):
                streams = {s.index: target.add_stream_from_template(s) for s in source.streams}
                for packet in source.demux():
                    if packet.dts is None:
                        continue
                    packet.stream = streams[packet.stream.index]
                    target.mux(packet)
            os.replace(final_tmp, self.path)
            self.partial.unlink()
        except (OSError, av.FFmpegError) as error:
            with contextlib.suppress(OSError):
                os.replace(self.partial, self.path)  # still plays: fragmented is fine
            with contextlib.suppress(OSError):
                final_tmp.unlink()
            self._set("stopped", f"saved {self.path.name} (as recorded: {_reason(error)})")
            return
        self._set("stopped", f"saved {self.path.name}")

    def _fail(self, message: str, error: BaseException) -> None:
        self._set("failed", message, error=_reason(error))

    def _drain(self) -> None:
        while self._queue.get() is not None:
            self._dropped += 1


def _reason(error: BaseException) -> str:
    if isinstance(error, OSError) and error.strerror:
        return error.strerror.lower()
    return str(error)
