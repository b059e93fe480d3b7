"""The alpha pass and the coarse maps it interpolates on the way, against plain arrays."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from kaizen_studio.keying.alpha_pass import RAMP_MAPS, alpha_pass
from kaizen_studio.keying.upsample import Across, across, upsampled
from tests.keying_frames import ramp


@pytest.mark.parametrize("scale", [8, 16])
def test_upsampled_maps_are_bilinear_with_half_pixel_centres(scale: int) -> None:
    rng = np.random.default_rng(scale)
    coarse = cv2.GaussianBlur(rng.integers(0, 256, (9, 13), dtype=np.uint8), (3, 3), 1)
    size = (13 * scale - 5, 9 * scale - 3)  # a frame not a whole number of blocks
    exact = cv2.resize(coarse.astype(np.float32), (13 * scale, 9 * scale))[: size[1], : size[0]]
    ours = upsampled(coarse, size, scale=scale)
    assert ours.shape == exact.shape[:2]
    assert np.abs(ours - exact).max() <= 0.5  # the rows across are kept to whole levels
    with pytest.raises(ValueError, match="out must be C-contiguous uint8"):
        across(coarse, np.empty((9, 13 * scale), np.float32), scale=scale)


def test_the_alpha_pass_is_the_ramp_with_its_gates_and_core() -> None:
    rng = np.random.default_rng(7)
    scale, (ch, cw) = 8, (6, 7)
    h, w = ch * scale - 4, cw * scale - 3

    def coarse(low: int, high: int) -> np.ndarray:
        noise = rng.integers(low, high, (ch, cw), dtype=np.uint8)
        return cv2.GaussianBlur(noise, (3, 3), 1)

    offset, span, core = coarse(90, 200), coarse(1, 80), coarse(0, 256)
    core[:, : cw // 2] = 0  # no solid core on the left
    clear = cv2.add(offset, span)
    maps = (offset, span, clear, core)
    planes = np.stack([across(m, np.empty((ch, cw * scale), np.uint8), scale=scale) for m in maps])
    raw = rng.integers(0, 256, (h, w), dtype=np.uint8)
    smoothed = cv2.blur(raw, (3, 3))
    full = {
        name: upsampled(m, (w, h), scale=scale) for name, m in zip(RAMP_MAPS, maps, strict=True)
    }

    top, rows = 11, 20  # a stripe in the middle, as the keyer's threads cut the frame
    out = np.empty((rows, w), np.uint8)
    alpha_pass(
        raw[top : top + rows],
        smoothed[top : top + rows],
        ramp=Across(planes, 0, ch - 1, scale),
        top=top,
        out=out,
    )
    level = {name: np.floor(m[top : top + rows] + 0.5).astype(np.uint8) for name, m in full.items()}
    expected = ramp(raw[top : top + rows], level["offset"], level["span"]).astype(int)
    still = smoothed[top : top + rows]
    expected[still <= level["offset"]] = 255
    expected[still >= level["clear"]] = 0
    expected = np.maximum(expected, level["core"])
    assert np.abs(out.astype(int) - expected).max() <= 1
    assert (out == 255).any() and (out == 0).any() and ((out > 0) & (out < 255)).any()

    short = Across(planes[:, :2].copy(), 0, ch - 1, scale)  # coarse rows 0..1: not enough
    with pytest.raises(ValueError, match=r"do not cover frame rows 11\.\.30"):
        alpha_pass(raw[top : top + rows], smoothed[top : top + rows], ramp=short, top=top, out=out)
