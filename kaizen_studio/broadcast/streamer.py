"""Streaming the programme with its sound over RTMP (H.264 + AAC in FLV), in its own process.

PyAV holds the GIL while it connects and has no write timeout, so the muxer runs in a
child process fed through a bounded queue: ``send`` never waits and never raises.
:class:`RtmpStreamer` hands it raw frames (the child encodes); :class:`PacketStreamer`
hands it packets already encoded in the show's process (:class:`broadcast.BroadcastOutput`
encodes once for the recording and the stream).

When the server vanishes the child keeps taking frames (dropping and counting them) and
reconnects after 2 s, then each delay x1.5 up to a cap (4.5 s); a watchdog in the show's process
restarts the child if it stops making progress (a write hung on a dead connection).
"""

from __future__ import annotations

import logging
import multiprocessing as mp
import queue
import threading
import time
from collections.abc import Callable

from kaizen_studio.broadcast.encoder import EncodedPacket, StreamHeader
from kaizen_studio.broadcast.stats import OutputStats
from kaizen_studio.broadcast.stream_worker import (
    COUNTERS,
    FIRST_DELAY,
    GROWTH,
    MAX_DELAY,
    StreamSettings,
    run_stream,
)
from kaizen_studio.core.media import AudioBlock, VideoFrame

log = logging.getLogger(__name__)

StatusCallback = Callable[[OutputStats], None]
STARTUP_SECONDS = 5.0


class _StreamProcess:
    """The child process, its bounded queue, the stall watchdog and the stats."""

    def __init__(
        self,
        settings: StreamSettings,
        *,
        buffer_seconds: float,
        stall_seconds: float,
        on_status: StatusCallback | None,
    ) -> None:
        self.settings = settings
        self.on_status = on_status
        self.stall_seconds = stall_seconds
        self._ctx = mp.get_context("spawn")
        # raw: a picture and a block of sound per frame; packets: a picture per frame
        # and an AAC packet per 1024 samples
        per_second = settings.fps * 2
        if settings.header is not None:
            per_second = settings.fps + settings.sample_rate / 1024
        self._queue_size = max(4, round(buffer_seconds * per_second))
        self._queue: mp.Queue[object] = self._ctx.Queue(self._queue_size)
        self._events: mp.Queue[tuple[str, str, str]] = self._ctx.Queue()
        # no locks on the counters: a child killed while holding one would leave the show
        # waiting on it (each is written by one side only, a double at a time)
        self._counters = {name: self._ctx.Value("d", 0.0, lock=False) for name in COUNTERS}
        self._process: mp.process.BaseProcess | None = None
        self._monitor: threading.Thread | None = None
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._dropped_here = 0
        self._restarts = 0
        self._state, self._message, self._error = "idle", "Not streaming yet.", ""
        self._started_at = 0.0

    # -- the show's side ------------------------------------------------------------
    def start(self) -> None:
        """Start the streaming process (connecting happens there); safe to call twice."""
        if self._monitor is not None:
            return
        self._started_at = time.monotonic()
        self._stopping.clear()
        self._spawn()
        self._monitor = threading.Thread(target=self._watch, name="stream-monitor", daemon=True)
        self._monitor.start()

    def _spawn(self) -> None:
        # a new Python process takes a moment to import PyAV before its first beat
        self._counters["heartbeat"].value = time.monotonic() + STARTUP_SECONDS
        self._process = self._ctx.Process(
            target=run_stream,
            args=(self.settings, self._queue, self._events, self._counters),
            name="studio-stream",
            daemon=True,
        )
        self._process.start()

    def _offer(self, item: object, is_video: bool) -> bool:
        """Queue ``item`` for the child without waiting; False (and a video drop
        counted) when it could not be queued."""
        if self._process is None or self._stopping.is_set():
            if is_video:
                self._drop()
            return False
        try:
            self._queue.put_nowait(item)
        except queue.Full:
            if is_video:
                self._drop()
            return False
        return True

    def _drop(self) -> None:
        with self._lock:
            self._dropped_here += 1

    def stop(self) -> None:
        """Send what is queued, close the stream, end the process; safe to call twice."""
        monitor, self._monitor = self._monitor, None
        if monitor is None:
            return
        self._stopping.set()
        monitor.join(timeout=5)  # no restart from here on
        process, self._process = self._process, None
        if process is not None:
            try:
                self._queue.put(None, timeout=2)
            except queue.Full:
                process.terminate()
            process.join(timeout=5)
            if process.is_alive():
                process.kill()
                process.join()
        # what the child did not take stays unsent; do not wait for it at exit (the
        # queue's feeder thread would block on a pipe nobody reads)
        self._queue.cancel_join_thread()
        self._read_events()
        self._set("stopped", "The stream has ended.")

    def close(self) -> None:
        self.stop()
        self._queue.close()
        self._events.close()

    def stats(self) -> OutputStats:
        """Health as numbers: frames sent and dropped, bitrate, reconnects, state."""
        self._read_events()
        return self.stats_now()

    # -- monitor: events from the child, and the stall watchdog ------------------------
    def _watch(self) -> None:
        while not self._stopping.wait(0.2):
            self._read_events()
            process = self._process
            if process is None:
                return
            quiet = time.monotonic() - self._counters["heartbeat"].value
            if not process.is_alive() or quiet > self.stall_seconds:
                why = "stopped answering" if process.is_alive() else "ended unexpectedly"
                process.kill()
                process.join()
                self._process = None  # frames are dropped (and counted) until the new one
                self._fresh_queues()
                self._restarts += 1
                self._set(
                    "reconnecting",
                    "The stream is reconnecting...",
                    f"the streaming process {why} (after {quiet:.1f} s quiet); restarted",
                )
                wait = min(FIRST_DELAY * GROWTH ** (self._restarts - 1), self.settings.max_delay)
                if not self._stopping.wait(wait):
                    self._spawn()

    def _fresh_queues(self) -> None:
        """New queues for the next child: the killed one may have died holding a queue's
        lock or half-way through a message."""
        for old in (self._queue, self._events):
            old.cancel_join_thread()  # never wait at exit for a pipe nobody reads
        self._queue = self._ctx.Queue(self._queue_size)
        self._events = self._ctx.Queue()

    def _read_events(self) -> None:
        changed = False
        while True:
            try:
                state, message, error = self._events.get_nowait()
            except (queue.Empty, OSError, ValueError):
                break
            with self._lock:
                self._state, self._message = state, message
                if error:
                    self._error = error
            (log.warning if error else log.info)("stream %s: %s %s", state, message, error)
            changed = True
        if changed:
            self._notify()

    def _set(self, state: str, message: str, error: str = "") -> None:
        with self._lock:
            self._state, self._message = state, message
            if error:
                self._error = error
        (log.warning if error else log.info)("stream %s: %s %s", state, message, error)
        self._notify()

    def _notify(self) -> None:
        if self.on_status is not None:
            self.on_status(self.stats_now())

    def stats_now(self) -> OutputStats:
        """Stats without reading pending events (used inside the monitor)."""
        c = {name: value.value for name, value in self._counters.items()}
        seconds = max(time.monotonic() - self._started_at, 1e-6) if self._started_at else 1.0
        with self._lock:
            return OutputStats(
                int(c["sent"]),
                int(c["dropped"]) + self._dropped_here,
                int(c["late"]),
                c["bytes"] * 8 / 1000 / seconds,
                int(c["reconnects"]) + self._restarts,
                self._state,
                self._message,
                self._error,
            )


