"""A veil of a colour that is solid nowhere near (a chiffon scarf blowing out over the
screen beside a green jumper) keys as its share, not opaque (keying.veils.veil_lead)."""

from __future__ import annotations

import numpy as np

from kaizen_studio.keying import Keyer
from kaizen_studio.keying.veils import least_alpha, veil_lead
from tests.keying_frames import GREEN, JUMPER, SKIN, add_noise, coarse_frame

SCARF = np.array((120.0, 90.0, 225.0), np.float32)  # pink chiffon
SHARE = 0.45


def scarf_frame() -> np.ndarray:
    """A green jumper on the left; a scarf's end at 45% across the screen to its right."""
    h, w = 240, 320
    frame = np.ones((h, w, 1), np.float32) * np.array(GREEN, np.float32)
    frame[40:, 20:100] = JUMPER
    frame[80:112, 100:300] = SHARE * SCARF + (1 - SHARE) * frame[80:112, 100:300]
    return add_noise(frame, 2.0)


def test_a_scarf_veil_beside_a_green_jumper_keys_as_its_share() -> None:
    frame = scarf_frame()
    with Keyer(threads=1) as keyer:
        keyer.calibrate(frame)
        alpha = keyer.matte(frame).astype(float) / 255
    veil = alpha[86:106, 120:290]
    # keyed against the jumper's lead (towards the screen), the veil was opaque (1.0)
    assert abs(veil.mean() - SHARE) < 0.1, veil.mean()
    assert alpha[50:230, 30:90].min() == 1.0  # the jumper stays solid
    assert alpha[10:30, 150:300].max() == 0.0  # and the screen clear


def test_least_alpha_is_the_share_a_saturated_colour_needs() -> None:
    screen = np.array([[GREEN]], np.float32)
    pink = np.array([[(255.0, 0.0, 255.0)]], np.float32)
    mix = 0.3 * pink + 0.7 * screen
    assert abs(float(least_alpha(mix, screen)[0, 0]) - 0.3) < 1e-5
    assert float(least_alpha(screen, screen)[0, 0]) == 0.0
    # a colour no mix of less than 90% could give
    black = np.zeros((1, 1, 3), np.float32)
    assert abs(float(least_alpha(0.9 * black + 0.1 * screen, screen)[0, 0]) - 0.9) < 1e-5


def test_a_skin_veil_beyond_a_green_jumper_keys_near_its_share() -> None:
    """A blurred hand beyond a green sleeve: its colour is off the line from the screen
    to the jumper's, whose lead (towards the screen) made it nearly opaque (0.86)."""
    h, w = 240, 320
    frame = np.ones((h, w, 1), np.float32) * np.array(GREEN, np.float32)
    frame[40:, 20:100] = JUMPER
    frame[80:112, 140:300] = (
        SHARE * np.array(SKIN, np.float32) + (1 - SHARE) * frame[80:112, 140:300]
    )
    image = add_noise(frame, 2.0)
    with Keyer(threads=1) as keyer:
        keyer.calibrate(image)
        alpha = keyer.matte(image).astype(float) / 255
    assert abs(alpha[86:106, 160:290].mean() - SHARE) < 0.15
    assert alpha[50:230, 30:90].min() == 1.0


def test_a_thin_strip_of_green_jumper_keys_solid_against_its_own_lead() -> None:
    """A green jumper's shoulder, too thin to be solid, above a maroon body: keyed
    against the maroon's lead (the only solid near) it was half see-through (0.47)."""
    h, w = 240, 320
    frame = np.ones((h, w, 1), np.float32) * np.array(GREEN, np.float32)
    frame[60:74, 100:220] = JUMPER
    frame[74:, 100:220] = (45, 35, 115)  # maroon
    image = add_noise(frame, 2.0)
    with Keyer(threads=1) as keyer:
        keyer.calibrate(image)
        alpha = keyer.matte(image).astype(float) / 255
    assert alpha[62:72, 110:210].mean() > 0.95
    assert alpha[90:230, 120:200].min() == 1.0
    assert alpha[10:50].max() == 0.0


def test_an_even_pink_veil_beyond_a_maroon_jumper_keys_near_its_share() -> None:
    """A scarf's end beyond a maroon jumper: its mix with the screen leads about as a
    maroon-and-screen mix at 55% would, but is far brighter; keyed against the maroon's
    lead it was too opaque (0.58)."""
    h, w = 240, 320
    frame = np.ones((h, w, 1), np.float32) * np.array(GREEN, np.float32)
    frame[40:, 20:100] = (45, 35, 115)  # maroon
    frame[80:112, 140:300] = SHARE * SCARF + (1 - SHARE) * frame[80:112, 140:300]
    image = add_noise(frame, 2.0)
    with Keyer(threads=1) as keyer:
        keyer.calibrate(image)
        alpha = keyer.matte(image).astype(float) / 255
    assert abs(alpha[86:106, 160:290].mean() - SHARE) < 0.08, alpha[86:106, 160:290].mean()
    assert alpha[50:230, 30:90].min() == 1.0
    assert alpha[10:30, 150:300].max() == 0.0


