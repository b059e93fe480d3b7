"""Streaming the programme with its sound over RTMP (H.264 + AAC in FLV), in its own process.

PyAV holds the GIL while it connects and has no write timeout, so the muxer runs in a
child process fed through a bounded queue: ``send`` never waits and never raises.
:class:`PacketStreamer` hands it packets already encoded in the show's process
(:class:`broadcast.BroadcastOutput` encodes once for the recording and the stream);
:class:`broadcast.rtmp_streamer.RtmpStreamer` hands it raw frames (the child encodes).
Here too: the stream address and key, checked, split and joined.

The state is ON AIR only once the server has accepted the stream and taken its first
picture (see :mod:`broadcast.stream_worker`). When the server vanishes the child keeps
taking frames (dropping and counting them) and reconnects after 2 s, then each delay x1.5
up to a cap (4.5 s); a watchdog in the show's process restarts the child if it stops
making progress (a write hung on a dead connection). A refused key or a taken stream name
stops the stream for good (the state says which), after one more try.

The child is started, watched and ended by one thread of the show's process (the
monitor), and dies with it: the kernel kills it when that thread ends (Linux), and it
ends by itself when the pipe it watches from the show closes (any system). The stream key
travels inside the pickled settings, through a pipe, never on a command line.
"""

from __future__ import annotations

import logging
import multiprocessing as mp
import os
import queue
import sys
import threading
import time
import types
import urllib.parse
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from kaizen_studio.broadcast.encoder_queue import MAX_QUEUE_BYTES
from kaizen_studio.broadcast.lifeline import block_interrupts
from kaizen_studio.broadcast.packets import EncodedPacket, StreamHeader
from kaizen_studio.broadcast.rtmp_connection import StreamSettings
from kaizen_studio.broadcast.stats import OutputState, OutputStats
from kaizen_studio.broadcast.stream_worker import (
    COUNTERS,
    FIRST_DELAY,
    GROWTH,
    MAX_DELAY,
    item_bytes,
    run_stream,
    safe_url,
)

if TYPE_CHECKING:
    from kaizen_studio.broadcast.stream_worker import Item

log = logging.getLogger(__name__)
StatusCallback = Callable[[OutputStats], None]
STARTUP_SECONDS = 5.0
CONNECTING = "Connecting to the school's server..."

_MAIN_SWAP = threading.Lock()


def start_without_main(process: mp.process.BaseProcess) -> None:
    """Start a spawned ``process`` that does not run the show's main module again.

    multiprocessing's spawn makes the child import the parent's ``__main__`` (the
    ``studio`` script imports the whole command line: NumPy, OpenCV, numba and LLVM, the
    keyer, 136 MiB; the pipeline benchmark as much) before it runs its target, which
    here needs PyAV only. The child is told of no main module: ``sys.modules['__main__']``
    is an empty module while ``start`` takes the child's start-up data (on this thread),
    and is put back at once. At 1080p the child held 139 MiB, now 37 (benchmarks.pipeline).
    """
    with _MAIN_SWAP:
        main = sys.modules["__main__"]
        sys.modules["__main__"] = types.ModuleType("__main__")
        try:
            process.start()
        finally:
            sys.modules["__main__"] = main


