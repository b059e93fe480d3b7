"""Where the guest goes in the programme: full screen, a box beside the presenter, a box
behind them (a screen on the studio's wall), or not at all; and the card shown while the
guest is connecting or lost.

:class:`GuestStage` is one of the compositor's stages (after the presenter is placed,
before the overlays): it draws the guest's newest picture, or the card, into the
programme's picture. For a box *behind* the presenter the programme asks
:meth:`GuestStage.behind` for the backdrop with the box drawn in, before the key. The
stage only reads the guest (:meth:`studio.sources.guest.GuestSource.read` never waits)
and resizes one picture per new guest picture, so the guest never makes the show late.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np

from kaizen_studio.core.draw import TextStyle, blend_bgra, render_text, text_size
from kaizen_studio.core.media import Image, VideoFrame
from kaizen_studio.keying import cover_fit
from kaizen_studio.studio.sources.guest import GuestSource, GuestState


class GuestLook(enum.Enum):
    """How a scene shows the guest (``guest = "..."`` in a show file's scene)."""

    OFF = "off"
    FULL = "full"
    BESIDE = "beside"
    BEHIND = "behind"

    @classmethod
    def named(cls, text: str) -> GuestLook:
        """The look called ``text``; ValueError naming the choices otherwise."""
        try:
            return cls(text.strip().lower())
        except ValueError:
            choices = ", ".join(look.value for look in cls)
            raise ValueError(f"the guest's look is one of {choices}, not {text!r}") from None


@dataclass(frozen=True, slots=True)
class Box:
    """Where a guest box sits, as shares of the picture: its left and top edges and its
    width (its height keeps the guest's 16:9)."""

    x: float
    y: float
    width: float

    def pixels(self, size: tuple[int, int]) -> tuple[int, int, int, int]:
        """(x, y, width, height) in pixels in a picture of ``size``, inside it."""
        w, h = size
        bw = min(w, max(16, round(self.width * w)))
        bh = min(h, round(bw * 9 / 16))
        return min(round(self.x * w), w - bw), min(round(self.y * h), h - bh), bw, bh


BOXES = {GuestLook.BESIDE: Box(0.5, 0.2, 0.47), GuestLook.BEHIND: Box(0.47, 0.06, 0.5)}
"""The box of each boxed look: beside on the right half (the presenter moved left, see
:func:`studio.scenes.look_for`), behind high on the right, the presenter in front."""
CARD = (70, 40, 25)
"""the card's and the box frame's colour (BGR: a dark blue)"""


def card_text(name: str, state: GuestState) -> str:
    """What the card says while the guest ``name`` is not on."""
    if state is GuestState.CONNECTING:
        return f"Connecting to {name}..."
    if state is GuestState.STOPPED:
        return f"{name} is not connected"
    return f"Reconnecting to {name}..."


def guest_card(text: str, size: tuple[int, int]) -> Image:
    """The card saying ``text``: a BGR uint8 picture of ``size``, the words centred."""
    w, h = size
    card = np.empty((h, w, 3), np.uint8)
    card[:] = CARD
    style = TextStyle(size=max(8, h // 12), bold=True)
    while text_size(text, style)[0] > w * 0.9 and style.size > 8:
        style = TextStyle(size=style.size - 2, bold=True)
    tw, th = text_size(text, style)
    blend_bgra(card, render_text(text, style), (w - tw) // 2, (h - th) // 2)
    return card


class GuestStage:
    """Draws ``guest`` where ``look()`` says (None or OFF: nothing); the picture it gets
    is the programme's own copy and is drawn on in place."""

    name = "guest"

    def __init__(self, look: Callable[[], GuestLook]) -> None:
        self.look = look
        self.guest: GuestSource | None = None
        self._fitted: tuple[int, tuple[int, int], Image] | None = None  # index, size, picture
        self._cards: dict[tuple[str, tuple[int, int]], Image] = {}
        self._labels: dict[tuple[str, int], np.ndarray] = {}

    def apply(self, frame: VideoFrame) -> VideoFrame:
        guest, look = self.guest, self.look()
        if guest is None:
            return frame
        guest.audible = look is not GuestLook.OFF
        if look is GuestLook.FULL:
            size = frame.size
            frame.image[:] = self._picture(guest, size)
            self._label(frame.image, guest, (0, 0, *size), top=False)
        elif look is GuestLook.BESIDE:
            self._draw_box(frame.image, guest, BOXES[look])
        return frame

    def behind(self, background: Image) -> Image:
        """``background`` with the guest's box drawn in (a new picture), for the key."""
        out = background.copy()
        if self.guest is not None:
            self._draw_box(out, self.guest, BOXES[GuestLook.BEHIND])
        return out

    def fallback(self) -> GuestStage | None:
        return None

    def _draw_box(self, image: Image, guest: GuestSource, box: Box) -> None:
        h, w = image.shape[:2]
        x, y, bw, bh = box.pixels((w, h))
        edge = max(2, h // 180)
        cv2.rectangle(image, (x - edge, y - edge), (x + bw + edge - 1, y + bh + edge - 1), CARD, -1)
        image[y : y + bh, x : x + bw] = self._picture(guest, (bw, bh))
        self._label(image, guest, (x, y, bw, bh), top=box is BOXES[GuestLook.BEHIND])

    def _picture(self, guest: GuestSource, size: tuple[int, int]) -> Image:
        """The guest's newest picture at ``size`` (resized once per picture), or the card."""
        frame = guest.read()
        if frame is None:
            text = card_text(guest.name, guest.state)
            if (text, size) not in self._cards:
                self._cards = {(text, size): guest_card(text, size)}  # one kept
            return self._cards[(text, size)]
        fitted = self._fitted
        if fitted is None or fitted[0] != frame.index or fitted[1] != size:
            fitted = (frame.index, size, cover_fit(frame.image, size))  # one resize
            self._fitted = fitted
        return fitted[2]

    def _label(
        self, image: Image, guest: GuestSource, box: tuple[int, int, int, int], *, top: bool
    ) -> None:
        """The guest's name and delay along the box's foot (or, with ``top``, its top, where
        a presenter in front does not hide it), only while it is on."""
        if guest.state is not GuestState.ON:
            return
        x, y, _, bh = box
        height = image.shape[0]
        text = f"{guest.name} · {guest.stats().delay:.1f} s delay"
        key = (text, height)
        if key not in self._labels:
            style = TextStyle(size=max(8, height // 32), bold=True, outline=2)
            self._labels = {key: render_text(text, style)}  # one kept
        tile = self._labels[key]
        pad = max(2, height // 90)
        blend_bgra(image, tile, x + pad, y + pad if top else y + bh - tile.shape[0] - pad)
