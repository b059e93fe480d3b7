"""The clean plate (a picture of the empty screen) on made-up frames: where the screen has
no usable colour (a window's glare turning the cloth cyan, a dark sheet), the difference
key against the plate keys it; where it has colour, a shadow still keys clear
(keying.plate; issue 14, item 4)."""

from __future__ import annotations

import numpy as np
import pytest

from kaizen_studio.keying import Keyer, NoScreenFoundError, calibrate
from kaizen_studio.keying.plate import plate_key, with_plate
from tests.keying_frames import GREEN, SKIN, add_noise, inner

JEANS = (110, 80, 50)  # B, G, R: blue jeans
GLARE = (160, 158, 40)  # a window's glare through a green cloth: cyan, no green lead
SHEET = (9, 12, 28)  # a dark "blue" sheet under tungsten light: no usable colour
JUMPER_RED = (40, 40, 170)


def glare_scene(*, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(frame, plate, leg): a green cloth with a glare patch, and a leg in front of both
    in the frame only; camera noise of its own in each picture."""
    h, w = 240, 320
    empty = np.ones((h, w, 1), np.float32) * np.array(GREEN, np.float32)
    empty[30:110, 120:260] = GLARE
    leg = np.zeros((h, w), bool)
    leg[60:, 20:150] = True  # over the green and into the glare
    frame = empty.copy()
    frame[leg] = JEANS
    return add_noise(frame, 2.0, seed), add_noise(empty, 2.0, seed + 1), leg


def key(frame: np.ndarray, plate: np.ndarray | None) -> np.ndarray:
    with Keyer(threads=2) as keyer:
        keyer.calibrate(frame, plate=plate)
        return keyer.matte(frame).astype(float) / 255.0


def test_with_the_plate_the_glare_keys_out_and_the_leg_stays() -> None:
    frame, plate, leg = glare_scene(seed=3)
    glare = np.zeros(leg.shape, bool)
    glare[36:104, 156:254] = True  # the glare beside the leg, away from its edges
    without = key(frame, None)
    assert without[glare].mean() > 0.9  # no green lead: the chroma key keeps it
    alpha = key(frame, plate)
    assert alpha[glare].max() < 0.05, alpha[glare].max()
    assert alpha[inner(leg, 3)].min() > 0.95
    assert alpha[150:230, 180:300].max() < 0.05  # the plain green screen


def test_a_dark_sheet_with_no_colour_keys_against_its_plate() -> None:
    h, w = 240, 320
    empty = np.ones((h, w, 1), np.float32) * np.array(SHEET, np.float32)
    child = np.zeros((h, w), bool)
    child[100:, 130:200] = True
    child[60:100, 145:185] = True  # a head
    frame = empty.copy()
    frame[child] = JUMPER_RED
    frame[60:100, 145:185] = SKIN
    image, plate = add_noise(frame, 3.0, 5), add_noise(empty, 3.0, 6)
    calibration = calibrate(image, plate=plate)
    assert calibration.from_plate and calibration.plate is not None
    alpha = key(image, plate)
    assert alpha[inner(child, 4)].min() > 0.95
    assert alpha[10:50].max() < 0.05
    assert alpha[120:, 10:100].max() < 0.05


def test_a_shadow_on_a_coloured_screen_stays_clear_with_the_plate() -> None:
    h, w = 240, 320
    empty = np.ones((h, w, 1), np.float32) * np.array(GREEN, np.float32)
    frame = empty.copy()
    frame[:, 60:120] = SKIN  # someone
    frame[:, 120:200] *= 0.7  # and their shadow on the screen
    image, plate = add_noise(frame, 2.0, 7), add_noise(empty, 2.0, 8)
    alpha = key(image, plate)
    assert alpha[:, 130:190].max() < 0.1, alpha[:, 130:190].max()
    assert alpha[:, 66:114].min() > 0.95


def test_a_plate_of_a_wall_with_no_screen_at_all_still_calibrates() -> None:
    wall = add_noise(np.full((120, 160, 3), 128, np.float32), 2.0, 9)  # plain grey
    with pytest.raises(NoScreenFoundError):
        calibrate(wall)
    assert calibrate(wall, plate=wall).plate is not None


def test_the_plate_is_made_ready_for_the_frame_size() -> None:
    frame, plate, _ = glare_scene(seed=1)
    ready = plate_key(plate[::2, ::2].copy(), primary=1, size=(320, 240))
    assert ready.size == (320, 240) and ready.reliable.shape == (240, 320)
    alpha = np.zeros(frame.shape[:2], np.uint8)
    with pytest.raises(ValueError, match="320x240"):
        with_plate(alpha[:100], frame[:100], ready, out=alpha[:100])


@pytest.mark.parametrize(
    "shirt",
    [
        (GREEN[0] * 0.9, GREEN[1] * 0.95, GREEN[2] * 0.6),  # its own dye, as bright
        (GREEN[0] * 0.5, GREEN[1] * 0.8, GREEN[2] * 0.3),  # a deeper green
    ],
)
def test_with_the_plate_a_shirt_in_the_screens_green_keys_solid(
    shirt: tuple[float, float, float],
) -> None:
    """(A shirt exactly the screen's hue, only darker, is a shadow to any key: the plate
    cannot tell it from one, and keyable.check_keyable says so.)"""
    h, w = 240, 320
    empty = np.ones((h, w, 1), np.float32) * np.array(GREEN, np.float32)
    body = np.zeros((h, w), bool)
    body[100:, 100:220] = True
    frame = empty.copy()
    frame[40:90, 135:185] = SKIN  # head
    frame[body] = SKIN  # arms about the shirt
    frame[100:, 115:205] = shirt
    image, plate = add_noise(frame, 2.0, 21), add_noise(empty, 2.0, 22)
    without = key(image, None)
    assert without[110:230, 125:195].mean() < 0.5  # see-through without the plate
    alpha = key(image, plate)
    assert alpha[110:230, 125:195].min() > 0.95, alpha[110:230, 125:195].min()
    assert alpha[10:30].max() < 0.05  # the empty screen above stays clear
    assert alpha[120:, 10:80].max() < 0.05
