"""The screen model: where the backing is, its colour as lit at every point.

Everything here works on a small copy of the frame (calibration cost only); the keyer
turns the result into full-resolution maps once per calibration and frame size.
"""

from __future__ import annotations

import cv2
import numpy as np
import numpy.typing as npt

from kaizen_studio.keying.frames import BGRImage, Matte

FloatImage = npt.NDArray[np.float32]
Mask = npt.NDArray[np.bool_]

CHANNEL_NAMES = ("blue", "green", "red")


def others(primary: int) -> tuple[int, int]:
    """The two channels that are not ``primary`` (0 blue, 1 green, 2 red)."""
    rest = [c for c in (0, 1, 2) if c != primary]
    return rest[0], rest[1]


def working_copy(frame: BGRImage, *, width: int) -> FloatImage:
    """``frame`` shrunk by area averaging to ``width`` pixels wide (never enlarged)."""
    h, w = frame.shape[:2]
    if w <= width:
        return frame.astype(np.float32)
    size = (width, max(8, round(h * width / w)))
    return cv2.resize(frame, size, interpolation=cv2.INTER_AREA).astype(np.float32)


def excess(image: FloatImage, primary: int) -> FloatImage:
    """How far the ``primary`` channel stands above the larger of the other two."""
    a, b = others(primary)
    return image[..., primary] - np.maximum(image[..., a], image[..., b])


def chromaticity(image: FloatImage, primary: int) -> FloatImage:
    """The other two channels as fractions of the primary, shape (h, w, 2)."""
    a, b = others(primary)
    p = np.maximum(image[..., primary], 1.0)[..., None]
    return (image[..., [a, b]] / p).astype(np.float32)


CAMERA_GAMMA = 2.2
"""The exponent a camera's picture is taken back to linear light with (sRGB's is about
this): a glare of white light adds to every channel alike in linear light, not after."""


def screen_hue(image: FloatImage, primary: int) -> FloatImage:
    """The hue of a colour's coloured part in linear light, blind to white light added
    to it (a glare on the cloth) and to its brightness (a shadow).

    Parameters
    ----------
    image : float32 (h, w, 3), BGR levels 0..255
    primary : the screen's channel

    Returns
    -------
    float32 (h, w, 2): each other channel less the smallest of the three, as a share of
    the primary less the smallest, in linear light; large where the primary is not the
    largest channel (such a colour is no screen)
    """
    linear = np.power(np.maximum(image, 0.0) * np.float32(1 / 255), np.float32(CAMERA_GAMMA))
    a, b = others(primary)
    low = np.minimum(np.minimum(linear[..., 0], linear[..., 1]), linear[..., 2])
    lead = np.maximum(linear[..., primary] - low, np.float32(1e-4))[..., None]
    hue: FloatImage = ((linear[..., [a, b]] - low[..., None]) / lead).astype(np.float32)
    return hue


def fill_screen(image: FloatImage, mask: Mask) -> FloatImage:
    """The screen's colour as lit at every pixel of a small image.

    Where ``mask`` marks screen, a lightly smoothed copy of the screen's own colour (so
    creases and the light's falloff stay); elsewhere (behind the subject), the screen is
    filled in from the nearest screen around it by normalised convolution at growing
    scales.
    """
    weight = mask.astype(np.float32)
    values = image * weight[..., None]
    filled = np.zeros_like(image)
    done = np.zeros(mask.shape, dtype=bool)
    for sigma in (1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0):
        den = cv2.GaussianBlur(weight, (0, 0), sigma)
        num = cv2.GaussianBlur(values, (0, 0), sigma)
        take = (~done) & (den > (0.3 if sigma == 1.0 else 0.02))
        if sigma == 1.0:
            take &= mask
        filled[take] = num[take] / den[take][:, None]
        done |= take
        if done.all():
            break
    if not done.all():
        filled[~done] = np.median(image[mask], axis=0) if mask.any() else image.mean((0, 1))
    return filled


def full_resolution(
    screen_small: FloatImage, primary: int, size: tuple[int, int]
) -> tuple[BGRImage, Matte]:
    """Full-size maps of the screen's colour (BGR uint8) and its strength (uint8, >= 1).

    The strength is the primary channel's lead over the other two: what a pure screen
    pixel scores in :func:`keying.matte.colour_difference`.
    """
    width, height = size
    screen = cv2.resize(screen_small, (width, height), interpolation=cv2.INTER_LINEAR)
    strength = np.clip(excess(screen, primary), 1.0, 255.0)
    return (
        np.clip(screen + 0.5, 0, 255).astype(np.uint8),
        (strength + 0.5).astype(np.uint8),
    )
