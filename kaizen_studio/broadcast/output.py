"""One output that encodes the programme once, records it and streams it.

:class:`BroadcastOutput` encodes H.264 + AAC in a worker thread of the show's process,
fed by a bounded queue (``send`` never waits and never raises). The packets go to the
crash-safe recording (:class:`broadcast.mp4.RecordingFile`) and, small as they are, to
the streaming child process (:class:`broadcast.streamer.PacketStreamer`), which only
muxes them into FLV over RTMP. Either may be left out: ``record`` only is the
:class:`broadcast.Recorder`; ``stream`` only is a stream encoded here rather than in the
child. Trouble on the network never reaches the recording: the child process has its
own queue, and a packet that does not fit in it is dropped and counted.

The encoder's queue (:mod:`broadcast.encoder_queue`, bounded in bytes) is the only one
between the show and the encoder; the worker, :attr:`BroadcastOutput.encoding`
(:mod:`broadcast.encoder_worker`), encodes it at the effort the show asks
(:mod:`broadcast.effort`). Where its packets go, and a take or a stream joining or
leaving while it runs, is :attr:`BroadcastOutput.takes` (:mod:`broadcast.takes`).
"""

from __future__ import annotations

import logging
import os
import threading
import time

import numpy as np

from kaizen_studio.broadcast.encoder import (
    LOW_LATENCY,
    RECORDING,
    Planes,
    ProgrammeEncoder,
    check_format,
)
from kaizen_studio.broadcast.encoder_queue import (
    ENCODER_STALL_SECONDS,
    EncoderQueue,
    queue_bytes,
)
from kaizen_studio.broadcast.encoder_worker import EncoderWorker
from kaizen_studio.broadcast.mp4 import RecordingFile
from kaizen_studio.broadcast.packets import ENCODER_NICENESS, EncodedPacket, give_way
from kaizen_studio.broadcast.sound_stamps import SoundStamps
from kaizen_studio.broadcast.stats import OutputState, OutputStats, both, with_encoder
from kaizen_studio.broadcast.stream_worker import MAX_DELAY
from kaizen_studio.broadcast.streamer import PacketStreamer, StatusCallback, check_url
from kaizen_studio.broadcast.takes import Takes
from kaizen_studio.core.media import AudioBlock, VideoFrame

log = logging.getLogger(__name__)

IDLE = OutputStats(state=OutputState.IDLE, message="Not streaming yet.")


