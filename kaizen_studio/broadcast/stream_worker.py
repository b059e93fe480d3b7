"""The streaming process: mux FLV to RTMP, reconnect with growing delays, die with the show.

Runs in a child process started by :class:`broadcast.streamer.RtmpStreamer` (which hands
it raw frames: it encodes H.264 + AAC here) or :class:`broadcast.streamer.PacketStreamer`
(which hands it packets already encoded in the show's process: it only muxes them). It
reports its state (:class:`broadcast.stats.OutputState`) through an event queue and its
counts through shared values; it updates a heartbeat after every step so the show's
process can tell a hung write from a quiet one.

What the server said is read from how FFmpeg's first write fails (that write opens the
RTMP session and returns only once the server has answered the publish):
- it succeeds: the server accepted the stream (``NetStream.Publish.Start``): ON AIR;
- EIO: the server closed the connection, as nginx does when ``on_publish`` says no (a
  wrong or missing key) or the application name is wrong: REFUSED;
- EPERM: the server answered the publish with an error status, as nginx-rtmp does when
  another publisher holds the name ("already publishing"): NAME_TAKEN;
- ECONNREFUSED, EPIPE, ECONNRESET...: the server cannot be reached or went away.
A refusal or a taken name is tried once more, then the process says so and ends: it
never loops on a stream that cannot go out. A stream that has been on air keeps trying
instead (a server restarting may refuse for a moment, or still hold the lost
connection's name), saying so in words.

The process dies with the show whatever kills the show: on Linux the kernel sends it
SIGKILL when the thread that started it ends (``prctl(PR_SET_PDEATHSIG)``), and on any
system it watches a pipe from the show and ends when that pipe closes. It ignores Ctrl+C
(a terminal sends it to the whole group): the show stops it, sending what is queued.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
import queue
import signal
import sys
import threading
import time
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import av
import numpy as np

from kaizen_studio.broadcast.encoder import (
    EncodedPacket,
    StreamHeader,
    add_mux_streams,
    give_way,
    yuv420p,
)
from kaizen_studio.broadcast.stats import OutputState

COUNTERS = ("sent", "dropped", "late", "bytes", "reconnects", "heartbeat")
FLV_TIME_BASE = Fraction(1, 1000)
FIRST_DELAY = 2.0
GROWTH = 1.5
MAX_DELAY = 4.5
"""The longest wait between tries: 2 s, 3 s, then 4.5 s each time, so the stream is back
within about 5 s of the server's return however long it was away."""
REFUSED_DELAY = 3.0
"""The wait before the one more try after a refusal or a taken name (a show that has just
ended may still hold the name for a moment)."""
TRIES_WHEN_REFUSED = 2
"""A stream the server refuses this many times in a row stops for good."""
REFUSED = "The school's server said no: ask your teacher for the stream key."
PR_SET_PDEATHSIG = 1


def name_taken_words(url: str) -> str:
    """What to say when another show holds the stream name of ``url``."""
    return (
        f"Another show is already live as '{stream_name(url)}' on this server: end that "
        "show first, or give this one another name at the end of the stream address."
    )


def stream_name(url: str) -> str:
    """The stream's name: the last part of ``url``'s path, without the key."""
    return safe_url(url).rstrip("/").rsplit("/", 1)[-1]


def safe_url(url: str) -> str:
    """``url`` without its query (and so without any stream key), fit for a message."""
    return url.split("?", 1)[0]


def scrub(text: str, url: str) -> str:
    """``text`` (an error FFmpeg gave, which may quote the address) with ``url``'s query,
    and so its stream key, taken out."""
    base, _, query = url.partition("?")
    text = text.replace(url, base)
    for part in query.split("&") if query else []:
        secret = part.partition("=")[2]
        if secret:
            text = text.replace(secret, "***")
    return text


@dataclass(frozen=True, slots=True)
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


def reconnect_delays(*, first: float = FIRST_DELAY, growth: float = GROWTH, cap: float) -> Any:
    """Yield the waits between reconnect attempts: 2 s, then x1.5 each time, up to ``cap``."""
    delay = first
    while True:
        yield min(delay, cap)
        delay *= growth


