"""Whether a show is live, as every page and screen reads it: ``school.json``.

nginx's key check tells :meth:`LiveState.changed` each publish it allowed and each
publish's end (``on_publish_done``); the file says ``"live": true`` (and since when, in
seconds since 1970) while the school's show (the stream ``show``) is published; a partner
school's guest stream (``guest-...``) is not the school's show and does not count. It is
replaced in one step, so a page never reads half of it; nginx serves it.
"""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path

from kaizen_studio.broadcast.partners import SHOW


class LiveState:
    """The publishes nginx carries now, written to ``folder``/school.json with the
    school's name."""

    def __init__(self, folder: Path, *, school: str) -> None:
        self.path = folder / "school.json"
        self.school = school
        self._publishing: dict[str, str] = {}  # nginx's client id -> stream name
        self._since: float | None = None
        self._lock = threading.Lock()

    @property
    def live(self) -> bool:
        """True from the show's publish the key check allowed until nginx says it ended."""
        with self._lock:
            return SHOW in self._publishing.values()

    def streams(self) -> list[str]:
        """The streams published now (the show's, partner schools' guest streams)."""
        with self._lock:
            return sorted(self._publishing.values())

    def changed(self, client: str, stream: str, on: bool) -> None:
        """A publish by nginx's ``client`` of ``stream`` began (``on``) or ended."""
        with self._lock:
            if on:
                self._publishing[client] = stream
            else:
                self._publishing.pop(client, None)
            self._write()

    def forget(self) -> None:
        """No publish goes on (nginx is starting, or died with its publishers)."""
        with self._lock:
            self._publishing.clear()
            self._write()

    def _write(self) -> None:
        live = SHOW in self._publishing.values()
        if not live:
            self._since = None
        elif self._since is None:
            self._since = time.time()
        spare = self.path.with_name(self.path.name + ".new")
        spare.write_text(
            json.dumps({"school": self.school, "live": live, "since": self._since}), "utf-8"
        )
        os.replace(spare, self.path)
