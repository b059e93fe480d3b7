"""The scroll model: where the prompter is, as a pure function of time.

No clock is read here: every call takes ``now`` (seconds on any monotonic clock), so the
position depends only on elapsed time, never on how often a frame is drawn. Positions are
in script lines (a float: 2.5 is half-way through the third laid-out line).
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass

MIN_SPEED = 0.05  # lines per second
MAX_SPEED = 20.0
SPEED_STEP = 1.25  # Up multiplies the speed by this, Down divides
COUNTDOWN_SECONDS = 3.0


@dataclass(frozen=True, slots=True)
class ScrollState:
    """What the prompter shows at one moment."""

    position: float
    playing: bool
    countdown: int  # 3, 2, 1 while counting down, else 0
    speed: float  # lines per second, always positive
    reverse: bool
    at_end: bool


def lines_per_second(words_per_minute: float, *, words_per_line: float) -> float:
    """Convert a reading speed in words per minute to lines per second for a layout."""
    if not 10 <= words_per_minute <= 600:
        raise ValueError(f"speed must be 10 to 600 words per minute, got {words_per_minute}")
    if words_per_line <= 0:
        raise ValueError(f"words_per_line must be positive, got {words_per_line}")
    return words_per_minute / 60.0 / words_per_line


class ScrollModel:
    """Time-based scrolling through ``total_lines`` lines with markers.

    Parameters
    ----------
    total_lines
        Lines in the laid-out script; the position runs from 0 to this.
    markers
        Line positions PageUp/PageDown jump to (sorted or not).
    speed
        Lines per second while playing.
    """

    def __init__(self, total_lines: float, *, markers: Sequence[float] = (), speed: float = 1.0):
        if total_lines < 0:
            raise ValueError(f"total_lines must be 0 or more, got {total_lines}")
        self._total = float(total_lines)
        self._markers = sorted({float(m) for m in markers if 0 <= m <= total_lines})
        self._speed = self._check_speed(speed)
        self._anchor_position = 0.0
        self._anchor_time = 0.0
        self._playing = False
        self._reverse = False
        self._countdown_end = 0.0

    @staticmethod
    def _check_speed(speed: float) -> float:
        if not MIN_SPEED <= speed <= MAX_SPEED:
            raise ValueError(
                f"speed must be {MIN_SPEED} to {MAX_SPEED} lines per second, got {speed}"
            )
        return float(speed)

    @property
    def total_lines(self) -> float:
        """Lines in the script."""
        return self._total

    @property
    def markers(self) -> tuple[float, ...]:
        """Marker positions, in order."""
        return tuple(self._markers)

    @property
    def speed(self) -> float:
        """Lines per second while playing."""
        return self._speed

    def position(self, now: float) -> float:
        """The position (lines) at time ``now``."""
        if not self._playing:
            return self._anchor_position
        start = max(self._anchor_time, self._countdown_end)
        elapsed = max(0.0, now - start)
        step = -elapsed * self._speed if self._reverse else elapsed * self._speed
        return min(max(self._anchor_position + step, 0.0), self._total)

    def state(self, now: float) -> ScrollState:
        """Everything the renderer needs at ``now``."""
        position = self.position(now)
        countdown = 0
        if self._playing and now < self._countdown_end:
            countdown = int(self._countdown_end - now) + 1
        return ScrollState(
            position=position,
            playing=self._playing,
            countdown=min(countdown, int(COUNTDOWN_SECONDS)),
            speed=self._speed,
            reverse=self._reverse,
            at_end=position >= self._total,
        )

    def _rebase(self, now: float) -> None:
        self._anchor_position = self.position(now)
        self._anchor_time = max(now, self._countdown_end) if self._playing else now

    def _jump(self, now: float, position: float) -> None:
        self._anchor_position = min(max(position, 0.0), self._total)
        self._anchor_time = max(now, self._countdown_end)

    # -- controls ---------------------------------------------------------------------

    def play(self, now: float, *, countdown: bool = True) -> None:
        """Start scrolling, after a 3-2-1 countdown unless ``countdown`` is False."""
        if self._playing:
            return
        self._anchor_time = now
        self._countdown_end = now + COUNTDOWN_SECONDS if countdown else now
        self._playing = True

    def pause(self, now: float) -> None:
        """Stop where the text is now (a countdown in progress is cancelled)."""
        if not self._playing:
            return
        self._anchor_position = self.position(now)
        self._anchor_time = now
        self._countdown_end = min(self._countdown_end, now)
        self._playing = False

    def toggle(self, now: float) -> None:
        """Pause when playing, resume (without a countdown) when paused."""
        if self._playing:
            self.pause(now)
        else:
            self.play(now, countdown=self._anchor_position == 0.0)

    def set_speed(self, now: float, speed: float) -> None:
        """Scroll at ``speed`` lines per second from ``now`` on."""
        checked = self._check_speed(speed)
        self._rebase(now)
        self._speed = checked

    def faster(self, now: float) -> None:
        """One speed step up."""
        self.set_speed(now, min(self._speed * SPEED_STEP, MAX_SPEED))

    def slower(self, now: float) -> None:
        """One speed step down."""
        self.set_speed(now, max(self._speed / SPEED_STEP, MIN_SPEED))

    def reverse(self, now: float) -> None:
        """Scroll the other way from ``now`` on."""
        self._rebase(now)
        self._reverse = not self._reverse

    def home(self, now: float) -> None:
        """Jump to the start."""
        self._jump(now, 0.0)

    def end(self, now: float) -> None:
        """Jump to the end."""
        self._jump(now, self._total)

    def seek(self, now: float, position: float) -> None:
        """Jump to ``position`` lines (clamped to the script)."""
        self._jump(now, position)

    def next_marker(self, now: float) -> None:
        """Jump to the first marker after the current position (or the end)."""
        here = self.position(now)
        index = bisect.bisect_right(self._markers, here + 1e-6)
        self._jump(now, self._markers[index] if index < len(self._markers) else self._total)

    def previous_marker(self, now: float) -> None:
        """Jump to the last marker before the current position (or the start).

        Half a line of grace lets a clicker step back past a marker just reached.
        """
        here = self.position(now)
        index = bisect.bisect_left(self._markers, here - 0.5) - 1
        self._jump(now, self._markers[index] if index >= 0 else 0.0)

    def fit_to_time(self, now: float, seconds: float) -> None:
        """Set the speed so the rest of the script takes ``seconds`` (within the limits)."""
        if seconds <= 0:
            raise ValueError(f"the time to fit must be positive, got {seconds} seconds")
        here = self.position(now)
        remaining = (here if self._reverse else self._total - here) / seconds
        self.set_speed(now, min(max(remaining, MIN_SPEED), MAX_SPEED))
