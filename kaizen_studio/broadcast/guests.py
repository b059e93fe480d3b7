"""Guest keys: one per partner school, so it may publish to our server as a guest.

A guest publishes to ``rtmp://OUR-SERVER/live/guest-NAME?key=ITS-KEY`` (NAME made from
the school's name: ``Hawes Side`` gives ``guest-hawes-side``); its key opens that stream
only, never the show nor another guest's. The keys live in FOLDER/guests.json, written
whole and readable by its owner only (:func:`stream_key.write_private`); the server reads
the file at every publish, so a key added or revoked counts at once, without a restart.
``studio guests`` adds, lists and revokes them.
"""

from __future__ import annotations

import datetime
import json
import logging
import re
import unicodedata
from dataclasses import asdict, dataclass
from pathlib import Path

from kaizen_studio.broadcast.stream_key import (
    GUEST_PREFIX,
    new_key,
    readable_by_others,
    write_private,
)
from kaizen_studio.core.errors import InputError

log = logging.getLogger(__name__)

GUESTS_FILE = "guests.json"


def guest_stream(name: str) -> str:
    """The stream a guest called ``name`` publishes to: ``guest-`` and the name in small
    letters, digits and dashes, accents taken off (``Ünïty`` is ``unity``); InputError if
    nothing of the name is left."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", plain.casefold()).strip("-")[:40]
    if not slug:
        raise InputError(
            f"the guest name {name!r} has no letters or digits a stream can be named with "
            "(a-z, 0-9): give the school's name in Latin letters"
        )
    return GUEST_PREFIX + slug


@dataclass(frozen=True, kw_only=True)
class Guest:
    """A partner school allowed to publish its own guest stream with ``key``."""

    name: str
    stream: str
    key: str
    made: str
    """The day the key was made (ISO date), for the list."""


class GuestBook:
    """The guest keys kept in ``folder``/guests.json."""

    def __init__(self, folder: Path) -> None:
        self.path = Path(folder) / GUESTS_FILE

    def guests(self) -> dict[str, Guest]:
        """The guests by stream name (none without a file); InputError in one line when
        the file is readable by other users or is not one this program wrote."""
        if not self.path.exists():
            return {}
        if readable_by_others(self.path):
            raise InputError(
                f"other users can read {self.path} (it holds the guest keys): chmod 600 {self.path}"
            )
        try:
            entries = json.loads(self.path.read_text("utf-8"))
            found = [Guest(**entry) for entry in entries]
        except (OSError, ValueError, TypeError) as error:
            raise InputError(
                f"cannot read the guest keys in {self.path} ({error}): remove it and add "
                "the guests again with studio guests add"
            ) from None
        return {guest.stream: guest for guest in found}

    def add(self, name: str) -> Guest:
        """Make a key for the guest ``name``; InputError if it has one already."""
        guests = self.guests()
        stream = guest_stream(name)
        if stream in guests:
            raise InputError(
                f"{guests[stream].name} has a guest key already (stream {stream}): revoke "
                "it first to make a new one"
            )
        guest = Guest(
            name=name.strip(),
            stream=stream,
            key=new_key(),
            made=datetime.date.today().isoformat(),
        )
        self._write({**guests, stream: guest})
        log.info("guest key made for %s (%s)", guest.name, stream)
        return guest

    def revoke(self, name: str) -> Guest:
        """Remove the key of the guest ``name``; InputError naming the guests if none."""
        guests = self.guests()
        stream = guest_stream(name)
        if stream not in guests:
            known = ", ".join(guest.name for guest in guests.values()) or "none yet"
            raise InputError(f"no guest called {name!r} (guests: {known})")
        guest = guests.pop(stream)
        self._write(guests)
        log.info("guest key revoked for %s (%s)", guest.name, stream)
        return guest

    def key_for(self, stream: str) -> str | None:
        """The key that opens ``stream`` now, or None (no such guest, or the file is
        unreadable or readable by others: then no guest may publish, and the log says
        why)."""
        try:
            guest = self.guests().get(stream)
        except InputError as error:
            log.warning("refusing every guest: %s", error)
            return None
        return None if guest is None else guest.key

    def _write(self, guests: dict[str, Guest]) -> None:
        entries = [asdict(guest) for guest in sorted(guests.values(), key=lambda g: g.stream)]
        write_private(self.path, json.dumps(entries, indent=2) + "\n")
