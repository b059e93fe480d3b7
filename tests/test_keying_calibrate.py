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
