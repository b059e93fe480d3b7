"""Publishes nginx refuses by itself, before it asks the key check: read from its error
log, so that ``studio serve`` says them like a wrong key.

nginx's HLS step looks at a stream's name before the key check is asked (``on_publish``)
and refuses a name with ``..`` in it (``hls: bad stream name: 'NAME', client: ADDR``);
the publisher sees only a broken connection, so the log is the one place it is told.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from kaizen_studio.broadcast.stream_key import Refusal, Verdict

log = logging.getLogger(__name__)

BAD_NAME = re.compile(r"hls: bad stream name: '(?P<name>.*)', client: (?P<address>[^,\s]+)")
READ_MOST = 1 << 20
"""At most this many new bytes are read at a time (a flood waits for the next read)."""


class ErrorLogRefusals:
    """The refusals in nginx's error log at ``path`` written since the last :meth:`read`
    (or since this was made: what an earlier run wrote is never told again)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._offset = self._size()
        self._rest = b""

    def _size(self) -> int:
        try:
            return self.path.stat().st_size
        except FileNotFoundError:
            return 0

    def read(self) -> list[Refusal]:
        """The new refusals, oldest first (none when the log cannot be read)."""
        if self._size() < self._offset:  # the log was emptied or replaced: from its start
            self._offset, self._rest = 0, b""
        try:
            with open(self.path, "rb") as file:
                file.seek(self._offset)
                data = file.read(READ_MOST)
        except FileNotFoundError:
            return []
        except OSError as error:
            log.warning("cannot read nginx's error log %s: %s", self.path, error)
            return []
        self._offset += len(data)
        *lines, self._rest = (self._rest + data).split(b"\n")
        found = []
        for line in lines:
            match = BAD_NAME.search(line.decode("utf-8", "replace"))
            if match:
                found.append(
                    Refusal(
                        address=match["address"],
                        verdict=Verdict.BAD_NAME,
                        stream=match["name"],
                    )
                )
        return found
