"""What a vodcast upload must pass before anything is made: a film PyAV opens with a
picture in it, WebVTT captions, a cover picture, and credits of first names only.

Pupils' surnames never appear: credits are first names, each with its class if wanted
(``Amir (Year 5), Bea``); a credit of two or more words, an initial after the name, or
anything but letters, hyphens and apostrophes is refused, and so is a title or description
in which a credited name is followed by a capitalised word (``Amir Khan``). Each check
raises :class:`PublishError` with one sentence that says what to change.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from pathlib import Path

import av
from PIL import Image, UnidentifiedImageError

MOST_CAPTION_BYTES = 1024 * 1024
"""A micro-lesson's captions are a few kB; a larger .vtt is not captions."""
MOST_COVER_BYTES = 10 * 1024 * 1024
MOST_COVER_PIXELS = 24_000_000
COVER_SIZE = 1400
"""Covers are made square, this many pixels a side (podcast apps ask for 1400-3000)."""
POSTER_WIDTH = 1280

_CREDIT = re.compile(r"(?P<name>[A-Z][a-z'’-]{0,19})(?:\s*\((?P<class>[\w .-]{1,30})\))?")
_TIMING = re.compile(r"^(\d+:)?\d{2}:\d{2}\.\d{3}\s+-->\s+(\d+:)?\d{2}:\d{2}\.\d{3}", re.M)


class PublishError(ValueError):
    """The upload cannot become a vodcast; the message is the reason and the fix."""


def check_credits(credits: str) -> list[str]:
    """The credited first names in ``credits`` (comma-separated ``Name`` or
    ``Name (Class)``); raises :class:`PublishError` for anything that may be a surname."""
    names = []
    for part in (p.strip() for p in credits.split(",")):
        if not part:
            continue
        found = _CREDIT.fullmatch(part)
        if found is None:
            raise PublishError(
                f"the credit {part!r} is not a first name: credits are first names only, "
                f'with the class if you like, e.g. "Amir (Year 5), Bea" (never a surname)'
            )
        names.append(found["name"])
    return names


def check_text(text: str, names: list[str], *, what: str) -> None:
    """Refuse ``text`` (a title or description) where a credited first name is followed
    by another capitalised word, which may be that pupil's surname."""
    for name in names:
        found = re.search(rf"\b{re.escape(name)}\s+[A-Z][\w'’-]*", text)
        if found:
            raise PublishError(
                f"the {what} has {found.group(0)!r}: use pupils' first names only, never a surname"
            )


def check_surnames(texts: dict[str, str], surnames: Iterable[str]) -> None:
    """Refuse when any of ``texts`` (what it is -> its text: credits, title, captions...)
    holds a pupil's surname from the channel's accounts as a word, in any case: a surname
    alone (``Okafor``, ``by the okafor twins``) passes the first-name checks above."""
    for surname in sorted({s.strip() for s in surnames if len(s.strip()) >= 2}):
        word = re.compile(rf"(?<!\w){re.escape(surname)}(?!\w)", re.IGNORECASE)
        for what, text in texts.items():
            if word.search(text):
                raise PublishError(
                    f"the {what} has {surname!r}, a pupil's surname: use pupils' first "
                    "names only, never a surname"
                )


def check_film(path: Path) -> None:
    """Refuse a file that is not a film PyAV can open with a picture in it."""
    try:
        with av.open(str(path)) as container:
            if not container.streams.video:
                raise PublishError("the film has no picture in it: send the vodcast's MP4")
    except av.error.FFmpegError:
        raise PublishError(
            "the film is not a video (or is damaged): send the MP4 studio vodcast made"
        ) from None


def check_captions(data: bytes) -> str:
    """The captions as text if ``data`` is WebVTT with at least one timed cue."""
    if len(data) > MOST_CAPTION_BYTES:
        raise PublishError(
            f"the captions file is {len(data) / 1e6:.1f} MB: the most is "
            f"{MOST_CAPTION_BYTES // 1024} kB; send the .vtt studio vodcast wrote"
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise PublishError("the captions are not UTF-8 text: send the .vtt file") from None
    if not text.startswith("WEBVTT") or not _TIMING.search(text):
        raise PublishError(
            "the captions are not WebVTT (a 'WEBVTT' line, then timed cues): send the .vtt "
            "file studio vodcast wrote beside the film"
        )
    return text


def cover_jpegs(data: bytes) -> tuple[bytes, bytes]:
    """The thumbnail as two JPEGs: the podcast cover (centre crop, square,
    :data:`COVER_SIZE` a side) and the player's poster (its own shape, at most
    :data:`POSTER_WIDTH` wide)."""
    if len(data) > MOST_COVER_BYTES:
        raise PublishError(
            f"the thumbnail is {len(data) / 1e6:.0f} MB: the most is "
            f"{MOST_COVER_BYTES // 1024**2} MB; send the PNG studio vodcast wrote"
        )
    try:
        with Image.open(io.BytesIO(data)) as picture:
            if picture.width * picture.height > MOST_COVER_PIXELS:
                raise PublishError("the thumbnail is over 24 megapixels: make it smaller")
            rgb = picture.convert("RGB")
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError):
        raise PublishError(
            "the thumbnail is not a picture (PNG or JPEG): send the one studio vodcast wrote"
        ) from None
    side = min(rgb.width, rgb.height)
    left, top = (rgb.width - side) // 2, (rgb.height - side) // 2
    square = rgb.crop((left, top, left + side, top + side)).resize(
        (COVER_SIZE, COVER_SIZE), Image.Resampling.LANCZOS
    )
    poster = rgb.copy()
    poster.thumbnail((POSTER_WIDTH, POSTER_WIDTH), Image.Resampling.LANCZOS)
    return _jpeg(square), _jpeg(poster)


def _jpeg(picture: Image.Image) -> bytes:
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=88)
    return out.getvalue()
