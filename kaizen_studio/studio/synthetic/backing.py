"""The backing cloth as lit: uneven light, creases and the presenter's shadow."""

from __future__ import annotations

import cv2
import numpy as np

from kaizen_studio.studio.synthetic.layers import Colours, Plane

WORK_ROWS = 720
"""The cloth's folds are worked out at most this many rows high."""
CREASES = 8
"""Sharp folds in the cloth, each a highlight beside a shadow."""


def light_map(w: int, h: int, uneven: float) -> Plane:
    """Relative illumination (1 at the centre): a left-to-right fall-off, a vignette and
    a strip light's hot spot along the top, scaled by ``uneven`` (0: flat)."""
    x = (np.arange(w, dtype=np.float32) / np.float32(max(w - 1, 1)))[None, :]
    y = (np.arange(h, dtype=np.float32) / np.float32(max(h - 1, 1)))[:, None]
    gradient = 1.0 + uneven * 0.22 * (1.0 - 2.0 * x)  # brighter on the left
    vignette = 1.0 - uneven * 0.35 * (((x - 0.5) * 2.0) ** 2 + ((y - 0.5) * 2.0) ** 2) / 2.0
    hot_spot = 1.0 + uneven * 0.18 * np.exp(-(((y - 0.02) / 0.22) ** 2) - ((x - 0.4) / 0.5) ** 2)
    return (gradient * vignette * hot_spot).astype(np.float32)


def crease_map(w: int, h: int, creases: float, rng: np.random.Generator) -> Plane:
    """Relative brightness of a creased cloth (1: smooth), ``creases`` 0..1.

    Worked out at most ``WORK_ROWS`` high and enlarged: folds are broad, smooth shapes.
    """
    if creases <= 0.0:
        return np.ones((h, w), np.float32)
    scale = min(1.0, WORK_ROWS / h)
    cw, ch = max(2, round(w * scale)), max(2, round(h * scale))
    # soft wrinkles: a smooth random field
    coarse = rng.standard_normal((max(2, h // 60), max(2, w // 60))).astype(np.float32)
    field = cv2.resize(coarse, (cw, ch), interpolation=cv2.INTER_CUBIC)
    field *= np.float32(creases * 0.05)
    # sharp folds: along a short random segment, a highlight on one side, a shadow on the other
    yy, xx = np.mgrid[0:ch, 0:cw].astype(np.float32)
    for _ in range(CREASES):
        x0, y0 = rng.uniform(0, w) * scale, rng.uniform(0, h) * scale
        angle = rng.uniform(0, np.pi)
        length = rng.uniform(0.15, 0.45) * ch
        width = rng.uniform(0.004, 0.012) * ch
        depth = creases * rng.uniform(0.08, 0.2)
        dx, dy = np.float32(np.cos(angle)), np.float32(np.sin(angle))
        along = (xx - x0) * dx + (yy - y0) * dy
        across = (yy - y0) * dx - (xx - x0) * dy
        taper = np.exp(-((along / length) ** 2))
        fold = np.exp(-(((across + width) / width) ** 2)) - np.exp(
            -(((across - width) / width) ** 2)
        )
        field += np.float32(depth) * taper * fold
    if (cw, ch) != (w, h):
        field = cv2.resize(field, (w, h), interpolation=cv2.INTER_LINEAR)
    return np.asarray(1.0 + field, np.float32)


def weave(w: int, h: int, rng: np.random.Generator) -> Plane:
    """The cloth's fine texture: about 1% brightness variation."""
    fine = rng.standard_normal((h, w)).astype(np.float32)
    return np.asarray(1.0 + 0.01 * cv2.GaussianBlur(fine, (0, 0), 0.8), np.float32)


def shadow_map(alpha: Plane, *, h: int) -> Plane:
    """Where the presenter's shadow falls: their matte moved down and right (a light up and
    to the left) and blurred, 0..1."""
    small = cv2.resize(alpha, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)
    shift = np.array([[1, 0, 0.07 * h / 4], [0, 1, 0.03 * h / 4]], np.float32)
    moved = cv2.warpAffine(small, shift, small.shape[::-1], borderMode=cv2.BORDER_REPLICATE)
    soft = cv2.GaussianBlur(moved, (0, 0), 0.018 * h / 4)
    return np.clip(cv2.resize(soft, alpha.shape[::-1], interpolation=cv2.INTER_LINEAR), 0, 1)


def backing(colour: Colours, light: Plane, creases: Plane, cloth: Plane) -> Colours:
    """The cloth's colour as lit, before any shadow: float32 (h, w, 3)."""
    shade = light * creases * cloth
    return np.clip(colour * shade[..., None], 0.0, 255.0).astype(np.float32)
