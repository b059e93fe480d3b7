"""The keyer under awkward use: odd and tiny sizes, many threads, changes mid-stream."""

from __future__ import annotations

import numpy as np
import pytest

from kaizen_studio.keying import Keyer, KeyerSettings, Mattes, rectangle
from tests.keying_frames import GREEN, inner, person_frame


@pytest.mark.parametrize(("h", "w", "threads"), [(363, 641, 3), (9, 17, 4), (8, 8, 2)])
def test_odd_and_tiny_sizes(h: int, w: int, threads: int) -> None:
    frame, _ = person_frame(h=h, w=w)
    frame[:, : max(2, w // 4)] = GREEN  # enough screen to calibrate on, even when tiny
    with Keyer(threads=threads) as keyer:
        keyer.calibrate(frame)
        result = keyer.process(frame, np.zeros((5, 7, 3), np.uint8))
    assert result.alpha.shape == (h, w) and result.composite.shape == (h, w, 3)
    assert result.alpha[:, : max(1, w // 4 - 2)].max() == 0


def test_frame_size_and_settings_change_mid_stream() -> None:
    small, small_subject = person_frame(h=120, w=160)
    large, large_subject = person_frame(h=240, w=320)
    keyer = Keyer(threads=2)
    keyer.calibrate(small)
    first = keyer.matte(small).copy()
    assert keyer.matte(large)[inner(large_subject)].min() == 255
    keyer.settings = KeyerSettings(shrink=10)  # 1 pixel at 120 rows
    keyer.mattes = Mattes.of(garbage=[rectangle(0.0, 0.0, 1.0, 1.0)])
    assert keyer.matte(small).sum() < first.sum()
    keyer.close()
    keyer.close()  # twice is fine
    assert keyer.matte(small)[inner(small_subject, 8)].min() == 255  # and it still works


def test_settings_are_checked_with_their_names() -> None:
    with pytest.raises(ValueError, match="'spill' must be between 0 and 1"):
        KeyerSettings(spill=2.0)
    with pytest.raises(TypeError, match="'shrink' must be a whole number"):
        KeyerSettings(shrink=1.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="unknown keyer setting 'similarity'"):
        KeyerSettings.from_mapping({"similarity": 0.4})
    with pytest.raises(ValueError, match="threads must be 1 to 64"):
        Keyer(threads=0)
