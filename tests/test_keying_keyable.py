"""The keyer says when a solid part of the subject is the screen's own colour, how much of
the picture it is, and what to do (keying.keyable; issue 14, item 5)."""

from __future__ import annotations

import numpy as np

from kaizen_studio.keying import KeyCheck, KeyProblem, KeyRemedy, calibrate, check_keyable
from tests.keying_frames import GREEN, SKIN, add_noise

JEANS = (110, 80, 50)


def presenter(shirt: tuple[float, float, float]) -> tuple[np.ndarray, np.ndarray]:
    """(frame, plate): a head and arms in skin around a shirt, on the green screen."""
    h, w = 240, 320
    empty = np.ones((h, w, 1), np.float32) * np.array(GREEN, np.float32)
    frame = empty.copy()
    frame[40:90, 135:185] = SKIN  # head
    frame[90:, 100:220] = SKIN  # arms and neck about the shirt
    frame[100:, 115:205] = shirt
    return add_noise(frame, 2.0, 11), add_noise(empty, 2.0, 12)


def check(frame: np.ndarray, plate: np.ndarray | None = None) -> KeyCheck:
    return check_keyable(frame, calibrate(frame), plate=plate)


def test_a_shirt_in_the_screens_own_green_is_named_with_what_to_do() -> None:
    shirt = tuple(0.6 * c for c in GREEN)  # the screen's hue, in the shade of a shirt
    frame, _ = presenter(shirt)  # type: ignore[arg-type]
    result = check(frame)
    assert result.problem is KeyProblem.SUBJECT_IN_SCREEN_COLOUR
    assert 0.12 < result.share < 0.2  # the shirt is 90x140 of 320x240: 16%
    assert result.keyed_out > 0.5
    assert result.remedies == (
        KeyRemedy.CLEAN_PLATE,
        KeyRemedy.OTHER_CLOTHES,
        KeyRemedy.OTHER_CLOTH,
    )
    assert result.held_by_plate is None
    words = result.describe()
    assert "green" in words and "blue cloth" in words and "empty screen" in words


def test_other_colours_raise_nothing() -> None:
    for shirt in (JEANS, (40, 70, 30), (200, 200, 200)):  # jeans, bottle green, white
        frame, _ = presenter(shirt)
        result = check(frame)
        assert result.problem is KeyProblem.NONE, shirt
        assert result.remedies == () and result.describe() == ""


def test_with_a_plate_the_remedies_leave_the_plate_out() -> None:
    shirt = tuple(0.6 * c for c in GREEN)
    frame, plate = presenter(shirt)  # type: ignore[arg-type]
    result = check(frame, plate)
    assert result.held_by_plate is not None
    if result.problem is KeyProblem.SUBJECT_IN_SCREEN_COLOUR:  # a shade of the screen
        assert KeyRemedy.CLEAN_PLATE not in result.remedies
        assert result.held_by_plate < 0.9


def test_a_shirt_near_the_screens_green_open_to_the_screen_is_named() -> None:
    """A shirt of nearly the screen's colour (its own dye: a little less red, as bright),
    not enclosed: its sides meet the screen, arms folded across it, trousers below."""
    h, w = 240, 320
    frame = np.ones((h, w, 1), np.float32) * np.array(GREEN, np.float32)
    shirt = (GREEN[0] * 0.9, GREEN[1] * 0.95, GREEN[2] * 0.6)
    frame[20:60, 140:180] = SKIN  # head
    frame[60:70, 152:168] = SKIN  # neck
    frame[70:170, 120:200] = shirt  # its sides open onto the screen
    frame[110:125, 110:210] = SKIN  # folded arms
    frame[170:, 125:195] = JEANS
    result = check(add_noise(frame, 2.0, 13))
    assert result.problem is KeyProblem.SUBJECT_IN_SCREEN_COLOUR
    assert KeyRemedy.CLEAN_PLATE in result.remedies


def test_a_grey_wall_keyed_out_inside_the_outline_raises_nothing() -> None:
    """A grey wall beside the cloth, which the clean plate keys out, lies within the
    subject's silhouette (between a tripod's legs) and is far from the screen's hue: it
    was named as "the screen's own green" (1% of a webcam picture, with its plate)."""
    frame, _ = presenter(JEANS)
    alpha = np.zeros(frame.shape[:2], np.uint8)
    alpha[40:90, 135:185] = 255
    alpha[90:, 100:220] = 255
    alpha[150:200, 150:172] = 0  # keyed out between the legs
    frame[150:200, 150:172] = (150, 150, 150)  # a grey wall
    result = check_keyable(frame, calibrate(frame), alpha=alpha)
    assert result.problem is KeyProblem.NONE, result.describe()