class BroadcastOutput:
    """Records to ``record`` and/or streams to ``stream`` from one encoder; a VideoOutput.

    Parameters
    ----------
    record : path, optional
        The MP4 file to make (written as a hidden fragmented file until :meth:`stop`).
    stream : str, optional
        The RTMP URL, with the stream key if the server needs one.
    width, height, fps : int, int, float
        The programme's size and rate; frames of another size are dropped and counted.
    video_bitrate : int, optional
        Bits per second for the picture (x264's own choice when None and not streaming).
    buffer_seconds : float
        How much the encoder's queue holds before frames are dropped (bounded in bytes).
    stall_seconds, max_delay, on_status
        For the stream, as in :class:`broadcast.RtmpStreamer`.
    encoder_stall_seconds : float
        An encoder that takes nothing for this long while frames wait is reported
        stalled (:attr:`OutputState.STALLED`).
    """

    def __init__(
        self,
        *,
        record: str | os.PathLike[str] | None = None,
        stream: str | None = None,
        width: int,
        height: int,
        fps: float,
        sample_rate: int = 48000,
        channels: int = 2,
        video_bitrate: int | None = None,
        buffer_seconds: float = 4.0,
        stall_seconds: float = 6.0,
        max_delay: float = MAX_DELAY,
        on_status: StatusCallback | None = None,
        encoder_stall_seconds: float = ENCODER_STALL_SECONDS,
    ) -> None:
        if record is None and stream is None:
            raise ValueError("give a file to record to, a stream address, or both")
        check_format(width=width, height=height, fps=fps, channels=channels)
        if stream is not None:
            check_url(stream)
        self.width, self.height, self.fps = width, height, fps
        self.sample_rate, self.channels = sample_rate, channels
        self.video_bitrate = video_bitrate or (2_500_000 if stream else None)
        self.takes = Takes(
            file=RecordingFile(record) if record is not None else None,
            stream_url=stream,
            say=self._set,
            stall_seconds=stall_seconds,
            max_delay=max_delay,
            on_status=on_status,
        )
        """Where the packets go: the recording and the stream (:mod:`broadcast.takes`)."""
        self.max_queue_bytes = queue_bytes(
            width=width,
            height=height,
            fps=fps,
            sample_rate=sample_rate,
            channels=channels,
            seconds=buffer_seconds,
        )
        """The most the encoder's queue holds (frames and sound), in bytes."""
        # frames and sound; a callable: run there (the recording ends); None: the end
        self._queue = EncoderQueue(self.max_queue_bytes, stall_seconds=encoder_stall_seconds)
        self.encoding = EncoderWorker(  # its effort: set to step the show down
            self._queue,
            open_encoder=self._open,
            deliver=self._deliver,
            wanted=lambda: self.takes.writing or self.takes.streaming,
            finished=self.stop_recording,
        )
        self._lock = threading.Lock()
        self._dropped = 0
        self._stamps = SoundStamps()  # sound stamped far ahead of the show: a fault
        self._state, self._message, self._error = OutputState.IDLE, "not recording", ""

    # -- the show's side: never waits, never raises --------------------------------
    def start(self) -> None:
        """Open the encoder, check the folder, start the worker and the stream."""
        if self.encoding.thread is not None:
            return
        if self.file is not None:
            why = self.file.folder_problem()
            if why:
                self._set(
                    OutputState.FAILED,
                    f"cannot record to the folder {self.file.path.parent}: {why}; "
                    "choose another folder",
                    error=why,
                )
        recording = self.file is not None and self._state is not OutputState.FAILED
        if not recording and self.stream_url is None:
            return
        encoder = self.encoding.start()
        try:
            if recording and self.file is not None:
                self.takes.take(self.file, encoder, self._queue, self.encoding)
            if self.stream_url is not None:
                self.start_stream(self.stream_url)
        finally:
            self.encoding.ready.set()

    def send(self, frame: VideoFrame) -> None:
        """Hand a programme frame over, converted here once to the encoder's 4:2:0 (half
        the bytes of BGR wait in the queue); never waits, never raises (drops counted)."""
        image = frame.image
        self._stamps.shown(frame.pts)
        fits = image.shape == (self.height, self.width, 3) and image.dtype == np.uint8
        if not (fits and self._taking() and self._queue.offer(Planes.of(frame))):
            self._dropped += 1

    def send_audio(self, block: AudioBlock) -> None:
        """Hand a block of sound over (same clock as the frames; left out if no room, or
        if stamped far ahead of the show: :mod:`broadcast.sound_stamps`)."""
        if self._taking() and not self._stamps.misplaced_block(block):
            self._queue.offer(block)

    @property
    def misplaced_sound(self) -> int:
        """Blocks of sound left out for being stamped far from the show's clock (ahead of
        it here, behind the sound already encoded in the encoder)."""
        encoder = self.encoding.encoder
        return self._stamps.misplaced + (encoder.misplaced if encoder is not None else 0)

    def _taking(self) -> bool:
        # while start() opens the encoder, the file and the streaming process, frames
        # wait in the queue (bounded) for the worker: none is lost to a slow start
        starting = not self.encoding.ready.is_set()
        return self.encoding.thread is not None and (
            self.takes.writing or self.takes.streaming or starting
        )

    def stop(self) -> None:
        """Encode what is queued, finish the recording (trailer once, final MP4) and the
        stream; safe to call twice."""
        if self.encoding.thread is None:
            return
        self.encoding.stop()
        self.takes.end()

    def close(self) -> None:  # the stream's child process too
        self.stop()
        self.takes.close()

    # -- a recording or a stream joining or leaving while it runs (broadcast.takes) ----
    def start_recording(self, path: str | os.PathLike[str]) -> bool:
        """Record to ``path`` as well, from the encoder's next keyframe (within a
        second), while the stream goes on: one encoder for both. False, with the reason
        in :meth:`recording_stats`, when the file cannot be made. Raises ValueError when
        not started or already recording."""
        return self.takes.start_recording(path, self._running(), self._queue, self.encoding)

    def stop_recording(self) -> None:
        """Finish the recording (trailer, final MP4) with the pictures handed over so far
        (less the few the encoder still holds when it goes on for a stream); the stream,
        if any, goes on. Safe to call when not recording."""
        self.takes.stop_recording(self._queue, self.encoding)

    def start_stream(self, url: str) -> None:
        """Stream to ``url`` as well, from the encoder's next keyframe; the recording
        goes on. Raises ValueError when not started, already streaming, or ``url`` is
        not an RTMP address."""
        check_url(url)
        self.takes.start_stream(url, self._running())

    def stop_stream(self) -> None:
        """End the stream; the recording, if any, goes on. Safe to call when not live."""
        self.takes.stop_stream()

    @property
    def recording(self) -> bool:
        return self.takes.writing or self.takes.joining is not None

    @property
    def streaming(self) -> bool:
        return self.takes.streaming

    @property
    def file(self) -> RecordingFile | None:
        """The recording being made (or the last one made)."""
        return self.takes.file

    @property
    def streamer(self) -> PacketStreamer | None:
        """The stream's child process and its queue, once streaming."""
        return self.takes.streamer

    @property
    def stream_url(self) -> str | None:
        """Where the stream goes (the last address streamed to)."""
        return self.takes.stream_url

    def _running(self) -> ProgrammeEncoder:
        if self.encoding.thread is None or self.encoding.encoder is None:
            raise ValueError("the output is not running: start() it first")
        return self.encoding.encoder

    # -- health -------------------------------------------------------------------
    def recording_stats(self) -> OutputStats:
        """The encoder and the recording: frames encoded, dropped before encoding, late,
        the recording's bitrate and state (ON_AIR once pictures reach the file; STALLED
        while the encoder takes nothing)."""
        since = self.takes.recording_since
        seconds = max(time.monotonic() - since, 1e-6) if since else 1.0
        encoder = self.encoding.encoder
        with self._lock:
            state, message = self._state, self._message
            if self._queue.stalled and self.takes.writing:
                state, message = OutputState.STALLED, self._queue.stalled
            return OutputStats(
                state=state,
                message=message,
                frames_sent=self.file.pictures if self.file is not None else 0,
                frames_dropped=self._dropped + self.encoding.dropped,
                frames_late=encoder.late if encoder else 0,
                bitrate_kbps=self.takes.bytes * 8 / 1000 / seconds,
                last_error=self._error,
                queued_bytes=self._queue.bytes,
                sound_faults=self.misplaced_sound,
            )

    def stream_stats(self) -> OutputStats:
        """The stream: frames that reached the server, dropped (here or on the way),
        bitrate, reconnects, state (ON_AIR only once the server took the stream)."""
        streamer = self.streamer
        if streamer is None:
            return IDLE
        return with_encoder(
            streamer.stats(),
            dropped=self._dropped + self.encoding.dropped,
            queued_bytes=self._queue.bytes,
            stalled=self._queue.stalled if self.takes.streaming else "",
        )

    def stats(self) -> OutputStats:
        """The recording's stats when only recording, the stream's when only streaming;
        with both, as :func:`broadcast.stats.both` says."""
        if self.stream_url is None:
            return self.recording_stats()
        if self.file is None:
            return self.stream_stats()
        return both(stream=self.stream_stats(), recording=self.recording_stats())

    def _set(self, state: OutputState, message: str, error: str = "") -> None:
        with self._lock:
            self._state, self._message = state, message
            if error:
                self._error = error
        log.log(logging.WARNING if state == "failed" else logging.INFO, "recording: %s", message)

    # -- the worker -----------------------------------------------------------------
    def _open(self) -> ProgrammeEncoder:
        """The encoder, opened on the worker thread once it gives way to the show: x264's
        own threads are made by the thread that opens it and inherit its priority."""
        give_way(ENCODER_NICENESS)
        return ProgrammeEncoder(
            width=self.width,
            height=self.height,
            fps=self.fps,
            sample_rate=self.sample_rate,
            channels=self.channels,
            video_bitrate=self.video_bitrate,
            options=LOW_LATENCY if self.stream_url else RECORDING,
            fill_silence=self.stream_url is not None,
        )

    def _deliver(self, packets: list[EncodedPacket]) -> None:
        self.takes.deliver(packets, self._state)
