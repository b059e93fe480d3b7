"""Where the library keeps its files, under the media folder (``settings.MEDIA_ROOT``).

``incoming/``: uploads as they arrive (Django's temporary files) and, once the upload is
whole, ``<id>.upload`` waiting for the converter; ``work/``: half-made conversions, never
served; ``library/``: finished ``<id>.mp4`` and ``<id>.jpg``, moved in by one rename each
(the thumbnail first, the film last), so the library never holds half a file.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings


def media_root() -> Path:
    return Path(settings.MEDIA_ROOT)


def incoming() -> Path:
    return media_root() / "incoming"


def work() -> Path:
    return media_root() / "work"


def library() -> Path:
    return media_root() / "library"


def make_folders() -> None:
    """Make the three folders (owner and group only)."""
    for folder in (incoming(), work(), library()):
        folder.mkdir(parents=True, exist_ok=True, mode=0o750)


def upload_path(pk: int) -> Path:
    """Where an item's upload waits for the converter."""
    return incoming() / f"{pk}.upload"
