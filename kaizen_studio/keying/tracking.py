"""Following the screen's light from frame to frame: moving shadows, auto-exposure.

Calibration maps the screen as lit once. When the presenter moves, their shadow moves
with them, and a webcam's auto-exposure brightens or dims everything; keyed against the
old map, a new shadow reads as half-transparent. A shadow or an exposure change scales
every channel alike, so the screen now is the calibrated map times a *gain*, measured on
the coarse grid wherever the screen shows (its hue matches the map's) and filled in from
around where it does not.
"""

from __future__ import annotations

import cv2
import numpy as np
import numpy.typing as npt

from kaizen_studio.keying.frames import BGRImage, Matte, signed_levels
from kaizen_studio.keying.screen import others

FloatMap = npt.NDArray[np.float32]
FloatImage = npt.NDArray[np.float32]

GAIN_RANGE = (0.3, 1.6)
"""A shadow takes at most 70% of the light; exposure may rise by 60%."""
HUE_TOLERANCE = 0.05
"""How far the other channels' shares of the primary may move and still be the screen."""
GAIN_CODE = 128.0
"""Gains travel to the full-size passes as uint8: code = gain x GAIN_CODE."""


def screen_gain(
    sample: FloatImage,
    static: FloatImage,
    previous: FloatMap,
    *,
    primary: int,
    rate: float = 1.0,
) -> FloatMap:
    """The screen's light now as a multiple of the calibrated map, per coarse pixel.

    Parameters
    ----------
    sample : the frame's colour on the coarse grid, float32 (h, w, 3)
    static : the calibrated screen on the same grid, float32 (h, w, 3)
    previous : the gain of the previous frame (ones after calibration)
    primary : the screen's channel
    rate : how far towards this frame's measurement to move (1: all the way)
    """
    a, b = others(primary)
    lit = np.maximum(static[..., primary], 1.0)
    shown = np.maximum(sample[..., primary], 1.0)
    ratio = shown / lit
    low, high = GAIN_RANGE
    screen = (ratio >= low) & (ratio <= high)
    screen &= sample[..., primary] - np.maximum(sample[..., a], sample[..., b]) >= 15
    for c in (a, b):  # the hue: the other channels' shares of the primary
        screen &= np.abs(sample[..., c] / shown - static[..., c] / lit) <= HUE_TOLERANCE
    # (blocks that mix in the subject's colour fail the hue test; a dark mix passes it but
    # costs less than losing the darkest shadow right beside the subject)
    weight = screen.astype(np.float32)
    weighted = ratio.astype(np.float32) * weight
    target = previous.copy()
    reached = np.zeros(previous.shape, dtype=bool)
    for sigma in (1.0, 3.0):
        den = cv2.GaussianBlur(weight, (0, 0), sigma)
        num = cv2.GaussianBlur(weighted, (0, 0), sigma)
        fill = den > 0.05
        fill &= ~reached
        np.divide(num, den, out=target, where=fill)
        reached |= fill
    gain: FloatMap = np.clip(previous + rate * (target - previous), low, high).astype(np.float32)
    return gain


BEHIND_REACH = 2
"""How far (in coarse pixels) the screen seen beside the subject vouches for the screen
behind its edge (see :func:`screen_behind`)."""
BEHIND_MARGIN = 2.0
"""Levels of key below the strongest one seen nearby, for the screen's noise."""


def screen_behind(
    strength: FloatMap,
    half_small: npt.NDArray[np.uint8],
    clear: npt.NDArray[np.bool_],
    *,
    reach: int = BEHIND_REACH,
    margin: float = BEHIND_MARGIN,
) -> FloatMap:
    """The screen's strength behind the subject's edges: at least the strongest key (the
    middle of a block, smoothed) seen within ``reach`` coarse pixels, less ``margin``.

    A pixel mixing the screen with the subject keys less than the screen alone, so the
    screen there is at least as strong as any pixel nearby shows it. The light's map
    (:func:`screen_gain`) cannot tell a blurred bottle-green sleeve from a shadow, and
    fills the screen behind it in too dim; its edge then keys see-through. Only blocks
    that are not clear screen are raised: a shadow beside the subject is clear screen and
    keeps its map (raised to the light beside it, a moving shadow would key as haze).

    Parameters
    ----------
    strength : the screen's strength now per coarse pixel (calibrated map times gain)
    half_small : the smoothed half difference in the middle of each block, uint8
    clear : the blocks showing clear screen (see :func:`keying.ramp.clear_screen`)
    """
    if reach <= 0:
        return strength
    size = 2 * reach + 1
    kernel = np.ones((size, size), np.uint8)
    seen = signed_levels(cv2.dilate(half_small, kernel)) - margin
    behind: FloatMap = np.where(clear, strength, np.maximum(strength, seen)).astype(np.float32)
    return behind


HOLD_LEVELS = 5
"""A pixel whose colour, averaged over 2x2 blocks, moved by at most this many levels in
every channel since its alpha was last worked out has not moved (the camera's noise
averages out, a strand of hair that moves still shows)."""


class AlphaHold:
    """The alpha each pixel was last given, and the colour (2x2 blocks) it was given on.

    Where the picture does not move, a new frame's alpha differs from the last only by
    the camera's noise crossing the ramp: the matte flickers where nothing moves. There
    :func:`hold_alpha` keeps the alpha held; elsewhere it takes the new alpha and holds
    it. The colour is compared with the one the held alpha was worked out on, not the
    previous frame's, so a slow change (a cloud, auto-exposure) is taken up once it adds
    up to :data:`HOLD_LEVELS`.
    """

    def __init__(self, width: int, height: int) -> None:
        self.alpha = np.zeros((height, width), np.uint8)
        self.colour: dict[int, BGRImage] = {}
        """per stripe (its first row), the colour its alphas were worked out on"""


def hold_alpha(alpha: Matte, frame: BGRImage, hold: AlphaHold, *, rows: slice) -> None:
    """Keep ``hold``'s alpha in ``alpha`` (uint8, the frame's size; changed in place)
    where ``frame`` (BGR uint8) has not moved since (see :class:`AlphaHold`), for the
    frame's ``rows`` only (a stripe: the work is cut into them, the same each frame);
    take and hold the new alpha elsewhere. About 2 ms a 1080p frame: OpenCV calls on
    a copy a quarter the size."""
    part = frame[rows]
    n, w = part.shape[:2]
    colour = cv2.resize(part, ((w + 1) // 2, (n + 1) // 2), interpolation=cv2.INTER_AREA)
    held_colour = hold.colour.get(rows.start)
    held_alpha, new = hold.alpha[rows], alpha[rows]
    if held_colour is None or held_colour.shape != colour.shape:
        hold.colour[rows.start] = colour
        np.copyto(held_alpha, new)
        return
    b, g, r = cv2.split(cv2.absdiff(colour, held_colour))
    moved_small = cv2.compare(cv2.max(cv2.max(b, g), r), HOLD_LEVELS, cv2.CMP_GT)
    cv2.copyTo(colour, moved_small, held_colour)
    moved = cv2.resize(moved_small, (w, n), interpolation=cv2.INTER_NEAREST)
    cv2.copyTo(new, moved, held_alpha)
    np.copyto(new, held_alpha)
