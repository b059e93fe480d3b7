"""studio matte: what it writes for each choice of outputs, and every mistake it names."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

from kaizen_studio.studio.cli import main
from tests.media_files import SIZE, green_picture, read_back

STUDIO = Path(sys.executable).with_name("studio")


def studio(*args: str | Path) -> int:
    return main([str(a) for a in args])


def test_foreground_is_straight_colour_matching_the_transparent_png(tmp_path: Path) -> None:
    picture = tmp_path / "pupil.png"
    green_picture(picture)
    fg, sticker, matte = tmp_path / "fg.png", tmp_path / "sticker.png", tmp_path / "a.png"
    assert studio("matte", picture, "--foreground", fg, "-o", sticker, "--matte", matte) == 0
    colour = read_back(fg, cv2.IMREAD_UNCHANGED)
    rgba = read_back(sticker, cv2.IMREAD_UNCHANGED)
    alpha16 = read_back(matte, cv2.IMREAD_UNCHANGED)
    assert colour.shape == (*SIZE[::-1], 3) and rgba.shape == (*SIZE[::-1], 4)
    assert np.array_equal(rgba[..., :3], colour)  # straight colour in both
    assert np.array_equal(rgba[..., 3].astype(np.uint16) * 257, alpha16)


def test_half_transparent_edges_carry_the_subjects_own_colour(tmp_path: Path) -> None:
    # a red card with a soft edge on a flat green screen: half-way, half of each
    h, w = SIZE[1], SIZE[0]
    share = np.zeros((h, w), np.float32)
    share[40:140, 100:220] = 1
    share = cv2.GaussianBlur(share, (0, 0), 4)[..., None]
    card, screen = np.array([60, 60, 200.0]), np.array([40, 170, 50.0])
    picture = tmp_path / "card.png"
    cv2.imwrite(str(picture), (share * card + (1 - share) * screen).round().astype(np.uint8))
    fg, matte = tmp_path / "fg.png", tmp_path / "a.png"
    assert studio("matte", picture, "--foreground", fg, "--matte", matte) == 0
    half = (share[..., 0] > 0.35) & (share[..., 0] < 0.65)
    alpha = read_back(matte, cv2.IMREAD_UNCHANGED)[half] / 65535
    assert abs(alpha.mean() - 0.5) < 0.1
    # straight: the card's colour, not the card's colour times one half
    colour = read_back(fg)[half].astype(float).mean(0)
    assert np.abs(colour - card).max() < 25, colour


def test_colour_background_and_a_jpeg_composite(tmp_path: Path) -> None:
    picture, out = tmp_path / "pupil.png", tmp_path / "out.jpg"
    green_picture(picture)
    assert studio("matte", picture, "--background", "#FF0000", "-o", out) == 0
    composite = read_back(out)
    assert np.abs(composite[3:20, 3:20].reshape(-1, 3).mean(0) - (0, 0, 255)).max() < 10


def test_a_background_of_the_same_shape_and_another_size_is_scaled(tmp_path: Path) -> None:
    picture, big, out = tmp_path / "pupil.png", tmp_path / "big.png", tmp_path / "out.png"
    green_picture(picture)
    cv2.imwrite(str(big), np.full((720, 1280, 3), (10, 200, 250), np.uint8))
    assert studio("matte", picture, "--background", big, "-o", out) == 0
    composite = read_back(out)
    assert composite.shape == (*SIZE[::-1], 3)
    assert np.abs(composite[5, 5].astype(int) - (10, 200, 250)).max() <= 2


def test_a_grey_background_is_converted_not_refused(tmp_path: Path) -> None:
    picture, grey, out = tmp_path / "pupil.png", tmp_path / "grey.png", tmp_path / "out.png"
    green_picture(picture)
    cv2.imwrite(str(grey), np.full((180, 320), 77, np.uint8))
    assert studio("matte", picture, "--background", grey, "-o", out) == 0
    assert read_back(out)[5, 5].tolist() == [77, 77, 77]


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        ((), "nothing to write"),
        (("-o", "{input}"), "is the input picture itself"),
        (("-o", "{tmp}/nowhere/out.png"), "does not exist"),
        (("-o", "{tmp}/out.jpg"), "needs PNG"),
        (("-o", "{tmp}/out.xyz", "--background", "black"), "cannot write a picture"),
        (("--matte", "{tmp}/alpha.tif"), "end with .png"),
        (("--matte", "{tmp}/a.png", "--foreground", "{tmp}/a.png"), "two outputs"),
        (("--matte", "{tmp}/a.png", "--background", "#12345"), "not a colour"),
        (("--matte", "{tmp}/a.png", "--screen", "purple"), "--screen 'purple'"),
        (("--matte", "{tmp}/a.png", "--plate", "{tmp}/small.png"), "same camera"),
        (("--matte", "{tmp}/a.png", "--plate", "{tmp}/none.png"), "no such file"),
    ],
)
def test_mistakes_are_named_in_one_line_and_nothing_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: tuple[str, ...], words: str
) -> None:
    picture = tmp_path / "pupil.png"
    green_picture(picture)
    cv2.imwrite(str(tmp_path / "small.png"), np.zeros((90, 160, 3), np.uint8))
    before = sorted(tmp_path.iterdir())
    args = [a.format(input=picture, tmp=tmp_path) for a in extra]
    assert studio("matte", picture, *args) == 2
    message = capsys.readouterr().err.strip()
    assert words in message and "\n" not in message
    assert sorted(tmp_path.iterdir()) == before
    assert read_back(picture).shape == (*SIZE[::-1], 3)


def test_help_says_what_each_output_is() -> None:
    result = subprocess.run(
        [STUDIO, "matte", "--help"], capture_output=True, text=True, check=True, timeout=60
    )
    text = " ".join(result.stdout.split())
    assert "transparent background" in text and "16-bit" in text and "straight" in text


def test_installed_command_refuses_an_rgba_picture(tmp_path: Path) -> None:
    picture = tmp_path / "cut-out.png"
    cv2.imwrite(str(picture), np.full((90, 160, 4), 200, np.uint8))
    result = subprocess.run(
        [STUDIO, "matte", picture, "--matte", tmp_path / "a.png"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and str(picture) in result.stderr
    assert "transparent" in result.stderr and "Traceback" not in result.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["cut-out.png"]


def test_a_built_in_background_by_name(tmp_path: Path) -> None:
    from kaizen_studio.studio.backgrounds import BUILT_IN

    picture, out = tmp_path / "pupil.png", tmp_path / "out.png"
    green_picture(picture)
    assert studio("matte", picture, "--background", "beach", "-o", out) == 0
    beach = BUILT_IN["beach"](SIZE)
    assert np.abs(read_back(out)[5, 5].astype(int) - beach[5, 5]).max() <= 2
