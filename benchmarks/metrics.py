"""Key quality against ground truth: alpha SAD, MSE and gradient error, composite PSNR, and
how much green clothing was keyed out.

Alphas are float arrays 0..1 of shape (h, w), measured over the whole frame (no trimap).
SAD and the gradient error are reported in thousands, as alphamatting.com does
(Rhemann et al. 2009); MSE is the plain mean of squared differences.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

import cv2
import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.generic]
GRADIENT_SIGMA = 1.4


def _pair(estimate: Array, truth: Array) -> tuple[npt.NDArray[np.float64], ...]:
    if estimate.shape != truth.shape:
        raise ValueError(f"shapes differ: estimate {estimate.shape}, truth {truth.shape}")
    return estimate.astype(np.float64), truth.astype(np.float64)


def sad(estimate: Array, truth: Array) -> float:
    """Sum of absolute differences of two alphas (0..1), divided by 1000."""
    e, t = _pair(estimate, truth)
    return float(np.abs(e - t).sum() / 1000.0)


def mse(estimate: Array, truth: Array) -> float:
    """Mean squared difference of two alphas (0..1)."""
    e, t = _pair(estimate, truth)
    return float(np.mean((e - t) ** 2))


@cache
def _gaussian_kernels(sigma: float) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """A Gaussian and its derivative, the derivative scaled to give a ramp's slope."""
    radius = math.ceil(3 * sigma)
    x = np.arange(-radius, radius + 1, dtype=np.float64)
    g = np.exp(-(x**2) / (2 * sigma**2))
    g /= g.sum()
    d = -x * g
    d /= np.sum(d * -x)  # correlating with d gives slope 1 on f(x) = x
    return g, d


def gradient_magnitude(alpha: Array, *, sigma: float = GRADIENT_SIGMA) -> npt.NDArray[np.float64]:
    """|grad alpha| by Gaussian-derivative filters of ``sigma`` pixels, float64 (h, w)."""
    g, d = _gaussian_kernels(sigma)
    a = alpha.astype(np.float64)
    gx = cv2.sepFilter2D(a, cv2.CV_64F, -d, g, borderType=cv2.BORDER_REPLICATE)
    gy = cv2.sepFilter2D(a, cv2.CV_64F, g, -d, borderType=cv2.BORDER_REPLICATE)
    return np.asarray(np.hypot(gx, gy), np.float64)


def gradient_error(estimate: Array, truth: Array, *, sigma: float = GRADIENT_SIGMA) -> float:
    """Sum of squared differences of the gradient magnitudes, divided by 1000."""
    e, t = _pair(estimate, truth)
    diff = gradient_magnitude(e, sigma=sigma) - gradient_magnitude(t, sigma=sigma)
    return float(np.sum(diff**2) / 1000.0)


def psnr(estimate: Array, truth: Array) -> float:
    """Peak signal-to-noise ratio in dB of two 0..255 images; inf when equal."""
    e, t = _pair(estimate, truth)
    error = float(np.mean((e - t) ** 2))
    return math.inf if error == 0 else 10.0 * math.log10(255.0**2 / error)


@dataclass(frozen=True, slots=True)
class ClothingLoss:
    """How a keyer treated clothing that is fully subject.

    share_keyed : share (0..1) of its pixels whose alpha came out below 0.5
    mean_loss : mean of (1 - alpha) over its pixels
    pixels : how many pixels it has (0: the scene has none; the figures are then 0)
    """

    share_keyed: float
    mean_loss: float
    pixels: int


def clothing_loss(estimate: Array, clothing: npt.NDArray[np.bool_]) -> ClothingLoss:
    """Measure ``estimate`` (alpha 0..1) over the ``clothing`` pixels (truth: alpha 1)."""
    if estimate.shape != clothing.shape:
        raise ValueError(f"shapes differ: estimate {estimate.shape}, clothing {clothing.shape}")
    values = estimate[clothing].astype(np.float64)
    if values.size == 0:
        return ClothingLoss(0.0, 0.0, 0)
    return ClothingLoss(
        share_keyed=float(np.mean(values < 0.5)),
        mean_loss=float(np.mean(1.0 - values)),
        pixels=int(values.size),
    )


@dataclass(frozen=True, slots=True)
class ErrorByRegion:
    """Where an alpha's SAD comes from, by the true alpha (each in thousands).

    background : truth 0 (the screen, its shadow included)
    solid : truth 1
    partial : truth between 0 and 1 (edges, hair, blur, the scarf)
    partial_bias : mean of (estimate - truth) over the partial pixels: positive when
        semi-transparent parts come out too opaque, negative when too see-through
    psnr_background, psnr_solid, psnr_partial : composite PSNR (dB) over each region
        (inf when exact or when the region is empty); on the solid subject it measures
        colour fidelity (spill suppression that changes true colours shows here)
    """

    background: float
    solid: float
    partial: float
    partial_bias: float
    psnr_background: float = math.inf
    psnr_solid: float = math.inf
    psnr_partial: float = math.inf


def error_by_region(
    estimate: Array,
    truth: Array,
    composite: Array | None = None,
    truth_composite: Array | None = None,
) -> ErrorByRegion:
    """Split the alpha SAD (and, given the composites, the composite PSNR) by the true
    alpha's region."""
    e, t = _pair(estimate, truth)
    diff = e - t
    regions = (t <= 0.0, t >= 1.0, (t > 0.0) & (t < 1.0))
    back, solid, partial = (float(np.abs(diff[r]).sum() / 1000.0) for r in regions)
    bias = float(diff[regions[2]].mean()) if regions[2].any() else 0.0
    psnrs = [math.inf] * 3
    if composite is not None and truth_composite is not None:
        psnrs = [psnr(composite[r], truth_composite[r]) if r.any() else math.inf for r in regions]
    return ErrorByRegion(back, solid, partial, bias, *psnrs)


@dataclass(frozen=True, slots=True)
class Scores:
    """Every figure for one keyer on one scene."""

    sad: float
    mse: float
    gradient: float
    psnr: float
    clothing: ClothingLoss
    regions: ErrorByRegion


def score(
    alpha: Array,
    composite: Array,
    *,
    truth_alpha: Array,
    truth_composite: Array,
    clothing: npt.NDArray[np.bool_],
) -> Scores:
    """All metrics for one estimate (alpha 0..1, composite 0..255) against the truth."""
    return Scores(
        sad=sad(alpha, truth_alpha),
        mse=mse(alpha, truth_alpha),
        gradient=gradient_error(alpha, truth_alpha),
        psnr=psnr(composite, truth_composite),
        clothing=clothing_loss(alpha, clothing),
        regions=error_by_region(alpha, truth_alpha, composite, truth_composite),
    )
