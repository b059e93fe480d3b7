"""The presenter's timer: green while there is time, amber in the last minute, red and
flashing once the time is up; and how it is drawn (a big picture for the presenters'
monitor, a badge in the corner of the autocue).

:class:`TalkTimer` reads the show's clock only when asked (a fake clock in tests); the
drawing functions are pure: a :class:`TimerReading` in, pixels out.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

import cv2
import numpy as np

from kaizen_studio.core.clock import Clock
from kaizen_studio.core.draw import TextStyle, blend_bgra, render_text, text_size
from kaizen_studio.core.media import Image

AMBER_SECONDS = 60.0
"""the last minute: amber"""
FLASH_SECONDS = 0.5
"""past time, the timer is lit and dark in turn for this long each"""


class TimerColour(enum.Enum):
    GREEN = "green"
    AMBER = "amber"
    RED = "red"
    IDLE = "idle"
    """no talk running"""

    @property
    def bgr(self) -> tuple[int, int, int]:
        return {
            TimerColour.GREEN: (60, 170, 40),
            TimerColour.AMBER: (0, 170, 255),
            TimerColour.RED: (40, 40, 220),
            TimerColour.IDLE: (90, 90, 90),
        }[self]


@dataclass(frozen=True, slots=True, kw_only=True)
class TimerReading:
    """The timer at one moment."""

    colour: TimerColour
    remaining: float
    """seconds left (negative: over time)"""
    lit: bool
    """False in the dark half of a flash (past time)"""
    presenter: str = ""

    @property
    def text(self) -> str:
        """mm:ss left, or +mm:ss over time ('--:--' with no talk running)."""
        if self.colour is TimerColour.IDLE:
            return "--:--"
        seconds = abs(self.remaining)
        whole = int(seconds) if self.remaining < 0 else int(np.ceil(seconds))
        sign = "+" if self.remaining < 0 else ""
        return f"{sign}{whole // 60}:{whole % 60:02d}"


class TalkTimer:
    """Counts a talk of ``seconds`` down on ``clock`` from :meth:`start`."""

    def __init__(self, clock: Clock, *, seconds: float = 7 * 60.0) -> None:
        if not 60.0 <= seconds <= 3600.0:
            raise ValueError(f"a talk lasts 1 to 60 minutes, not {seconds / 60:g}")
        self.clock, self.seconds = clock, seconds
        self._began: float | None = None
        self.presenter = ""

    def start(self, presenter: str = "") -> None:
        """Start counting from the full time, now."""
        self._began, self.presenter = self.clock.now(), presenter

    def stop(self) -> None:
        self._began = None

    @property
    def running(self) -> bool:
        return self._began is not None

    def reading(self) -> TimerReading:
        """The timer now."""
        if self._began is None:
            return TimerReading(colour=TimerColour.IDLE, remaining=self.seconds, lit=True)
        remaining = self.seconds - (self.clock.now() - self._began)
        if remaining > AMBER_SECONDS:
            colour, lit = TimerColour.GREEN, True
        elif remaining > 0:
            colour, lit = TimerColour.AMBER, True
        else:
            colour = TimerColour.RED
            lit = int(-remaining / FLASH_SECONDS) % 2 == 0
        return TimerReading(colour=colour, remaining=remaining, lit=lit, presenter=self.presenter)


def timer_picture(reading: TimerReading, size: tuple[int, int]) -> Image:
    """The presenters' monitor: the whole screen the timer's colour (dark in a flash's
    dark half), the time left in big figures and the presenter's name. BGR uint8."""
    w, h = size
    picture = np.empty((h, w, 3), np.uint8)
    picture[:] = reading.colour.bgr if reading.lit else (20, 20, 20)
    big = TextStyle(size=max(12, h // 3), bold=True, outline=max(1, h // 200))
    while text_size(reading.text, big)[0] > w * 0.9 and big.size > 12:
        big = TextStyle(size=big.size - 4, bold=True, outline=big.outline)
    tw, th = text_size(reading.text, big)
    blend_bgra(picture, render_text(reading.text, big), (w - tw) // 2, (h - th) // 2)
    words = reading.presenter or ("Time is up!" if reading.colour is TimerColour.RED else "")
    if reading.colour is TimerColour.RED and reading.presenter:
        words = f"{reading.presenter}: time is up!"
    if words:
        small = TextStyle(size=max(8, h // 12), bold=True, outline=max(1, h // 300))
        sw, _ = text_size(words, small)
        blend_bgra(picture, render_text(words, small), max(0, (w - sw) // 2), h - h // 6)
    return picture


def draw_badge(frame: Image, reading: TimerReading) -> None:
    """The timer as a badge in ``frame``'s top-right corner, in place (the autocue's)."""
    h, w = frame.shape[:2]
    style = TextStyle(size=max(10, h // 12), bold=True)
    tile = render_text(reading.text, style)
    pad = max(4, h // 80)
    bw, bh = tile.shape[1] + 2 * pad, tile.shape[0] + pad
    x, y = w - bw - pad, pad
    colour = reading.colour.bgr if reading.lit else (20, 20, 20)
    cv2.rectangle(frame, (x, y), (x + bw - 1, y + bh - 1), colour, -1)
    blend_bgra(frame, tile, x + pad, y + pad // 2)
