"""The streaming process: mux FLV to RTMP, reconnect with growing delays.

Runs in a child process started by :class:`broadcast.streamer.RtmpStreamer` (which hands
it raw frames: it encodes H.264 + AAC here) or :class:`broadcast.streamer.PacketStreamer`
(which hands it packets already encoded in the show's process: it only muxes them). It
reports its state through an event queue and its counts through shared values; it updates
a heartbeat after every step so the show's process can tell a hung write from a quiet one.

A server that takes the connection but refuses the publish (nginx's ``on_publish`` said
no: a wrong or missing stream key) is told apart from one that cannot be reached: FFmpeg
fails the first write of such a connection with EIO, where an absent server gives
ECONNREFUSED and a lost one EPIPE or ECONNRESET. It is retried slowly.
"""

from __future__ import annotations

import errno
import queue
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

COUNTERS = ("sent", "dropped", "late", "bytes", "reconnects", "heartbeat")
FLV_TIME_BASE = Fraction(1, 1000)
FIRST_DELAY = 2.0
GROWTH = 1.5
MAX_DELAY = 4.5
"""The longest wait between tries: 2 s, 3 s, then 4.5 s each time, so the stream is back
within about 5 s of the server's return however long it was away."""
REFUSED_DELAY = 10.0
REFUSED = (
    "The school's server refused the stream: check the key and the name after the port "
    "(live) in the stream address; studio serve prints the right one."
)
"""A wrong key and a wrong application name look the same from here (the server closes
the connection: EIO on the first write), so the message names both."""


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


def run_stream(
    settings: StreamSettings,
    items: Any,
    events: Any,
    counters: dict[str, Any],
) -> None:
    """The child's main loop (see the module docstring)."""
    if settings.header is None:
        give_way()  # it encodes: the show's process comes first

    def beat() -> None:
        counters["heartbeat"].value = time.monotonic()

    def add(name: str, amount: float = 1) -> None:
        counters[name].value += amount

    connection: _Connection | None = None
    delays = reconnect_delays(cap=settings.max_delay)
    retry_at = 0.0
    attempt = 0
    live = False

    def retry_later(why: str, refused: bool) -> float:
        nonlocal attempt
        attempt += 1
        wait = max(next(delays), REFUSED_DELAY) if refused else next(delays)
        if refused:
            events.put(
                (
                    "refused",
                    f"{REFUSED} Trying again in {wait:.0f} s (try {attempt}).",
                    f"{_safe(settings.url)} would not take the stream: {why}",
                )
            )
        else:
            events.put(
                (
                    "reconnecting",
                    f"The stream is reconnecting... (try {attempt}, next in {wait:.0f} s)",
                    f"{_safe(settings.url)}: {why}",
                )
            )
        return time.monotonic() + wait

    while True:
        beat()
        if connection is None and time.monotonic() >= retry_at:
            try:
                connection = _Connection(settings)
                live = False  # "live" only once the server has taken the first packet
            except (OSError, av.FFmpegError) as error:
                retry_at = retry_later(f"cannot reach it: {error}", refused=False)
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
                add("reconnects", bool(attempt))
                delays = reconnect_delays(cap=settings.max_delay)
                attempt = 0
                events.put(("streaming", "We are live!", ""))
        except (OSError, av.FFmpegError) as error:
            add("dropped", is_video)
            _abandon(connection)
            connection = None
            refused = not live and getattr(error, "errno", None) == errno.EIO
            why = f"lost: {error}" if live else f"cannot reach it: {error}"
            retry_at = retry_later(why, refused=refused)
    if connection is not None:
        try:
            connection.close()
        except (OSError, av.FFmpegError) as error:
            events.put(("stopped", "The stream has ended.", f"closing: {error}"))
    beat()


def _abandon(connection: _Connection) -> None:
    """Drop a broken connection without waiting on it (its socket is gone)."""
    try:
        connection.container.close()
    except (OSError, av.FFmpegError):
        return


def _safe(url: str) -> str:
    """The URL without its stream key, fit for a message on screen."""
    return url.split("?", 1)[0]
