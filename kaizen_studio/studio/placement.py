"""Placing the keyed presenter over a background, and plain backgrounds."""

from __future__ import annotations

import math

import cv2
import numpy as np

from kaizen_studio.core.media import Image
from kaizen_studio.keying.composite import add_background


def placed(
    foreground: Image, alpha: np.ndarray, background: Image, *, x: float, scale: float
) -> Image:
    """The keyed presenter (premultiplied ``foreground`` and its ``alpha``) moved so their
    centre is at ``x`` across (0..1) and sized by ``scale`` about their feet, over
    ``background``: a new image.

    Only the box where the presenter lands is warped and blended (the rest is the
    background as it is), so it costs in proportion to the presenter's size, not the
    picture's: the same pixels as warping the whole picture.
    """
    h, w = alpha.shape
    shift = (x - 0.5) * w
    move = np.array(
        [[scale, 0, (1 - scale) * w / 2 + shift], [0, scale, (1 - scale) * h]], np.float32
    ).astype(np.float64)
    out = background.copy()
    bx, by, bw, bh = cv2.boundingRect(alpha)  # where alpha > 0
    if bw == 0 or bh == 0:
        return out
    # the box's corners moved, with two pixels for the interpolation's reach
    x0 = max(0, math.floor(move[0, 0] * bx + move[0, 2]) - 2)
    y0 = max(0, math.floor(move[1, 1] * by + move[1, 2]) - 2)
    x1 = min(w, math.ceil(move[0, 0] * (bx + bw) + move[0, 2]) + 2)
    y1 = min(h, math.ceil(move[1, 1] * (by + bh) + move[1, 2]) + 2)
    if x0 >= x1 or y0 >= y1:
        return out
    box = move.copy()
    box[:, 2] -= (x0, y0)  # the same move, into the box's own coordinates
    size = (x1 - x0, y1 - y0)
    matte = cv2.warpAffine(alpha, box, size, flags=cv2.INTER_LINEAR)
    subject = cv2.warpAffine(foreground, box, size, flags=cv2.INTER_LINEAR)
    rest = cv2.cvtColor(cv2.bitwise_not(matte), cv2.COLOR_GRAY2BGR)
    region = out[y0:y1, x0:x1]
    add_background(subject, region, rest, out=region)
    return out


def solid_background(size: tuple[int, int], colour: tuple[int, int, int]) -> Image:
    """A plain background of ``colour`` (B, G, R)."""
    background = np.empty((size[1], size[0], 3), np.uint8)
    background[...] = colour
    return background
