"""The keyer follows the screen's light after calibration: moving shadows, exposure."""

from __future__ import annotations

import numpy as np

from keying import Keyer
from studio.synthetic import SceneSpec, render_scene
from tests.keying_frames import inner, person_frame

SIZE = (640, 360)


def test_a_moving_shadow_is_keyed_out() -> None:
    spec = SceneSpec(seed=3, shadow=0.45, sway=0.15, noise=2.0)
    keyer = Keyer(threads=1)
    keyer.calibrate(render_scene(spec, t=0.0, size=SIZE).image)
    later = render_scene(spec, t=1.0, size=SIZE)  # she has moved, and her shadow with her
    alpha = keyer.matte(later.image) / 255.0
    background = inner(later.alpha == 0, 2)
    assert alpha[background].sum() < 200  # 7300 before the keyer followed the light
    assert (alpha[background] > 0.1).mean() < 0.002


def test_exposure_change_after_calibration() -> None:
    frame, subject = person_frame(noise=1.0)
    keyer = Keyer(threads=1)
    keyer.calibrate(frame)
    brighter = np.clip(frame.astype(np.float32) * 1.25, 0, 255).astype(np.uint8)
    alpha = keyer.matte(brighter)
    assert alpha[inner(~subject)].max() == 0
    assert alpha[inner(subject)].min() == 255