class RtmpStreamer(_StreamProcess):
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
        The longest wait between reconnect tries (a refused key waits 10 s or more).
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
                url, width, height, fps, sample_rate, channels, video_bitrate, max_delay
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


class PacketStreamer(_StreamProcess):
    """Streams packets encoded in the show's process (described by ``header``) to
    ``url``; the child only muxes them. After a packet could not be queued, pictures are
    held back until the next keyframe, so the server never gets a broken picture."""

    def __init__(
        self,
        url: str,
        header: StreamHeader,
        *,
        buffer_seconds: float = 2.0,
        stall_seconds: float = 6.0,
        max_delay: float = MAX_DELAY,
        on_status: StatusCallback | None = None,
    ) -> None:
        check_url(url)
        super().__init__(
            StreamSettings(
                url,
                header.width,
                header.height,
                header.fps,
                header.sample_rate,
                header.channels,
                header.video_bitrate,
                max_delay,
                header,
            ),
            buffer_seconds=buffer_seconds,
            stall_seconds=stall_seconds,
            on_status=on_status,
        )
        self._want_keyframe = False

    def send_packet(self, packet: EncodedPacket) -> None:
        """Hand an encoded packet over; never waits, never raises (drops are counted)."""
        video = packet.kind == "v"
        if video and self._want_keyframe and not packet.keyframe:
            self._drop()
            return
        queued = self._offer(packet, video)
        if video:
            self._want_keyframe = not queued


def check_url(url: str) -> None:
    """Raise ValueError unless ``url`` is an RTMP address."""
    if not url.startswith(("rtmp://", "rtmps://")):
        raise ValueError(f"the stream address must start with rtmp://, got {url!r}")
