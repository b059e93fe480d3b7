"""Colour stays true on the keyer's way through: greys and whites stay opaque and grey,
pale colours far from the screen's are never keyed, and the spill's removal never turns
a colour pink, purple or magenta (issue 14, item 3). Small made-up frames, mixed and
shaded as a real camera does (spill and noise on everything, folds in the cloth)."""

from __future__ import annotations

import cv2
import numpy as np

from kaizen_studio.keying import Keyer, straight_foreground
from tests.keying_frames import GREEN, SKIN, add_noise, inner

TOWEL = (56, 76, 44)  # B, G, R: a dark, washed-out green towel hung at home


def key(frame: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(alpha 0..1, straight foreground as int) of ``frame`` keyed with the defaults."""
    with Keyer(threads=1) as keyer:
        keyer.calibrate(frame)
        result = keyer.process(frame, np.zeros_like(frame))
        assert result.foreground is not None
        alpha = result.alpha.copy()
        foreground = straight_foreground(result.foreground, alpha)
    return alpha.astype(float) / 255.0, foreground.astype(int)


def test_a_mid_grey_strip_over_green_stays_opaque_and_grey() -> None:
    # a roll of grey tape hanging on its own, far from anything else solid, with a
    # few levels of the screen's green thrown on it
    h, w = 240, 320
    frame = np.ones((h, w, 1), np.float32) * np.array(GREEN, np.float32)
    frame[60:200, 40:120] = SKIN  # something else solid, further off
    strip = np.zeros((h, w), bool)
    strip[40:220, 200:226] = True
    frame[strip] = (124, 134, 126)
    image = add_noise(frame, 2.0)
    alpha, foreground = key(image)
    middle = inner(strip, 4)
    assert alpha[middle].min() > 0.97, alpha[middle].min()
    grey = foreground[middle]
    assert np.abs(grey - 125).mean(axis=0).max() < 8  # about the grey it was
    # neutral: no channel apart from the others, green not below the other two
    assert np.abs(np.median(grey, axis=0) - np.median(grey)).max() <= 4
    assert np.median(grey[:, 1]) >= np.median(grey[:, [0, 2]]) - 3


def test_a_pale_shaded_shirt_on_a_dark_towel_has_no_holes() -> None:
    # an off-white shirt with a faint green cast, shaded across its folds from bright to
    # a mid grey, on a dark washed-out towel: its shaded parts lie on the line from the
    # dim screen to its bright parts, but they are shirt, not a mix
    h, w = 240, 320
    frame = np.ones((h, w, 1), np.float32) * np.array(TOWEL, np.float32)
    shirt = np.zeros((h, w), bool)
    shirt[70:, 90:230] = True
    xx = np.broadcast_to(np.arange(w, dtype=np.float32), (h, w))
    shade = 0.5 + 0.25 * (1.0 + np.cos((xx - 90) / 14.0))  # folds, down to half the light
    pale = np.array((206, 208, 205), np.float32)  # a slight green cast
    frame[shirt] = (pale * shade[..., None])[shirt]
    image = add_noise(frame, 3.0)
    image = cv2.GaussianBlur(image, (3, 3), 0)  # a camera's softness
    alpha, foreground = key(image)
    middle = inner(shirt, 6)
    holes = (alpha[middle] < 0.95).mean()
    assert holes < 0.005, holes  # was 1%: round holes in the shaded folds
    assert alpha[10:60].max() == 0.0  # the towel itself keys clear
    shirt_colour = np.median(foreground[middle], axis=0)
    assert np.ptp(shirt_colour) <= 6  # still an off-white, not pink or purple


def test_brown_hair_next_to_the_screen_does_not_turn_purple() -> None:
    # brown hair whose strands thin out over the screen, with the screen's green on it
    h, w = 240, 320
    base = np.ones((h, w, 1), np.float32) * np.array(GREEN, np.float32)
    hair = np.array((40, 62, 105), np.float32)  # B, G, R: mid brown
    cover = np.zeros((h, w), np.float32)
    cover[60:, 80:240] = 1.0
    xx = np.arange(w)
    thinning = np.clip((xx - 200) / 40.0, 0.0, 1.0)  # strands thin out to the right
    cover[60:, 200:240] *= 1.0 - 0.7 * thinning[200:240]
    frame = cover[..., None] * hair + (1.0 - cover[..., None]) * base
    frame[60:, 80:240, 1] += 6  # the screen's glow on the hair
    image = add_noise(frame, 2.0)
    alpha, foreground = key(image)
    seen = (alpha > 0.2) & (cover > 0)
    seen[:, :80] = False
    b, g, r = (foreground[..., c][seen] for c in range(3))
    # purple: blue and red both above green; brown keeps red over green over blue
    purple = (b > g + 6) & (r > g + 6)
    assert purple.mean() < 0.01, purple.mean()
    assert np.median(r - g) > 20 and np.median(g - b) > 5
