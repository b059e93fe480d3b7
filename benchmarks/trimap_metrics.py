"""Key quality without ground truth: figures against a hand-drawn trimap, flicker on a clip,
and contact sheets to look at.

A trimap is uint8 (h, w): 255 definitely subject, 0 definitely screen, anything else
unknown. Alphas are float 0..1 (h, w). Pictures are BGR uint8.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

from benchmarks import colour

Image = npt.NDArray[np.uint8]
Alpha = npt.NDArray[np.float32]
SUBJECT, SCREEN = 255, 0
HOLE_BELOW = 0.95
"""A definitely-subject pixel keyed below this is a hole."""
LEFTOVER_ABOVE = 0.05
"""A definitely-screen pixel keyed above this is leftover screen."""
INTERIOR_ERODE = 0.01
"""The subject's interior: its trimap area eroded by this share of the picture's shorter
side (at least 3 pixels), away from edges where keyers may rightly differ."""
HUE_MIN_CHROMA = 10.0
"""Hue shift is measured only where the input's chroma C*ab is at least this (below it
the hue angle means little)."""
STATIC_LEVELS = 4.0
"""A pixel does not move between two frames when its blurred input changes by less than
this many levels (of 255) in every channel."""
STATIC_BLUR = 1.5
"""The Gaussian sigma (pixels) that takes the sensor noise out before that test."""


@dataclass(frozen=True, slots=True)
class TrimapScores:
    """One keyer on one picture against its trimap.

    holes : % of definitely-subject pixels keyed below 0.95
    leftover : % of definitely-screen pixels keyed above 0.05
    delta_e_mean, delta_e_p95 : CIEDE2000 between the input and the keyed foreground over
        the subject's interior (nan when there is no foreground)
    hue_shift : mean absolute CIELAB hue change (degrees) over the interior's coloured
        pixels (nan when none is coloured or there is no foreground)
    """

    holes: float
    leftover: float
    delta_e_mean: float
    delta_e_p95: float
    hue_shift: float


def regions(trimap: Image) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    """The definitely-subject and definitely-screen masks of a trimap."""
    return trimap == SUBJECT, trimap == SCREEN


def holes_and_leftover(alpha: Alpha, trimap: Image) -> tuple[float, float]:
    """(holes %, leftover %) of ``alpha`` against ``trimap``; nan where a region is empty."""
    if alpha.shape != trimap.shape:
        raise ValueError(f"shapes differ: alpha {alpha.shape}, trimap {trimap.shape}")
    subject, screen = regions(trimap)
    holes = float(np.mean(alpha[subject] < HOLE_BELOW)) * 100 if subject.any() else math.nan
    left = float(np.mean(alpha[screen] > LEFTOVER_ABOVE)) * 100 if screen.any() else math.nan
    return holes, left


def interior(trimap: Image) -> npt.NDArray[np.bool_]:
    """The definitely-subject region eroded by :data:`INTERIOR_ERODE`."""
    radius = max(3, round(min(trimap.shape) * INTERIOR_ERODE))
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * radius + 1, 2 * radius + 1))
    subject = (trimap == SUBJECT).astype(np.uint8)
    return np.asarray(cv2.erode(subject, kernel) > 0)


def colour_shift(
    image: Image, foreground: Image, mask: npt.NDArray[np.bool_]
) -> tuple[float, float, float]:
    """(mean CIEDE2000, its 95th percentile, mean |hue change| in degrees) between
    ``image`` and ``foreground`` (straight, not premultiplied) over ``mask``."""
    if not mask.any():
        return math.nan, math.nan, math.nan
    before = colour.bgr8_to_lab(image[mask])
    after = colour.bgr8_to_lab(foreground[mask])
    delta = colour.ciede2000(before, after)
    coloured = np.hypot(before[:, 1], before[:, 2]) >= HUE_MIN_CHROMA
    hue = (
        float(np.mean(np.abs(colour.hue_difference(before[coloured], after[coloured]))))
        if coloured.any()
        else math.nan
    )
    return float(delta.mean()), float(np.percentile(delta, 95)), hue


def score(image: Image, alpha: Alpha, foreground: Image | None, trimap: Image) -> TrimapScores:
    """Every trimap figure for one keyer's answer on one picture."""
    holes, left = holes_and_leftover(alpha, trimap)
    if foreground is None:
        return TrimapScores(holes, left, math.nan, math.nan, math.nan)
    mean, p95, hue = colour_shift(image, foreground, interior(trimap))
    return TrimapScores(holes, left, mean, p95, hue)


