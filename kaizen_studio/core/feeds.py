"""Headlines for the ticker: from a text file, or an RSS or Atom feed in a file or at an
http(s) address, read once, within limits stated here and refused with a reason beyond.

A feed at an address is read within one deadline for the whole fetch (connecting, the
headers and the body together: a server that trickles a byte at a time is cut off at the
deadline, not waited on read after read) and at most :data:`FEED_LIMIT` bytes. Feeds are
checked by defusedxml (no entities, no external references: the billion-laughs and XXE
attacks are refused) and read by feedparser (RSS 0.9x/1.0/2.0 and Atom, their encodings
and their HTML titles, as a well-kept library knows them). A text file must be UTF-8 text,
one headline a line; binary files and UTF-16 text are refused with the fix.
"""

from __future__ import annotations

import http.client
import logging
import socket
import threading
import time
import urllib.parse
from pathlib import Path
from xml.etree.ElementTree import Element

import defusedxml.ElementTree as SafeET
import feedparser  # type: ignore[import-untyped]
from defusedxml import DefusedXmlException

from kaizen_studio.core.errors import InputError, MissingFileError

log = logging.getLogger(__name__)

FEED_LIMIT = 2_000_000
"""bytes read from a feed or headlines file at most"""
FEED_SECONDS = 5.0
"""the whole fetch of a feed at an address, at most (seconds)"""
HEADLINES_MAX = 20
"""headlines on the ticker at most (a feed's first ones are taken)"""
HEADLINE_CHARS = 120
"""characters in one headline at most (a feed's longer titles are cut)"""
REDIRECTS_MAX = 3
_CONTROL = frozenset(c for c in range(32) if chr(c) not in "\t\n\r\f")
"""bytes that never occur in a text file"""


def is_feed_address(text: str) -> bool:
    """Whether ``text`` is a web address (http or https) rather than a file name."""
    return text.lower().startswith(("http://", "https://"))


def check_headlines(items: list[str], *, name: str) -> list[str]:
    """The non-empty headlines of ``items``, stripped; raises :class:`InputError` naming
    ``name`` when there are none, more than :data:`HEADLINES_MAX`, or one is longer than
    :data:`HEADLINE_CHARS` characters."""
    kept = [item.strip() for item in items if item.strip()]
    if not kept:
        raise InputError(f"{name}: has no headlines for the ticker; give at least one")
    if len(kept) > HEADLINES_MAX:
        raise InputError(
            f"{name}: has {len(kept)} headlines; the ticker takes at most {HEADLINES_MAX}: "
            "keep the most important ones"
        )
    for number, item in enumerate(kept, 1):
        if len(item) > HEADLINE_CHARS:
            raise InputError(
                f"{name}: headline {number} is {len(item)} characters long; a headline can "
                f"be at most {HEADLINE_CHARS}: shorten it"
            )
    return kept


def fetch(url: str, *, timeout: float = FEED_SECONDS) -> bytes:
    """The body at ``url`` (http or https), read within ``timeout`` seconds in all and at
    most :data:`FEED_LIMIT` bytes; raises :class:`InputError` saying why not."""
    deadline = time.monotonic() + timeout
    for _ in range(REDIRECTS_MAX + 1):
        status, location, body = _get(url, deadline, timeout)
        if status in (301, 302, 303, 307, 308) and location:
            url = urllib.parse.urljoin(url, location)
            if not is_feed_address(url):
                raise InputError(f"{url}: a feed can only move to another http(s) address")
            continue
        if status != 200:
            raise InputError(
                f"{url}: could not read the feed (the server said {status}); check the "
                "address, or save the feed to a file and use that"
            )
        return body
    raise InputError(f"{url}: the feed moved more than {REDIRECTS_MAX} times; give its address")


def _get(url: str, deadline: float, timeout: float) -> tuple[int, str, bytes]:
    """One GET: status, Location header, body. A watchdog shuts the socket at
    ``deadline``, so no read waits past it, however slowly the server sends."""
    parts = urllib.parse.urlsplit(url)
    kind = (
        http.client.HTTPSConnection
        if parts.scheme.lower() == "https"
        else http.client.HTTPConnection
    )
    fired = threading.Event()
    watchdog: threading.Timer | None = None
    try:
        connection = kind(
            parts.hostname or "", parts.port, timeout=max(0.05, deadline - time.monotonic())
        )
        connection.connect()
        sock = connection.sock

        def cut() -> None:
            fired.set()
            if sock is not None:
                try:  # the plain socket's shutdown: wakes a blocked read, even under TLS
                    socket.socket.shutdown(sock, socket.SHUT_RDWR)
                except OSError:
                    log.debug("the feed's socket was already closed")

        watchdog = threading.Timer(max(0.0, deadline - time.monotonic()), cut)
        watchdog.daemon = True
        watchdog.start()
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        connection.request("GET", path, headers={"User-Agent": "Kaizen Studio ticker"})
        response = connection.getresponse()
        body = response.read(FEED_LIMIT + 1)
        connection.close()
    except (OSError, http.client.HTTPException, ValueError) as error:
        if fired.is_set():
            raise InputError(
                f"{url}: the feed took longer than {timeout:g} s to arrive; check the "
                "address, or save the feed to a file and use that"
            ) from error
        reason = error.strerror if isinstance(error, OSError) and error.strerror else error
        raise InputError(
            f"{url}: could not read the feed ({reason}); check the address, or save the "
            "feed to a file and use that"
        ) from error
    finally:
        if watchdog is not None:
            watchdog.cancel()
    if fired.is_set():
        raise InputError(
            f"{url}: the feed took longer than {timeout:g} s to arrive; check the address, "
            "or save the feed to a file and use that"
        )
    if len(body) > FEED_LIMIT:
        raise InputError(f"{url}: is larger than {FEED_LIMIT // 1_000_000} MB, not a feed")
    return response.status, response.getheader("Location") or "", body


