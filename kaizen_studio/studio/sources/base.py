"""A source that produces frames in a worker thread and keeps only the newest; how a
source says how it is doing (:class:`SourceStats`, :class:`MeasuredSource`) and how big
its pictures are (:class:`SizedSource`)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from kaizen_studio.core.clock import Clock
from kaizen_studio.core.errors import StudioError
from kaizen_studio.core.media import Image, SourceState, VideoFrame, VideoSource

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True, kw_only=True)
class SourceStats:
    """How a source is doing, in numbers and in words a child understands."""

    frames: int
    """frames produced"""
    dropped: int
    """frames replaced by a newer one before anybody read them"""
    state: SourceState
    message: str


@runtime_checkable
class MeasuredSource(VideoSource, Protocol):
    """A source that says how it is doing: every :class:`ThreadedSource` (a camera, the
    demo presenter), a video file (a still or a filter need not)."""

    def stats(self) -> SourceStats: ...


@runtime_checkable
class SizedSource(VideoSource, Protocol):
    """A source that knows its pictures' size before it sends one: a camera, a video file,
    the demo presenter."""

    size: tuple[int, int]
    """(width, height) of its pictures"""


class ThreadedSource:
    """Runs :meth:`produce` in a worker thread; :meth:`read` returns the newest frame.

    Subclasses implement ``produce()``, a generator of pictures that may block (it is
    paced by the subclass); each picture is stamped with the clock's time when it arrives.
    ``start``, ``stop`` and ``close`` are safe to call twice. An error in the worker ends
    the source with state FAILED and a message, never an exception in the reader.
    """

    name = "source"

    def __init__(self, *, clock: Clock | None = None) -> None:
        self.clock = clock or Clock()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._latest: VideoFrame | None = None
        self._unread = False
        self._frames = self._dropped = 0
        self._state, self._message = SourceState.IDLE, "not started"

    def produce(self) -> Iterator[Image]:
        raise NotImplementedError

    @property
    def stopping(self) -> bool:
        """True once :meth:`stop` was called: ``produce`` should return soon."""
        return self._stop.is_set()

    def start(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()
        self._set_state(SourceState.RUNNING, f"{self.name} is running")
        self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            for picture in self.produce():
                if self._stop.is_set():
                    break
                frame = VideoFrame(picture, self.clock.now(), self._frames)
                with self._lock:
                    if self._unread:
                        self._dropped += 1
                    self._latest, self._unread = frame, True
                    self._frames += 1
        except (StudioError, OSError, ValueError) as error:
            self._set_state(SourceState.FAILED, f"{self.name} stopped: {error}")
            return
        if self._stop.is_set():
            self._set_state(SourceState.STOPPED, f"{self.name} is stopped")
        else:
            self._set_state(SourceState.ENDED, f"{self.name} has ended")

    def read(self) -> VideoFrame | None:
        """The newest frame, or None if none has arrived yet."""
        with self._lock:
            self._unread = False
            return self._latest

    def stop(self) -> None:
        self._stop.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=5.0)

    def close(self) -> None:
        self.stop()

    def stats(self) -> SourceStats:
        with self._lock:
            return SourceStats(
                frames=self._frames,
                dropped=self._dropped,
                state=self._state,
                message=self._message,
            )

    def _set_state(self, state: SourceState, message: str) -> None:
        with self._lock:
            self._state, self._message = state, message
        log.log(logging.WARNING if state is SourceState.FAILED else logging.INFO, "%s", message)

    def __enter__(self) -> ThreadedSource:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
