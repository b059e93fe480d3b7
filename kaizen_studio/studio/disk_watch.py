"""The recordings folder's free space, watched off the window's thread, as a typed state
the window can warn with: how many minutes of recording are left at the current bitrate.
"""

from __future__ import annotations

import logging
import shutil
import threading
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

log = logging.getLogger(__name__)

LOW_MINUTES = 15.0
"""fewer minutes of recording left than this: LOW_DISK"""
FULL_BYTES = 8_000_000
"""less free space than this: FULL (the muxer's next fragment may not fit)"""
DEFAULT_BITRATE = 2_500_000
"""bits a second assumed when nothing is being recorded (a stream's rate)"""


class DiskState(Enum):
    """How the recordings folder's space stands."""

    OK = "ok"
    LOW_DISK = "low disk"
    FULL = "full"
    UNREACHABLE = "unreachable"


@dataclass(frozen=True, slots=True)
class DiskSpace:
    """The folder's free space and what it means for a recording."""

    state: DiskState
    free_bytes: int | None
    """None when the folder cannot be reached"""
    minutes_left: float | None
    """minutes of recording at the current bitrate (None when unreachable)"""


def disk_space(free_bytes: int | None, *, bits_per_second: float) -> DiskSpace:
    """What ``free_bytes`` of room means at ``bits_per_second`` (<= 0: the default)."""
    if free_bytes is None:
        return DiskSpace(state=DiskState.UNREACHABLE, free_bytes=None, minutes_left=None)
    rate = bits_per_second if bits_per_second > 0 else DEFAULT_BITRATE
    minutes = free_bytes * 8 / rate / 60
    if free_bytes < FULL_BYTES:
        state = DiskState.FULL
    elif minutes < LOW_MINUTES:
        state = DiskState.LOW_DISK
    else:
        state = DiskState.OK
    return DiskSpace(state=state, free_bytes=free_bytes, minutes_left=minutes)


class DiskWatch:
    """Measures ``folder``'s free space every ``every`` seconds in a thread of its own (a
    network share or a pulled USB stick can take seconds to answer); ``bitrate()`` gives
    the recording's bits a second now (0: not recording). Logs each change of state."""

    def __init__(self, folder: Path, *, bitrate: Callable[[], float], every: float = 2.0) -> None:
        self.folder, self._bitrate, self._every = folder, bitrate, every
        self.space = DiskSpace(state=DiskState.OK, free_bytes=None, minutes_left=None)
        """the last measurement"""
        self._closed = threading.Event()
        self._thread: threading.Thread | None = None

    def measure(self) -> DiskSpace:
        """Measure now (also what the thread does each time)."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            free: int | None = shutil.disk_usage(self.folder).free
        except OSError:
            free = None
        space = disk_space(free, bits_per_second=self._bitrate())
        if space.state != self.space.state and space.state != DiskState.OK:
            log.warning(
                "the recordings folder %s: %s (%s minutes of recording left)",
                self.folder,
                space.state.value,
                "no" if space.minutes_left is None else f"{space.minutes_left:.0f}",
            )
        self.space = space
        return space

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="disk space", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while not self._closed.is_set():
            self.measure()
            self._closed.wait(self._every)

    def close(self) -> None:
        self._closed.set()