class StreamProcess:
    """The child process, its bounded queue, the stall watchdog and the stats (the base of
    both streamers)."""

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
        picture = settings.width * settings.height * 3 if settings.header is None else 0
        sound = settings.sample_rate * settings.channels * 4
        self.max_queue_bytes = min(
            MAX_QUEUE_BYTES,
            max(2 * picture, round(buffer_seconds * (picture * settings.fps + sound))),
        )
        """The most the child's queue holds, in bytes (raw pictures are 6 MB at 1080p: a
        stalled child would otherwise hold its whole count of them, 746 MB in 2 s)."""
        self._offered_bytes = 0.0  # bytes queued so far; the child counts those it took
        self._queue: mp.Queue[object] = self._ctx.Queue(self._queue_size)
        self._events: mp.Queue[tuple[OutputState, str, str]] = self._ctx.Queue()
        # no locks on the counters: a child killed while holding one would leave the show
        # waiting on it (each is written by one side only, a double at a time)
        self._counters = {name: self._ctx.Value("d", 0.0, lock=False) for name in COUNTERS}
        self._process: mp.process.BaseProcess | None = None
        self._lifeline: Any = None  # the show's end of the pipe the child watches
        self._monitor: threading.Thread | None = None
        self._spawned = threading.Event()
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._dropped_here = 0
        self._restarts = 0
        self._state, self._message, self._error = OutputState.IDLE, "Not streaming yet.", ""
        self._started_at = 0.0

    # -- the show's side ------------------------------------------------------------
    def start(self) -> None:
        """Start the streaming process (connecting happens there); safe to call twice.
        Returns once the process is started, so no frame handed over is lost."""
        if self._monitor is not None:
            return
        self._started_at = time.monotonic()
        self._stopping.clear()
        self._spawned.clear()
        self._set(OutputState.CONNECTING, CONNECTING)
        self._monitor = threading.Thread(target=self._watch, name="stream-monitor", daemon=True)
        self._monitor.start()
        self._spawned.wait()

    @property
    def pid(self) -> int | None:
        """The streaming process's id while it runs."""
        process = self._process
        return process.pid if process is not None else None

    def _spawn(self) -> None:
        """Start a child (on the monitor thread only: the child dies with that thread)."""
        # a new Python process takes a moment to import PyAV before its first beat
        self._counters["heartbeat"].value = time.monotonic() + STARTUP_SECONDS
        watched, self._lifeline = self._ctx.Pipe(duplex=False)
        self._process = self._ctx.Process(
            target=run_stream,
            args=(self.settings, self._queue, self._events, self._counters, watched, os.getpid()),
            name="studio-stream",
            daemon=True,
        )
        start_without_main(self._process)
        watched.close()  # only the child holds the read end now

    def _offer(self, item: Item, is_video: bool) -> bool:
        """Queue ``item`` for the child without waiting; False (and a video drop
        counted) when it could not be queued: no child, or the queue full (in items or
        in bytes: :attr:`max_queue_bytes`)."""
        if self._process is None or self._stopping.is_set() or self._state.final:
            if is_video:
                self._drop()
            return False
        size = item_bytes(item)
        with self._lock:
            queued = self._offered_bytes - self._counters["taken_bytes"].value
            fits = queued + size <= self.max_queue_bytes
            if fits:
                try:
                    self._queue.put_nowait(item)
                    self._offered_bytes += size
                except queue.Full:
                    fits = False
        if not fits and is_video:
            self._drop()
        return fits

    @property
    def queued_bytes(self) -> int:
        """Bytes handed to the child's queue that it has not taken yet."""
        return round(self._offered_bytes - self._counters["taken_bytes"].value)

    def _drop(self) -> None:
        with self._lock:
            self._dropped_here += 1

    def stop(self) -> None:
        """Send what is queued, close the stream, end the process; safe to call twice."""
        monitor, self._monitor = self._monitor, None
        if monitor is None:
            return
        self._stopping.set()
        monitor.join()  # it ends the child (gracefully, then firmly) before it ends
        self._read_events()
        if not self._state.final:
            self._set(OutputState.STOPPED, "The stream has ended.")

    def close(self) -> None:
        self.stop()
        self._queue.close()
        self._events.close()

    def stats(self) -> OutputStats:
        """Health as numbers: frames sent and dropped, bitrate, reconnects, state."""
        self._read_events()
        return self.stats_now()

    # -- monitor: the child's life, events from it, and the stall watchdog -----------------
    def _watch(self) -> None:
        block_interrupts()  # the child ignores Ctrl+C: the show stops it (stop())
        self._spawn()
        self._spawned.set()
        while not self._stopping.wait(0.2):
            self._read_events()
            process = self._process
            if process is None:
                break
            quiet = time.monotonic() - self._counters["heartbeat"].value
            if process.is_alive() and quiet <= self.stall_seconds:
                continue
            self._read_events()  # what it said before it ended
            if self._stopping.is_set():  # the show is ending it: stopped, not reconnecting
                break
            if self._state.final:  # refused or name taken: it said so and ended
                self._end_child(process, graceful=False)
                return
            why = "stopped answering" if process.is_alive() else "ended unexpectedly"
            self._end_child(process, graceful=False)
            self._fresh_queues()
            self._restarts += 1
            state = OutputState.CONNECTING
            words = CONNECTING
            if self._state in (OutputState.ON_AIR, OutputState.RECONNECTING):
                state, words = OutputState.RECONNECTING, "The stream is reconnecting..."
            self._set(
                state, words, f"the streaming process {why} (after {quiet:.1f} s quiet); restarted"
            )
            wait = min(FIRST_DELAY * GROWTH ** (self._restarts - 1), self.settings.max_delay)
            if self._stopping.wait(wait):
                return
            self._spawn()
        process = self._process
        if process is not None:
            self._end_child(process, graceful=True)

    def _end_child(self, process: mp.process.BaseProcess, *, graceful: bool) -> None:
        """End ``process``: with ``graceful``, after it has sent what is queued."""
        if graceful and process.is_alive():
            try:
                self._queue.put(None, timeout=2)
            except queue.Full:
                process.terminate()
            process.join(timeout=5)
        if process.is_alive():
            process.kill()
        process.join()
        self._process = None  # frames are dropped (and counted) until a new one
        lifeline, self._lifeline = self._lifeline, None
        if lifeline is not None:
            lifeline.close()
        # what the child did not take stays unsent; do not wait for it at exit (the
        # queue's feeder thread would block on a pipe nobody reads)
        self._queue.cancel_join_thread()

    def _fresh_queues(self) -> None:
        """New queues for the next child: the killed one may have died holding a queue's
        lock or half-way through a message."""
        for old in (self._queue, self._events):
            old.cancel_join_thread()  # never wait at exit for a pipe nobody reads
        with self._lock:
            self._queue = self._ctx.Queue(self._queue_size)
            self._offered_bytes = self._counters["taken_bytes"].value  # none queued
        self._events = self._ctx.Queue()

    def _read_events(self) -> None:
        changed = False
        while True:
            try:
                state, message, error = self._events.get_nowait()
            except (queue.Empty, OSError, ValueError):
                break
            with self._lock:
                self._state, self._message = OutputState(state), message
                if error:
                    self._error = error
            (log.warning if error else log.info)("stream %s: %s %s", state, message, error)
            changed = True
        if changed:
            self._notify()

    def _set(self, state: OutputState, message: str, error: str = "") -> None:
        with self._lock:
            self._state, self._message = state, message
            if error:
                self._error = error
        (log.warning if error else log.info)("stream %s: %s %s", state, message, error)
        self._notify()

    def _notify(self) -> None:
        stats = self.stats_now()
        if stats.state in (OutputState.ON_AIR, OutputState.CONNECTING, OutputState.STOPPED):
            log.info("stream %s: %s", stats.state, stats.message)
        else:  # the teacher's log says why (never the key: messages hold none)
            log.warning("stream %s: %s (%s)", stats.state, stats.message, stats.last_error)
        if self.on_status is not None:
            self.on_status(stats)

    def stats_now(self) -> OutputStats:
        """Stats without reading pending events (used inside the monitor)."""
        c = {name: value.value for name, value in self._counters.items()}
        seconds = max(time.monotonic() - self._started_at, 1e-6) if self._started_at else 1.0
        with self._lock:
            return OutputStats(
                state=self._state,
                message=self._message,
                frames_sent=int(c["sent"]),
                frames_dropped=int(c["dropped"]) + self._dropped_here,
                frames_late=int(c["late"]),
                bitrate_kbps=c["bytes"] * 8 / 1000 / seconds,
                reconnects=int(c["reconnects"]) + self._restarts,
                last_error=self._error,
            )


