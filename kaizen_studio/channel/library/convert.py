"""An upload made into the library's web-safe MP4 (H.264 + AAC, faststart) and thumbnail.

What the upload is comes from its content, never its name: a zip is a photostory
(pictures and one sound track), a picture (JPEG, PNG...) becomes a few seconds of gentle
pan and zoom, anything else must be a video FFmpeg can read. A file that is none of these,
a picture over :data:`MOST_PIXELS`, or a video that is damaged or cut short is refused with
a :class:`RefusedError` whose message says why and what to do. The work happens in
``work/<id>/``; the thumbnail and then the film are renamed into ``library/`` only when
whole, and the work folder and the upload are removed whatever happens.
"""

from __future__ import annotations

import logging
import shutil
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import av
import cv2
import numpy as np
from PIL import Image, UnidentifiedImageError

from kaizen_studio.channel.library import files, slideshow
from kaizen_studio.channel.library.encode import EncodeError, Encoding, run_ffmpeg
from kaizen_studio.channel.library.models import Kind

log = logging.getLogger(__name__)

MOST_PIXELS = 24_000_000
"""The largest picture taken (a 6000 x 4000 camera); larger ones are refused, not shrunk,
as decoding one takes hundreds of MB."""
PICTURE_SECONDS = 8.0
STORY_MOST_PICTURES = 300
STORY_MOST_BYTES = 2 * 1024**3
"""A photostory zip may unpack to this much at most (a zip bomb is refused)."""
SOUND_SUFFIXES = (".mp3", ".wav", ".m4a", ".aac", ".ogg", ".oga", ".flac", ".opus")
PICTURE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".bmp", ".gif", ".tif", ".tiff")
THUMBNAIL_WIDTH = 320


class RefusedError(ValueError):
    """The upload cannot become a library item; the message is the reason, for staff."""


@dataclass(frozen=True)
class Converted:
    """What the finished MP4 is."""

    kind: Kind
    duration: float
    width: int
    height: int


def convert(pk: int, *, kind: Kind, progress: Callable[[int], None]) -> Converted:
    """Make item ``pk``'s upload into ``library/<pk>.mp4`` and ``library/<pk>.jpg``.

    ``kind`` is what the uploader said (a film or a studio recording); a picture or a zip
    is recognised by its content. ``progress`` is called with 0-100 as the work goes.
    Raises :class:`RefusedError` with the reason; leaves nothing half-made either way.
    """
    source = files.upload_path(pk)
    workdir = files.work() / str(pk)
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    try:
        film = workdir / "film.mp4"
        try:
            if zipfile.is_zipfile(source):
                result = _photostory(source, film, workdir, progress)
            elif _is_picture(source):
                result = _picture(source, film, progress)
            else:
                result = _video(source, film, kind, progress)
        except EncodeError as error:
            raise RefusedError(f"{error}; the file may be damaged: export it again") from None
        thumbnail = workdir / "thumbnail.jpg"
        _thumbnail(film, thumbnail, result.duration)
        files.library().mkdir(parents=True, exist_ok=True)
        thumbnail.replace(files.library() / f"{pk}.jpg")
        film.replace(files.library() / f"{pk}.mp4")
        progress(100)
        return result
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        source.unlink(missing_ok=True)


def _is_picture(path: Path) -> bool:
    try:
        with Image.open(path) as picture:  # reads the header only
            return picture.format is not None
    except (UnidentifiedImageError, Image.DecompressionBombError):
        return False
    except OSError:
        return False


def _check_size(width: int, height: int, name: str) -> None:
    if width * height > MOST_PIXELS:
        raise RefusedError(
            f"{name} is {width} x {height} ({width * height / 1e6:.0f} megapixels): the most "
            f"is {MOST_PIXELS // 1_000_000} megapixels; make it smaller and upload it again"
        )


def _load_picture(path: Path, name: str) -> np.ndarray:
    """A picture as a BGR uint8 array, after its size is checked from the header."""
    try:
        with Image.open(path) as picture:
            _check_size(picture.width, picture.height, name)
            rgb = picture.convert("RGB")
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError) as error:
        raise RefusedError(
            f"{name} is a damaged picture ({error}); save it again and upload it"
        ) from None
    return np.ascontiguousarray(cv2.cvtColor(np.asarray(rgb), cv2.COLOR_RGB2BGR))


def _picture(source: Path, film: Path, progress: Callable[[int], None]) -> Converted:
    picture = slideshow.fit(_load_picture(source, "the picture"), width=1280, height=720)
    encoding = Encoding(width=1280, height=720, seconds=PICTURE_SECONDS)
    run_ffmpeg(
        encoding.from_frames(film, sound=None),
        encoding,
        progress,
        frames=slideshow.frames(
            [picture], seconds=PICTURE_SECONDS, fps=encoding.fps, width=1280, height=720
        ),
    )
    return Converted(kind=Kind.PICTURE, duration=PICTURE_SECONDS, width=1280, height=720)


