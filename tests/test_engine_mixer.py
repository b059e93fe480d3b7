"""The sound mixer and the level meter: known answers."""

from __future__ import annotations

import numpy as np
import pytest

from kaizen_studio.core.media import AudioBlock
from kaizen_studio.studio.sources.mixer import SILENCE_DB, level_db, mix


def _block(value: float, pts: float = 1.5, n: int = 960) -> AudioBlock:
    return AudioBlock(np.full((n, 2), value, np.float32), 48000, pts)


def test_mix_sums_with_gains_and_keeps_the_first_timestamp() -> None:
    out = mix([_block(0.2, pts=3.0), _block(0.4, pts=3.001)], gains=[1.0, 0.5])
    assert out.pts == 3.0
    assert out.samples.dtype == np.float32
    assert np.allclose(out.samples, 0.4)


def test_mix_clips_to_full_scale() -> None:
    assert float(mix([_block(0.8), _block(0.8)]).samples.max()) == 1.0


def test_mix_refuses_mismatched_blocks_naming_them() -> None:
    with pytest.raises(ValueError, match="44100 Hz"):
        mix([_block(0.1), AudioBlock(np.zeros((960, 2), np.float32), 44100, 0.0)])
    with pytest.raises(ValueError, match="2 blocks but 1 gains"):
        mix([_block(0.1), _block(0.1)], gains=[1.0])
    with pytest.raises(ValueError, match="at least one"):
        mix([])


def test_level_db_known_answers() -> None:
    assert level_db(_block(1.0)) == pytest.approx(0.0)
    assert level_db(_block(0.1)) == pytest.approx(-20.0, abs=1e-4)
    assert level_db(_block(0.0)) == SILENCE_DB
