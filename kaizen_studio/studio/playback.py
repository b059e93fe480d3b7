"""Playing a video file live: decoded in a worker, paced by the show's clock, looped.

The worker decodes a few pictures ahead into a bounded queue, each with the time on the
show's clock when it is due (the first is due as soon as it is decoded, the rest by their
time stamps from it); :meth:`VideoPlayer.newest` gives the newest picture due by now
(older due ones are dropped and counted: the newest wins). The file's sound, if an
``on_sound`` callback is given, is decoded from a second reader of the file (so the way
the file interleaves sound and pictures does not matter), resampled to the show's rate and
channels, stamped by the samples counted on the same clock and handed over about half a
second before it is due. A looped file is read from the same open readers pass after
pass, each seeking back to the start at the end, so the loop point costs no more than any
other picture; each pass is stamped from the end of the one before (its length, or its
last picture's end), so the pictures' and the sound's times rise steadily across loops.
Used by video backdrops and the video file source.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable, Iterator
from pathlib import Path

import av
import numpy as np

from kaizen_studio.core.clock import Clock
from kaizen_studio.core.errors import InputError, MissingFileError, StudioError
from kaizen_studio.core.media import AudioBlock, Image, SourceState, VideoFrame

log = logging.getLogger(__name__)

SOUND_AHEAD = 0.5
"""Seconds of sound handed over before it is due."""


def picture(frame: av.VideoFrame) -> Image:
    """A decoded picture as a BGR uint8 image (a new array)."""
    image: Image = frame.to_ndarray(format="bgr24")
    return image


class VideoPlayer:
    """Plays ``path`` on ``clock`` from :meth:`start`: pictures through :meth:`newest`,
    sound to ``on_sound``.

    Parameters
    ----------
    convert : applied to each decoded BGR picture in the worker (fitting it to the show).
    loop : play again from the start at the end (else the last picture stays).
    ahead : how many pictures are decoded ahead (the queue's bound).
    """

    def __init__(
        self,
        path: str | Path,
        *,
        clock: Clock,
        convert: Callable[[Image], Image] | None = None,
        loop: bool = True,
        on_sound: Callable[[AudioBlock], None] | None = None,
        sample_rate: int = 48000,
        channels: int = 2,
        ahead: int = 4,
    ) -> None:
        if not 1 <= ahead <= 120:
            raise ValueError(f"decode 1 to 120 pictures ahead, got {ahead}")
        self.path, self.clock, self.convert, self.loop = Path(path), clock, convert, loop
        self.on_sound, self.sample_rate, self.channels = on_sound, sample_rate, channels
        self.ahead = ahead
        open_video(self.path).close()  # a missing or broken file is refused at once
        self._ready: deque[VideoFrame] = deque()
        self._cond = threading.Condition()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._latest: VideoFrame | None = None
        self.frames = self.dropped = self.sound_blocks = 0
        self._state, self._message = SourceState.IDLE, "not started"
        self._ended = False  # the worker queued the last picture (not looping)

    @property
    def state(self) -> SourceState:
        """Where the player is: ENDED once the last picture is due."""
        if self._ended and self._state is SourceState.RUNNING:
            with self._cond:
                if not self._ready or self._ready[-1].pts <= self.clock.now():
                    self._state = SourceState.ENDED
                    self._message = f"{self.path.name} has ended"
        return self._state

    @property
    def message(self) -> str:
        """The state in words (why it failed, if it did)."""
        self.state  # noqa: B018  # brings an end that is now due into the message
        return self._message

    def start(self) -> None:
        """Play from the start, now (safe to call twice)."""
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()
        with self._cond:
            self._ready.clear()
        self._ended = False
        self._state, self._message = SourceState.RUNNING, f"playing {self.path.name}"
        self._thread = threading.Thread(
            target=self._run, name=f"video {self.path.name}", daemon=True
        )
        self._thread.start()

    def newest(self) -> VideoFrame | None:
        """The newest picture due by now (None before the first is decoded)."""
        now = self.clock.now()
        with self._cond:
            taken = 0
            while self._ready and self._ready[0].pts <= now:
                self._latest = self._ready.popleft()
                taken += 1
            if taken:
                self.dropped += taken - 1
                self._cond.notify_all()
            return self._latest

    def stop(self) -> None:
        """Stop the worker (safe to call twice); the last picture stays."""
        self._stop.set()
        with self._cond:
            self._cond.notify_all()
        thread, self._thread = self._thread, None
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=5.0)
        if self.state is SourceState.RUNNING:
            self._state, self._message = SourceState.STOPPED, f"{self.path.name} is stopped"

    def close(self) -> None:
        self.stop()

    # -- the worker --------------------------------------------------------------------
    def _run(self) -> None:
        try:
            with _Pictures(self.path) as pictures, _Sound(self) as sound:
                start: float | None = None  # the show's time of this pass's first picture
                while not self._stop.is_set():
                    start, length = self._play_once(pictures, sound, start)
                    if not self.loop or length <= 0:
                        break
                    start += length
                    pictures.rewind()
        except (StudioError, OSError, ValueError, av.FFmpegError) as error:
            self._state, self._message = SourceState.FAILED, f"{self.path.name} stopped: {error}"
            log.warning("%s", self._message)
            return
        if not self._stop.is_set():
            self._ended = True

    def _play_once(
        self, pictures: _Pictures, sound: _Sound, start: float | None
    ) -> tuple[float, float]:
        """Queue one pass of the pictures from ``start`` (None: the first picture is due
        as soon as it is decoded); the pass's start and length in seconds."""
        zero, length, frame_length = pictures.zero, pictures.length, pictures.frame_length
        blocks = sound.one_pass(zero, length) if self.on_sound is not None else None
        sound_until = 0.0
        last = -frame_length
        for frame in pictures.one_pass():
            if self._stop.is_set():
                return 0.0, 0.0
            if frame.pts is None:
                continue
            last = float(frame.pts * frame.time_base) - zero
            image = picture(frame)
            if self.convert is not None:
                image = self.convert(image)
            if start is None:
                start = self.clock.now() - last
            while blocks is not None and sound_until < last + SOUND_AHEAD:
                block = next(blocks, None)
                if block is None:
                    blocks = None
                    break
                sound_until = block.pts + block.duration
                self._hand_sound(block, start)
            if not self._queue(VideoFrame(image, start + last, self.frames)):
                return 0.0, 0.0
            self.frames += 1
        if start is None:
            raise ValueError("the video has no pictures in it")
        end = max(length, last + frame_length)
        for block in blocks or ():
            if block.pts >= end or self._stop.is_set():
                break
            self._hand_sound(block, start)
        return start, end

    def _queue(self, frame: VideoFrame) -> bool:
        with self._cond:
            while len(self._ready) >= self.ahead and not self._stop.is_set():
                self._cond.wait(0.1)
            if self._stop.is_set():
                return False
            self._ready.append(frame)
            return True

    def _hand_sound(self, block: AudioBlock, start: float) -> None:
        assert self.on_sound is not None
        self.sound_blocks += 1
        self.on_sound(AudioBlock(block.samples, block.sample_rate, start + block.pts))


class _Pictures:
    """The file's pictures, read pass after pass from one open file: at the end of a pass
    the reader seeks back to the start (the decoder flushed, its threads kept) rather
    than opening the file again, which costs a probe of the file and a new decoder."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._container = self._open()

    def _open(self) -> av.container.InputContainer:
        container = open_video(self.path)
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        base = stream.time_base
        self.zero = float(stream.start_time * base) if stream.start_time is not None else 0.0
        """The first picture's time in the file (seconds)."""
        rate = stream.average_rate or stream.guessed_rate
        self.frame_length = 1.0 / float(rate) if rate else 0.04
        self.length = float(stream.duration * base) if stream.duration and base else 0.0
        """The pictures' length in seconds (0.0: not known before the end)."""
        return container

    def one_pass(self) -> Iterator[av.VideoFrame]:
        """The decoded pictures, from where the reader is to the end of the file."""
        stream = self._container.streams.video[0]
        for frame in self._container.decode(stream):
            assert isinstance(frame, av.VideoFrame)
            yield frame

    def rewind(self) -> None:
        """Back to the start for the next pass (a file that cannot seek is opened again)."""
        stream = self._container.streams.video[0]
        try:
            self._container.seek(stream.start_time or 0, stream=stream)
        except av.FFmpegError:
            self._container.close()
            self._container = self._open()

    def __enter__(self) -> _Pictures:
        return self

    def __exit__(self, *exc: object) -> None:
        self._container.close()


class _Sound:
    """The file's sound for ``player`` (at its rate and channels), read pass after pass
    from a second reader of the file kept open (so the way the file interleaves sound and
    pictures does not matter), which seeks back to the start for each pass after the
    first. No reader when the player has no ``on_sound`` or the file no sound."""

    def __init__(self, player: VideoPlayer) -> None:
        self.sample_rate, self.channels = player.sample_rate, player.channels
        self._container: av.container.InputContainer | None = None
        self._passes = 0
        if player.on_sound is not None:
            container = av.open(str(player.path))
            if container.streams.audio:
                self._container = container
            else:
                container.close()

    def one_pass(self, zero: float, length: float) -> Iterator[AudioBlock]:
        """The sound stamped in seconds from the pictures' start (``zero`` in the file) by
        the samples counted; cut at ``length`` (when known), so that the next pass's
        sound follows on without overlapping it."""
        if self._container is None:
            return
        stream = self._container.streams.audio[0]
        if self._passes:
            self._container.seek(stream.start_time or 0, stream=stream)
        self._passes += 1
        layout = "stereo" if self.channels == 2 else "mono"
        resampler = av.AudioResampler(format="flt", layout=layout, rate=self.sample_rate)
        counted: int | None = None
        for frame in self._container.decode(stream):
            if counted is None:
                began = float(frame.pts * frame.time_base) - zero if frame.pts else 0.0
                counted = round(began * self.sample_rate)
            for out in resampler.resample(frame):
                samples = out.to_ndarray().reshape(-1, self.channels).astype(np.float32)
                pts = counted / self.sample_rate
                if length:
                    if pts >= length:
                        return
                    samples = samples[: round(length * self.sample_rate) - counted]
                counted += samples.shape[0]
                yield AudioBlock(samples, self.sample_rate, pts)

    def __enter__(self) -> _Sound:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._container is not None:
            self._container.close()


def open_video(path: Path) -> av.container.InputContainer:
    """Open ``path`` for reading, checking it has a video stream."""
    if not path.exists():
        raise MissingFileError(f"{path}: no such file; check the name and the folder")
    if path.is_file() and path.stat().st_size == 0:
        raise InputError(f"{path}: the file is empty")
    try:
        container = av.open(str(path))
    except av.FFmpegError as error:
        raise InputError(f"{path}: is not a video file, or it is damaged") from error
    if not container.streams.video:
        container.close()
        raise InputError(f"{path}: has no pictures in it (no video stream)")
    return container
