"""Partner schools: the servers our show is relayed to, read from FOLDER/partners.toml.

nginx relays the show itself (its RTMP module's ``push``, retried every second while a
partner's server is away); no program of ours copies a byte. Each partner gave us an RTMP
address (its server, application and stream name, often a guest stream of theirs) and
the key that lets us publish there, so the file holds secrets: it must be readable by its
owner only, and studio serve refuses to start otherwise. A file looks like::

    [[partner]]
    name = "Hawes Side"
    url = "rtmp://hawes-side.example:1935/live/guest-kaizen"
    key = "the key Hawes Side gave us"

An entry may add ``relay = "guest-NAME"`` to pass on a guest's stream instead of our show:
a school that receives the show as a guest relays it further (a relay tree, see
docs/partners.md).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from kaizen_studio.broadcast.stream_key import check_strength, readable_by_others
from kaizen_studio.core.errors import InputError

PARTNERS_FILE = "partners.toml"
FIELDS = frozenset({"name", "url", "key", "relay"})
SHOW = "show"
"""The stream relayed unless an entry says ``relay =``: the school's show."""

_URL = re.compile(r"rtmp://[A-Za-z0-9.\-\[\]:]+(:\d+)?/[A-Za-z0-9_\-]+/[A-Za-z0-9_\-.~]+")
_STREAM = re.compile(r"show|guest-[a-z0-9-]{1,40}")
_NAME = re.compile(r"[^\"'{};\\\x00-\x1f]{1,60}")


@dataclass(frozen=True, kw_only=True)
class Partner:
    """One partner school: its name (for the screen), the RTMP address our show is
    pushed to (``rtmp://HOST:PORT/APP/STREAM``), the key it gave us, and which of our
    streams is pushed (the show, or a guest's passed on)."""

    name: str
    url: str
    key: str
    relay: str = SHOW

    @property
    def push_url(self) -> str:
        """The address nginx publishes to, key included (kept in the 0600 nginx.conf)."""
        return f"{self.url}?key={self.key}"


def read_partners(folder: Path) -> tuple[Partner, ...]:
    """The partners in ``folder``/partners.toml (none when there is no such file); raise
    InputError in one line naming the file and the fix when it is readable by others or
    badly written."""
    path = folder / PARTNERS_FILE
    if not path.exists():
        return ()
    if readable_by_others(path):
        raise InputError(
            f"other users can read {path} (it holds the partners' keys): chmod 600 {path}"
        )
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise InputError(f"cannot read the partner schools in {path}: {error}") from None
    entries = data.pop("partner", [])
    if data or not isinstance(entries, list):
        raise InputError(
            f"{path} may hold only [[partner]] tables, found {sorted(data) or 'partner ='}"
        )
    partners = tuple(_partner(entry, path, number) for number, entry in enumerate(entries, 1))
    names = [partner.name.casefold() for partner in partners]
    twice = sorted({name for name in names if names.count(name) > 1})
    if twice:
        raise InputError(f"{path} names the partner {twice[0]!r} twice: give each one name")
    return partners


def _partner(entry: object, path: Path, number: int) -> Partner:
    where = f"partner {number} in {path}"
    if not isinstance(entry, dict) or not {"name", "url", "key"} <= set(entry) <= FIELDS:
        shown = sorted(entry) if isinstance(entry, dict) else type(entry).__name__
        raise InputError(f"{where} must have name, url, key (and relay, if any), got {shown}")
    name, url, key = entry["name"], entry["url"], entry["key"]
    relay = entry.get("relay", SHOW)
    if not all(isinstance(value, str) for value in (name, url, key, relay)):
        raise InputError(f"{where}: name, url, key and relay must be words in quotes")
    if not _NAME.fullmatch(name):
        raise InputError(f"{where}: the name {name!r} must be 1-60 letters without quotes or ;")
    if not _URL.fullmatch(url):
        raise InputError(
            f"{where} ({name}): the url {url!r} must look like "
            "rtmp://HOST:PORT/live/STREAM (no key in it: the key goes in key =)"
        )
    if not _STREAM.fullmatch(relay):
        raise InputError(f"{where} ({name}): relay must be show or guest-NAME, got {relay!r}")
    check_strength(key, where=f"{where} ({name})")
    return Partner(name=name, url=url, key=key, relay=relay)


def push_directives(partners: tuple[Partner, ...]) -> str:
    """nginx ``push`` lines relaying to each partner only its stream (``name=``)."""
    return "\n".join(
        f"            push {partner.push_url} name={partner.relay};" for partner in partners
    )
