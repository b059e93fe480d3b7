"""What goes on top of the programme: lower thirds, a ticker, the clock, a LIVE badge.

Their text is bounded where it enters (:data:`NAME_CHARS`, :data:`ROLE_CHARS`, and the
ticker's :data:`core.feeds.HEADLINES_MAX` headlines of :data:`core.feeds.HEADLINE_CHARS`)
so that no caption can take the show's memory or time; beyond, :class:`InputError` says so.

Each overlay draws itself onto a BGR frame in place at time ``t`` (seconds on the show's
clock), sized from the frame's height so it reads from the back of a classroom at any
resolution. Text is rendered once into tiles (``core.draw``), each overlay's pieces laid
over each other into one tile, made ready once (:class:`Prepared`) and only blended per
frame.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import cv2
import numpy as np

from kaizen_studio.core.draw import BGRA, TextStyle, blend_bgra, render_text
from kaizen_studio.core.errors import InputError
from kaizen_studio.core.feeds import check_headlines, is_feed_address, ticker_items
from kaizen_studio.core.media import Image
from kaizen_studio.studio.imageio import read_image_with_alpha

__all__ = [
    "ClockOverlay",
    "LiveBadge",
    "Logo",
    "LowerThird",
    "Overlay",
    "Prepared",
    "Ticker",
    "is_feed_address",  # read from core.feeds; named here for the modules that use it
    "ticker_items",
]

NAME_CHARS = 60
"""characters in a lower third's name at most (it must fit across the picture)"""
ROLE_CHARS = 80
"""characters in a lower third's role at most"""

Colour = tuple[int, int, int]


class Overlay(Protocol):
    def draw(self, image: Image, t: float) -> None: ...


def over(top: BGRA, below: BGRA) -> BGRA:
    """``top`` laid over ``below`` (both BGRA uint8, same size): one tile that blends like
    the two blended in turn."""
    a_top = top[..., 3:4].astype(np.float32) / 255
    a_below = below[..., 3:4].astype(np.float32) / 255
    alpha = a_top + a_below * (1 - a_top)
    colour = top[..., :3] * a_top + below[..., :3] * (a_below * (1 - a_top))
    out = np.empty_like(top)
    out[..., :3] = np.clip(colour / np.maximum(alpha, 1e-6) + 0.5, 0, 255)
    out[..., 3:] = np.clip(alpha * 255 + 0.5, 0, 255)
    return out


class Prepared:
    """A BGRA tile made ready to be blended on every frame: its colour times its alpha and
    the complement of its alpha, both as three channels, so that each frame's blend is
    three passes of OpenCV (SIMD, the GIL released) rather than numpy's many. The result
    is the exact blend ``dst * (1 - a) + colour * a`` rounded to the nearest level, as
    :func:`core.draw.blend_bgra` makes it. It blends through a scratch buffer of its
    own: one thread at a time (the compositor's).
    """

    def __init__(self, tile: BGRA) -> None:
        if tile.ndim != 3 or tile.shape[2] != 4 or tile.dtype != np.uint8:
            raise ValueError(f"expected a BGRA uint8 tile, got {tile.dtype} {tile.shape}")
        alpha = tile[..., 3:4]
        self.colour = (tile[..., :3] * alpha.astype(np.uint16)).astype(np.uint16)
        """colour * alpha, 0..65025 (uint16)."""
        self.rest: Image = np.ascontiguousarray(np.repeat(255 - alpha, 3, axis=2))
        """255 - alpha on each channel (uint8)."""
        self._scratch = np.empty_like(self.colour)

    @property
    def shape(self) -> tuple[int, int]:
        """(height, width)."""
        return self.rest.shape[0], self.rest.shape[1]

    def blend(self, frame: Image, x: int, y: int, *, columns: slice | None = None) -> None:
        """Blend the tile (or its ``columns``) onto the BGR ``frame`` in place with its
        top-left at (x, y); parts outside the frame are clipped."""
        colour, rest = self.colour, self.rest
        if columns is not None:
            colour, rest = colour[:, columns], rest[:, columns]
        fh, fw = frame.shape[:2]
        th, tw = rest.shape[:2]
        x0, y0, x1, y1 = max(x, 0), max(y, 0), min(x + tw, fw), min(y + th, fh)
        if x0 >= x1 or y0 >= y1:
            return
        rows, cols = slice(y0 - y, y1 - y), slice(x0 - x, x1 - x)
        dst = frame[y0:y1, x0:x1]
        mixed = self._scratch[: y1 - y0, : x1 - x0]
        cv2.multiply(dst, rest[rows, cols], dst=mixed, dtype=cv2.CV_16U)
        cv2.add(mixed, colour[rows, cols], dst=mixed)
        cv2.convertScaleAbs(mixed, dst=dst, alpha=1.0 / 255.0)


def _band(width: int, height: int, colour: Colour, opacity: float) -> BGRA:
    tile = np.empty((height, width, 4), np.uint8)
    tile[..., :3] = colour
    tile[..., 3] = round(255 * opacity)
    return tile


