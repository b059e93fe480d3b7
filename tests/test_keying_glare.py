"""A glare of white light on the cloth (a window, a lamp's hot spot) is screen, while a
grey veil of the same strength over the screen stays a veil: calibration on made-up
frames mixed in linear light."""

from __future__ import annotations

import numpy as np

from kaizen_studio.keying import Keyer, KeyerSettings
from tests.keying_frames import GREEN, SKIN, add_noise

GAMMA = 2.2


def linear(levels: tuple[int, int, int]) -> np.ndarray:
    return np.power(np.array(levels, np.float32) / 255.0, GAMMA)


def glare_frame(h: int = 240, w: int = 320) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The screen with a soft hot spot of white light at the top left, someone standing
    in the middle: (frame, the subject, the hot spot)."""
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    spot = np.exp(-((x - 0.25 * w) ** 2 + (y - 0.3 * h) ** 2) / (2 * (0.12 * w) ** 2))
    light = linear(GREEN) * np.ones((h, w, 1), np.float32) + 0.3 * spot[..., None]
    subject = np.zeros((h, w), bool)
    subject[60:, 150:230] = True
    light[subject] = linear(SKIN)
    levels = 255.0 * np.power(np.clip(light, 0, 1), 1 / GAMMA)
    return add_noise(levels, 2.0), subject, spot > 0.5


def test_a_hot_spot_on_the_cloth_keys_clear_and_the_subject_stays_solid() -> None:
    frame, _, spot = glare_frame()
    with Keyer(KeyerSettings(), threads=1) as keyer:
        keyer.calibrate(frame)
        alpha = keyer.matte(frame).astype(np.float32) / 255
    assert alpha[spot].max() < 0.05  # was a pale cloud: the spot's weaker lead kept
    assert alpha[60 + 8 :, 150 + 8 : 230 - 8].min() == 1.0
