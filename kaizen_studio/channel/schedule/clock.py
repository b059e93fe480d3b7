"""The channel's "now": the real time, or in tests only a time the test sets.

When the environment variable :data:`TEST_CLOCK` names a file (the tests set it; a school
never does), the file holds an instant (ISO 8601 with its zone) and "now" is that instant
plus the real time since the file was written: time runs on as usual from the moment the
test chose, and the test jumps it by writing the file again.
"""

from __future__ import annotations

import logging
import os
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.utils import timezone

log = logging.getLogger(__name__)

TEST_CLOCK = "KAIZEN_CHANNEL_TEST_CLOCK"


def now() -> datetime:
    """The channel's current instant (aware, UTC)."""
    path = os.environ.get(TEST_CLOCK)
    if not path:
        return timezone.now()
    file = Path(path)
    try:
        text, written = file.read_text("utf-8").strip(), file.stat().st_mtime
    except OSError as error:
        raise RuntimeError(f"{TEST_CLOCK}={path}: the test clock cannot be read: {error}") from None
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise RuntimeError(f"{TEST_CLOCK}: {text!r} has no zone; write an aware instant")
    return moment.astimezone(UTC) + timedelta(seconds=max(0.0, time.time() - written))


def set_test_clock(file: Path, moment: datetime) -> None:
    """For tests: make ``now()`` read ``moment`` from this instant on (written in one step)."""
    if moment.tzinfo is None:
        raise ValueError(f"the test clock needs an aware instant, got {moment}")
    spare = file.with_name(file.name + ".new")
    spare.write_text(moment.isoformat(), "utf-8")
    os.replace(spare, file)