def feed_titles(raw: bytes, *, name: str) -> list[str]:
    """The entries' titles of an RSS or Atom feed (the first :data:`HEADLINES_MAX`, each
    cut to :data:`HEADLINE_CHARS`); raises :class:`InputError` when ``raw`` is not a
    feed, or is one that uses entities or external references."""
    try:
        root = SafeET.fromstring(raw)
    except DefusedXmlException as error:
        raise InputError(
            f"{name}: the feed uses entities or external references, which are refused "
            f"({type(error).__name__})"
        ) from error
    except SafeET.ParseError as error:
        raise InputError(f"{name}: is not a readable RSS or Atom feed ({error})") from error
    parsed = feedparser.parse(_first_entries(root, raw), sanitize_html=True)
    if not parsed.get("version"):
        raise InputError(f"{name}: is XML, but not an RSS or Atom feed")
    titles = [str(entry.get("title", "")).strip() for entry in parsed.entries]
    titles = [" ".join(title.split()) for title in titles if title]
    if not titles:
        raise InputError(f"{name}: has no headlines for the ticker")
    if len(titles) > HEADLINES_MAX:
        log.info(
            "%s: %d headlines; the ticker shows the first %d", name, len(titles), HEADLINES_MAX
        )
    return [_cut(title) for title in titles[:HEADLINES_MAX]]


def _first_entries(root: Element, raw: bytes) -> bytes:
    """``raw`` with only its first few items or entries (feedparser takes about 0.25 ms
    an entry: a 2 MB feed of 40,000 would hold the show's start for 10 s)."""
    seen, cut = 0, False
    for parent in list(root.iter()):
        kept = []
        for child in parent:
            entry = isinstance(child.tag, str) and child.tag.split("}")[-1] in ("item", "entry")
            seen += entry
            if entry and seen > 2 * HEADLINES_MAX:  # (some may have no title)
                cut = True
            else:
                kept.append(child)
        if len(kept) < len(parent):
            parent[:] = kept
    return SafeET.tostring(root, encoding="utf-8", xml_declaration=True) if cut else raw


def _cut(title: str) -> str:
    if len(title) <= HEADLINE_CHARS:
        return title
    head = title[: HEADLINE_CHARS - 1]
    space = head.rfind(" ")
    return (head[:space] if space > HEADLINE_CHARS // 2 else head).rstrip() + "…"


def text_headlines(raw: bytes, *, name: str) -> list[str]:
    """The lines of a UTF-8 text file as headlines (checked by :func:`check_headlines`);
    raises :class:`InputError` for UTF-16 text and for anything not text."""
    even, odd = raw[:64:2], raw[1:64:2]
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or (
        len(odd) >= 2 and (even.count(0) == len(even) or odd.count(0) == len(odd))
    ):
        raise InputError(f"{name}: is UTF-16 text; save it as UTF-8 text and try again")
    if not _CONTROL.isdisjoint(raw):
        raise InputError(f"{name}: holds binary data, not text; give a text file of headlines")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(
            f"{name}: is not a UTF-8 text file (byte {error.start} is not text); save the "
            "headlines as UTF-8 text, one a line"
        ) from error
    return check_headlines(text.splitlines(), name=name)


def ticker_items(path: str | Path, *, timeout: float = FEED_SECONDS) -> list[str]:
    """Headlines from a text file (one a line), or an RSS or Atom feed (the titles) in a
    file or at an http(s) address (read once, within ``timeout`` seconds in all)."""
    if isinstance(path, str) and is_feed_address(path):
        return feed_titles(fetch(path, timeout=timeout), name=path)
    file = Path(path)
    if not file.is_file():
        raise MissingFileError(f"{file}: no such file for the ticker")
    if file.stat().st_size > FEED_LIMIT:
        raise InputError(f"{file}: is larger than {FEED_LIMIT // 1_000_000} MB, not headlines")
    raw = file.read_bytes()
    if file.suffix.lower() in (".xml", ".rss", ".atom") or raw.lstrip().startswith(b"<"):
        return feed_titles(raw, name=str(file))
    return text_headlines(raw, name=str(file))
