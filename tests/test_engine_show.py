"""Show files: a good one read, and each kind of mistake refused with its file and line."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from kaizen_studio.core.errors import InputError, MissingFileError
from kaizen_studio.studio.show import read_show

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
            "presenter x must be 0 to 1",
        ),
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
