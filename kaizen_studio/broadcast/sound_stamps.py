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
    """Where the show's clock is, from the pictures handed over (the newest one's time plus
    the time since it came), and the blocks of sound stamped far ahead of it (thread-safe
    enough: one tuple swapped, one counter)."""

    def __init__(self) -> None:
        self._shown: tuple[float, float] | None = None
        self.misplaced = 0
        """blocks found stamped far ahead of the show's clock"""

    def shown(self, pts: float) -> None:
        """A picture stamped ``pts`` was handed over now."""
        self._shown = (pts, time.monotonic())

    def misplaced_block(self, block: AudioBlock) -> bool:
        """True, counted and logged (the first), when ``block`` is stamped more than
        :data:`SOUND_STAMP_SECONDS` ahead of the show's clock (never before a picture)."""
        shown = self._shown
        if shown is None:
            return False
        ahead = block.pts - (shown[0] + time.monotonic() - shown[1])
        if ahead <= SOUND_STAMP_SECONDS:
            return False
        self.misplaced += 1
        if self.misplaced == 1:  # (then counted: the output's stats have the total)
            log.warning("a block of sound stamped %.1f s ahead of the show: left out", ahead)
        return True
