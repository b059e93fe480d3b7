"""Auto-calibration: green, blue, none, eyedropper, clean plate."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from kaizen_studio.keying import Keyer, NoScreenFoundError, calibrate, cover_fit
from kaizen_studio.keying.calibrate import chroma_is_soft
from tests.keying_frames import BLUE, GREEN, inner, person_frame, screen_frame


@pytest.mark.parametrize(("colour", "name"), [(GREEN, "green"), (BLUE, "blue")])
def test_finds_green_and_blue_screens(colour: tuple[int, int, int], name: str) -> None:
    frame, _ = person_frame(screen=colour)
    cal = calibrate(frame)
    assert cal.screen_name == name
    assert np.abs(np.array(cal.key_colour) - colour).max() <= 3
    assert 0.6 < cal.screen_share < 0.85
    assert name in cal.describe()


def test_refuses_a_frame_with_no_screen() -> None:
    rng = np.random.default_rng(3)
    room = rng.integers(60, 200, (24, 32, 3)).astype(np.uint8).repeat(10, 0).repeat(10, 1)
    with pytest.raises(NoScreenFoundError, match="no green or blue screen found"):
        calibrate(room)


def test_forcing_blue_on_a_green_screen_is_refused() -> None:
    frame, _ = person_frame(screen=GREEN)
    with pytest.raises(NoScreenFoundError, match="no blue screen"):
        calibrate(frame, screen="blue")


def test_eyedropper_and_colour_override() -> None:
    frame, _ = person_frame()
    by_point = calibrate(frame, sample=(10, 10))
    by_colour = calibrate(frame, screen=GREEN)
    assert by_point.key_colour == pytest.approx(by_colour.key_colour, abs=3)
    with pytest.raises(ValueError, match="#808080 is not a screen colour"):
        calibrate(frame, screen=(128, 128, 128))
    with pytest.raises(ValueError, match="outside the 320x240 frame"):
        calibrate(frame, sample=(400, 10))


def test_measures_uneven_light() -> None:
    even = calibrate(screen_frame())
    uneven = calibrate(screen_frame(uneven=0.6))
    assert even.unevenness < 0.1 < uneven.unevenness
    assert "uneven" in uneven.describe()


def test_clean_plate_keys_creases_the_fill_in_cannot_see() -> None:
    plate = screen_frame(noise=1.0).astype(np.int16)
    plate[:, 100:104] -= 40  # a deep crease in the cloth
    plate_u8 = np.clip(plate, 0, 255).astype(np.uint8)
    frame, subject = person_frame(noise=0.0)
    frame[~subject] = plate_u8[~subject]
    keyer = Keyer(threads=1)
    keyer.calibrate(frame, plate=plate_u8)
    alpha = keyer.matte(frame)
    away = inner(~subject)
    assert alpha[:, 100:104][away[:, 100:104]].max() == 0
    with pytest.raises(ValueError, match="same camera"):
        calibrate(frame, plate=plate_u8[:100])


def test_cover_fit_fills_without_stretching() -> None:
    wide = np.zeros((100, 400, 3), np.uint8)
    wide[:, 150:250] = 255  # the middle
    fitted = cover_fit(wide, (200, 200))
    assert fitted.shape == (200, 200, 3)
    assert fitted[:, 100].min() == 255  # the middle stays in the middle


def test_colour_at_half_resolution_is_noticed() -> None:
    rng = np.random.default_rng(4)
    frame = rng.integers(0, 256, (96, 128, 3)).astype(np.uint8)
    assert not chroma_is_soft(frame)
    ycc = cv2.cvtColor(frame, cv2.COLOR_BGR2YCrCb)
    for c in (1, 2):  # 4:2:0 as a webcam sends it, scaled back up
        half = cv2.resize(ycc[..., c], (64, 48), interpolation=cv2.INTER_AREA)
        ycc[..., c] = cv2.resize(half, (128, 96), interpolation=cv2.INTER_LINEAR)
    assert chroma_is_soft(cv2.cvtColor(ycc, cv2.COLOR_YCrCb2BGR))
    assert not chroma_is_soft(frame[:3, :3])


def _cloth_with_window(*, jumper: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A green cloth (red nearly 0) with a window's glare through it fading to cyan
    (about BGR 140, 141, 36) at the top middle, a presenter with a skin-coloured head
    and a teal jumper (a sharp edge, no brighter than the cloth); masks of the glare's
    middle and of the jumper's inside."""
    h, w = 360, 640
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    rng = np.random.default_rng(5)
    fade = np.exp(-((x - 200) ** 2 + (y - 90) ** 2) / (2 * 70.0**2))[..., None]
    cloth = np.array([60.0, 104.0, 1.0]) * (1 - fade) + np.array([140.0, 141.0, 36.0]) * fade
    frame = cloth + rng.normal(0, 2.0, (h, w, 3))
    if jumper:
        frame[250:, 380:560] = (118, 112, 18)  # teal: cyan like the glare, but dimmer
        cv2.ellipse(frame, (470, 190), (45, 60), 0, 0, 360, (120, 150, 200), -1)
    frame = np.clip(frame, 0, 255).astype(np.uint8)
    glare = np.zeros((h, w), bool)
    glare[70:110, 170:230] = True
    inside = np.zeros((h, w), bool)
    inside[270:, 400:540] = True
    return frame, glare, inside


def test_a_glare_through_the_cloth_keys_out_and_a_teal_jumper_stays() -> None:
    frame, glare, inside = _cloth_with_window(jumper=True)
    with Keyer(threads=1) as keyer:
        cal = keyer.calibrate(frame)
        alpha = keyer.matte(frame).astype(np.float32) / 255
    assert cal.screen_name == "green"
    assert cal.plate is not None  # the frame keys its own glare, against itself
    assert alpha[glare].mean() < 0.1
    assert alpha[inside].mean() > 0.95


def test_a_plain_cloth_needs_no_plate_of_its_own() -> None:
    frame, _ = person_frame()
    assert calibrate(frame).plate is None


def test_a_deep_green_jumper_is_not_taken_for_a_dull_towel_behind_it() -> None:
    h, w = 240, 320
    rng = np.random.default_rng(2)
    _y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    towel = np.array([60.0, 74.0, 46.0]) * (0.85 + 0.3 * (x / w))[..., None]
    frame = towel + rng.normal(0, 2.0, (h, w, 3))
    frame[150:, 110:210] = (52, 80, 16)  # a bottle-green jumper: it leads by more
    cv2.ellipse(frame, (160, 110), (28, 36), 0, 0, 360, (120, 150, 200), -1)
    cal = calibrate(np.clip(frame, 0, 255).astype(np.uint8))
    assert cal.screen_share > 0.6  # the towel, not the jumper
    assert abs(cal.key_colour[2] - 46) < 12  # the towel's red, not the jumper's