class PacketStreamer(StreamProcess):
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
                url=url,
                width=header.width,
                height=header.height,
                fps=header.fps,
                sample_rate=header.sample_rate,
                channels=header.channels,
                video_bitrate=header.video_bitrate,
                max_delay=max_delay,
                header=header,
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
    """Raise ValueError unless ``url`` is an RTMP address naming a server and a stream
    (``rtmp://HOST[:PORT]/APP/NAME``; rtmps too)."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("rtmp", "rtmps") or not parts.hostname or not parts.path.strip("/"):
        raise ValueError(
            "the stream address must start with rtmp:// and name the server and the stream, "
            f"such as rtmp://HOST:1935/live/show; got {safe_url(url)!r}"
        )


def check_key(key: str) -> str:
    """``key`` if it can be a stream key (a word without spaces or &?=#/), else ValueError
    (the message never repeats the key)."""
    if not key or any(c in key for c in "&?=#/ ") or not key.isprintable():
        raise ValueError(
            f"the stream key must be one word without spaces or &?=#/ ({len(key)} characters given)"
        )
    return key


def split_key(url: str) -> tuple[str, str]:
    """``url`` without its ``key=`` parameter, and that key ('' when it has none)."""
    base, _, query = url.partition("?")
    kept, key = [], ""
    for part in query.split("&") if query else []:
        name, _, value = part.partition("=")
        if name == "key":
            key = value
        else:
            kept.append(part)
    return (f"{base}?{'&'.join(kept)}" if kept else base), key


def with_key(url: str, key: str) -> str:
    """``url`` (without a key) with ``key`` added as the server expects it (``?key=``);
    ``url`` as it is when ``key`` is ''. Made inside the process only: the result is
    never put on a command line."""
    if not key:
        return url
    base, old = split_key(url)
    if old:
        raise ValueError("the stream address already holds a key")
    return f"{base}{'&' if '?' in base else '?'}key={check_key(key)}"
