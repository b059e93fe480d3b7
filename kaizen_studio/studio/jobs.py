"""Work a button starts on a worker thread, and how its end is put in words.

The window polls each :class:`Job`; a problem a pupil can cause (checked input, a device, a
file) is said plainly, a bug inside the studio is said gently and logged in full.
"""

from __future__ import annotations

import logging
from concurrent.futures import Future
from dataclasses import dataclass
from enum import StrEnum

from kaizen_studio.core.errors import StudioError

log = logging.getLogger(__name__)


class JobKind(StrEnum):
    """What a job does; its value is the words a problem with it starts with."""

    START = "Starting the show"
    AUTO_KEY = "Auto key"
    EYEDROPPER = "Eyedropper"
    PLATE = "Capture empty screen"
    CHECK_KEY = "Check the key"
    SCENE = "Scene"
    BACKGROUND = "Background"
    RETRY_CAMERA = "Try the camera again"
    CAMERA = "Camera"
    START_RECORDING = "Start recording"
    STOP_RECORDING = "Stop recording"
    GO_LIVE = "Go live"
    STOP_LIVE = "Stop the stream"


@dataclass(frozen=True, kw_only=True)
class Job:
    """Work started by a button: its :class:`JobKind` (the window decides by kind, never
    by display text), and when done, its outcome in words."""

    kind: JobKind
    future: Future[str]

    def outcome(self) -> tuple[bool, str] | None:
        """None while running; (True, message) or (False, the problem) when done."""
        if not self.future.done():
            return None
        error = self.future.exception()
        if error is None:
            return True, self.future.result()
        return False, problem_words(self.kind, error)


EXPECTED_PROBLEMS = (StudioError, ValueError, TypeError, OSError)
"""what a pupil's action can run into (checked input, a device, a file); anything else is
a bug in the studio, logged with its traceback"""


def problem_words(what: str, error: BaseException) -> str:
    """A problem in words for the message bar; a bug is logged in full and said gently."""
    if isinstance(error, EXPECTED_PROBLEMS):
        log.warning("%s: %s", what, error)
        return f"{what}: {error}"
    log.error("%s failed", what, exc_info=error)
    return (
        f"{what}: something went wrong inside the studio ({type(error).__name__}: {error}); "
        "the show goes on. Your teacher can find the details in the log file."
    )
