"""What goes behind the presenter in a keyed take or a scene: a colour, a built-in
background, a picture or a video looped by time.

A video backdrop is read two ways: offline (``studio key``) :meth:`Backdrop.at` decodes
exactly the picture showing at a time of the take; live, :meth:`Backdrop.play` hands the
decoding to a worker paced by the show's clock (:mod:`studio.playback`), its sound to the
show's sound, and :meth:`Backdrop.at` gives the newest picture due, without waiting.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from kaizen_studio.core.errors import InputError, MissingFileError
from kaizen_studio.core.media import AudioBlock
from kaizen_studio.keying import cover_fit
from kaizen_studio.keying.frames import BGRImage
from kaizen_studio.studio.backgrounds import BUILT_IN
from kaizen_studio.studio.imageio import is_colour, read_colour, read_image
from kaizen_studio.studio.playback import VideoPlayer, open_video

if TYPE_CHECKING:
    from kaizen_studio.core.clock import Clock

VIDEO_SUFFIXES = {".mp4", ".mov", ".mkv", ".webm", ".avi", ".m4v"}
"""Backgrounds with these endings are played as videos."""


def fit_background(
    background: BGRImage, size: tuple[int, int], *, fit: bool, name: str
) -> BGRImage:
    """``background`` scaled to ``size``; one of another shape only with ``fit`` (cropped)."""
    bh, bw = background.shape[:2]
    w, h = size
    if abs(bw / bh - w / h) > 0.01 * (w / h) and not fit:
        raise InputError(
            f"{name}: the background is {bw}x{bh} but the picture is {w}x{h}, another "
            "shape; use a background of the same shape, or add --fit cover to crop it"
        )
    return cover_fit(background, size)


class Backdrop:
    """What goes behind the presenter: a built-in background, a colour, a picture or a
    video (looped, by time)."""

    def __init__(self, spec: str, size: tuple[int, int], *, fit: bool) -> None:
        self._video: _LoopingVideo | None = None
        self._still: BGRImage | None = None
        self._player: VideoPlayer | None = None
        self.spec, self.size, self.fit = spec, size, fit
        w, h = size
        if spec.lower() in BUILT_IN and not Path(spec).exists():
            self._still = BUILT_IN[spec.lower()](size)
        elif is_colour(spec) or (spec.startswith("#") and not Path(spec).exists()):
            self._still = np.empty((h, w, 3), np.uint8)
            self._still[...] = read_colour(spec)
        elif Path(spec).suffix.lower() in VIDEO_SUFFIXES:
            self._video = _LoopingVideo(Path(spec), size, fit=fit)
        elif not Path(spec).suffix and not Path(spec).exists():  # a built-in's name mistyped
            raise MissingFileError(
                f"{spec!r}: no such file, colour or built-in background; the "
                f"built-in ones are {', '.join(BUILT_IN)}"
            )
        else:
            self._still = fit_background(read_image(spec, strict=False), size, fit=fit, name=spec)

    @property
    def still(self) -> bool:
        """Whether the backdrop never changes (a colour or a picture)."""
        return self._video is None

    def at(self, seconds: float) -> BGRImage:
        """The picture showing ``seconds`` after the take's first frame; while playing
        live, the newest picture due on the show's clock (``seconds`` is not used)."""
        if self._player is not None:
            frame = self._player.newest()
            if frame is not None:
                return frame.image
        if self._video is not None:
            return self._video.at(seconds if self._player is None else 0.0)
        assert self._still is not None
        return self._still

    def play(self, clock: Clock, *, on_sound: Callable[[AudioBlock], None] | None = None) -> None:
        """Play a video backdrop live from its start, now: decoded in a worker, paced by
        ``clock``, looped; its sound (if any) to ``on_sound``. Nothing for a still one;
        safe to call twice."""
        if self._video is None or self._player is not None:
            return

        size, fit, name = self.size, self.fit, self.spec
        self._player = VideoPlayer(
            self.spec,
            clock=clock,
            convert=lambda picture: fit_background(picture, size, fit=fit, name=name),
            on_sound=on_sound,
        )
        self._player.start()

    @property
    def playing(self) -> str:
        """How the live video is doing ('' when not playing live)."""
        return "" if self._player is None else self._player.message

    def stop(self) -> None:
        """Stop playing live (safe to call twice; :meth:`play` starts again)."""
        player, self._player = self._player, None
        if player is not None:
            player.stop()

    def close(self) -> None:
        self.stop()
        if self._video is not None:
            self._video.close()


class _LoopingVideo:
    """A background video, looped, giving the frame showing at any time of the take.

    Times count from the take's first frame and the video's first frame; one pass of the
    video lasts from its first frame to the end of its last (one frame length after it).
    """

    def __init__(self, path: Path, size: tuple[int, int], *, fit: bool) -> None:
        self._path, self._size, self._fit = path, size, fit
        self._container = open_video(path)
        stream = self._container.streams.video[0]
        self._frame_length = 1 / float(stream.average_rate or stream.guessed_rate or 25)
        self._frames = self._decode()
        self._pass_start = 0.0  # the take's time at which this pass of the video began
        first = next(self._frames, None)
        if first is None:
            raise InputError(f"{path}: the background video has no pictures in it")
        self._current = first
        self._next = self._upcoming()
        self._single = self._next is None  # one picture: shown for the whole take

    def _decode(self) -> Iterator[tuple[float, BGRImage]]:
        stream = self._container.streams.video[0]
        first: float | None = None
        for frame in self._container.decode(stream):
            if frame.pts is None:
                continue
            picture = frame.to_ndarray(format="bgr24")
            fitted = fit_background(picture, self._size, fit=self._fit, name=str(self._path))
            seconds = float(frame.pts * frame.time_base)
            first = seconds if first is None else first
            yield seconds - first, fitted

    def _upcoming(self) -> tuple[float, BGRImage] | None:
        item = next(self._frames, None)
        return None if item is None else (item[0] + self._pass_start, item[1])

    def at(self, seconds: float) -> BGRImage:
        """The background picture showing ``seconds`` after the take's first frame."""
        while not self._single:
            if self._next is None:  # past the last frame: the next pass begins
                self._pass_start = self._current[0] + self._frame_length
                self._container.close()
                self._container = open_video(self._path)
                self._frames = self._decode()
                self._next = self._upcoming()
                if self._next is None:
                    break
            if self._next[0] > seconds + 1e-6:  # a frame due now is shown now
                break
            self._current = self._next
            self._next = self._upcoming()
        return self._current[1]

    def close(self) -> None:
        self._container.close()
