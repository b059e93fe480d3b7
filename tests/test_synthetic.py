"""The synthetic scene generator: ground truth consistent with the image it renders."""

from __future__ import annotations

from dataclasses import replace

import cv2
import numpy as np
import pytest

from kaizen_studio.studio.synthetic import SceneFrame, SceneSpec, render_scene, scene

SIZE = (192, 108)
EVERYTHING = SceneSpec(
    hair_strands=True,
    scarf=True,
    uneven=0.7,
    creases=0.7,
    shadow=0.45,
    spill=0.8,
    motion_blur=30.0,
    waving=True,
    talking=True,
)


def render(spec: SceneSpec, t: float = 0.0, size: tuple[int, int] = SIZE) -> SceneFrame:
    return render_scene(spec, t=t, size=size)


def partial(alpha: np.ndarray) -> int:
    return int(np.count_nonzero((alpha > 0.02) & (alpha < 0.98)))


def test_shapes_types_and_ranges() -> None:
    frame = render(EVERYTHING, size=(200, 120))
    assert frame.size == (200, 120)
    assert frame.image.shape == (120, 200, 3) and frame.image.dtype == np.uint8
    for plane in (frame.alpha, frame.foreground, frame.screen, frame.spill):
        assert plane.dtype == np.float32
    assert frame.alpha.min() >= 0.0 and frame.alpha.max() <= 1.0
    assert frame.alpha.min() == 0.0 and frame.alpha.max() == 1.0  # both screen and subject
    assert frame.foreground.min() >= 0.0 and frame.foreground.max() <= 255.0
    assert np.all(frame.foreground[frame.alpha == 0] == 0)
    assert np.all(frame.spill[frame.alpha == 0] == 0)


def test_image_follows_the_formation_formula_before_noise() -> None:
    frame = render(replace(EVERYTHING, noise=0.0))
    a = frame.alpha[..., None]
    expected = np.clip(a * (frame.foreground + frame.spill) + (1 - a) * frame.screen, 0, 255)
    difference = np.abs(frame.image.astype(np.float32) - expected)
    assert difference.max() <= 0.51  # rounding only
    assert frame.spill.max() > 10  # spill really is in the picture


def test_noise_and_webcam_change_the_image_but_not_the_truth() -> None:
    clean = render(replace(EVERYTHING, noise=0.0))
    webcam = render(replace(EVERYTHING, noise=4.0, chroma_420=True, jpeg_quality=70))
    np.testing.assert_array_equal(clean.alpha, webcam.alpha)
    error = np.abs(clean.image.astype(np.float32) - webcam.image)
    assert 1.0 < error.mean() < 12.0


def test_same_seed_same_frame_and_seed_changes_details() -> None:
    a = render(EVERYTHING, t=0.3)
    scene._cached_still.cache_clear()  # computed afresh, not taken from the cache
    b = render(EVERYTHING, t=0.3)
    np.testing.assert_array_equal(a.image, b.image)
    np.testing.assert_array_equal(a.alpha, b.alpha)
    other = render(replace(EVERYTHING, seed=5), t=0.3)
    assert not np.array_equal(a.image, other.image)
    assert not np.array_equal(a.alpha, other.alpha)  # the hair strands differ


def test_time_moves_the_presenter() -> None:
    spec = SceneSpec(talking=True, waving=True, sway=0.05)
    first, later = render(spec, t=0.0), render(spec, t=0.37)
    assert np.abs(first.alpha - later.alpha).sum() > 50
    still = SceneSpec()
    np.testing.assert_array_equal(render(still, t=0.0).alpha, render(still, t=0.37).alpha)


def test_shadow_darkens_the_screen_and_stays_background() -> None:
    lit = render(SceneSpec(noise=0.0))
    shaded = render(SceneSpec(noise=0.0, shadow=0.5))
    np.testing.assert_array_equal(lit.alpha, shaded.alpha)
    behind = lit.alpha == 0
    darker = lit.screen[behind].sum(axis=1) - shaded.screen[behind].sum(axis=1)
    assert darker.min() >= 0 and darker.max() > 0.3 * lit.screen[behind].sum(axis=1).max()


def test_blue_variant() -> None:
    frame = render(SceneSpec(screen="blue"))
    b, g, r = frame.screen[frame.alpha == 0].mean(axis=0)
    assert b > g > r
    assert frame.image[2, 2, 0] > frame.image[2, 2, 1]


def test_fine_details_are_semi_transparent() -> None:
    plain = partial(render(SceneSpec()).alpha)
    assert partial(render(SceneSpec(hair_strands=True)).alpha) > plain * 1.3
    assert partial(render(SceneSpec(scarf=True)).alpha) > plain * 1.3
    assert partial(render(SceneSpec(motion_blur=30.0)).alpha) > plain * 1.3


def test_green_jumper_darker_and_less_saturated_than_the_screen() -> None:
    frame = render(SceneSpec(jumper="bottle_green"))
    assert frame.green_clothing.sum() > 0.1 * frame.green_clothing.size
    assert np.all(frame.alpha[frame.green_clothing] > 0.99)
    hsv = cv2.cvtColor(frame.image, cv2.COLOR_BGR2HSV).astype(np.float32)
    jumper = hsv[frame.green_clothing].mean(axis=0)
    screen = hsv[frame.alpha == 0].mean(axis=0)
    assert jumper[2] < 0.6 * screen[2]  # value: darker
    assert jumper[1] < 0.9 * screen[1]  # saturation: less
    assert not render(SceneSpec(jumper="maroon")).green_clothing.any()


def test_clean_plate_and_composite() -> None:
    plate = render(SceneSpec(person=False))
    assert plate.alpha.max() == 0.0
    frame = render(EVERYTHING)
    background = np.full(frame.image.shape, (10, 200, 250), np.uint8)
    composite = frame.composite_on(background)
    a = frame.alpha[..., None]
    np.testing.assert_allclose(composite, a * frame.foreground + (1 - a) * background, atol=1e-3)
    np.testing.assert_allclose(composite[frame.alpha == 0], background[frame.alpha == 0])
    with pytest.raises(ValueError, match="background"):
        frame.composite_on(background[:10])


@pytest.mark.parametrize(
    ("changes", "name"),
    [
        ({"noise": -1.0}, "noise"),
        ({"jumper": "pink"}, "jumper"),
        ({"screen": "red"}, "screen"),
        ({"jpeg_quality": 0}, "jpeg_quality"),
        ({"seed": -3}, "seed"),
        ({"scarf": 1}, "scarf"),
    ],
)
def test_bad_spec_values_are_named(changes: dict[str, object], name: str) -> None:
    with pytest.raises(ValueError, match=name):
        SceneSpec(**changes)  # type: ignore[arg-type]


def test_bad_size_and_time_are_named() -> None:
    with pytest.raises(ValueError, match="size"):
        render_scene(SceneSpec(), size=(10, 10))
    with pytest.raises(ValueError, match="t must be"):
        render_scene(SceneSpec(), t=float("nan"), size=SIZE)
    with pytest.raises(TypeError, match="SceneSpec"):
        render_scene({"screen": "green"}, size=SIZE)  # type: ignore[arg-type]
