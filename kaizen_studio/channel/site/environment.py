"""What ``studio serve`` tells the channel's processes, through environment variables.

The app server (gunicorn) and the commands ``studio serve`` runs (migrations, the first
administrator) are other processes: the server folder, the school's name and colours and
the database travel to them as the variables named here, read once by ``settings``.
"""

from __future__ import annotations

import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

FOLDER = "KAIZEN_CHANNEL_FOLDER"
SCHOOL = "KAIZEN_CHANNEL_SCHOOL"
COLOURS = "KAIZEN_CHANNEL_COLOURS"
DATABASE = "KAIZEN_CHANNEL_DATABASE"
"""``postgresql://USER:PASSWORD@HOST:PORT/NAME`` for PostgreSQL; unset for SQLite in the
server folder (``channel.sqlite3``)."""

SECRET_FILE = "channel-secret-key"
DEFAULT_COLOURS = ("#1d3557", "#f4a261")
COLOUR = re.compile(r"#[0-9a-fA-F]{6}")


SQLITE_OPTIONS = {
    "timeout": 20,
    "transaction_mode": "IMMEDIATE",
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}
"""SQLite shared by gunicorn's threads (every request is a transaction): a write waits up
to 20 s for another instead of failing at once with "database is locked", each request's
transaction takes the write lock at its start (a read that turns into a write mid-way
cannot be refused; Django 5.1's ``transaction_mode``), and readers never wait for a
writer (WAL). A sign-in under load beside screens reporting in every 3 s failed with a
500 once in a few runs before."""


@dataclass(frozen=True)
class Database:
    """Where the channel keeps its tables, as Django's ``DATABASES['default']``."""

    engine: str
    name: str
    user: str = ""
    password: str = ""
    host: str = ""
    port: str = ""

    def as_django(self) -> dict[str, object]:
        return {
            "ENGINE": self.engine,
            "NAME": self.name,
            "USER": self.user,
            "PASSWORD": self.password,
            "HOST": self.host,
            "PORT": self.port,
            "ATOMIC_REQUESTS": True,
            "OPTIONS": SQLITE_OPTIONS if self.engine.endswith("sqlite3") else {},
        }


def database(folder: Path, url: str | None) -> Database:
    """SQLite in ``folder`` when ``url`` is empty, else PostgreSQL from a
    ``postgresql://`` address; ValueError naming any other address."""
    if not url:
        return Database(engine="django.db.backends.sqlite3", name=str(folder / "channel.sqlite3"))
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql") or not parts.path.strip("/"):
        raise ValueError(
            f"{DATABASE} must look like postgresql://USER:PASSWORD@HOST:PORT/NAME, "
            f"got {parts.scheme or 'no scheme'}://..."
        )
    return Database(
        engine="django.db.backends.postgresql",
        name=unquote(parts.path.strip("/")),
        user=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
        host=parts.hostname or "",
        port=str(parts.port or ""),
    )


def colours(text: str | None) -> tuple[str, str]:
    """The school's main and accent colours from ``"#rrggbb,#rrggbb"``; ValueError
    naming a bad one."""
    if not text:
        return DEFAULT_COLOURS
    found = [part.strip() for part in text.split(",")]
    if len(found) != 2 or not all(COLOUR.fullmatch(part) for part in found):
        raise ValueError(f"{COLOURS} must be two colours like #1d3557,#f4a261, got {text!r}")
    return found[0], found[1]


def secret_key(folder: Path) -> str:
    """The site's secret key, made once into ``folder/channel-secret-key`` (readable by
    its owner only) and read from there after; a key for this process alone when the
    folder does not exist (nothing is kept then anyway)."""
    path = folder / SECRET_FILE
    try:
        return path.read_text("ascii").strip()
    except FileNotFoundError:
        pass
    if not folder.is_dir():
        return secrets.token_urlsafe(50)
    key = secrets.token_urlsafe(50)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first: use theirs
        return path.read_text("ascii").strip()
    with os.fdopen(descriptor, "w", encoding="ascii") as file:
        file.write(key + "\n")
    return key
