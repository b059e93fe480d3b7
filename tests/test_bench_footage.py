"""The footage benchmark without the footage, and its hand-drawn trimaps: present for every
still and clip it measures, up to date with their drawing script, three-valued."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from benchmarks import footage
from benchmarks.trimaps import draw


def test_without_the_footage_the_section_says_so_and_nothing_fails(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    missing = tmp_path / "no-footage-here"
    monkeypatch.setenv(footage.FOOTAGE_ENV, str(missing))
    section = footage.run(quick=True)
    assert f"footage not found at {missing}: not measured" in section


def test_every_measured_picture_has_a_committed_trimap_matching_its_drawing() -> None:
    names = [s.name for s in footage.STILLS] + [c.name for c in footage.CLIPS]
    assert sorted(names) == sorted(draw.TRIMAPS)
    for name in names:
        committed = footage.load_trimap(name, draw.render(name).shape)
        assert np.array_equal(committed, draw.render(name)), f"{name}.png is stale: run draw.py"
        assert set(np.unique(committed)) == {0, 128, 255}, name


def test_a_trimap_scales_to_the_picture_without_new_values() -> None:
    trimap = footage.load_trimap("still06", (1536, 2048))
    assert trimap.shape == (1536, 2048)
    assert set(np.unique(trimap)) <= {0, 128, 255}
