"""The coarse-grid kernels of keying.ramp on made-up maps with known answers."""

from __future__ import annotations

import numpy as np

from kaizen_studio.keying.lead import (
    LEAD_REACH,
    NO_LEAD,
    clearly_subject,
    drop_mixes,
    foreground_lead,
    lead_along,
    lowest_within,
)
from kaizen_studio.keying.ramp import hard_edges, ramp_maps
from tests.keying_frames import coarse_frame

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


def test_a_small_part_clearly_the_subject_beside_a_solid_one_keeps_its_own_lead() -> None:
    """A key's dark grey metal (leaning -5) beside a solid red (leaning -120) was keyed
    against the red's lead, a quarter see-through; near the solid red the plain screen
    still takes the red's."""
    h, w = 20, 40
    halves = np.full((h, w), half(100.0), np.uint8)
    solid = np.zeros((h, w), np.uint8)
    solid[:, :10] = 255
    halves[:, :10] = half(-120.0)
    halves[8:12, 11:15] = half(-5.0)
    grey = np.zeros((h, w), np.float32)
    grey[8:12, 11:15] = 15.0  # a grey's allowance (see grey_allowance)
    lead = foreground_lead(halves, solid, halves, allowance=grey)  # peak: the middle
    assert np.allclose(lead[9:11, 12:14], -5.0, atol=1.0)
    assert np.allclose(lead[:4, 11:13], -120.0, atol=1.0)


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
    kept = drop_mixes(
        solid, coarse_frame(colour, screen, np.ones((h, w)), halves), reach=LEAD_REACH
    )
    assert (kept[:, :10] == 255).all()
    assert (kept[:, 10 : 10 + LEAD_REACH] == 0).all()  # the maroon within reach: a mix
    assert (kept[:, 14:17] == 255).all()  # nothing more like the subject within reach
    assert (kept[:, 20:] == 255).all()  # off the maroon-to-screen line
    # the light now (gain) matters: the same colours under a screen half as bright
    dimmed = drop_mixes(
        solid, coarse_frame(colour, screen * 2, np.full((h, w), 0.5), halves), reach=LEAD_REACH
    )
    assert np.array_equal(dimmed, kept)
    assert (
        drop_mixes(solid, coarse_frame(colour, screen, np.ones((h, w)), halves), reach=0) is solid
    )


def test_a_steep_ramp_is_narrower_about_the_same_middle() -> None:
    strength = np.full((4, 4), 100.0, np.float32)
    lead = np.full((4, 4), -80.0, np.float32)
    black = np.full((4, 4), 0.1, np.float32)
    white = np.full((4, 4), 0.9, np.float32)
    steep = np.zeros((4, 4), bool)
    steep[:, 2:] = True
    offset, span = (m.astype(float) for m in ramp_maps(strength, lead, black=black, white=white))
    offset2, span2 = (
        m.astype(float)
        for m in ramp_maps(strength, lead, black=black, white=white, steep=steep, factor=2.0)
    )
    assert np.array_equal(offset2[:, :2], offset[:, :2]) and np.array_equal(
        span2[:, :2], span[:, :2]
    )
    # in half-difference units: span 0.8 * 180 / 2 = 72 becomes 36, its middle stays put
    assert span[0, 0] == 72 and span2[0, 3] == 36
    assert abs((offset2[0, 3] + span2[0, 3] / 2) - (offset[0, 0] + span[0, 0] / 2)) <= 1


def test_hard_edges_are_the_outline_beside_the_solid_subject() -> None:
    clear = np.ones((9, 14), bool)
    clear[:, :6] = False  # the subject on the left half
    solid = np.where(clear, 0, 255).astype(np.uint8)
    solid[:, 4:6] = 0  # its edge blocks are neither solid nor clear
    strength = np.full((9, 14), 100.0, np.float32)
    lead = np.full((9, 14), -80.0, np.float32)
    halves = np.full((9, 14), half(100.0), np.uint8)
    halves[:, :5] = half(-80.0)  # the subject's own colour up to column 4
    halves[:, 5] = half(10.0)  # a mix: the middle of a blur
    halves[5:, 5] = half(-80.0)  # below, the subject's colour reaches the clear screen
    edges = hard_edges(clear, solid, halves, lead, strength, reach=3)
    assert edges[:, 4].all() and not edges[:4, 5].any() and edges[5:, 5:7].all()
    # clear screen beyond the middle of a blur is its fringe, not the outline
    assert not edges[:3, 6].any()
    assert not edges[:, 7:].any() and not edges[:, :4].any()


