"""The teacher's log and the record of each show: ``studio live`` writes both, with the
show's figures, and an output's refusal or failure lands in the log."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import av

from kaizen_studio.broadcast import MediaServer, Recorder
from kaizen_studio.studio.show_record import ShowRecord, start_log
from tests.conditions import wait_until

SHOW = """\
title = "Assembly"
fps = 25
size = "320x180"

[[scene]]
name = "Hall"
background = "outer space"
"""


def live_until(
    args: list[str],
    ready: Callable[[], bool],
    what: str,
    *,
    key: str | None = None,
    exit_code: int = 0,
) -> str:
    """Run ``studio live`` with ``args`` (and the stream ``key``, given as a school would,
    in the environment) until ``ready()``, then stop it as Ctrl+C does; what it wrote on
    stderr (it must have ended with ``exit_code``)."""
    env = os.environ.copy()  # (with the test's own log folder)
    if key is not None:
        env["KAIZEN_STREAM_KEY"] = key
    live = subprocess.Popen(
        [sys.executable, "-m", "kaizen_studio", "live", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        wait_until(lambda: live.poll() is not None or ready(), what=what)
    finally:
        live.send_signal(signal.SIGINT)
        _, err = live.communicate(timeout=60)
    assert live.returncode == exit_code, err
    return err


def _pictures(path: Path) -> int:
    """The pictures a player gets from ``path`` (0 while its first fragment is not all
    there)."""
    try:
        with av.open(str(path)) as container:
            return sum(1 for _ in container.decode(video=0))
    except (av.InvalidDataError, FileNotFoundError):
        return 0


def test_studio_live_writes_the_show_record_with_its_figures(
    tmp_path: Path, studio_folders: Path
) -> None:
    """A show stopped once its recording has a few pictures on disk (however busy the
    machine): the record's figures are the file's."""
    show, out = tmp_path / "show.toml", tmp_path / "assembly.mp4"
    show.write_text(SHOW, encoding="utf-8")
    partial = tmp_path / ".assembly.recording.mp4"
    args = ["--show", str(show), "--record", str(out)]
    live_until(args, lambda: _pictures(partial) >= 5, "pictures on disk")
    frames = _pictures(out)
    logs = studio_folders / "logs"
    record = (logs / "shows.txt").read_text(encoding="utf-8")
    assert record.startswith("Show: Assembly (studio live, scene Hall)\n")
    made = re.search(r"pictures  (\d+) made \(([\d.]+) s at 25 fps\), (\d+) late", record)
    assert made is not None and int(made[1]) >= frames >= 5
    assert f"recording {out}: stopped, {frames} frames, 0 dropped\n" in record
    assert "what happened:" in record and f"saved {out.name}" in record
    log = (logs / "studio.log").read_text(encoding="utf-8")
    assert "show started: Assembly (studio live, scene Hall)" in log
    assert "show stopped: Assembly" in log and f"recording: recording to {out.name}" in log


def test_a_refused_stream_is_in_the_log_and_the_show_record(
    tmp_path: Path, studio_folders: Path, server: MediaServer
) -> None:
    """``studio live`` streaming with a wrong key, stopped with Ctrl+C once the log says
    the server refused it."""
    show = tmp_path / "show.toml"
    show.write_text(SHOW, encoding="utf-8")
    log = studio_folders / "logs" / "studio.log"
    live_until(  # a key refused twice stops the show by itself: exit 2
        ["--show", str(show), "--stream", server.publish_url.split("?")[0]],
        lambda: False,
        "the show to stop after the refusals",
        key="daisy-wrong-key-1234",
        exit_code=2,
    )
    text = log.read_text(encoding="utf-8")
    assert re.search(r"WARNING kaizen_studio\.broadcast\.streamer: stream refused: ", text)
    assert "daisy" not in text  # the key is never written down
    record = (studio_folders / "logs" / "shows.txt").read_text(encoding="utf-8")
    assert re.search(r"stream    rtmp://127\.0\.0\.1:\d+/live/show: \w+, 0 frames sent", record)
    assert "; last problem: " in record and "warning: stream refused: " in record


def test_a_recording_that_cannot_be_made_is_in_the_log_and_the_record(
    tmp_path: Path, studio_folders: Path
) -> None:
    folder = tmp_path / "gone"  # (taken away, as a USB stick pulled out)
    log = start_log(studio_folders / "logs")
    assert log is not None
    record = ShowRecord("Assembly", how="a test").start()
    recorder = Recorder(folder / "take.mp4", width=64, height=48, fps=25)
    recorder.start()
    recorder.stop()
    written = record.stop(None, [recorder])
    assert "WARNING kaizen_studio.broadcast.output: recording: cannot record to the folder" in (
        log.read_text(encoding="utf-8")
    )
    assert written is not None
    text = written.read_text(encoding="utf-8")
    assert f"recording {folder / 'take.mp4'}: failed, 0 frames, 0 dropped (no file written)" in text
    assert "warning: recording: cannot record to the folder" in text
