"""studio demo runs the whole show on the demo presenter, with no camera and no screen."""

from __future__ import annotations

import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np

from kaizen_studio.studio.cli import main
from kaizen_studio.studio.commands.demo import (
    contact_pictures,
    recording_lengths,
    recording_problems,
)


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


def numbered_video(path: Path, frames: int) -> None:
    """A video whose frame ``i`` is grey level ``8 * i``."""
    with av.open(str(path), "w") as container:
        video = container.add_stream("libx264", rate=25)
        video.width, video.height, video.pix_fmt = 64, 64, "yuv420p"
        video.options = {"crf": "0"}
        for i in range(frames):
            picture = np.full((64, 64, 3), 8 * i, np.uint8)
            frame = av.VideoFrame.from_ndarray(picture, format="bgr24")
            frame.pts = i
            container.mux(video.encode(frame))
        container.mux(video.encode(None))


def levels(picks: list[np.ndarray]) -> list[int]:
    return [round(float(p.mean()) / 8) for p in picks]


def test_the_contact_sheet_keeps_four_pictures_while_counting_them_all(tmp_path: Path) -> None:
    recording = tmp_path / "show.mp4"
    numbered_video(recording, 31)
    decoded, picks = contact_pictures(recording, 31)
    assert decoded == 31 and levels(picks) == [0, 10, 20, 30]
    decoded, picks = contact_pictures(recording, 40)  # fewer frames than were sent
    assert decoded == 31 and levels(picks) == [0, 13, 26, 30]


def test_demo_refuses_an_output_that_is_a_file(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes")
    result = subprocess.run(
        [sys.executable, "-m", "kaizen_studio", "demo", "--output", str(notes)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    assert result.stderr.strip().splitlines() == [
        f"studio: error: --output {notes}: is a file, not a folder; give a folder for the "
        "results (it is made if it does not exist)"
    ]
    assert notes.read_text() == "my notes"


def uneven_recording(path: Path, times: list[float], sound_seconds: float) -> None:
    """A recording as a busy machine makes it: frames at the given times (variable frame
    rate, in milliseconds), and ``sound_seconds`` of sound."""
    with av.open(str(path), "w") as container:
        video = container.add_stream("libx264", rate=25)
        video.width, video.height, video.pix_fmt = 64, 64, "yuv420p"
        video.time_base = Fraction(1, 1000)
        audio = container.add_stream("aac", rate=48000)
        audio.layout = "mono"
        for t in times:
            frame = av.VideoFrame.from_ndarray(np.zeros((64, 64, 3), np.uint8), format="bgr24")
            frame.pts, frame.time_base = round(t * 1000), Fraction(1, 1000)
            container.mux(video.encode(frame))
        container.mux(video.encode(None))
        for start in range(0, round(sound_seconds * 48000), 1024):
            chunk = av.AudioFrame.from_ndarray(
                np.zeros((1, 1024), np.float32), format="fltp", layout="mono"
            )
            chunk.sample_rate, chunk.pts = 48000, start
            container.mux(audio.encode(chunk))
        container.mux(audio.encode(None))


def test_a_good_recording_from_a_busy_machine_passes_and_a_broken_one_fails(
    tmp_path: Path,
) -> None:
    # 30 frames over 4 s (a busy machine: 7.5 a second, not 25), and 4 s of sound
    times = [i * 4.0 / 30 for i in range(30)]
    good = tmp_path / "busy.mp4"
    uneven_recording(good, times, 4.0)
    pictures, sound = recording_lengths(good)
    assert abs(pictures - 4.0) < 0.2 and abs(sound - 4.0) < 0.1
    assert recording_problems(good, decoded=30, sent=30) == []
    # frames lost between the programme and the file
    assert recording_problems(good, decoded=30, sent=40) == [
        "30 frames decoded back of the 40 sent to the recorder"
    ]
    # the sound runs on long after the pictures end
    broken = tmp_path / "broken.mp4"
    uneven_recording(broken, times[:10], 4.0)
    (problem,) = recording_problems(broken, decoded=10, sent=10)
    assert "of sound for" in problem