def test_a_screen_coloured_block_as_bright_as_the_screen_is_a_mix() -> None:
    h, w = 6, 30
    skin = np.array((112.0, 142.0, 192.0), np.float32)
    jumper = np.array((48.0, 74.0, 34.0), np.float32)  # bottle green: darker than the screen
    colour = np.empty((h, w, 3), np.float32)
    colour[:, :10] = 0.4 * skin + 0.6 * SCREEN  # a blurred hand: solid skin is nowhere
    colour[:, 10:20] = jumper
    colour[:, 20:] = (225.0, 255.0, 230.0)  # a white collar with green spill on it
    leads = colour[..., 1] - np.maximum(colour[..., 0], colour[..., 2])
    assert (leads > 0).all()
    halves = np.round((leads + 255.0) / 2.0).astype(np.uint8)
    screen = np.broadcast_to(SCREEN, (h, w, 3)).astype(np.float32)
    solid = np.full((h, w), 255, np.uint8)
    kept = drop_mixes(solid, coarse_frame(colour, screen, np.ones((h, w)), halves), reach=1)
    assert (kept[:, :10] == 0).all()
    assert (kept[:, 11:19] == 255).all() and (kept[:, 21:] == 255).all()


def test_mixes_are_found_on_a_4k_frames_coarse_grid() -> None:
    h, w = 270, 480  # 3840x2160 in blocks of 8: more than 65536 coarse pixels
    colour = np.empty((h, w, 3), np.float32)
    colour[...] = COLLAR
    colour[200:, :10] = MAROON
    colour[200:, 10:13] = 0.5 * MAROON + 0.5 * SCREEN
    leads = colour[..., 1] - np.maximum(colour[..., 0], colour[..., 2])
    halves = np.round((leads + 255.0) / 2.0).astype(np.uint8)
    screen = np.broadcast_to(SCREEN, (h, w, 3)).astype(np.float32)
    solid = np.full((h, w), 255, np.uint8)
    kept = drop_mixes(solid, coarse_frame(colour, screen, np.ones((h, w)), halves), reach=3)
    assert (kept[203:, 10:13] == 0).all()
    assert (kept[:, 13:] == 255).all() and (kept[:, :10] == 255).all()


def test_clearly_the_subject_is_a_whole_block_leaning_away_from_the_screen() -> None:
    lead = np.array([[-50.0, -50.0, -10.0, -30.0, 10.0]], np.float32)
    peak = np.array([[half(-40.0), half(60.0), half(15.0), half(60.0), half(10.0)]], np.uint8)
    own = clearly_subject(lead, peak)
    # a whole block of hand; the edge of a blur (its most screen-like pixel leads by 60)
    # unless its middle leans well away; a block leaning towards the screen is never own
    assert own[0, 0] == -50.0 and own[0, 1] == -50.0 and own[0, 2] == -10.0
    assert own[0, 3] == -30.0 and own[0, 4] == NO_LEAD
    edge = np.array([[-10.0]], np.float32)
    assert clearly_subject(edge, np.array([[half(60.0)]], np.uint8))[0, 0] == NO_LEAD
    assert clearly_subject(edge)[0, 0] == -10.0  # without the peaks: the middle decides


def test_a_mix_keys_against_the_most_subject_like_solid_colour_on_its_line() -> None:
    """A wide motion blur: the solid core holds a mix (85% maroon), whose lead, the
    largest nearby, keyed the blur around it too opaque; the blur's mixes lie on the line
    from the screen to the maroon and key against its lead. A white collar's edge lies
    off that line and keeps the collar's lead."""
    h, w = 8, 40
    colour = np.empty((h, w, 3), np.float32)
    colour[:, :8] = MAROON
    colour[:, 8] = 0.85 * MAROON + 0.15 * SCREEN  # still solid core
    colour[:, 9:11] = 0.5 * MAROON + 0.5 * SCREEN  # the blur around it
    colour[:, 11:20] = SCREEN
    colour[:, 20:26] = COLLAR
    colour[:, 26:29] = 0.5 * COLLAR + 0.5 * SCREEN  # the collar's edge
    colour[:, 29:35] = MAROON
    colour[:, 35:] = SCREEN
    leads = colour[..., 1] - np.maximum(colour[..., 0], colour[..., 2])
    halves = np.round((leads + 255.0) / 2.0).astype(np.uint8)
    solid = np.zeros((h, w), np.uint8)
    solid[:, :9] = solid[:, 20:26] = solid[:, 29:35] = 255
    screen = np.broadcast_to(SCREEN, (h, w, 3)).astype(np.float32)
    gain = np.ones((h, w), np.float32)
    before = foreground_lead(halves, solid)
    mixes = (before, coarse_frame(colour, screen, gain, halves), solid)
    after = lead_along(*mixes)
    maroon = float(leads[0, 0])
    assert maroon < -70 and before[4, 9] > maroon + 15  # the 85% mix's lead
    assert np.allclose(after[:, 8:11], maroon, atol=2.0)  # the solid mix's too
    assert np.array_equal(after[:, :8], before[:, :8])  # the maroon is the line's end
    assert np.array_equal(after[:, 26:29], before[:, 26:29])  # the collar's edge
    assert np.allclose(after[:, 27], leads[0, 22], atol=2.0)  # keyed as the collar
    # under a screen half as bright (the gain) the same colours give the same leads
    dimmed = lead_along(before, coarse_frame(colour, screen * 2, gain * 0.5, halves), solid)
    assert np.array_equal(dimmed, after)
    known = lowest_within(solid, halves, reach=LEAD_REACH)  # worked out once, shared
    assert np.array_equal(lead_along(*mixes, lowest=known), after)
