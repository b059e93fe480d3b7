"""keying.frames.channel_max / channel_min: NumPy's reduction over the last axis, faster."""

from __future__ import annotations

import numpy as np
import pytest

from kaizen_studio.keying.frames import channel_max, channel_min


@pytest.mark.parametrize("dtype", [np.uint8, np.float32, np.float64])
def test_the_channels_largest_and_smallest_are_numpys(dtype: type) -> None:
    rng = np.random.default_rng(3)
    image: np.ndarray = (rng.standard_normal((7, 9, 3)) * 100).astype(dtype)
    image[2, 3] = np.nan if np.issubdtype(dtype, np.floating) else image[2, 3]
    for ours, numpys in ((channel_max, image.max(axis=-1)), (channel_min, image.min(axis=-1))):
        got = ours(image)
        assert got.dtype == numpys.dtype
        np.testing.assert_array_equal(got, numpys)  # NaN where NumPy gives NaN too


def test_anything_but_three_channels_is_refused() -> None:
    with pytest.raises(ValueError, match="three channels"):
        channel_max(np.zeros((4, 4, 2), np.float32))
