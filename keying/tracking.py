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

from keying.screen import others

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
