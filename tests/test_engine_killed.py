"""A live show killed with SIGKILL mid-take: what the engine recorded still decodes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import av

from tests.conditions import wait_until

SHOW = """\
title = "Assembly"
fps = 25
size = "320x180"

[[scene]]
name = "News"
background = "newsroom"
lower_third = { name = "Zoë", role = "Year 5" }
"""


def test_a_killed_live_show_leaves_a_recording_that_plays(tmp_path: Path) -> None:
    show, out = tmp_path / "show.toml", tmp_path / "assembly.mp4"
    show.write_text(SHOW, encoding="utf-8")
    partial = tmp_path / ".assembly.recording.mp4"
    child = subprocess.Popen(
        [sys.executable, "-m", "kaizen_studio", "live", "--show", str(show), "--record", str(out)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    try:

        def a_second_on_disk() -> bool:  # fragments (one a second) with pictures and sound
            if child.poll() is not None or not partial.exists():
                return child.poll() is not None
            try:
                frames, sound, _ = _playable(partial)
            except av.InvalidDataError:  # its first fragment is not all there yet
                return False
            return frames >= 25 and sound >= 48000 * 0.5

        wait_until(a_second_on_disk, what="a second of the show on disk")
        assert child.poll() is None, child.stderr.read().decode() if child.stderr else ""
        child.send_signal(signal.SIGKILL)
        child.wait()
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert partial.exists() and not out.exists()
    frames, sound, damaged = _playable(partial)
    assert frames >= 25, f"{frames} frames before the damage in {damaged}"  # a second or more
    assert sound >= 48000 * 0.5, f"{sound} samples before the damage in {damaged}"


def _playable(path: Path) -> tuple[int, int, list[str]]:
    """(video frames, sound samples) a player gets from ``path`` before the damage that
    the kill leaves in the last, half-written packet, and the streams so damaged."""
    counts, damaged = [], []
    for kind in ("video", "audio"):
        total = 0
        with av.open(str(path)) as container:
            try:
                for frame in container.decode(**{kind: 0}):
                    total += frame.samples if isinstance(frame, av.AudioFrame) else 1
            except av.InvalidDataError:
                damaged.append(kind)  # a player stops here too: the cut-off end
        counts.append(total)
    return counts[0], counts[1], damaged