@dataclass
class LowerThird:
    """A name and a role in a band at the lower left, sliding in when shown."""

    name: str
    role: str = ""
    accent: Colour = (40, 40, 200)
    shown_at: float = 0.0
    _tiles: dict[int, Prepared] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for what, text, most in (("name", self.name, NAME_CHARS), ("role", self.role, ROLE_CHARS)):
            if len(text) > most:
                raise InputError(
                    f"the lower third's {what} is {len(text)} characters long; it can be at "
                    f"most {most}: shorten it"
                )

    def _render(self, height: int) -> Prepared:
        """The band, the accent bar, the name and the role laid over each other once per
        picture height: one tile, blended in one piece."""
        if height not in self._tiles:
            name = render_text(self.name, TextStyle(size=max(8, height // 16), bold=True))
            role = render_text(
                self.role or " ", TextStyle(size=max(6, height // 26), colour=(230, 230, 230))
            )
            width = max(name.shape[1], role.shape[1]) + height // 20
            tile = _band(width, name.shape[0] + role.shape[0] + height // 40, (30, 30, 30), 0.8)
            bar = _band(max(2, height // 90), tile.shape[0], self.accent, 1.0)
            for piece, x, y in (
                (bar, 0, 0),
                (name, height // 40, 0),
                (role, height // 40, name.shape[0]),
            ):
                layer = np.zeros_like(tile)
                layer[y : y + piece.shape[0], x : x + piece.shape[1]] = piece
                tile = over(layer, tile)
            self._tiles[height] = Prepared(tile)
        return self._tiles[height]

    def draw(self, image: Image, t: float) -> None:
        h = image.shape[0]
        tile = self._render(h)
        slide = min(1.0, max(0.0, (t - self.shown_at) / 0.5))
        if slide <= 0:
            return
        x = round(h * 0.05 - (1 - slide) * (tile.shape[1] + h * 0.05))
        tile.blend(image, x, round(h * 0.72))


@dataclass
class Ticker:
    """Headlines scrolling right to left along the bottom of the picture."""

    items: list[str]
    speed: float = 0.12
    """screen heights per second"""
    _tiles: dict[int, BGRA] = field(default_factory=dict, repr=False)
    _band: Prepared | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self.items = check_headlines(self.items, name="the ticker")

    def _strip(self, height: int) -> BGRA:
        if height not in self._tiles:
            text = "   •   ".join(self.items) + "   •   "
            self._tiles[height] = render_text(text, TextStyle(size=max(8, height // 24)))
        return self._tiles[height]

    def _scroll(self, width: int, height: int) -> tuple[Prepared, int]:
        """The band with the headlines drawn on it, one period longer than the picture is
        wide (made once per picture size), and the headlines' period in pixels."""
        strip = self._strip(height)
        period = strip.shape[1]
        if self._band is None or self._band.shape != (
            strip.shape[0] + height // 60,
            width + period,
        ):
            band = _band(width + period, strip.shape[0] + height // 60, (60, 20, 10), 0.85)
            text = np.zeros_like(band)
            top = height // 120
            for x in range(0, band.shape[1], period):
                piece = strip[:, : band.shape[1] - x]
                text[top : top + strip.shape[0], x : x + piece.shape[1]] = piece
            self._band = Prepared(over(text, band))
        return self._band, period

    def draw(self, image: Image, t: float) -> None:
        h, w = image.shape[:2]
        band, period = self._scroll(w, h)
        offset = round(t * self.speed * h) % period
        start = (offset - w) % period  # where the picture's left edge is on the band
        band.blend(image, 0, h - band.shape[0], columns=slice(start, start + w))


@dataclass
class LiveBadge:
    """A red LIVE badge at the top left, drawn only while ``on_air()`` says the school's
    server has taken the stream (a recording alone is not live)."""

    on_air: Callable[[], bool]
    _tiles: dict[int, Prepared] = field(default_factory=dict, repr=False)

    def draw(self, image: Image, t: float) -> None:
        if not self.on_air():
            return
        h = image.shape[0]
        if h not in self._tiles:
            text = render_text("LIVE", TextStyle(size=max(8, h // 22), bold=True))
            pad = h // 80
            badge = _band(text.shape[1] + 2 * pad, text.shape[0] + pad, (30, 30, 220), 1.0)
            blend_bgra(badge[..., :3], text, pad, pad // 2)
            self._tiles[h] = Prepared(np.ascontiguousarray(badge))
        self._tiles[h].blend(image, h // 30, h // 30)


@dataclass
class ClockOverlay:
    """The time of day (hh:mm) at the top right."""

    _tile: tuple[str, int, Prepared] | None = None

    def draw(self, image: Image, t: float) -> None:
        h, w = image.shape[:2]
        now = time.strftime("%H:%M")
        if self._tile is None or self._tile[:2] != (now, h):
            text = render_text(now, TextStyle(size=max(8, h // 22), bold=True, outline=2))
            self._tile = (now, h, Prepared(text))
        tile = self._tile[2]
        tile.blend(image, w - tile.shape[1] - h // 30, h // 30)


@dataclass
class Logo:
    """The school's logo at the top right, its transparency kept, a ninth of the height."""

    path: str | Path
    _tiles: dict[int, Prepared] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._picture = read_image_with_alpha(self.path)  # the right way up, size checked

    def draw(self, image: Image, t: float) -> None:
        h, w = image.shape[:2]
        if h not in self._tiles:
            ph, pw = self._picture.shape[:2]
            height = max(4, h // 9)
            width = max(4, round(pw * height / ph))
            self._tiles[h] = Prepared(
                cv2.resize(self._picture, (width, height), interpolation=cv2.INTER_AREA)
            )
        tile = self._tiles[h]
        tile.blend(image, w - tile.shape[1] - h // 30, h // 8)
