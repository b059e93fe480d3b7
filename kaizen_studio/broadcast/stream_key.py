"""The school's stream key: where it comes from, how strong it must be, files kept private,
and the check nginx asks before each publish, which slows an address that keeps giving
wrong keys.

A key never travels on a command line (every user of the machine can read those with
``ps``): it comes from a file, the environment variable ``KAIZEN_STREAM_KEY``, or a key the
server makes once and keeps in its folder. Files holding a secret are created readable by
their owner only (mode 0600) from the first byte, never tightened afterwards.
"""

from __future__ import annotations

import hmac
import os
import re
import secrets
import string
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import ClassVar
from urllib.parse import parse_qs

from kaizen_studio.core.errors import InputError, MissingFileError

ENVIRONMENT = "KAIZEN_STREAM_KEY"
GUEST_PREFIX = "guest-"
"""Streams named so are partner schools' (:mod:`guests`), each opened by its own key."""
KEY_FILE_NAME = "stream-key"
MIN_LENGTH = 12
MIN_DIFFERENT = 6
ALLOWED = frozenset(string.ascii_letters + string.digits + "-_.~")
"""Characters that pass through an RTMP address's ``?key=`` unchanged."""
STREAM_NAME = re.compile(r"[A-Za-z0-9_~-]+(\.[A-Za-z0-9_~-]+)*")
"""A stream name the server takes (``show``, ``guest-NAME``, ``class3``...): letters,
digits and ``-_~``, with single dots inside, at most 100 characters; nginx's HLS refuses a
name with ``..`` in it, and a file name is made from it."""
STREAM_NAME_MOST = 100


def good_stream_name(name: str) -> bool:
    """True if the server takes a stream named ``name`` (see :data:`STREAM_NAME`)."""
    return len(name) <= STREAM_NAME_MOST and STREAM_NAME.fullmatch(name) is not None


def shown_stream(name: str) -> str:
    """``name`` as said on screen and in logs: as it is when good, else quoted and cut
    short (a name a publisher made up may hold control characters)."""
    return name if good_stream_name(name) else repr(name[:60])


def check_strength(key: str, *, where: str) -> None:
    """Raise InputError naming ``where`` the key came from if ``key`` is weak: shorter than
    12 characters, fewer than 6 different ones, or with a character an address would
    change (only letters, digits and ``-_.~``)."""
    strange = sorted({c for c in key if c not in ALLOWED})
    if strange:
        shown = " ".join(repr(c) for c in strange[:5])
        raise InputError(
            f"the stream key from {where} has characters an address cannot carry ({shown}): "
            "use only letters, digits and - _ . ~"
        )
    if len(key) < MIN_LENGTH or len(set(key)) < MIN_DIFFERENT:
        raise InputError(
            f"the stream key from {where} is too weak ({len(key)} characters, "
            f"{len(set(key))} different): use at least {MIN_LENGTH} characters with at least "
            f"{MIN_DIFFERENT} different ones, or leave the key to studio serve (it makes one)"
        )


def new_key() -> str:
    """A fresh strong key: 20 characters from ``secrets`` (120 random bits)."""
    while True:
        key = secrets.token_urlsafe(15)
        if len(set(key)) >= MIN_DIFFERENT:
            return key


def hidden(key: str) -> str:
    """The key as shown on screen and in logs: its first four characters only."""
    return key[:4] + "…"