def test_a_scarf_veil_right_beside_a_green_jumper_keys_nearer_its_share() -> None:
    """A scarf across a green jumper's edge and on over the screen: right beside the
    jumper, within reach of it, the veil took the jumper's lead (towards the screen) and
    keyed 0.76 against a true 0.45; over the jumper it stays solid."""
    frame = np.ones((240, 320, 1), np.float32) * np.array(GREEN, np.float32)
    frame[40:, 20:100] = JUMPER
    frame[80:112, 60:300] = SHARE * SCARF + (1 - SHARE) * frame[80:112, 60:300]
    image = add_noise(frame, 2.0)
    with Keyer(threads=1) as keyer:
        keyer.calibrate(image)
        alpha = keyer.matte(image).astype(float) / 255
    beside = alpha[86:106, 102:112].mean()
    assert beside < 0.65, beside
    assert alpha[86:106, 40:96].mean() > 0.99  # the scarf over the jumper
    assert alpha[120:230, 30:90].min() == 1.0
    assert alpha[10:30, 150:300].max() == 0.0


def test_off_a_short_line_by_the_noise_is_still_on_it() -> None:
    """Beside a green jumper over its own shadow the line from the (dim) screen to the
    jumper is short (21 levels): a mix of the two that the camera's noise puts 13
    levels off it was taken for a veil of another colour, and the jumper's edge keyed
    see-through. Off it by three times the noise, it is on it; a scarf is far off."""
    h, w = 4, 16
    shadowed = 0.6 * np.array((64.0, 155.0, 50.0), np.float32)
    jumper = np.array((48.0, 75.0, 34.0), np.float32)
    colour = np.broadcast_to(shadowed, (h, w, 3)).copy()
    colour[:, :6] = jumper
    towards = jumper - shadowed
    aside = np.cross(towards, (1.0, 0.0, 0.0)).astype(np.float32)
    aside *= 13.0 / np.linalg.norm(aside)
    colour[:, 7] = 0.45 * jumper + 0.55 * shadowed + aside  # the jumper's edge, noisy
    colour[:, 12] = SHARE * SCARF + (1 - SHARE) * shadowed  # a scarf's end, further
    leads = colour[..., 1] - np.maximum(colour[..., 0], colour[..., 2])
    halves = np.round((leads + 255.0) / 2.0).astype(np.uint8)
    solid = np.zeros((h, w), np.uint8)
    solid[:, :6] = 255
    lead = np.full((h, w), float(leads[0, 0]), np.float32)  # the jumper's, leaning > 0
    strength = np.full((h, w), float(leads[0, 15]), np.float32)
    grid = coarse_frame(
        colour, colour[:, 15:16].repeat(w, 1), np.ones((h, w)), halves, strength=strength
    )
    noise = np.full((h, w), 6.0, np.float32)
    before = veil_lead(lead, grid, solid)
    after = veil_lead(lead, grid, solid, noise=noise)
    assert lead[0, 0] > 0 and before[0, 7] < lead[0, 7] - 50  # taken for a veil
    assert np.array_equal(after[:, 7], lead[:, 7])  # on the line: the jumper's lead
    assert np.array_equal(after[:, 12], before[:, 12]) and after[0, 12] < lead[0, 12] - 50


def test_a_thin_bare_arm_on_a_dim_screen_keys_solid_and_keeps_its_colour() -> None:
    """A bare forearm too thin to be solid beside a white shirt, where the screen has
    fallen off to a third of its light: a small share of a bright, saturated colour
    explains skin over so dim a screen (least alpha 0.4), and the arm was keyed as such a
    veil, 0.4 see-through, its edges unmixed pink. (The price: a veil so dense and
    saturated that its mix with the dim screen leans away from the screen colour by 20
    levels keys opaque; the veils above keep their share.)"""
    h, w = 240, 320
    dim = np.array(GREEN, np.float32) * np.linspace(1.0, 0.35, w)[None, :, None]
    frame = np.ones((h, w, 1), np.float32) * dim
    frame[40:, 100:200] = (225, 235, 240)  # the white shirt
    frame[120:, 216:232] = (30, 66, 96)  # the forearm, 16 pixels wide, in shade
    image = add_noise(frame, 2.0)
    with Keyer(threads=1) as keyer:
        keyer.calibrate(image)
        alpha = keyer.matte(image).astype(float) / 255
        keyed = keyer.process(image, np.zeros_like(image)).composite.astype(float)
    assert alpha[130:230, 220:228].min() > 0.95, alpha[130:230, 220:228].min()
    arm = keyed[130:230, 218:230].reshape(-1, 3).mean(axis=0)
    assert np.abs(arm - (30, 66, 96)).max() < 12, arm  # not pink: red leads green as before
    assert alpha[10:30, 250:310].max() == 0.0


def test_a_bottle_green_jumper_on_a_dull_green_towel_stays_solid() -> None:
    """The jumper leads by more than the dull towel, so every lead-based rule called it
    screen (keyed out whole); it is far more saturated than the towel, which a shadow of
    the towel is not: a shirt of the towel's own colour, only darker, stays see-through."""
    h, w = 240, 320
    towel = np.array((56.0, 76.0, 44.0), np.float32)  # BGR, a dull dark green
    frame = np.ones((h, w, 1), np.float32) * towel
    frame[100:, 30:130] = (52.0, 80.0, 16.0)  # bottle green
    frame[100:, 190:290] = 0.6 * towel  # the towel's colour in shadow
    image = add_noise(frame, 2.0)
    with Keyer(threads=1) as keyer:
        keyer.calibrate(image)
        alpha = keyer.matte(image).astype(float) / 255
    assert alpha[130:230, 50:110].min() == 1.0, alpha[130:230, 50:110].min()
    assert alpha[130:230, 210:270].mean() < 0.5, alpha[130:230, 210:270].mean()
    assert alpha[10:60, 10:310].max() == 0.0
