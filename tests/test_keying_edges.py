"""Partial pixels (faint veils, the tails of a blur) key as the share of the subject they
hold: the straight ramp of keying.ramp.key_maps, with the screen's noise kept off by the
smoothed key."""

from __future__ import annotations

import numpy as np

from kaizen_studio.keying import Keyer, KeyerSettings
from kaizen_studio.keying.lead import LEAD_REACH, drop_mixes
from kaizen_studio.keying.ramp import key_maps, ramp_maps
from tests.keying_frames import GREEN, add_noise, coarse_frame, ramp

GREY = np.array((150.0, 150.0, 150.0), np.float32)


def test_key_maps_ramp_straight_from_the_screen_and_clear_at_the_black_end() -> None:
    strength = np.full((4, 4), 100.0, np.float32)
    lead = np.full((4, 4), -80.0, np.float32)
    black = np.full((4, 4), 0.1, np.float32)
    white = np.full((4, 4), 0.9, np.float32)
    offset, span, clear = key_maps(strength, lead, black=black, white=white, ease=0.05)
    # a pixel holding 20% of the subject: d = 0.2 * -80 + 0.8 * 100 = 64
    half = np.full((4, 4), round((64 + 255) / 2), np.uint8)
    alpha = ramp(half, offset, span).astype(float) / 255
    assert abs(alpha.mean() - 0.2 / 0.95) < 0.02  # straight up to 95% of the way
    # the clipped ramp's black end is where clear screen starts, as before
    old_offset, old_span = ramp_maps(strength, lead, black=black, white=white)
    assert np.array_equal(clear, old_offset + old_span)
    # the clipped ramp made the same pixel far more see-through
    clipped = ramp(half, old_offset, old_span).astype(float) / 255
    assert clipped.mean() < 0.15


def veil(share: float, noise: float) -> np.ndarray:
    """A green screen with a wide band of grey at ``share`` opacity across its middle."""
    h, w = 120, 160
    frame = np.ones((h, w, 1), np.float32) * np.array(GREEN, np.float32)
    frame[:, 50:110] = share * GREY + (1 - share) * frame[:, 50:110]
    return add_noise(frame, noise)


def test_veils_key_as_their_share_and_the_noisy_screen_stays_clear() -> None:
    for share in (0.2, 0.5, 0.8):
        frame = veil(share, 2.0)
        keyer = Keyer(KeyerSettings(core_distance=0), threads=1)
        keyer.calibrate(frame)
        alpha = keyer.matte(frame).astype(float) / 255
        band = alpha[10:-10, 60:100]
        # the ramp clipped at 0.9 made the 80% veil 0.90 opaque
        assert abs(band.mean() - share) < 0.07, (share, band.mean())
        assert alpha[10:-10, 5:40].max() == 0.0  # the screen's noise is keyed out
        assert alpha[10:-10, 125:].max() == 0.0


def test_a_lone_solid_block_of_screen_mixed_with_a_sleeve_is_a_mix() -> None:
    """The middle of a blurred maroon sleeve: far from clear screen, so solid at first,
    and off the line to any solid colour; alone once the mixes about it are gone, it
    must not lend its lead (towards the screen) to the whole blur."""
    h, w = 12, 12
    screen = np.full((h, w, 3), (70.0, 170.0, 55.0), np.float32)
    colour = screen.copy()
    solid = np.zeros((h, w), np.uint8)
    halves = np.full((h, w), round((115 + 255) / 2), np.uint8)  # screen: leads 115
    solid[5, 5] = 255
    colour[5, 5] = (68.0, 113.0, 103.0)  # a blend of the screen and maroon: leads 10
    halves[5, 5] = round((10 + 255) / 2)
    gain = np.ones((h, w), np.float32)
    assert (
        drop_mixes(solid, coarse_frame(colour, screen, gain, halves), reach=LEAD_REACH)[5, 5] == 0
    )
    # a dark green jumper's block alone (leads 20, a third of the screen's brightness)
    # is kept; so is the same blend with solid company
    colour[5, 5] = (40.0, 60.0, 35.0)
    halves[5, 5] = round((20 + 255) / 2)
    assert (
        drop_mixes(solid, coarse_frame(colour, screen, gain, halves), reach=LEAD_REACH)[5, 5] == 255
    )
    colour[5, 5] = (68.0, 113.0, 103.0)
    halves[5, 5] = round((10 + 255) / 2)
    solid[4:7, 4:6] = 255
    colour[4:7, 4] = colour[5, 5]
    halves[4:7, 4] = halves[5, 5]
    colour[4, 5] = colour[6, 5] = colour[5, 5]
    halves[4, 5] = halves[6, 5] = halves[5, 5]
    kept = drop_mixes(solid, coarse_frame(colour, screen, gain, halves), reach=LEAD_REACH)
    assert (kept[4:7, 4:6] == 255).all()
