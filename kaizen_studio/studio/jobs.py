"""Work a button starts on a worker thread, and how its end is put in words.

The window polls each :class:`Job`; a problem a pupil can cause (checked input, a device, a
file) is said plainly, a bug inside the studio is said gently and logged in full.
"""

from __future__ import annotations

import logging
from concurrent.futures import Future
from dataclasses import dataclass

from kaizen_studio.core.errors import StudioError

log = logging.getLogger(__name__)


@dataclass
class Job:
    """Work started by a button: its description, and when done, its outcome in words."""

    what: str
    future: Future[str]

    def outcome(self) -> tuple[bool, str] | None:
        """None while running; (True, message) or (False, the problem) when done."""
        if not self.future.done():
            return None
        error = self.future.exception()
        if error is None:
            return True, self.future.result()
        return False, problem_words(self.what, error)


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