def _photostory(
    source: Path, film: Path, workdir: Path, progress: Callable[[int], None]
) -> Converted:
    with zipfile.ZipFile(source) as story:
        entries = [e for e in story.infolist() if not e.is_dir() and "__MACOSX" not in e.filename]
        if sum(e.file_size for e in entries) > STORY_MOST_BYTES:
            raise RefusedError(
                "the photostory zip unpacks to over 2 GB: use fewer or smaller pictures"
            )
        pictures = sorted(
            (e for e in entries if e.filename.lower().endswith(PICTURE_SUFFIXES)),
            key=lambda e: e.filename.lower(),
        )
        sounds = [e for e in entries if e.filename.lower().endswith(SOUND_SUFFIXES)]
        if not pictures or len(sounds) != 1:
            raise RefusedError(
                f"a photostory zip needs pictures and exactly one sound track; this one has "
                f"{len(pictures)} pictures and {len(sounds)} sound tracks"
            )
        if len(pictures) > STORY_MOST_PICTURES:
            raise RefusedError(f"a photostory may have {STORY_MOST_PICTURES} pictures at most")
        sound = workdir / ("sound" + Path(sounds[0].filename).suffix.lower())
        with story.open(sounds[0]) as packed, open(sound, "wb") as out:
            shutil.copyfileobj(packed, out)
        loaded = []
        for number, entry in enumerate(pictures):
            unpacked = workdir / f"picture-{number}"
            with story.open(entry) as packed, open(unpacked, "wb") as out:
                shutil.copyfileobj(packed, out)
            name = Path(entry.filename).name
            loaded.append(slideshow.fit(_load_picture(unpacked, name), width=1280, height=720))
            unpacked.unlink()
    seconds = _sound_seconds(sound)
    encoding = Encoding(width=1280, height=720, seconds=seconds)
    run_ffmpeg(
        encoding.from_frames(film, sound=sound),
        encoding,
        progress,
        frames=slideshow.frames(loaded, seconds=seconds, fps=encoding.fps, width=1280, height=720),
    )
    return Converted(kind=Kind.PHOTOSTORY, duration=seconds, width=1280, height=720)


def _sound_seconds(sound: Path) -> float:
    try:
        with av.open(str(sound)) as container:
            if not container.streams.audio:
                raise RefusedError(f"the photostory's sound track {sound.name} has no sound in it")
            stream = container.streams.audio[0]
            if stream.duration is not None and stream.time_base is not None:
                seconds = float(stream.duration * stream.time_base)
            else:
                seconds = (container.duration or 0) / av.time_base
    except av.error.FFmpegError as error:
        raise RefusedError(f"the photostory's sound track cannot be read ({error})") from None
    if seconds <= 0.5:
        raise RefusedError("the photostory's sound track is too short (under half a second)")
    return seconds


def _video(source: Path, film: Path, kind: Kind, progress: Callable[[int], None]) -> Converted:
    try:
        with av.open(str(source)) as container:
            if not container.streams.video:
                raise RefusedError(
                    "the file has no picture in it: upload a film, a picture or a zip"
                )
            video = container.streams.video[0]
            width, height = video.codec_context.width, video.codec_context.height
            seconds = (container.duration or 0) / av.time_base
            has_sound = bool(container.streams.audio)
    except av.error.FFmpegError:
        if _looks_like_media(source):
            raise RefusedError(
                "the film is damaged or cut short (it cannot be opened): copy it again from "
                "the camera or computer, or export it again, and upload that"
            ) from None
        raise RefusedError(
            "this is not a film, picture or photostory zip (is it another kind of file "
            "renamed?): export the film as MP4 and upload that"
        ) from None
    if seconds <= 0 or not width or not height:
        raise RefusedError(
            "the film has no length or no picture size: it is damaged; export it again"
        )
    _check_size(width, height, "the film's picture")
    out_w = min(1920, width) // 2 * 2
    out_h = round(height * out_w / width / 2) * 2
    encoding = Encoding(width=out_w, height=out_h, seconds=seconds)
    run_ffmpeg(encoding.from_file(source, film, has_sound=has_sound), encoding, progress)
    made = _length(film)
    if made < seconds * 0.9 - 0.5:
        raise RefusedError(
            f"the film is cut short or damaged: it says it lasts {seconds:.1f} s but only "
            f"{made:.1f} s could be read; copy it again from the camera or computer"
        )
    return Converted(kind=kind, duration=made, width=out_w, height=out_h)


MEDIA_SIGNATURES = (
    (4, b"ftyp"),  # MP4, MOV, 3GP, M4A
    (0, b"\x1a\x45\xdf\xa3"),  # Matroska, WebM
    (0, b"RIFF"),  # AVI, WAV
    (0, b"OggS"),
    (0, b"\x00\x00\x01\xba"),  # MPEG programme stream
    (0, b"FLV"),
)


def _looks_like_media(path: Path) -> bool:
    """True if ``path`` starts as a film's container does (so a failure to open it means
    damage, not a file of another kind)."""
    with open(path, "rb") as file:
        head = file.read(16)
    return any(head[at : at + len(mark)] == mark for at, mark in MEDIA_SIGNATURES)


def _length(film: Path) -> float:
    with av.open(str(film)) as container:
        return (container.duration or 0) / av.time_base


def _thumbnail(film: Path, thumbnail: Path, seconds: float) -> None:
    """A JPEG of the frame a third of the way in (at most 3 s in), 320 pixels wide."""
    at = min(3.0, seconds / 3)
    with av.open(str(film)) as container:
        stream = container.streams.video[0]
        container.seek(int(at * av.time_base))
        picture = None
        for frame in container.decode(stream):
            picture = frame.to_image()
            if frame.time is not None and frame.time >= at:
                break
    if picture is None:
        raise RefusedError("the converted film has no pictures: the upload is damaged")
    picture.thumbnail((THUMBNAIL_WIDTH, THUMBNAIL_WIDTH))
    picture.save(thumbnail, "JPEG", quality=85)
