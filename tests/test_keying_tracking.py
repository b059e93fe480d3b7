"""The keyer follows the screen's light after calibration: moving shadows, exposure."""

from __future__ import annotations

import numpy as np

from kaizen_studio.keying import Keyer
from kaizen_studio.keying.tracking import screen_behind
from kaizen_studio.studio.synthetic import SceneSpec, render_scene
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


def test_a_dark_moving_shadow_on_a_webcam_leaves_no_haze() -> None:
    spec = SceneSpec(seed=3, shadow=0.6, sway=0.15, noise=4.0, chroma_420=True, jpeg_quality=75)
    keyer = Keyer(threads=1)
    keyer.calibrate(render_scene(spec, t=0.0, size=SIZE).image)
    later = render_scene(spec, t=0.5, size=SIZE)
    alpha = keyer.matte(later.image) / 255.0
    # 70 now; 202 when the screen behind the edges was raised on clear screen too
    assert alpha[inner(later.alpha == 0, 2)].sum() < 120


def test_exposure_change_after_calibration() -> None:
    frame, subject = person_frame(noise=1.0)
    keyer = Keyer(threads=1)
    keyer.calibrate(frame)
    brighter = np.clip(frame.astype(np.float32) * 1.25, 0, 255).astype(np.uint8)
    alpha = keyer.matte(brighter)
    assert alpha[inner(~subject)].max() == 0
    assert alpha[inner(subject)].min() == 255


def test_the_screen_behind_an_edge_is_as_strong_as_seen_beside_it() -> None:
    h, w = 9, 16
    strength = np.full((h, w), 100.0, np.float32)
    strength[:, 6:] = 50.0  # the light's map took a blurred green sleeve for a shadow
    halves = np.full((h, w), round((100 + 255) / 2), np.uint8)  # the screen keys 100
    halves[:, 8:] = round((30 + 255) / 2)  # the sleeve itself
    clear = np.ones((h, w), bool)
    clear[:, 8:] = False
    behind = screen_behind(strength, halves, clear, reach=2, margin=2.0)
    # within reach of the strongest key seen: 100 less the margin (rounding of halves)
    assert np.allclose(behind[:, 8:10], 99.0, atol=1.0)
    assert np.array_equal(behind[:, 10:], strength[:, 10:])  # nothing strong nearby
    # clear screen keeps its map, a shadow beside the subject too
    assert np.array_equal(behind[:, :8], strength[:, :8])
    assert screen_behind(strength, halves, clear, reach=0) is strength
