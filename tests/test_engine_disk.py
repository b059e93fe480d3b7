"""A full disk: said the moment it happens, the show goes on; little room: said early."""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import av
import numpy as np
import pytest

from kaizen_studio.broadcast import BroadcastOutput, MediaServer, OutputState
from kaizen_studio.broadcast.server import free_port
from kaizen_studio.core.media import VideoFrame
from kaizen_studio.studio.disk_watch import DiskState, DiskWatch, disk_space
from kaizen_studio.studio.output_link import LatestPicture
from kaizen_studio.studio.pipeline import Programme
from tests.conditions import wait_until


class Noise:
    """A camera of fresh noise each picture (it compresses badly: fills a disk fast)."""

    def __init__(self) -> None:
        self._rng = np.random.default_rng(7)
        self._index = 0

    def start(self) -> None:
        return None

    def read(self) -> VideoFrame | None:
        self._index += 1
        picture = self._rng.integers(0, 255, (240, 320, 3), np.uint8)
        return VideoFrame(picture, time.monotonic(), self._index)

    def stop(self) -> None:
        return None

    def close(self) -> None:
        return None


def test_little_room_is_a_typed_warning_with_the_minutes_left() -> None:
    low = disk_space(100_000_000, bits_per_second=2_500_000)
    assert low.state is DiskState.LOW_DISK and low.minutes_left == pytest.approx(5.33, 0.01)
    assert disk_space(100_000_000, bits_per_second=0).state is DiskState.LOW_DISK
    assert disk_space(10**10, bits_per_second=2_500_000).state is DiskState.OK
    assert disk_space(10**10, bits_per_second=100_000_000).state is DiskState.LOW_DISK
    assert disk_space(1_000_000, bits_per_second=2_500_000).state is DiskState.FULL
    assert disk_space(None, bits_per_second=0).state is DiskState.UNREACHABLE


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 3 MB tmpfs (root only), unmounted afterwards."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a small tmpfs to fill needs root (and mount); run as root")
    folder = tmp_path / "disk"
    folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(folder)],
        capture_output=True,
        text=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


@pytest.mark.timeout(180)
def test_a_full_disk_is_said_at_once_and_the_show_goes_on(
    small_disk: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    programme = Programme(Noise(), fps=25)
    recording = BroadcastOutput(record=small_disk / "take.mp4", width=320, height=240, fps=25)
    programme.add_output(recording)
    preview = LatestPicture()
    programme.add_output(preview, mode="latest")
    watch = DiskWatch(small_disk, bitrate=lambda: 20_000_000)
    assert watch.measure().state in (DiskState.LOW_DISK, DiskState.FULL)  # warned early
    programme.start()
    try:
        wait_until(lambda: recording.recording_stats().state is OutputState.FAILED, timeout=90.0)
        failed_at = programme.stats().frames
        stats = recording.recording_stats()
        assert re.match(r"the recording stopped: the disk is full at 0:\d\d;", stats.message)
        said = [r.getMessage() for r in caplog.records]
        assert any(
            re.fullmatch(r"the disk is full: recording take.mp4 stopped at 0:\d\d", m) for m in said
        )
        wait_until(
            lambda: programme.stats().frames >= failed_at + 25, timeout=90.0
        )  # the show goes on
        assert preview.frame is not None and preview.frame.index >= failed_at
        assert watch.measure().state is DiskState.FULL
    finally:
        programme.stop()
    partial = small_disk / ".take.recording.mp4"
    with av.open(str(partial)) as container:  # what was recorded still plays
        assert next(container.decode(video=0)) is not None


@pytest.mark.timeout(240)
def test_a_full_disk_stops_the_recording_and_the_stream_goes_on(
    small_disk: Path, tmp_path: Path
) -> None:
    with MediaServer(
        tmp_path / "server", key="tulip42", rtmp_port=free_port(), http_port=free_port()
    ) as server:
        programme = Programme(Noise(), fps=25)
        both = BroadcastOutput(
            record=small_disk / "take.mp4",
            stream=server.publish_url,
            width=320,
            height=240,
            fps=25,
        )
        programme.add_output(both)
        programme.start()
        try:
            wait_until(lambda: both.recording_stats().state is OutputState.FAILED, timeout=150)
            assert "the disk is full at" in both.recording_stats().message
            sent = both.stream_stats().frames_sent
            wait_until(
                lambda: both.stream_stats().frames_sent >= sent + 25, timeout=90.0
            )  # on air still
            assert both.stream_stats().state is OutputState.ON_AIR
        finally:
            programme.stop()
