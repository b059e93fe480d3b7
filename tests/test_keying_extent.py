"""Finding a dull screen (a dark towel, a teal board) and the automatic garbage matte:
black bars round the picture and the room beyond a small board are cut away, and
calibration says so (keying.backing, keying.extent; issue 14)."""

from __future__ import annotations

import numpy as np
import pytest

from kaizen_studio.keying import Keyer, KeyProblem, NoScreenFoundError, calibrate, check_keyable
from tests.keying_frames import GREEN, SKIN, add_noise, inner

TOWEL = (56, 76, 44)  # B, G, R: a dark, dull green towel (lead 20 levels, at 25%)
TEAL = (100, 125, 55)  # a teal board
BOXES = (140, 165, 185)  # cardboard on shelves, beige


def key(frame: np.ndarray) -> np.ndarray:
    with Keyer(threads=2) as keyer:
        keyer.calibrate(frame)
        return keyer.matte(frame).astype(float) / 255.0


def presenter(background: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A head and body in skin in front of ``background`` (float32), and where it is."""
    frame = background.copy()
    body = np.zeros(frame.shape[:2], bool)
    body[80:130, 140:180] = True
    body[130:, 115:205] = True
    frame[body] = SKIN
    return frame, body


def test_a_dull_dark_towel_is_found_and_keyed() -> None:
    h, w = 240, 320
    towel = np.ones((h, w, 1), np.float32) * np.array(TOWEL, np.float32)
    towel *= np.linspace(0.8, 1.1, w)[None, :, None]  # the light's falloff
    frame, body = presenter(towel)
    image = add_noise(frame, 3.0, 1)
    calibration = calibrate(image)
    assert calibration.screen_name == "green"
    assert calibration.keep == () and calibration.board_share == 0.0
    alpha = key(image)
    assert alpha[inner(body, 3)].min() > 0.95
    assert alpha[10:60, 10:100].max() < 0.05


def test_grey_noise_is_no_screen() -> None:
    grey = add_noise(np.full((120, 160, 3), 120, np.float32), 3.0, 2)
    with pytest.raises(NoScreenFoundError):
        calibrate(grey)


def test_black_bars_round_a_pillarboxed_picture_are_cut_away() -> None:
    h, w = 240, 427  # 4:3 inside 16:9
    frame = np.zeros((h, w, 3), np.float32)
    inside = np.ones((h, 320, 1), np.float32) * np.array(GREEN, np.float32)
    inside, body = presenter(inside)
    frame[:, 53:373] = inside
    image = add_noise(frame, 2.0, 3)
    image[:, :53] = 0
    image[:, 373:] = 0  # digital black
    calibration = calibrate(image)
    assert len(calibration.keep) == 1
    assert "black bars" in calibration.describe()
    alpha = key(image)
    assert alpha[:, :53].max() == 0.0 and alpha[:, 374:].max() == 0.0
    assert alpha[:, 53:373][inner(body, 3)].min() > 0.95
    assert check_keyable(image, calibration).problem is KeyProblem.NONE


def test_beyond_a_small_board_in_a_room_is_cut_away_and_said() -> None:
    h, w = 360, 240  # a phone, upright
    room = np.ones((h, w, 1), np.float32) * np.array(BOXES, np.float32)
    room[::40] = (40, 40, 40)  # shelves
    room[100:300, 40:200] = TEAL  # the board
    frame = room.copy()
    body = np.zeros((h, w), bool)
    body[130:170, 105:135] = True  # head, in front of the board
    body[170:, 85:155] = True  # body, down past the board's lower edge
    frame[body] = (30, 30, 30)  # a black T-shirt
    image = add_noise(frame, 2.0, 4)
    calibration = calibrate(image)
    assert calibration.screen_name == "green"
    assert 0.3 < calibration.board_share < 0.45  # 160x200 of 240x360: 37%
    assert "board" in calibration.describe() and "cut away" in calibration.describe()
    alpha = key(image)
    assert alpha[10:90, :].max() < 0.05  # the shelves above the board
    assert alpha[150:300, :30].max() < 0.05  # and beside it
    solid = inner(body, 3)
    solid[285:315] = False  # (where the board's lower edge crosses the shirt, the keyer
    # sees a dark edge of the screen: not this test's subject)
    assert alpha[solid].min() > 0.95  # below the board too
    assert alpha[110:290, 50:80].max() < 0.05  # the board itself
    # the board seen beside the presenter, walled in by its rim, is not their clothes
    assert check_keyable(image, calibration).problem is KeyProblem.NONE


def test_a_screen_behind_the_presenter_cuts_nothing_away() -> None:
    h, w = 240, 320
    frame, _ = presenter(np.ones((h, w, 1), np.float32) * np.array(GREEN, np.float32))
    frame[:, :30] = BOXES  # a wall at one side
    calibration = calibrate(add_noise(frame, 2.0, 5))
    assert calibration.keep == () and calibration.board_share == 0.0