class _Connection:
    """One RTMP connection: an FLV container with two encoders, or two plain streams for
    packets encoded elsewhere (``settings.header``)."""

    def __init__(self, settings: StreamSettings) -> None:
        self.settings = settings
        self.container = av.open(settings.url, "w", format="flv", timeout=4.0)
        self.origin: float | None = None
        self.last_video = -1
        self.next_audio = 0
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

    def encode(self, kind: str, data: np.ndarray, pts: float) -> tuple[list[av.Packet], bool]:
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
            return self._silence_until(pts - 0.5) + list(self.video.encode(frame)), True
        rate = self.settings.sample_rate
        start = round((pts - self.origin) * rate)
        if start < 0 or start + data.shape[0] <= self.next_audio:
            return [], False
        samples = np.ascontiguousarray(data[:, : self.settings.channels].T, dtype=np.float32)
        block = av.AudioFrame.from_ndarray(samples, format="fltp", layout=self.audio.layout.name)
        block.sample_rate = rate
        block.pts, block.time_base = max(start, self.next_audio), Fraction(1, rate)
        self.next_audio = block.pts + data.shape[0]
        return list(self.audio.encode(block)), False

    def _silence_until(self, pts: float) -> list[av.Packet]:
        """Silence up to ``pts`` when no sound has come: a show without a microphone
        still needs its declared sound track, or players and HLS wait for it."""
        assert self.origin is not None
        missing = round((pts - self.origin) * self.settings.sample_rate) - self.next_audio
        if missing < self.settings.sample_rate // 10:
            return []
        silence = np.zeros((missing, self.settings.channels), np.float32)
        packets, _ = self.encode(
            "a", silence, self.origin + self.next_audio / self.settings.sample_rate
        )
        return packets

    def close(self) -> None:
        try:
            if self.settings.header is None:
                self.container.mux(self.video.encode(None))
                self.container.mux(self.audio.encode(None))
        finally:
            self.container.close()


Item = tuple[str, np.ndarray, float] | EncodedPacket
Event = tuple[OutputState, str, str]
"""(state, words for the strip, technical reason for the log)"""


def die_with_parent(lifeline: Any, parent: int) -> None:
    """End this process when the show's process (``parent``) ends, whatever ends it.

    On Linux the kernel kills this process when the thread that started it ends; on
    every system a thread watches ``lifeline`` (the read end of a pipe whose other end
    only the show holds) and ends the process when it closes. The socket closes with the
    process, so the server frees the stream's name at once.
    """
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")
    if os.getppid() != parent:  # the show ended before the line above
        os._exit(1)

    def watch() -> None:
        try:
            while True:
                lifeline.recv_bytes()
        except (EOFError, OSError):
            os._exit(1)  # the show is gone: nobody will read what this process sends

    threading.Thread(target=watch, name="lifeline", daemon=True).start()


def ignore_interrupts() -> None:
    """Ignore Ctrl+C here: a terminal sends it to the whole group, this process too, and
    the show's process stops the stream itself (sending what is queued). The show starts
    this process with SIGINT blocked (:func:`block_interrupts`), so one that came while it
    was starting is dropped here, not raised as KeyboardInterrupt."""
    if threading.current_thread() is not threading.main_thread():
        return  # only the main thread may set handlers (a test calling run_stream)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # also drops one pending while blocked
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def block_interrupts() -> None:
    """Block SIGINT on the calling thread (the show's stream monitor), so the processes it
    starts are born with it blocked until :func:`ignore_interrupts` ignores it. The show's
    own Ctrl+C handler runs on its main thread, which this does not touch."""
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})


