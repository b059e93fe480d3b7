"""The recorder: a real MP4 with sound, crash-safe, and a full disk never stops the show."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
from pathlib import Path

import av
import numpy as np
import pytest

from kaizen_studio.broadcast import OutputState
from kaizen_studio.broadcast.packets import ENCODER_NICENESS, give_way
from kaizen_studio.broadcast.recorder import Recorder, TakePath, recover_folder, take_path
from kaizen_studio.core.errors import InputError
from kaizen_studio.core.media import AudioBlock, VideoFrame
from tests.conditions import wait_until
from tests.media_files import numbered_clip


def decoded(path: Path) -> tuple[int, float]:
    """(video frames, seconds of sound) a player gets from ``path``, up to any damage at
    its end (a recording cut off mid-packet)."""
    counts = []
    for kind in ("video", "audio"):
        total = 0
        with av.open(str(path)) as container:
            try:
                for frame in container.decode(**{kind: 0}):
                    total += 1 if kind == "video" else frame.samples
            except av.InvalidDataError:
                pass  # the cut-off end
        counts.append(total)
    return counts[0], counts[1] / 48000


def test_records_frames_and_sound_to_an_mp4_that_starts_at_once(tmp_path: Path) -> None:
    out = tmp_path / "news.mp4"
    recorder = Recorder(out, width=320, height=180, fps=25)
    recorder.start()
    for i in range(50):  # two seconds, stamped on the show's clock (from 10 s in)
        pts = 10.0 + i / 25
        recorder.send(VideoFrame(np.full((180, 320, 3), i * 4, np.uint8), pts, i))
        tone = np.sin(np.arange(1920) / 1920 * 2 * np.pi * 20).astype(np.float32) * 0.3
        recorder.send_audio(AudioBlock(np.stack([tone, tone], axis=1), 48000, pts))
    recorder.stop()
    recorder.stop()  # twice is fine
    assert recorder.stats().state is OutputState.STOPPED and recorder.stats().frames_sent == 50
    frames, sound = decoded(out)
    assert frames == 50 and abs(sound - 2.0) < 0.1
    head = out.read_bytes()[:4096]
    assert head.find(b"moov") < head.find(b"mdat") or b"mdat" not in head  # index first
    assert sorted(p.name for p in tmp_path.iterdir()) == ["news.mp4"]


COLOURS = [
    (0, 177, 64),
    (140, 180, 230),
    (255, 255, 255),
    (0, 0, 0),
    (160, 60, 20),
    (128, 128, 128),
]
"""B, G, R: a green screen, skin, white, black, a dark blue, mid grey."""


def test_colours_survive_recording_and_playing_back(tmp_path: Path) -> None:
    out = tmp_path / "colours.mp4"
    picture = np.zeros((96, 32 * len(COLOURS), 3), np.uint8)
    for i, colour in enumerate(COLOURS):
        picture[:, i * 32 : (i + 1) * 32] = colour
    recorder = Recorder(out, width=picture.shape[1], height=96, fps=25)
    recorder.start()
    for i in range(10):
        recorder.send(VideoFrame(picture.copy(), 1.0 + i / 25, i))
    recorder.stop()
    with av.open(str(out)) as container:
        played = list(container.decode(video=0))
    assert len(played) == 10
    bgr = played[-1].to_ndarray(format="bgr24").astype(int)
    luma = played[-1].to_ndarray(format="yuv420p")[:96].astype(int)
    for i, colour in enumerate(COLOURS):
        middle = bgr[40:56, i * 32 + 8 : i * 32 + 24].reshape(-1, 3)
        assert np.abs(middle - colour).max() <= 4, (colour, middle.mean(axis=0))
    # BT.601 limited range: black is 16 and white 235 in the recording
    assert abs(luma[48, 3 * 32 + 16] - 16) <= 1 and abs(luma[48, 2 * 32 + 16] - 235) <= 1
    assert abs(luma[48, 16] - 122) <= 1  # the green: .257 R + .504 G + .098 B + 16


def test_a_recording_killed_mid_take_still_plays(tmp_path: Path) -> None:
    out = tmp_path / "soap.mp4"
    partial = tmp_path / ".soap.recording.mp4"
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.recorder_child", str(out), "120", "0"],
        stdout=subprocess.DEVNULL,
    )
    try:  # killed once its file on disk plays 40 pictures (a player reads it as it grows)
        wait_until(lambda: playable(partial) >= 40, what="40 pictures in the take on disk")
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    assert partial.exists() and not out.exists()
    frames, _ = decoded(partial)
    assert frames >= 40  # what was on disk before the kill still plays


def playable(path: Path) -> int:
    """The pictures a player gets from a take being written (0 before it has any)."""
    try:
        return decoded(path)[0] if path.exists() else 0
    except (OSError, av.FFmpegError):
        return 0


def test_an_unwritable_folder_is_reported_and_the_show_goes_on(tmp_path: Path) -> None:
    recorder = Recorder(tmp_path / "missing" / "take.mp4", width=64, height=48, fps=25)
    recorder.start()
    for i in range(20):
        recorder.send(VideoFrame(np.zeros((48, 64, 3), np.uint8), i / 25, i))  # never raises
    stats = recorder.stats()
    assert stats.state is OutputState.FAILED and "cannot record" in stats.message
    recorder.stop()
    assert recorder.stats().frames_dropped == 20  # each counted


def test_a_full_disk_stops_the_recording_but_keeps_what_was_recorded(tmp_path: Path) -> None:
    out = tmp_path / "assembly.mp4"
    result = subprocess.run(
        [sys.executable, "-m", "tests.recorder_child", str(out), "3", str(1_500_000)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["state"] == "failed" and "file too large" in report["message"]
    frames, _ = decoded(tmp_path / ".assembly.recording.mp4")
    assert frames >= 5


def _niceness_by_thread() -> dict[int, int]:
    """Each thread of this process and its nice value (field 19 of /proc's stat)."""
    values = {}
    for stat in Path("/proc/self/task").glob("*/stat"):
        fields = stat.read_text().rsplit(")", 1)[1].split()
        values[int(stat.parent.name)] = int(fields[16])
    return values


def test_the_encoder_and_its_threads_give_way_to_the_show(tmp_path: Path) -> None:
    before = _niceness_by_thread()
    show = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    recorder = Recorder(tmp_path / "news.mp4", width=640, height=360, fps=25)
    recorder.start()
    try:
        started = {t: n for t, n in _niceness_by_thread().items() if t not in before}
        # the worker and x264's own threads, all below the show; the show's threads as they were
        assert len(started) >= 2
        assert set(started.values()) == {show + ENCODER_NICENESS}
        assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == show
        for i in range(10):
            recorder.send(VideoFrame(np.full((360, 640, 3), 9 * i, np.uint8), i / 25, i))
    finally:
        recorder.stop()
    assert recorder.stats().frames_sent == 10


def test_give_way_refuses_a_niceness_out_of_range() -> None:
    for bad in (-1, 20):
        with pytest.raises(ValueError, match=f"niceness {bad} is not within 0..19"):
            give_way(bad)


def pictures(path: Path) -> int:
    """How many pictures of ``path`` decode."""
    with av.open(str(path)) as container:
        return sum(1 for _ in container.decode(video=0))


def record(path: Path, frames: int, *, grey: int = 80) -> Recorder:
    """A finished recording of ``frames`` flat pictures at ``path`` (64x48, 25 fps)."""
    recorder = Recorder(path, width=64, height=48, fps=25)
    recorder.start()
    for i in range(frames):
        recorder.send(VideoFrame(np.full((48, 64, 3), grey, np.uint8), i / 25, i))
    recorder.stop()
    return recorder


def on_disk(path: Path) -> int:
    """The pictures a player gets from a take still being written (0 before its first
    fragment is whole)."""
    try:
        return decoded(path)[0] if path.exists() else 0
    except av.FFmpegError:
        return 0


def crash_mid_take(out: Path) -> None:
    """Record to ``out`` in a child process and kill -9 it once its hidden take holds
    more than 45 pictures on disk (about 2 s; sent is not written on a busy machine)."""
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.recorder_child", str(out), "120", "0"],
        stdout=subprocess.DEVNULL,
    )
    hidden = out.with_name(f".{out.stem}.recording.mp4")
    try:
        wait_until(lambda: on_disk(hidden) > 45, every=0.5, what="45 pictures on disk")
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)


