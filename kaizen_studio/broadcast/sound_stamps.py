"""Sound stamped far from the show's clock: a fault in the stamps, never seconds of silence.

An encoder lays the sound on the show's clock (:class:`broadcast.ProgrammeEncoder`): a
block stamped ahead of the track is preceded by silence, and the real sound after it is
then cut as an overlap. A block stamped more than :data:`SOUND_STAMP_SECONDS` ahead of the
show's clock (here: :class:`SoundStamps`, on the show's side of the encoder's queue) or
behind the sound already encoded (in the encoder) is left out, logged and counted instead.
"""

from __future__ import annotations

import logging
import time

from kaizen_studio.core.media import AudioBlock

log = logging.getLogger(__name__)

SOUND_STAMP_SECONDS = 1.0
"""How far from the show's clock a block of sound may be stamped. The programme holds its
sound back to its pictures (:mod:`studio.programme_sound`): a show's own sound is never
ahead of its clock, and behind the sound encoded only by the milliseconds of an overlap."""


class SoundStamps:
    """Where the show's clock is, from the pictures handed over, and the blocks of sound
    stamped far ahead of it (thread-safe enough: one number swapped, one counter).

    The show's clock runs with the system's monotonic clock; each picture is handed over
    a little after its tick (the time it took to make: a whole second on a starved
    machine), so the clock is the monotonic time plus the largest ``pts - monotonic``
    seen (the picture made fastest), never behind it by a slow picture's delay."""

    def __init__(self) -> None:
        self._offset: float | None = None  # the show's clock less the monotonic clock
        self.misplaced = 0
        """blocks found stamped far ahead of the show's clock"""

    def shown(self, pts: float) -> None:
        """A picture stamped ``pts`` was handed over now."""
        offset = pts - time.monotonic()
        if self._offset is None or offset > self._offset:
            self._offset = offset

    def misplaced_block(self, block: AudioBlock) -> bool:
        """True, counted and logged (the first), when ``block`` is stamped more than
        :data:`SOUND_STAMP_SECONDS` ahead of the show's clock (never before a picture)."""
        offset = self._offset
        if offset is None:
            return False
        ahead = block.pts - (time.monotonic() + offset)
        if ahead <= SOUND_STAMP_SECONDS:
            return False
        self.misplaced += 1
        if self.misplaced == 1:  # (then counted: the output's stats have the total)
            log.warning("a block of sound stamped %.1f s ahead of the show: left out", ahead)
        return True
