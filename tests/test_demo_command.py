"""studio demo runs the whole show on the demo presenter, with no camera and no screen."""

from __future__ import annotations

from pathlib import Path

import cv2

from kaizen_studio.studio.cli import main


def test_demo_records_a_show_that_decodes_back(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert main(["demo", "--seconds", "2", "--size", "320x180", "--output", str(out)]) == 0
    names = sorted(p.name for p in out.iterdir())
    assert names == ["demo-contact-sheet.png", "demo-matte.png", "demo-show.mp4"]
    sheet = cv2.imread(str(out / "demo-contact-sheet.png"))
    assert sheet is not None and sheet.shape == (180, 320, 3)


def test_demo_refuses_a_bad_size(tmp_path: Path) -> None:
    assert main(["demo", "--size", "big", "--output", str(tmp_path)]) == 2
    assert list(tmp_path.iterdir()) == []