def test_a_crashed_take_is_recovered_and_an_earlier_take_never_written_over(
    tmp_path: Path,
) -> None:
    out = tmp_path / "soap.mp4"
    record(out, 10)
    earlier = out.read_bytes()
    crash_mid_take(out)
    assert (tmp_path / ".soap.recording.mp4").exists() and out.read_bytes() == earlier
    take = take_path(out)
    assert take.path == tmp_path / "soap-2.mp4"
    (recovered,) = [p for p in tmp_path.iterdir() if "(recovered " in p.name]
    assert re.fullmatch(r"soap \(recovered \d{4}-\d\d-\d\d \d\d-\d\d\)\.mp4", recovered.name)
    assert take.notes == (
        f"a take cut short by a crash was recovered as {recovered.name}",
        "soap.mp4 is there already: recording to soap-2.mp4 (--overwrite records over it)",
    )
    assert decoded(recovered)[0] >= 40  # plays: all but the last second or so
    assert out.read_bytes() == earlier
    assert record(take.path, 5).stats().message == "saved soap-2.mp4"
    assert take_path(out).path == tmp_path / "soap-3.mp4"
    assert take_path(out, overwrite=True) == TakePath(
        path=out, notes=("soap.mp4 will be replaced when this take is saved",)
    )
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == sorted(["soap.mp4", "soap-2.mp4", recovered.name])  # nothing hidden left


