"""Key-quality metrics on made-up alphas with known answers."""

from __future__ import annotations

import math

import numpy as np
import pytest

from benchmarks import metrics


def test_sad_and_mse_known_answers() -> None:
    truth = np.zeros((200, 300), np.float32)
    estimate = truth.copy()
    estimate[:100, :100] = 1.0  # 10,000 pixels wrong by 1
    estimate[100:110, :100] = 0.5  # 1,000 pixels wrong by 0.5
    assert metrics.sad(estimate, truth) == pytest.approx(10.5)
    assert metrics.mse(estimate, truth) == pytest.approx((10_000 + 250) / 60_000)
    assert metrics.sad(truth, truth) == 0.0


def test_gradient_magnitude_of_a_ramp_is_its_slope() -> None:
    ramp = np.tile(np.arange(100, dtype=np.float64) / 400.0, (60, 1))
    magnitude = metrics.gradient_magnitude(ramp)
    np.testing.assert_allclose(magnitude[10:-10, 10:-10], 1 / 400.0, rtol=1e-6)
    np.testing.assert_allclose(metrics.gradient_magnitude(ramp.T)[10:-10, 10:-10], 1 / 400.0)


def test_gradient_error_known_answers() -> None:
    rng = np.random.default_rng(0)
    alpha = rng.random((50, 70))
    assert metrics.gradient_error(alpha, alpha) == 0.0
    assert metrics.gradient_error(alpha + 0.3, alpha) == pytest.approx(0.0, abs=1e-9)
    flat = np.full((64, 64), 0.5)
    ramp = np.tile(np.arange(64, dtype=np.float64) / 64.0, (64, 1))
    inner = metrics.gradient_magnitude(ramp)[:, 8:-8]
    assert inner.size and np.allclose(inner, 1 / 64.0)
    # every interior pixel contributes (1/64)^2; the replicated borders contribute less
    error = metrics.gradient_error(ramp, flat)
    assert 64 * 48 * (1 / 64) ** 2 / 1000 < error <= 64 * 64 * (1 / 64) ** 2 / 1000


def test_psnr_known_answers() -> None:
    image = np.full((20, 30, 3), 100, np.uint8)
    assert metrics.psnr(image, image) == math.inf
    assert metrics.psnr(image + 1, image) == pytest.approx(20 * math.log10(255))
    assert metrics.psnr(image + 10, image) == pytest.approx(20 * math.log10(25.5))


def test_clothing_loss_known_answers() -> None:
    clothing = np.zeros((10, 10), bool)
    clothing[:5] = True  # 50 pixels
    estimate = np.ones((10, 10), np.float32)
    estimate[:1] = 0.2  # 10 of them keyed out
    estimate[1:2] = 0.6  # 10 of them thinned, but kept
    loss = metrics.clothing_loss(estimate, clothing)
    assert loss.pixels == 50
    assert loss.share_keyed == pytest.approx(0.2)
    assert loss.mean_loss == pytest.approx((10 * 0.8 + 10 * 0.4) / 50)
    assert metrics.clothing_loss(estimate, np.zeros((10, 10), bool)).pixels == 0


def test_error_by_region_splits_the_sad() -> None:
    truth = np.zeros((10, 10), np.float32)
    truth[5:] = 1.0
    truth[4] = 0.5
    estimate = truth.copy()
    estimate[0, :4] = 0.5  # background: 2.0
    estimate[9, :2] = 0.0  # solid: 2.0
    estimate[4] = 0.75  # partial: 10 x 0.25, too opaque
    regions = metrics.error_by_region(estimate, truth)
    assert (regions.background, regions.solid, regions.partial) == pytest.approx(
        (0.002, 0.002, 0.0025)
    )
    assert regions.partial_bias == pytest.approx(0.25)
    assert metrics.sad(estimate, truth) == pytest.approx(0.0065)
    truth_composite = np.full((10, 10, 3), 100.0)
    composite = truth_composite.copy()
    composite[5:] += 1.0  # only the solid subject's colour is off, by one level
    regions = metrics.error_by_region(estimate, truth, composite, truth_composite)
    assert regions.psnr_solid == pytest.approx(20 * math.log10(255))
    assert regions.psnr_background == regions.psnr_partial == math.inf


def test_shapes_must_match() -> None:
    with pytest.raises(ValueError, match="shapes differ"):
        metrics.sad(np.zeros((4, 4)), np.zeros((4, 5)))
