"""studio matte and studio key, through the real command line, good input and bad."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import av
import cv2
import numpy as np
import pytest

from kaizen_studio.studio.cli import main
from tests.media_files import SIZE, green_picture, read_back, sound_only, take


def studio(*args: str | Path) -> int:
    return main([str(a) for a in args])


def test_matte_writes_a_16_bit_matte_a_foreground_and_a_composite(tmp_path: Path) -> None:
    picture = tmp_path / "pupil.png"
    green_picture(picture)
    background = tmp_path / "beach.png"
    cv2.imwrite(str(background), np.full((360, 640, 3), (200, 160, 90), np.uint8))
    code = studio(
        "matte",
        picture,
        "--background",
        background,
        "-o",
        tmp_path / "out.png",
        "--matte",
        tmp_path / "alpha.png",
        "--foreground",
        tmp_path / "fg.png",
    )
    assert code == 0
    alpha = read_back(tmp_path / "alpha.png", cv2.IMREAD_UNCHANGED)
    assert alpha.dtype == np.uint16 and alpha.shape == SIZE[::-1]
    assert alpha[5, 5] == 0 and alpha.max() == 65535
    out = read_back(tmp_path / "out.png")
    assert np.abs(out[5, 5].astype(int) - (200, 160, 90)).max() <= 2  # the beach shows
    foreground = read_back(tmp_path / "fg.png")
    subject = alpha == 65535
    # no green left on the presenter
    assert (
        foreground[subject][:, 1].astype(int) - foreground[subject][:, [0, 2]].max(axis=1)
    ).max() <= 2


def test_matte_without_background_writes_a_transparent_png(tmp_path: Path) -> None:
    picture = tmp_path / "pupil.png"
    green_picture(picture)
    assert studio("matte", picture, "-o", tmp_path / "sticker.png") == 0
    sticker = read_back(tmp_path / "sticker.png", cv2.IMREAD_UNCHANGED)
    assert sticker.shape == (*SIZE[::-1], 4) and sticker[5, 5, 3] == 0


def test_key_round_trip_keeps_frames_timestamps_and_sound(tmp_path: Path) -> None:
    source, out = tmp_path / "take.mp4", tmp_path / "keyed.mp4"
    times = take(source)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "kaizen_studio",
            "key",
            str(source),
            "--background",
            "#1E90FF",
            "-o",
            str(out),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "100%" in result.stderr
    with av.open(str(out)) as container:
        frames = list(container.decode(video=0))
        assert [round(float(f.pts * f.time_base), 3) for f in frames] == [
            round(t, 3) for t in times
        ]
        corner = frames[7].to_ndarray(format="bgr24")[4:20, 4:20].reshape(-1, 3).mean(0)
        assert np.abs(corner - (255, 144, 30)).max() < 8  # #1E90FF where the screen was
    with av.open(str(out)) as container:
        samples = sum(f.samples for f in container.decode(audio=0))
    assert abs(samples / 48000 - len(times) / 15) < 0.1


def test_key_loops_a_video_background(tmp_path: Path) -> None:
    source, backdrop, out = tmp_path / "take.mp4", tmp_path / "sea.mp4", tmp_path / "o.mp4"
    take(source, frames=15, sound=False)
    take(backdrop, frames=4, sound=False)  # shorter than the take: it loops
    assert studio("key", source, "--background", backdrop, "-o", out) == 0
    with av.open(str(out)) as container:
        assert sum(1 for _ in container.decode(video=0)) == 15


def write_bad(tmp_path: Path, kind: str) -> Path:
    path = tmp_path / f"{kind}.png"
    if kind == "empty":
        path.write_bytes(b"")
    elif kind == "corrupt":
        path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(200)))
    elif kind == "grey":
        cv2.imwrite(str(path), np.full((90, 160), 128, np.uint8))
    elif kind == "rgba":
        cv2.imwrite(str(path), np.full((90, 160, 4), 128, np.uint8))
    elif kind == "16-bit":
        cv2.imwrite(str(path), np.full((90, 160, 3), 30000, np.uint16))
    elif kind == "no-screen":
        rng = np.random.default_rng(0)
        cv2.imwrite(
            str(path), rng.integers(0, 255, (18, 32, 3), np.uint8).repeat(10, 0).repeat(10, 1)
        )
    return path


@pytest.mark.parametrize(
    ("kind", "words"),
    [
        ("missing", "no such file"),
        ("empty", "empty"),
        ("corrupt", "not a picture"),
        ("grey", "grey picture"),
        ("rgba", "transparent"),
        ("16-bit", "16-bit"),
        ("no-screen", "no green or blue screen found"),
    ],
)
def test_matte_refuses_bad_pictures(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str, words: str
) -> None:
    picture = tmp_path / "missing.png" if kind == "missing" else write_bad(tmp_path, kind)
    out = tmp_path / "out.png"
    assert studio("matte", picture, "--matte", out) == 2
    message = capsys.readouterr().err.strip()
    assert words in message and str(picture) in message and "\n" not in message
    assert not out.exists()
    assert list(tmp_path.iterdir()) == ([] if kind == "missing" else [picture])


def test_matte_crops_a_background_of_another_shape_unless_told_exact(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    picture, square = tmp_path / "pupil.png", tmp_path / "square.png"
    green_picture(picture)
    square_picture = np.full((200, 200, 3), 90, np.uint8)
    square_picture[:, :100] = (200, 40, 40)  # blue on the left, grey on the right
    cv2.imwrite(str(square), square_picture)
    out = tmp_path / "out.png"
    assert studio("matte", picture, "--background", square, "-o", out, "--fit", "exact") == 2
    assert "another shape" in capsys.readouterr().err and not out.exists()
    assert studio("matte", picture, "--background", square, "-o", out) == 0
    keyed = read_back(out)
    assert keyed.shape == (*SIZE[::-1], 3)
    # cover-fit: the middle of the square fills the width, so both halves show at the edges
    assert np.abs(keyed[3, 3].astype(int) - (200, 40, 40)).max() <= 3
    assert np.abs(keyed[3, -4].astype(int) - (90, 90, 90)).max() <= 3


@pytest.mark.parametrize(
    ("kind", "words"),
    [
        ("missing", "no such file"),
        ("empty", "empty"),
        ("corrupt", "not a video"),
        ("sound-only", "no video stream"),
    ],
)
def test_key_refuses_bad_takes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str, words: str
) -> None:
    source = tmp_path / "take.mp4"
    if kind == "empty":
        source.write_bytes(b"")
    elif kind == "corrupt":
        source.write_bytes(b"\x00\x00\x00\x18ftypmp42" + bytes(300))
    elif kind == "sound-only":
        sound_only(source)
    out = tmp_path / "keyed.mp4"
    assert studio("key", source, "--background", "black", "-o", out) == 2
    message = capsys.readouterr().err.strip()
    assert words in message and "\n" not in message
    assert sorted(p.name for p in tmp_path.iterdir()) == ([] if kind == "missing" else ["take.mp4"])


def test_key_refuses_a_missing_output_folder_and_overwriting_the_take(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "take.mp4"
    take(source, frames=3, sound=False)
    assert studio("key", source, "--background", "black", "-o", tmp_path / "no" / "o.mp4") == 2
    assert "does not exist" in capsys.readouterr().err
    assert studio("key", source, "--background", "black", "-o", source) == 2
    assert "is the take itself" in capsys.readouterr().err
    assert studio("key", source, "--background", "nonsense.png", "-o", tmp_path / "o.mp4") == 2
    assert "no such file" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["take.mp4"]


def test_written_files_get_the_users_ordinary_permissions(tmp_path: Path) -> None:
    picture = tmp_path / "pupil.png"
    green_picture(picture)
    assert studio("matte", picture, "--matte", tmp_path / "alpha.png") == 0
    assert (tmp_path / "alpha.png").stat().st_mode & 0o777 == picture.stat().st_mode & 0o777
