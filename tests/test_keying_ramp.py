"""The coarse-grid kernels of keying.ramp on made-up maps with known answers."""

from __future__ import annotations

import numpy as np

from keying.ramp import LEAD_REACH, drop_mixes, foreground_lead

SCREEN = np.array((70.0, 170.0, 55.0), np.float32)
MAROON = np.array((45.0, 35.0, 115.0), np.float32)
COLLAR = np.array((215.0, 220.0, 225.0), np.float32)


def half(lead: float) -> int:
    """The half difference (d + 255) / 2 of a lead d, as the keyer stores it."""
    return round((lead + 255.0) / 2.0)


def test_far_from_the_subject_the_lead_is_the_nearest_solid_ones() -> None:
    h, w = 20, 60
    halves = np.full((h, w), half(100.0), np.uint8)  # screen everywhere
    solid = np.zeros((h, w), np.uint8)
    solid[:, :10] = 255  # a solid subject leaning -80 on the left
    halves[:, :10] = half(-80.0)
    lead = foreground_lead(halves, solid)
    far = 10 + LEAD_REACH + 3
    assert np.allclose(lead[:, far:], -80.0, atol=1.0)
    # something clearly not the screen far out (a hand, leaning -50) keeps its own lead
    halves[8:12, 40:44] = half(-50.0)
    lead = foreground_lead(halves, solid)
    assert np.allclose(lead[9:11, 41:43], -50.0, atol=1.0)
    assert np.allclose(lead[:3, far:], -80.0, atol=1.0)


def test_nothing_solid_leaves_the_plain_key() -> None:
    halves = np.full((10, 10), half(30.0), np.uint8)
    assert not foreground_lead(halves, np.zeros((10, 10), np.uint8)).any()


def test_a_mix_of_screen_and_subject_is_not_solid_but_a_collar_is() -> None:
    h, w = 12, 30
    colour = np.empty((h, w, 3), np.float32)
    colour[:, :10] = MAROON
    colour[:, 10:20] = 0.5 * MAROON + 0.5 * SCREEN  # the middle of a blurred arm
    colour[:, 20:] = COLLAR
    leads = colour[..., 1] - np.maximum(colour[..., 0], colour[..., 2])
    halves = np.round((leads + 255.0) / 2.0).astype(np.uint8)
    screen = np.broadcast_to(SCREEN, (h, w, 3)).astype(np.float32)
    solid = np.full((h, w), 255, np.uint8)
    kept = drop_mixes(solid, colour, screen, np.ones((h, w), np.float32), halves, reach=LEAD_REACH)
    assert (kept[:, :10] == 255).all()
    assert (kept[:, 10 : 10 + LEAD_REACH] == 0).all()  # the maroon within reach: a mix
    assert (kept[:, 14:17] == 255).all()  # nothing more like the subject within reach
    assert (kept[:, 20:] == 255).all()  # off the maroon-to-screen line
    # the light now (gain) matters: the same colours under a screen half as bright
    dimmed = drop_mixes(
        solid, colour, screen * 2, np.full((h, w), 0.5, np.float32), halves, reach=LEAD_REACH
    )
    assert np.array_equal(dimmed, kept)
    assert drop_mixes(solid, colour, screen, np.ones((h, w), np.float32), halves, reach=0) is solid
