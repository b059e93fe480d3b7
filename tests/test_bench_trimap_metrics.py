"""The footage benchmark's figures on tiny made-up mattes: holes and leftover screen
counted against a trimap, colour shift, flicker over pixels that do not move."""

from __future__ import annotations

import math

import numpy as np
import pytest

from benchmarks import trimap_metrics as tm


def _trimap() -> np.ndarray:
    trimap = np.full((10, 10), 128, np.uint8)
    trimap[:, :4] = 0  # 40 definitely-screen pixels
    trimap[:, 6:] = 255  # 40 definitely-subject pixels
    return trimap


def test_holes_and_leftover_count_only_their_own_regions() -> None:
    alpha = np.zeros((10, 10), np.float32)
    alpha[:, 6:] = 1.0
    alpha[0, 6] = 0.94  # one hole: just below 0.95
    alpha[1, 6] = 0.95  # not a hole
    alpha[0, 0] = 0.06  # one leftover: just above 0.05
    alpha[1, 0] = 0.05  # not leftover
    alpha[:, 4:6] = 0.5  # the unknown band counts for nothing
    holes, left = tm.holes_and_leftover(alpha, _trimap())
    assert holes == pytest.approx(100 / 40)
    assert left == pytest.approx(100 / 40)


def test_an_empty_region_gives_nan_not_zero() -> None:
    trimap = np.full((4, 4), 255, np.uint8)
    holes, left = tm.holes_and_leftover(np.ones((4, 4), np.float32), trimap)
    assert holes == 0.0
    assert math.isnan(left)


def test_shapes_must_agree() -> None:
    with pytest.raises(ValueError, match="shapes differ"):
        tm.holes_and_leftover(np.ones((3, 3), np.float32), _trimap())


def test_colour_shift_is_zero_for_the_same_colour_and_sees_a_magenta_cast() -> None:
    image = np.full((20, 20, 3), (60, 120, 180), np.uint8)
    mask = np.ones((20, 20), bool)
    mean, p95, hue = tm.colour_shift(image, image, mask)
    assert (mean, p95, hue) == (0.0, 0.0, 0.0)
    pinker = image.copy()
    pinker[..., 0] += 30  # more blue
    pinker[..., 1] -= 30  # less green
    mean, p95, hue = tm.colour_shift(image, pinker, mask)
    assert mean > 5 and p95 >= mean - 1e-9 and hue > 5


def test_interior_is_inside_the_subject() -> None:
    trimap = np.zeros((60, 60), np.uint8)
    trimap[10:50, 10:50] = 255
    inside = tm.interior(trimap)
    assert inside.any()
    assert not inside[trimap != 255].any()
    assert not inside[10, 30]  # the edge row is eroded away


def test_flicker_counts_alpha_changes_only_where_the_picture_stands_still() -> None:
    frame = np.full((32, 32, 3), 90, np.uint8)
    moved = frame.copy()
    moved[:, 16:] = 200  # the right half moves
    frames = [frame, moved]
    a0 = np.zeros((32, 32), np.uint8)
    a1 = a0.copy()
    a1[:, 16:] = 255  # changes where the picture moved: not flicker
    a1[:4, :4] = 255  # 16 of the still pixels change fully: flicker
    change, share = tm.flicker(frames, [a0, a1])
    still = tm.static_pixels(frame, moved)
    assert 0 < still.mean() < 0.5  # the blur widens the moving half a little
    assert change == pytest.approx(100 * 16 / still.sum())
    assert share == pytest.approx(100 * still.mean())


def test_contact_sheet_row_is_three_pictures_wide() -> None:
    image = np.zeros((20, 30, 3), np.uint8)
    row = tm.sheet_row(image, np.ones((20, 30), np.float32), image, "x", width=180)
    assert row.shape == (40, 180, 3)
