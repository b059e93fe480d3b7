"""A partner school's stream as a source of the show: the guest.

The stream (RTMP from a server, or HLS from a partner's ``studio serve``) is decoded by
:class:`broadcast.player.StreamReader` in its own thread, which connects again by itself
when the stream drops. Each picture (made no bigger than the show in that thread; the
programme resizes it once, to where it goes) is put in a bounded queue, stamped with the
moment it is due on the show's clock: its time in the stream plus an offset fixed when
the stream is joined (its arrival then, plus :data:`HOLD` to ride out the network's
jitter). Its sound is stamped the same way, so pictures and sound stay together.
:meth:`GuestSource.read` never waits: it gives the newest picture due.

The offset only moves sooner after that: a picture that arrives earlier than the offset
says (the first ones, read while the stream was being opened, are late ones) sets it.
The guest is *lost* when no picture has arrived for ``lost_after`` seconds (the card
"Reconnecting to ..." shows then; :class:`studio.guest_look.GuestStage`); the next
picture after that joins the stream again (a new offset).

What the delay shown measures: :data:`HOLD` plus how much later than the quickest since
joining the pictures now arrive (their stream times against their arrival on the show's clock,
averaged over the last second). The time the stream took to reach us before its first
picture (the partner's encoder, their server, the network) is not in it: only a clock
both schools share could measure that (``benchmarks/guest.py`` measures it on loopback).
"""

from __future__ import annotations

import enum
import logging
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from kaizen_studio.broadcast.player import StreamReader
from kaizen_studio.core.clock import Clock
from kaizen_studio.core.errors import InputError
from kaizen_studio.core.media import AudioBlock, VideoFrame
from kaizen_studio.keying import cover_fit

log = logging.getLogger(__name__)

HOLD = 0.15
"""Seconds each picture and its sound are held after they arrive (the jitter they ride)."""
LOST_AFTER = 1.0
"""Seconds without a picture before the guest counts as lost (the card shows)."""
HLS_HOLD, HLS_LOST_AFTER = 1.2, 3.0
"""The same for a stream over HLS (http://.../NAME.m3u8), whose pictures come a segment
(a second) at a time."""
QUEUE = 50
"""Pictures held at most (two seconds at 25 fps); older ones are dropped and counted."""
EARLIER = 0.02
"""A picture due this much (seconds) later than its arrival plus the hold moves every
picture's due time sooner (the first ones read when the stream was opened were old)."""
JUMP = 1.0
"""A stream time that jumps by more than this (seconds) is a new stream: joined again."""
NAME_CHARS = 40
"""characters in a guest's name at most (it goes on the card and under the box)"""


class GuestState(enum.Enum):
    """Where the guest is."""

    CONNECTING = "connecting"
    """no picture yet"""
    ON = "on"
    RECONNECTING = "reconnecting"
    """it was on, and no picture has come for ``lost_after`` seconds"""
    STOPPED = "stopped"


@dataclass(frozen=True, slots=True, kw_only=True)
class GuestStats:
    """How the guest is doing, in numbers."""

    state: GuestState
    frames: int
    """pictures arrived"""
    dropped: int
    """pictures that were never shown (a newer one was due first, or the queue was full)"""
    losses: int
    """times the guest was lost (the card shown)"""
    joins: int
    """times the stream was joined (the first time, and after each loss or new stream)"""
    delay: float
    """seconds: the hold (:data:`HOLD`) plus how much later than the quickest since joining
    pictures arrive"""


def check_guest(url: str, name: str) -> None:
    """Raise :class:`InputError` naming the bad address or name, and the fix."""
    if not url.startswith(("rtmp://", "rtmps://", "http://", "https://")):
        raise InputError(
            f"--guest {url!r}: give the partner's stream address, rtmp://HOST:PORT/live/NAME "
            "or http://HOST:PORT/hls/NAME.m3u8"
        )
    if not name.strip() or len(name) > NAME_CHARS:
        raise InputError(
            f"--guest-name {name!r}: give the partner school's name, 1 to {NAME_CHARS} characters"
        )


