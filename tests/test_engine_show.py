"""Show files: a good one read, and each kind of mistake refused with its file and line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

from kaizen_studio.core.errors import InputError, MissingFileError
from kaizen_studio.studio.show import MAX_SHOW_BYTES, read_show

GOOD = """\
title = "School News"
fps = 25
size = "1280x720"

[[scene]]
name = "Newsroom"
background = "newsroom"
keyer = { spill = 0.8 }
lower_third = { name = "Zoë", role = "Year 5 reporter" }
ticker = ["Sports day on Friday", "Quiz winners"]
live_badge = true
clock = true

[[scene]]
name = "Weather"
background = "map.png"
presenter = { x = 0.25, scale = 0.8 }
ticker = "headlines.txt"
"""


def write(tmp_path: Path, text: str) -> Path:
    cv2.imwrite(str(tmp_path / "map.png"), np.zeros((90, 160, 3), np.uint8))
    (tmp_path / "headlines.txt").write_text("Rain later\n", encoding="utf-8")
    path = tmp_path / "show.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_good_show_is_read(tmp_path: Path) -> None:
    show = read_show(write(tmp_path, GOOD))
    assert show.title == "School News" and show.fps == 25 and show.size == (1280, 720)
    news, weather = show.scenes
    assert news.background == "newsroom" and news.keyer.spill == 0.8
    assert news.lower_third == ("Zoë", "Year 5 reporter") and news.live_badge
    assert weather.background == str(tmp_path / "map.png")
    assert weather.presenter.x == 0.25 and weather.ticker == str(tmp_path / "headlines.txt")


@pytest.mark.parametrize(
    ("change", "line", "words"),
    [
        (("clock = true", "clok = true"), 12, "unknown scene setting 'clok'"),
        (('background = "map.png"', 'background = "mapp.png"'), 16, "'mapp.png' not found"),
        (('background = "newsroom"', 'background = "#12345G"'), 7, "is not #RRGGBB"),
        (("fps = 25", 'fps = "fast"'), 2, "fps must be a whole number"),
        (("keyer = { spill = 0.8 }", "keyer = { spill = 3 }"), 8, "'spill' must be between"),
        (
            ("keyer = { spill = 0.8 }", "keyer = { similarity = 3 }"),
            8,
            "unknown keyer setting 'similarity'",
        ),
        (
            ("presenter = { x = 0.25, scale = 0.8 }", "presenter = { x = 2 }"),
            17,
            "presenter x must be a number from 0 to 1, not 2",
        ),
        (
            ("presenter = { x = 0.25, scale = 0.8 }", "presenter = { x = true }"),
            17,
            "presenter x must be a number from 0 to 1, not true",
        ),
        (
            ('role = "Year 5 reporter" }', 'role = "Year 5 reporter", colour = "red" }'),
            9,
            "lower_third has name and role, not ['colour']",
        ),
        (
            ('role = "Year 5 reporter" }', "role = 5 }"),
            9,
            "lower_third role must be text in quotes, not 5",
        ),
        (('name = "Zoë"', f'name = "{"Z" * 101}"'), 9, "name is 101 characters; at most 100"),
        (
            ('ticker = ["Sports day on Friday", "Quiz winners"]', f"ticker = {['x'] * 201}"),
            10,
            "ticker has 201 headlines",
        ),
        (('ticker = "headlines.txt"', 'ticker = [[["a"]]]'), 18, "nested too deep"),
        (('size = "1280x720"', 'size = "big"'), 3, 'size must be like "1280x720"'),
        (("live_badge = true", 'live_badge = "yes"'), 11, "live_badge must be true or false"),
    ],
)
def test_each_kind_of_mistake_names_the_file_and_line(
    tmp_path: Path, change: tuple[str, str], line: int, words: str
) -> None:
    path = write(tmp_path, GOOD.replace(*change))
    with pytest.raises(InputError) as caught:
        read_show(path)
    assert str(caught.value).startswith(f"{path}, line {line}: ")
    assert words in str(caught.value)


def test_broken_toml_and_missing_files(tmp_path: Path) -> None:
    with pytest.raises(MissingFileError, match="no such show file"):
        read_show(tmp_path / "nope.toml")
    with pytest.raises(InputError, match="line 2"):
        read_show(write(tmp_path, 'title = "x"\nfps = = 3\n'))
    with pytest.raises(InputError, match="at least one"):
        read_show(write(tmp_path, 'title = "empty"\n'))


def test_arrays_nested_thousands_deep_are_refused_in_one_line(tmp_path: Path) -> None:
    path = write(tmp_path, 'title = "x"\nheadlines = ' + "[" * 5000 + "]" * 5000 + "\n")
    with pytest.raises(InputError) as caught:
        read_show(path)
    assert str(caught.value).startswith(f"{path}, line 2: lists or tables are nested too deep")


def test_a_huge_show_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD + "# " + "x" * MAX_SHOW_BYTES + "\n")
    with pytest.raises(InputError, match="a show file is at most 1,000,000 bytes"):
        read_show(path)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("scene = [1, 2]\n", "line 1: scene must be written as [[scene]] tables"),
        ("title = " + "[" * 5000 + "]" * 5000 + "\n", "line 1: lists or tables are nested"),
        ("[[scene]]\npresenter = { x = true }\n", "line 2: presenter x must be a number"),
        (
            '[[scene]]\nlower_third = { name = "Zoë", role = "Y5", size = 3 }\n',
            "line 2: lower_third has name and role, not ['size']",
        ),
    ],
)
def test_bad_show_files_through_the_real_command(tmp_path: Path, text: str, words: str) -> None:
    path = tmp_path / "show.toml"
    path.write_text(text, encoding="utf-8")
    out = tmp_path / "show.mp4"
    result = subprocess.run(
        [
            *(sys.executable, "-m", "kaizen_studio", "live", "--show", str(path)),
            *("--seconds", "1", "--record", str(out)),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"studio: error: {path}, {words}"), lines
    assert not out.exists()
