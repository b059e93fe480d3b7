"""The second truth set's camera and mixing: subject and screen mix in linear light, and a
scene shot through the camera comes back as a picture of the same size near its colours."""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks import colour
from benchmarks.truth2.camera import Camera, from_picture, mix, shoot


def test_mixing_in_linear_light_round_trips_through_srgb() -> None:
    picture = np.random.default_rng(1).integers(0, 256, (8, 8, 3), dtype=np.uint8)
    linear = from_picture(picture)
    alpha = np.full((8, 8), 0.37, np.float32)
    same = mix(linear, alpha, linear)  # a colour over itself stays itself
    assert np.array_equal(colour.linear_to_bgr8(same), picture)
    assert np.array_equal(
        colour.linear_to_bgr8(mix(linear, np.ones_like(alpha), 0 * linear)), picture
    )


def test_a_half_covered_pixel_is_half_the_light_not_half_the_code() -> None:
    white = np.ones((1, 1, 3), np.float32)
    black = np.zeros((1, 1, 3), np.float32)
    edge = colour.linear_to_bgr8(mix(white, np.full((1, 1), 0.5, np.float32), black))
    assert int(edge[0, 0, 0]) == 188  # sRGB of 50% light; mixing codes would give 128


@pytest.mark.parametrize("codec, quality", [("jpeg", 90), ("h264", 18)])
def test_the_camera_returns_a_picture_close_to_the_scene(codec: str, quality: int) -> None:
    scene = np.zeros((48, 64, 3), np.float32)
    scene[..., 1] = 0.4  # a green screen
    scene[12:36, 16:48] = colour.srgb_to_linear(np.array([0.5, 0.5, 0.5]))  # a grey card
    camera = Camera(gamma=0.0, sharpen=0.5, codec=codec, quality=quality)
    picture = shoot(scene, camera, seed=3)
    assert picture.shape == (48, 64, 3) and picture.dtype == np.uint8
    card = picture[18:30, 22:42].reshape(-1, 3).mean(axis=0)
    assert np.allclose(card, 128, atol=6)  # BGR grey, noise and compression aside
    edge_halo = picture[11, 16:48, 1].mean()  # the screen row just above the card
    assert edge_halo != pytest.approx(picture[2, 16:48, 1].mean(), abs=0.5)  # sharpening shows


def test_an_unknown_codec_is_named() -> None:
    with pytest.raises(ValueError, match="codec 'png'"):
        shoot(np.zeros((8, 8, 3), np.float32), Camera(codec="png"), seed=0)