class GuestSource:
    """The partner's stream at ``url``, called ``name``, its pictures no bigger than the
    show's ``size``.

    ``on_sound`` (settable until :meth:`start`) gets the guest's sound at the show's
    ``sample_rate`` and ``channels``, stamped on ``clock`` in step with the pictures;
    while :attr:`audible` is False it is not sent (the show does not show the guest).
    ``start``, ``stop`` and ``close`` are safe to call twice.
    """

    def __init__(
        self,
        url: str,
        *,
        name: str,
        size: tuple[int, int] = (1280, 720),
        clock: Clock | None = None,
        lost_after: float | None = None,
        timeout: float = 2.0,
        retry: float = 0.3,
        sample_rate: int = 48000,
        channels: int = 2,
    ) -> None:
        check_guest(url, name)
        self.url, self.name, self.size = url, name.strip(), size
        self.clock = clock or Clock()
        hls = url.startswith(("http://", "https://"))
        self.hold = HLS_HOLD if hls else HOLD
        """seconds each picture is held after it arrives"""
        self.lost_after = lost_after or (HLS_LOST_AFTER if hls else LOST_AFTER)
        self.sample_rate, self.channels = sample_rate, channels
        self.on_sound: Callable[[AudioBlock], None] | None = None
        self.audible = True
        self._reader = StreamReader(
            url, on_frame=self._arrived, on_audio=self._heard, retry=retry, timeout=timeout
        )
        self._lock = threading.Lock()
        self._ready: deque[VideoFrame] = deque()
        self._latest: VideoFrame | None = None
        self._offset: float | None = None  # show time = stream time + offset
        self._last_stream = 0.0  # the last picture's stream time
        self._last_arrival: float | None = None
        self._lateness: deque[float] = deque(maxlen=25)
        self._frames = self._dropped = self._losses = self._joins = 0
        self._lost = False
        self._running = False

    # -- lifecycle -------------------------------------------------------------------
    def start(self) -> None:
        if not self._running:
            self._running = True
            self._reader.start()

    def stop(self) -> None:
        self._running = False
        self._reader.stop()

    def close(self) -> None:
        self.stop()

    # -- the show's side (never waits) ---------------------------------------------
    def read(self) -> VideoFrame | None:
        """The newest picture due by now on the show's clock (None: none yet, or the
        guest is lost: its last picture is old)."""
        now = self.clock.now()
        with self._lock:
            taken = 0
            while self._ready and self._ready[0].pts <= now:
                self._latest = self._ready.popleft()
                taken += 1
            self._dropped += max(0, taken - 1)
            return None if self._state(now) is not GuestState.ON else self._latest

    @property
    def state(self) -> GuestState:
        with self._lock:
            return self._state(self.clock.now())

    def _state(self, now: float) -> GuestState:
        if not self._running:
            return GuestState.STOPPED
        if self._last_arrival is None:
            return GuestState.CONNECTING
        if now - self._last_arrival > self.lost_after:
            if not self._lost:
                self._lost = True
                self._losses += 1
                log.warning("the guest %s is lost; reconnecting", self.name)
            return GuestState.RECONNECTING
        return GuestState.ON

    def stats(self) -> GuestStats:
        with self._lock:
            lateness = list(self._lateness)
            return GuestStats(
                state=self._state(self.clock.now()),
                frames=self._frames,
                dropped=self._dropped,
                losses=self._losses,
                joins=self._joins,
                delay=self.hold + (max(0.0, float(np.mean(lateness))) if lateness else 0.0),
            )

    # -- the reader's thread ---------------------------------------------------------
    def _arrived(self, frame: VideoFrame) -> None:
        """A decoded picture: fitted, stamped with when it is due, queued (never raises:
        the reader's thread must go on)."""
        stream = float(frame.meta.get("stream_pts", 0.0))  # type: ignore[arg-type]
        image = frame.image
        try:
            if image.shape[1] > self.size[0] or image.shape[0] > self.size[1]:
                image = cover_fit(image, self.size)  # no bigger than the show: less to resize
        except ValueError as error:
            log.warning("a picture of the guest %s was not usable: %s", self.name, error)
            return
        now = self.clock.now()
        with self._lock:
            offset = self._join_if_new(stream, now)
            early = stream + offset - (now + self.hold)
            if early > EARLIER:  # the quickest picture yet: the link's own pace from now on
                offset = self._move_earlier(early)
            due = stream + offset
            self._lateness.append(now + self.hold - due)
            self._last_stream, self._last_arrival = stream, now
            self._lost = False
            if len(self._ready) >= QUEUE:
                self._ready.popleft()
                self._dropped += 1
            self._ready.append(VideoFrame(image, due, self._frames, {"stream_pts": stream}))
            self._frames += 1

    def _move_earlier(self, seconds: float) -> float:
        """Make every picture due ``seconds`` sooner (the ones queued too, in step): the
        pictures read while the stream was being opened are dropped as old, and the
        guest is as fresh as the link allows. The new offset."""
        assert self._offset is not None
        self._offset -= seconds
        self._ready = deque(
            VideoFrame(f.image, f.pts - seconds, f.index, f.meta) for f in self._ready
        )
        self._lateness = deque((late + seconds for late in self._lateness), maxlen=25)
        return self._offset

    def _join_if_new(self, stream: float, now: float) -> float:
        """The offset from stream time to the show's clock; set afresh (the stream joined)
        at the first picture, after a loss, or when the stream's time jumps."""
        offset = self._offset
        if (
            offset is None
            or self._last_arrival is None
            or now - self._last_arrival > self.lost_after
            or abs(stream - self._last_stream) > JUMP
        ):
            offset = now + self.hold - stream
            self._offset = offset
            self._joins += 1
            self._lateness.clear()
            self._ready.clear()
            log.info("joined the guest %s (join %d)", self.name, self._joins)
        return offset

    def _heard(self, block: AudioBlock) -> None:
        """A block of the guest's sound: to the show's rate and channels, stamped with
        the pictures' offset, sent on (never raises)."""
        with self._lock:
            offset = self._offset
        sink = self.on_sound
        if sink is None or offset is None or not self.audible:
            return
        samples = to_show_sound(block, rate=self.sample_rate, channels=self.channels)
        try:
            sink(AudioBlock(samples, self.sample_rate, block.pts + offset))
        except ValueError as error:
            log.warning("the guest's sound was not mixed: %s", error)

    def __enter__(self) -> GuestSource:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def to_show_sound(block: AudioBlock, *, rate: int, channels: int) -> np.ndarray:
    """``block``'s samples as float32 (n, ``channels``) at ``rate`` Hz: channels repeated
    or cut, the rate changed by linear interpolation (a partner's 44.1 kHz to our 48)."""
    samples = np.asarray(block.samples, np.float32)
    if samples.ndim == 1:
        samples = samples[:, None]
    if samples.shape[1] != channels:
        samples = np.repeat(samples[:, :1], channels, axis=1)
    if block.sample_rate != rate and len(samples):
        count = max(1, round(len(samples) * rate / block.sample_rate))
        old = np.arange(len(samples), dtype=np.float64)
        new = np.linspace(0, len(samples) - 1, count)
        samples = np.stack(
            [np.interp(new, old, samples[:, c]) for c in range(channels)], axis=1
        ).astype(np.float32)
    return np.ascontiguousarray(samples)
