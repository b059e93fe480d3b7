"""Picking the next presenter at random from those not yet on, and the short animation on
the programme: the names spin past in a band, slow down and land on the one picked.

:class:`PickAnimation` is an overlay (:class:`studio.overlays.Overlay`): it draws itself
at the show's time ``t``; each name's text is rendered once and only blended per frame.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from kaizen_studio.core.draw import TextStyle, render_text
from kaizen_studio.core.media import Image
from kaizen_studio.studio.overlays import Prepared

SPIN_SECONDS = 2.5
"""the names spin this long, slowing down"""
LANDED_SECONDS = 2.5
"""then the one picked stays this long"""
TURNS = 3
"""how many times round the names go before landing"""


def pick_presenter(waiting: Sequence[int], *, rng: random.Random) -> int:
    """One of ``waiting`` (the talks not yet on, by number) at random; ValueError when
    everyone has been on."""
    if not waiting:
        raise ValueError("everyone has presented: there is nobody left to pick")
    return rng.choice(list(waiting))


@dataclass(kw_only=True)
class PickAnimation:
    """``names`` spinning from ``shown_at`` and landing on ``names[chosen]``; ``under``
    is the line shown under the name once landed (year, school)."""

    names: list[str]
    chosen: int
    shown_at: float
    under: str = ""
    _tiles: dict[tuple[str, int, bool], Prepared] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        if not 0 <= self.chosen < len(self.names):
            raise ValueError(f"the name picked is number {self.chosen} of {len(self.names)}")

    @property
    def ends_at(self) -> float:
        return self.shown_at + SPIN_SECONDS + LANDED_SECONDS

    def position(self, t: float) -> float:
        """Where the reel is at ``t``: a name's number, fractional while it moves (it eases
        out, so it slows to a stop exactly on the one picked)."""
        n = len(self.names)
        steps = TURNS * n + self.chosen
        u = min(1.0, max(0.0, (t - self.shown_at) / SPIN_SECONDS))
        return (steps * (1.0 - (1.0 - u) ** 3)) % n if u < 1.0 else float(self.chosen)

    def _tile(self, text: str, height: int, landed: bool) -> Prepared:
        key = (text, height, landed)
        if key not in self._tiles:
            colour = (0, 220, 255) if landed else (255, 255, 255)
            style = TextStyle(size=max(10, height // 10), bold=True, colour=colour, outline=2)
            self._tiles[key] = Prepared(render_text(text, style))
        return self._tiles[key]

    def draw(self, image: Image, t: float) -> None:
        if not self.shown_at <= t < self.ends_at:
            return
        h, w = image.shape[:2]
        band_h = round(h * 0.4)
        top = (h - band_h) // 2
        band = image[top : top + band_h]
        band[:] = (band.astype(np.uint16) * 3 // 10 + np.array([60, 25, 15]) * 7 // 10).astype(
            np.uint8
        )  # darkened, a little blue
        heading = self._tile("Who's next?", h // 2, False)
        heading.blend(band, (w - heading.shape[1]) // 2, h // 80)
        reel = band[heading.shape[0] + h // 60 :]  # the names' window: they slide through it
        position = self.position(t)
        landed = t >= self.shown_at + SPIN_SECONDS
        step = h // 9
        middle = reel.shape[0] // 2 - (h // 40 if landed and self.under else 0)
        n = len(self.names)
        offsets = (0,) if landed else (-1, 0, 1, 2)  # the name and its neighbours passing
        for offset in offsets:
            index = int(np.floor(position)) + offset
            tile = self._tile(self.names[index % n], h, landed)
            y = round(middle + (index - position) * step - tile.shape[0] / 2)
            tile.blend(reel, (w - tile.shape[1]) // 2, y)  # clipped at the window's edges
        if landed and self.under:
            under = self._tile(self.under, h // 2, False)
            under.blend(reel, (w - under.shape[1]) // 2, reel.shape[0] - under.shape[0] - h // 80)
