"""The built-in backgrounds: every one draws at any size and shows a real picture."""

from __future__ import annotations

import numpy as np
import pytest

from kaizen_studio.studio.backgrounds import BUILT_IN


@pytest.mark.parametrize("name", sorted(BUILT_IN))
@pytest.mark.parametrize("size", [(320, 180), (1280, 720), (97, 61)])
def test_built_in_background_draws_a_picture(name: str, size: tuple[int, int]) -> None:
    image = BUILT_IN[name](size)
    assert image.shape == (size[1], size[0], 3)
    assert image.dtype == np.uint8
    # a picture, not a flat fill: many distinct colours
    colours = np.unique(image.reshape(-1, 3), axis=0)
    assert len(colours) > 20
    assert BUILT_IN[name](size).tobytes() == image.tobytes()  # the same every time


def test_the_six_promised_backgrounds_are_built_in() -> None:
    promised = {"newsroom", "beach", "outer space", "playground", "roller coaster", "weather map"}
    assert promised <= set(BUILT_IN)
