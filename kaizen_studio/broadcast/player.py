"""The classroom player's engine: decode an RTMP show with PyAV, reconnect between shows.

No Qt here: the window (``studio watch``) and the headless report are two clients of
:class:`StreamReader`, which decodes in its own thread and hands each picture (BGR) and
block of sound to callbacks, with no buffering beyond what the decoder needs.

A connection that gives no picture is dropped and made again: one whose probe found only
sound (on a busy machine a show's pictures can lag its sound by more than the probe
listens, and PyAV never reads a stream that appears after the probe), or one whose
pictures stopped while its sound went on. Every wait is bounded; between tries the
reader sleeps ``retry`` seconds.
"""

from __future__ import annotations

import enum
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import av
import numpy as np

from kaizen_studio.core.media import AudioBlock, VideoFrame

log = logging.getLogger(__name__)

LOW_DELAY = {
    "fflags": "nobuffer",
    "flags": "low_delay",
    "rtmp_live": "live",
    "probesize": "262144",
    "analyzeduration": "1500000",
    "rw_timeout": "3000000",
}


PICTURE_WAIT = 5.0
"""Seconds a connection may give no picture (sound only, or nothing) before the reader
drops it and connects again; at least twice the reader's ``timeout``."""


class PlayerState(enum.Enum):
    """Where the reader is."""

    STOPPED = "stopped"
    CONNECTING = "connecting"
    """started, no picture shown yet"""
    PLAYING = "playing"
    """pictures are coming"""
    RECONNECTING = "reconnecting"
    """the show was lost (or gave no picture): connecting again every ``retry`` s"""


class NoPictureError(ConnectionError):
    """The server answered, but the connection gave no picture (the show is not on yet,
    or its pictures are late or stopped)."""


@dataclass(slots=True)
class PlayerStats:
    """What the reader has done so far."""

    frames: int = 0
    audio_samples: int = 0
    connects: int = 0
    on_air: bool = False
    last_error: str = ""
    state: PlayerState = PlayerState.STOPPED
    reconnects: int = 0
    """connections dropped or refused since the first picture, each followed by a retry"""


class StreamReader:
    """Decodes ``url`` in a worker thread until stopped, reconnecting every ``retry`` s.

    ``on_frame(VideoFrame)`` gets each picture (``pts`` is the local monotonic time it
    was decoded; ``meta['stream_pts']`` its time in the stream); ``on_audio(AudioBlock)``
    each block of sound; ``on_air(bool)`` each change between a show and "off air".
    ``timeout``: seconds a connection or a read may wait for the server before the reader
    gives up on it and connects again; a connection that gives no picture for twice that
    (at least :data:`PICTURE_WAIT`) is dropped too. :attr:`stats` ``.state`` says where
    it is (:class:`PlayerState`).
    """

    def __init__(
        self,
        url: str,
        *,
        on_frame: Callable[[VideoFrame], None] | None = None,
        on_audio: Callable[[AudioBlock], None] | None = None,
        on_air: Callable[[bool], None] | None = None,
        retry: float = 1.0,
        timeout: float = 3.0,
    ) -> None:
        if not url.startswith(("rtmp://", "rtmps://", "http://", "https://", "file:", "/")):
            raise ValueError(f"cannot watch {url!r}: expected an rtmp:// address")
        if not 0.2 <= timeout <= 30.0:
            raise ValueError(f"a stream's timeout is 0.2 to 30 seconds, got {timeout}")
        if not 0.05 <= retry <= 30.0:
            raise ValueError(f"a player retries every 0.05 to 30 seconds, got {retry}")
        self.url, self.retry, self.timeout = url, retry, timeout
        self.picture_wait = max(PICTURE_WAIT, 2 * timeout)
        """seconds a connection may give no picture before it is dropped"""
        self.on_frame, self.on_audio, self.on_air = on_frame, on_audio, on_air
        self.stats = PlayerStats()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._stop.clear()
            self.stats.state = PlayerState.CONNECTING
            self._thread = threading.Thread(target=self._run, name="player", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        """Ask the reader to stop; returns once it has (reads time out within seconds)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=6)
            self._thread = None
        self.stats.state = PlayerState.STOPPED

    def close(self) -> None:
        self.stop()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self._play_once()
            except (OSError, av.FFmpegError) as error:
                self.stats.last_error = str(error)
                log.info("no show from %s: %s; trying again", self.url, error)
            if self._stop.is_set():
                break
            self._set_on_air(False)
            if self.stats.state is not PlayerState.CONNECTING:
                self.stats.state = PlayerState.RECONNECTING
                self.stats.reconnects += 1
            self._stop.wait(self.retry)

    def _play_once(self) -> None:
        """Play one connection until it ends, fails, or gives no picture for
        :attr:`picture_wait` seconds (:class:`NoPictureError`)."""
        options = {**LOW_DELAY, "rw_timeout": str(round(self.timeout * 1_000_000))}
        with av.open(self.url, options=options, timeout=(self.timeout, self.timeout)) as container:
            self.stats.connects += 1
            video = container.streams.video[:1]
            if not video:  # PyAV never reads a stream found after the probe: connect again
                raise NoPictureError(f"{self.url}: the server sent sound but no picture yet")
            streams = video + container.streams.audio[:1]
            for stream in streams:
                stream.thread_type = "SLICE"
            last_picture = time.monotonic()
            for packet in container.demux(streams):
                if self._stop.is_set():
                    return
                for frame in packet.decode():
                    if isinstance(frame, av.VideoFrame):
                        last_picture = time.monotonic()
                    self._deliver(frame)
                if time.monotonic() - last_picture > self.picture_wait:
                    raise NoPictureError(f"{self.url}: no picture for {self.picture_wait:.0f} s")

    def _deliver(self, frame: av.VideoFrame | av.AudioFrame) -> None:
        stream_pts = float(frame.time) if frame.time is not None else 0.0
        if isinstance(frame, av.VideoFrame):
            self._set_on_air(True)
            self.stats.state = PlayerState.PLAYING
            self.stats.frames += 1
            if self.on_frame is not None:
                image = frame.to_ndarray(format="bgr24")
                self.on_frame(
                    VideoFrame(
                        image, time.monotonic(), self.stats.frames, {"stream_pts": stream_pts}
                    )
                )
            return
        samples = frame.to_ndarray()
        if samples.ndim == 2 and frame.format.is_planar:
            samples = samples.T
        elif samples.ndim == 2:
            samples = samples.reshape(-1, len(frame.layout.channels))
        self.stats.audio_samples += frame.samples
        if self.on_audio is not None:
            block = np.ascontiguousarray(samples, dtype=np.float32)
            self.on_audio(AudioBlock(block, frame.sample_rate, stream_pts))

    def _set_on_air(self, on_air: bool) -> None:
        if on_air != self.stats.on_air:
            self.stats.on_air = on_air
            if self.on_air is not None:
                self.on_air(on_air)


def watch_headless(
    url: str, *, seconds: float, on_audio: Callable[[AudioBlock], None] | None = None
) -> PlayerStats:
    """Decode ``url`` for ``seconds`` with no window (the sound to ``on_audio``, a
    :class:`broadcast.speaker.Speaker`'s ``play`` to hear it); return what was decoded."""
    reader = StreamReader(url, on_audio=on_audio)
    reader.start()
    time.sleep(seconds)
    reader.stop()
    return reader.stats
