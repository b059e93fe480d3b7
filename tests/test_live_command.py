"""studio live: a show run headless from the demo presenter, recorded; bad choices refused."""

from __future__ import annotations

from pathlib import Path

import av
import pytest

from kaizen_studio.studio.cli import main
from tests.media_files import take

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
    times, samples = _frames_and_sound(out)
    # two seconds from the first picture: the stamps span them however busy the machine
    # (a starved machine makes fewer pictures, never a shorter show)
    assert times and times[-1] - times[0] >= 1.0
    assert samples >= (times[-1] - times[0]) * 48000  # the sound covers the pictures


def test_live_refuses_an_unknown_scene_and_a_missing_camera(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    show = tmp_path / "show.toml"
    show.write_text(SHOW, encoding="utf-8")
    assert main(["live", "--show", str(show), "--scene", "Gym", "--seconds", "1"]) == 2
    assert "no scene called 'Gym'; the show has Hall, News" in capsys.readouterr().err
    assert main(["live", "--camera", "9", "--seconds", "1"]) == 2
    assert "camera 9 could not be opened" in capsys.readouterr().err


def _frames_and_sound(path: Path) -> tuple[list[float], int]:
    with av.open(str(path)) as container:
        times = [float(f.pts * f.time_base) for f in container.decode(video=0)]
    with av.open(str(path)) as container:
        samples = sum(f.samples for f in container.decode(audio=0))
    return times, samples


def test_live_records_the_clean_camera_beside_the_programme_for_re_keying(
    tmp_path: Path,
) -> None:
    show, out, clean = tmp_path / "show.toml", tmp_path / "show.mp4", tmp_path / "green.mp4"
    show.write_text(SHOW, encoding="utf-8")
    args = ["live", "--show", str(show), "--record", str(out), "--record-camera", str(clean)]
    assert main([*args, "--seconds", "2"]) == 0
    programme, programme_sound = _frames_and_sound(out)
    camera, camera_sound = _frames_and_sound(clean)
    assert programme and abs(len(camera) - len(programme)) <= 2  # (a busy machine)
    assert abs(camera[-1] - programme[-1]) < 0.1  # the same clock's stamps
    assert camera_sound >= (camera[-1] - camera[0]) * 48000  # sound covers the pictures
    assert abs(camera_sound - programme_sound) < 4800
    with av.open(str(clean)) as container:
        first = next(container.decode(video=0)).to_ndarray(format="bgr24")
    b, g, r = (float(c) for c in first[:20, :20].reshape(-1, 3).mean(0))
    assert g > r + 40 and g > b + 40  # the green take, not the keyed programme
    keyed = tmp_path / "keyed.mp4"
    assert main(["key", str(clean), "--background", "beach", "-o", str(keyed)]) == 0
    rekeyed, rekeyed_sound = _frames_and_sound(keyed)
    assert len(rekeyed) == len(camera) and abs(rekeyed_sound - camera_sound) <= 2048


def test_live_refuses_one_file_for_both_recordings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = str(tmp_path / "take.mp4")
    assert main(["live", "--record", out, "--record-camera", out, "--seconds", "1"]) == 2
    assert "a name of its own" in capsys.readouterr().err


def test_live_plays_a_video_file_as_the_camera_with_its_sound(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    clip, out = tmp_path / "take.mp4", tmp_path / "show.mp4"
    take(clip, frames=15)  # 320x180, 15 fps, a 440 Hz tone
    args = ["live", "--camera", str(clip), "--record", str(out), "--seconds", "2"]
    assert main(args) == 0
    assert "+ the sound of the video take.mp4" in capsys.readouterr().err
    times, samples = _frames_and_sound(out)
    assert times and times[-1] - times[0] >= 1.0  # 2 s from the first picture
    assert samples >= (times[-1] - times[0]) * 48000  # the sound covers the pictures


def test_live_refuses_a_recording_into_a_folder_it_cannot_write(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # /proc refuses new files even to root: before, the show ran on saying "cannot record"
    assert main(["live", "--camera", "demo", "--record", "/proc/x.mp4", "--seconds", "1"]) == 2
    message = capsys.readouterr().err.strip().splitlines()[-1]
    assert "/proc" in message and "cannot be written" in message


@pytest.mark.parametrize("kind", ["picture", "folder", "file"])
def test_live_says_a_camera_that_is_a_picture_a_folder_or_a_file_is_not_a_video(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    camera = {"picture": tmp_path / "s.jpg", "folder": tmp_path, "file": tmp_path / "notes"}[kind]
    if kind != "folder":
        camera.write_bytes(b"not a video")
    assert main(["live", "--camera", str(camera), "--seconds", "1"]) == 2
    message = capsys.readouterr().err.strip()
    assert "\n" not in message and "no camera called" not in message, message
    assert f"is a {kind}" in message and "give a video file" in message, message