def test_a_take_being_recorded_is_never_taken_for_a_crashed_one(tmp_path: Path) -> None:
    out = tmp_path / "live.mp4"
    recorder = Recorder(out, width=64, height=48, fps=25)
    recorder.start()
    try:
        for i in range(30):
            recorder.send(VideoFrame(np.zeros((48, 64, 3), np.uint8), i / 25, i))
        with pytest.raises(InputError, match="another recording is being made to this file"):
            take_path(out)
        assert recover_folder(tmp_path) == []
    finally:
        recorder.stop()
    assert recorder.stats().message == "saved live.mp4" and pictures(out) == 30


def test_a_take_with_no_pictures_is_not_called_saved(tmp_path: Path) -> None:
    recorder = record(tmp_path / "empty.mp4", 0)
    assert recorder.stats().message == "nothing was recorded to empty.mp4: no pictures reached it"
    assert list(tmp_path.iterdir()) == []


def test_live_recovers_a_crashed_take_and_records_beside_the_earlier_one(
    tmp_path: Path,
) -> None:
    clip = tmp_path / "camera.mp4"
    numbered_clip(clip, frames=25)
    out = tmp_path / "show.mp4"
    record(out, 10)
    earlier = out.read_bytes()
    crash_mid_take(out)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "kaizen_studio",
            "live",
            "--camera",
            str(clip),
            "--record",
            str(out),
            "--seconds",
            "1",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "live: a take cut short by a crash was recovered as show (recovered " in result.stderr
    assert "live: show.mp4 is there already: recording to show-2.mp4" in result.stderr
    assert "live: saved show-2.mp4" in result.stderr
    assert out.read_bytes() == earlier and pictures(tmp_path / "show-2.mp4") > 0
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]
