"""The title and end cards of a vodcast: the built-in designs and the drawing."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kaizen_studio.core.draw import TextStyle, blend_bgra, render_text, text_size, wrap_text
from kaizen_studio.core.media import Image


@dataclass(frozen=True, slots=True)
class Template:
    """How the title and end cards look: BGR colours of the background, a band, the text."""

    name: str
    background: tuple[int, int, int]
    band: tuple[int, int, int]
    text: tuple[int, int, int]


TEMPLATES = {
    t.name: t
    for t in (
        Template("classic", background=(74, 42, 27), band=(40, 170, 240), text=(255, 255, 255)),
        Template("bright", background=(60, 200, 255), band=(160, 60, 20), text=(40, 30, 20)),
        Template("space", background=(40, 12, 18), band=(200, 120, 120), text=(235, 235, 250)),
    )
}
"""The built-in card designs, by name."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Cards:
    """What the title and end cards say, and their design."""

    school: str
    class_name: str
    title: str
    template: Template = TEMPLATES["classic"]


def card_picture(cards: Cards, size: tuple[int, int], *, end: bool = False) -> Image:
    """The title card (or, with ``end``, the end card) as a BGR uint8 picture of ``size``."""
    width, height = size
    style = cards.template
    picture = np.empty((height, width, 3), np.uint8)
    picture[:] = style.background
    band = (round(height * 0.62), round(height * 0.66))
    picture[band[0] : band[1]] = style.band
    heading, under = (
        ("Thank you for watching!", cards.school)
        if end
        else (
            cards.title,
            f"{cards.class_name} · {cards.school}",
        )
    )
    big = TextStyle(size=max(8, round(height * 0.085)), colour=style.text, bold=True)
    small = TextStyle(size=max(8, round(height * 0.05)), colour=style.text)
    lines = wrap_text(heading, big, round(width * 0.86))[:3]
    line_height = round(text_size("Ag", big)[1] * 1.1)
    y = band[0] - round(height * 0.04) - line_height * len(lines)  # ends above the band
    for line in lines:
        blend_bgra(picture, render_text(line, big), (width - text_size(line, big)[0]) // 2, y)
        y += line_height
    y = band[1] + round(height * 0.05)
    for line in wrap_text(under, small, round(width * 0.86))[:2]:
        blend_bgra(picture, render_text(line, small), (width - text_size(line, small)[0]) // 2, y)
        y += round(text_size(line, small)[1] * 1.1)
    return picture