def static_pixels(previous: Image, current: Image) -> npt.NDArray[np.bool_]:
    """Where the picture does not move between two frames (see :data:`STATIC_LEVELS`)."""
    a = cv2.GaussianBlur(previous.astype(np.float32), (0, 0), STATIC_BLUR)
    b = cv2.GaussianBlur(current.astype(np.float32), (0, 0), STATIC_BLUR)
    return np.asarray(np.abs(a - b).max(axis=2) < STATIC_LEVELS)


def flicker(frames: Sequence[Image], alphas: Sequence[Image]) -> tuple[float, float]:
    """(mean frame-to-frame |alpha change| in % over the pixels that do not move, the share
    of pixels that do not move in %), averaged over consecutive pairs; ``alphas`` uint8
    (0 screen, 255 subject), one per frame."""
    if len(frames) != len(alphas) or len(frames) < 2:
        raise ValueError(f"need one alpha per frame, two or more: {len(frames)}, {len(alphas)}")
    changes, shares = [], []
    for i in range(1, len(frames)):
        still = static_pixels(frames[i - 1], frames[i])
        shares.append(float(still.mean()))
        if still.any():
            step = np.abs(alphas[i].astype(np.int16) - alphas[i - 1].astype(np.int16))
            changes.append(float(step[still].mean()) / 255)
    change = float(np.mean(changes)) * 100 if changes else math.nan
    return change, float(np.mean(shares)) * 100


def checker(shape: tuple[int, int], *, cell: int = 16) -> Image:
    """A grey checkerboard (h, w, 3) to composite over, so holes and leftovers show."""
    h, w = shape
    y, x = np.mgrid[0:h, 0:w]
    light = ((y // cell + x // cell) % 2).astype(bool)
    board = np.where(light, 200, 120).astype(np.uint8)
    return np.repeat(board[..., None], 3, axis=2)


def over_checker(foreground: Image, alpha: Alpha) -> Image:
    """``foreground`` (straight) over a checkerboard by ``alpha``."""
    back = checker(alpha.shape).astype(np.float32)
    a = alpha[..., None].astype(np.float32)
    out = foreground.astype(np.float32) * a + back * (1 - a)
    return np.asarray(np.clip(out + 0.5, 0, 255), np.uint8)


def sheet_row(image: Image, alpha: Alpha, foreground: Image, label: str, *, width: int) -> Image:
    """One contact-sheet row: input | alpha | composite over a checker, scaled to ``width``
    in all, with ``label`` written on it."""
    grey = np.repeat(np.asarray(np.clip(alpha * 255 + 0.5, 0, 255), np.uint8)[..., None], 3, 2)
    row = np.hstack([image, grey, over_checker(foreground, alpha)])
    scale = width / row.shape[1]
    row = cv2.resize(
        row, (width, max(1, round(row.shape[0] * scale))), interpolation=cv2.INTER_AREA
    )
    cv2.putText(row, label, (6, 18), cv2.FONT_HERSHEY_SIMPLEX, 0.5, (0, 0, 0), 3, cv2.LINE_AA)
    cv2.putText(row, label, (6, 18), cv2.FONT_HERSHEY_SIMPLEX, 0.5, (255, 255, 255), 1, cv2.LINE_AA)
    return np.asarray(row, np.uint8)
