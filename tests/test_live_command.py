"""studio live: a show run headless from the demo presenter, recorded; bad choices refused."""

from __future__ import annotations

from pathlib import Path

import av
import pytest

from studio.cli import main

SHOW = """\
title = "Assembly"
fps = 25
size = "320x180"

[[scene]]
name = "Hall"
background = "outer space"
lower_third = { name = "Mr Okafor", role = "Head teacher" }

[[scene]]
name = "News"
background = "newsroom"
clock = true
"""


def test_live_records_the_chosen_scene(tmp_path: Path) -> None:
    show, out = tmp_path / "show.toml", tmp_path / "assembly.mp4"
    show.write_text(SHOW, encoding="utf-8")
    code = main(
        ["live", "--show", str(show), "--scene", "news", "--record", str(out), "--seconds", "2"]
    )
    assert code == 0
    with av.open(str(out)) as container:
        frames = sum(1 for _ in container.decode(video=0))
    assert frames >= 35  # two seconds at 25 fps, give or take the start


def test_live_refuses_an_unknown_scene_and_a_missing_camera(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    show = tmp_path / "show.toml"
    show.write_text(SHOW, encoding="utf-8")
    assert main(["live", "--show", str(show), "--scene", "Gym", "--seconds", "1"]) == 2
    assert "no scene called 'Gym'; the show has Hall, News" in capsys.readouterr().err
    assert main(["live", "--camera", "9", "--seconds", "1"]) == 2
    assert "camera 9 could not be opened" in capsys.readouterr().err