def write_private(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` as a file only its owner may read (0600 from creation):
    written beside it under a fresh name, then moved over it in one step, so a reader
    never sees half a file nor, for a moment, a readable one."""
    spare = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    descriptor = os.open(spare, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            file.write(text)
        os.replace(spare, path)
    except BaseException:
        spare.unlink(missing_ok=True)
        raise


def read_key_file(path: Path) -> str:
    """The key in ``path`` (its first line, spaces around it removed); raise
    MissingFileError or InputError in one line when there is none."""
    try:
        text = path.read_text("utf-8")
    except FileNotFoundError:
        raise MissingFileError(
            f"no stream key file at {path}: give the path of a file whose first line is the key"
        ) from None
    except IsADirectoryError:
        raise InputError(
            f"the stream key file {path} is a folder: give the key's file inside it (a file "
            "whose first line is the key)"
        ) from None
    except UnicodeDecodeError:
        raise InputError(
            f"the stream key file {path} is not text: put the key on its first line"
        ) from None
    except OSError as error:
        why = (error.strerror or str(error)).lower()
        raise InputError(
            f"cannot read the stream key file {path} ({why}): give a file you may read "
            "whose first line is the key"
        ) from None
    lines = text.strip().splitlines()
    if not lines:
        raise InputError(f"the stream key file {path} is empty: put the key on its first line")
    return lines[0].strip()


def readable_by_others(path: Path) -> bool:
    """True if users other than the owner may read ``path``."""
    return bool(path.stat().st_mode & 0o077)


@dataclass(frozen=True, kw_only=True)
class ServerKey:
    """The key a server uses, where it came from (words for the screen), and whether it
    was made just now (then, and only then, it is shown in full once)."""

    key: str
    source: str
    made_now: bool = False


def server_key(folder: Path, *, key_file: Path | None, environment: dict[str, str]) -> ServerKey:
    """The key from ``key_file``, else from ``KAIZEN_STREAM_KEY`` in ``environment``, else
    the one kept in ``folder``/stream-key (made now, 0600, if there is none); checked for
    strength. Raises InputError or MissingFileError in one line."""
    if key_file is not None:
        where = str(key_file)
        key = read_key_file(key_file)
    elif environment.get(ENVIRONMENT):
        where = f"the environment variable {ENVIRONMENT}"
        key = environment[ENVIRONMENT].strip()
    else:
        kept = folder / KEY_FILE_NAME
        where = str(kept)
        if not kept.exists():
            key = new_key()
            descriptor = os.open(kept, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "w", encoding="utf-8") as file:
                file.write(key + "\n")
            return ServerKey(key=key, source=where, made_now=True)
        key = read_key_file(kept)
    check_strength(key, where=where)
    return ServerKey(key=key, source=where)


class Verdict(Enum):
    """The key check's answer to one publisher."""

    ALLOWED = "allowed"
    WRONG_KEY = "wrong key"
    SLOWED = "slowed"
    """Refused without looking at the key: the address gave too many wrong keys lately."""
    BAD_NAME = "bad stream name"
    """The right key, but a stream name the server does not take (:data:`STREAM_NAME`)."""


@dataclass
class _Record:
    failures: int = 0
    last_failure: float = 0.0
    blocked_until: float = 0.0


@dataclass
class KeyGuard:
    """Checks keys and slows guessing, per address.

    Each address has ``free_tries`` wrong keys; after that it must wait before its next
    try, 2 s after the third wrong key, then twice as long after each further one (up to
    ``longest`` seconds), and any try while it waits is refused without looking at the
    key. An address forgets its wrong keys after ``forget`` quiet seconds, and a right
    key forgets them at once. ``clock`` is in seconds (a fake one in tests).
    """

    key: str
    clock: Callable[[], float] = time.monotonic
    free_tries: int = 3
    first_wait: float = 2.0
    longest: float = 60.0
    forget: float = 60.0
    _records: dict[str, _Record] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def check(self, address: str, given: str, *, key: str | None = None) -> Verdict:
        """The verdict for one publish from ``address`` with the key ``given``, which
        must be ``key`` (a guest's; "" when no key opens the stream) or else the school's
        (safe to call from several threads at once). Wrong keys count per address, for
        every stream alike."""
        with self._lock:
            return self._check(address, given, self.key if key is None else key)

    def _check(self, address: str, given: str, key: str) -> Verdict:
        now = self.clock()
        self._forget_quiet(now)
        record = self._records.setdefault(address, _Record())
        if now < record.blocked_until:
            return Verdict.SLOWED
        if key and hmac.compare_digest(given.encode(), key.encode()):
            del self._records[address]
            return Verdict.ALLOWED
        record.failures += 1
        record.last_failure = now
        if record.failures >= self.free_tries:
            wait = self.first_wait * 2 ** (record.failures - self.free_tries)
            record.blocked_until = now + min(self.longest, wait)
        return Verdict.WRONG_KEY

    def wait_left(self, address: str) -> float:
        """Seconds before ``address`` may try again (0 when it may now)."""
        with self._lock:
            record = self._records.get(address)
            return max(0.0, record.blocked_until - self.clock()) if record else 0.0

    def _forget_quiet(self, now: float) -> None:
        quiet = [
            address
            for address, record in self._records.items()
            if now - max(record.last_failure, record.blocked_until) > self.forget
        ]
        for address in quiet:
            del self._records[address]


@dataclass(frozen=True, kw_only=True)
class Refusal:
    """A publisher the key check refused: its address, why, for how many seconds it
    must wait before its next try counts (0 unless it is being slowed), and the stream it
    asked for."""

    address: str
    verdict: Verdict
    wait: float = 0.0
    stream: str = "show"


class KeyCheck(BaseHTTPRequestHandler):
    """Answers nginx's on_publish at ``/publish/TOKEN``: 200 for the right key, 403
    otherwise (a :class:`Refusal` noted in ``refusals``); 404 for any other address. A
    stream named ``guest-...`` needs the key ``guest_key(name)`` gives (none: refused);
    every other stream needs the school's; a stream name the server does not take is
    refused after its key is checked (a wrong key counts as one). Each of ``listeners``
    is told ``(client, stream, True)`` for a publish allowed and ``(client, stream,
    False)`` at a publish's end (nginx's on_publish_done at ``/done/TOKEN``)."""

    guard: ClassVar[KeyGuard]
    token: ClassVar[str]
    refusals: ClassVar[list[Refusal]]
    guest_key: ClassVar[Callable[[str], str | None]] = staticmethod(lambda _name: None)
    listeners: ClassVar[tuple[Callable[[str, str, bool], None], ...]] = ()

    def do_POST(self) -> None:
        done = hmac.compare_digest(self.path.encode(), f"/done/{self.token}".encode())
        if not done and not hmac.compare_digest(
            self.path.encode(), f"/publish/{self.token}".encode()
        ):
            self._answer(404)
            return
        length = min(int(self.headers.get("Content-Length") or 0), 65536)
        fields = parse_qs(self.rfile.read(length).decode("utf-8", "replace"))
        client = (fields.get("clientid") or [""])[0]
        stream = (fields.get("name") or [""])[0]
        if done:
            for listener in self.listeners:
                listener(client, stream, False)
            self._answer(200)
            return
        given = (fields.get("key") or [""])[0]
        address = (fields.get("addr") or ["an unknown address"])[0]
        key = (type(self).guest_key(stream) or "") if stream.startswith(GUEST_PREFIX) else None
        verdict = self.guard.check(address, given, key=key)
        if verdict is Verdict.ALLOWED and not good_stream_name(stream):
            verdict = Verdict.BAD_NAME
        if verdict is not Verdict.ALLOWED:
            wait = self.guard.wait_left(address)
            self.refusals.append(
                Refusal(address=address, verdict=verdict, wait=wait, stream=stream)
            )
        else:
            for listener in self.listeners:
                listener(client, stream, True)
        self._answer(200 if verdict is Verdict.ALLOWED else 403)

    def _answer(self, status: int) -> None:
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        return  # the refusals are told by the server's owner; nothing on the console
