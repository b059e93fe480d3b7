"""benchmarks.speed: the keyer timed as the show keys it, and the floor's verdicts."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks import speed, speed_show
from kaizen_studio.studio.backgrounds import newsroom


def test_the_show_row_keys_decoded_h264_pictures_into_fresh_ones() -> None:
    size = (160, 96)
    pictures = speed_show.presenter_pictures(size, count=3)
    assert len(pictures) == 3 and pictures[0].shape == (96, 160, 3)
    row = speed.show_row("tiny", "H.264 presenter", pictures, newsroom(size), 0.05)
    assert row.stage == "whole loop as the show keys: H.264 presenter"
    assert row.ms > 0 and row.cpu is not None and row.cpu >= 0


def test_only_the_1080p_whole_loop_is_judged_against_the_floor() -> None:
    rows = [
        speed.Row("1080p", "1", "whole loop", 7.0, 6.0),
        speed.Row("1080p", "1", "floor: plain blend", 4.0, 4.0),
        speed.Row("1080p", "1", "whole loop as the show keys: H.264 presenter", 9.0, 8.0),
        speed.Row("720p", "1", "whole loop", 3.0, 3.0),  # no floor at 720p: not shown
    ]
    lines = speed.floor_lines(rows)
    assert lines[0].startswith("- PASS: 1080p whole loop, one thread: 6.00 ms of CPU, 1.50x")
    assert lines[1].startswith("- shown: 1080p whole loop as the show keys")
    assert len(lines) == 2
    rows[0] = speed.Row("1080p", "1", "whole loop", 7.0, 6.4)
    assert speed.floor_lines(rows)[0].startswith("- FAIL")


def test_without_the_footage_its_pictures_are_none(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("KAIZEN_FOOTAGE", str(tmp_path / "none"))
    assert speed_show.footage_pictures((160, 96)) is None