def run_stream(
    settings: StreamSettings,
    items: Any,
    events: Any,
    counters: dict[str, Any],
    lifeline: Any = None,
    parent: int | None = None,
) -> None:
    """The child's main loop (see the module docstring)."""
    ignore_interrupts()
    if lifeline is not None and parent is not None:
        die_with_parent(lifeline, parent)
    if settings.header is None:
        give_way()  # it encodes: the show's process comes first

    def beat() -> None:
        counters["heartbeat"].value = time.monotonic()

    def add(name: str, amount: float = 1) -> None:
        counters[name].value += amount

    def say(state: OutputState, words: str, why: str = "") -> None:
        event: Event = (state, words, why)
        events.put(event)

    connection: _Connection | None = None
    delays = reconnect_delays(cap=settings.max_delay)
    retry_at = 0.0
    attempt = 0
    refusals = 0
    live = False  # the server has taken this connection's first packet
    been_live = False
    where = safe_url(settings.url)

    def retry_later(why: str, refusal: OutputState | None) -> float | None:
        """When to try again, having said why; None when it is time to stop."""
        nonlocal attempt, refusals
        why = scrub(why, settings.url)
        attempt += 1
        if refusal is None:
            refusals = 0
            wait = next(delays)
            if been_live:
                words = f"The stream is reconnecting... (try {attempt}, next in {wait:.0f} s)"
                say(OutputState.RECONNECTING, words, f"{where}: {why}")
            else:
                words = (
                    "Cannot reach the school's server (is studio serve running?): "
                    f"trying again in {wait:.0f} s (try {attempt})"
                )
                say(OutputState.CONNECTING, words, f"{where}: {why}")
            return time.monotonic() + wait
        refusals += 1
        if refusal is OutputState.REFUSED:
            words = REFUSED
            detail = (
                f"{where} would not take the stream ({why}): a wrong or missing stream "
                "key, or a wrong name after the port (it should be live)"
            )
        else:
            words = name_taken_words(settings.url)
            detail = f"{where}: the server says another publisher holds the name ({why})"
        if been_live:  # a show that was on air keeps trying (a server restarting)
            say(
                OutputState.RECONNECTING,
                f"{words} Trying again in {REFUSED_DELAY:.0f} s...",
                detail,
            )
            return time.monotonic() + REFUSED_DELAY
        if refusals >= TRIES_WHEN_REFUSED:
            say(refusal, words, f"{detail}; tried {refusals} times, stopped")
            return None
        say(
            OutputState.CONNECTING,
            f"{words} Trying once more in {REFUSED_DELAY:.0f} s...",
            detail,
        )
        return time.monotonic() + REFUSED_DELAY

    while True:
        beat()
        if connection is None and time.monotonic() >= retry_at:
            try:
                connection = _Connection(settings)
                live = False  # "live" only once the server has taken the first packet
            except (OSError, av.FFmpegError) as error:
                when = retry_later(f"cannot reach it: {error}", refusal=None)
                retry_at = when if when is not None else retry_at
            beat()
        try:
            item: Item | None = items.get(timeout=0.25)
        except queue.Empty:
            continue
        if item is None:
            break
        is_video = item.kind == "v" if isinstance(item, EncodedPacket) else item[0] == "v"
        if connection is None:
            add("dropped", is_video)
            continue
        try:
            if isinstance(item, EncodedPacket):
                packets, sent = connection.take(item)
                add("dropped", is_video and not packets)
            else:
                packets, sent = connection.encode(*item)
            for packet in packets:
                connection.container.mux(packet)
                add("bytes", packet.size)
            add("sent", sent)
            if packets and not live:
                live = True
                add("reconnects", been_live)
                been_live = True
                delays = reconnect_delays(cap=settings.max_delay)
                attempt = refusals = 0
                say(OutputState.ON_AIR, "On air: the school's server took the stream.")
        except (OSError, av.FFmpegError) as error:
            add("dropped", is_video)
            _abandon(connection)
            connection = None
            code = getattr(error, "errno", None)
            refusal = None
            if not live and code == errno.EIO:
                refusal = OutputState.REFUSED
            elif not live and code == errno.EPERM:
                refusal = OutputState.NAME_TAKEN
            why = f"lost: {error}" if live else f"cannot reach it: {error}"
            when = retry_later(str(error) if refusal else why, refusal)
            if when is None:
                break  # said why; the show's side stops sending
            retry_at = when
    if connection is not None:
        try:
            connection.close()
        except (OSError, av.FFmpegError) as error:
            say(
                OutputState.STOPPED,
                "The stream has ended.",
                scrub(f"closing: {error}", settings.url),
            )
    beat()


def _abandon(connection: _Connection) -> None:
    """Drop a broken connection without waiting on it (its socket is gone)."""
    try:
        connection.container.close()
    except (OSError, av.FFmpegError):
        return
