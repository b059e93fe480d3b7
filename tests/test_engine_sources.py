"""Video sources: pacing, newest-frame-wins, looping, failures, cameras."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from pathlib import Path

import av
import numpy as np
import pytest

from kaizen_studio.core.errors import DeviceError, MissingFileError
from kaizen_studio.core.fake_clock import FakeClock
from kaizen_studio.core.media import Image, SourceState
from kaizen_studio.studio.cli import main
from kaizen_studio.studio.sources import (
    CameraSource,
    DemoPresenterSource,
    StillSource,
    ThreadedSource,
    VideoFileSource,
    list_cameras,
)
from kaizen_studio.studio.sources.camera import find_camera
from tests.conditions import wait_until


def counting_clip(path: Path, frames: int, fps: int = 25) -> None:
    """A clip whose frame i is filled with the grey level 20 * i (its number, readable)."""
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=fps)
        stream.width, stream.height, stream.pix_fmt = 64, 48, "yuv420p"
        for i in range(frames):
            frame = av.VideoFrame.from_ndarray(
                np.full((48, 64, 3), 20 * i, np.uint8), format="bgr24"
            )
            frame.pts = i
            container.mux(stream.encode(frame))
        container.mux(stream.encode(None))


def number(image: Image) -> int:
    return round(float(image[16:32, 16:48].mean()) / 20)


def test_video_file_plays_in_order_at_its_pace_and_loops(tmp_path: Path) -> None:
    clip = tmp_path / "count.mp4"
    counting_clip(clip, frames=10)
    clock = FakeClock(1.0)
    seen: list[int] = []
    with VideoFileSource(clip, clock=clock) as source:
        for k in range(15):
            wait_until(partial(_reads, source, k), what=f"picture {k}")
            frame = source.read()
            assert frame is not None
            seen.append(number(frame.image))
            assert _reads(source, k)  # the next is not shown before its time: paced
            clock.advance(1 / 25)
    assert seen == [k % 10 for k in range(15)]  # every frame, in order, and it loops


def _reads(source: VideoFileSource, index: int) -> bool:
    frame = source.read()
    return frame is not None and frame.index == index


def test_video_file_without_loop_ends(tmp_path: Path) -> None:
    clip = tmp_path / "count.mp4"
    counting_clip(clip, frames=3)
    with VideoFileSource(clip, loop=False) as source:
        wait_until(lambda: source.stats().state is SourceState.ENDED)
        frame = source.read()
        assert frame is not None and number(frame.image) == 2


def test_missing_video_is_refused_at_once(tmp_path: Path) -> None:
    with pytest.raises(MissingFileError, match="no such file"):
        VideoFileSource(tmp_path / "nope.mp4")


def test_demo_presenter_newest_frame_wins() -> None:
    with DemoPresenterSource(size=(160, 90), fps=50) as source:
        wait_until(lambda: source.stats().frames >= 3)
        first = source.read()
        assert first is not None
        wait_until(lambda: source.stats().frames >= first.index + 5, what="5 frames unread")
        second = source.read()  # a slow reader
        stats = source.stats()
    assert first is not None and second is not None
    assert second.pts > first.pts and second.index > first.index
    assert stats.dropped >= 3  # frames replaced unread: the source never waited
    assert source.stats().state is SourceState.STOPPED


class Failing(ThreadedSource):
    name = "the test source"

    def produce(self) -> Iterator[Image]:
        yield np.zeros((8, 8, 3), np.uint8)
        raise DeviceError("the cable came out")


def test_a_failing_source_says_so_and_keeps_its_last_frame() -> None:
    source = Failing()
    source.start()
    wait_until(lambda: source.stats().state is SourceState.FAILED)
    assert "the cable came out" in source.stats().message
    assert source.read() is not None
    source.close()
    source.close()


def test_still_source_stamps_each_read() -> None:
    still = StillSource(np.zeros((8, 8, 3), np.uint8))
    a, b = still.read(), still.read()
    assert b.pts >= a.pts and b.index == a.index + 1


def test_no_camera_here_is_explained() -> None:
    with pytest.raises(DeviceError, match="camera 7 could not be opened"):
        CameraSource(7)


def test_cameras_are_listed_by_name(tmp_path: Path) -> None:
    for index, name in ((0, "Integrated Webcam"), (2, "USB Capture HDMI")):
        folder = tmp_path / f"video{index}"
        folder.mkdir()
        (folder / "name").write_text(name + "\n", encoding="utf-8")
    cameras = list_cameras(tmp_path)
    assert [(c.index, c.name) for c in cameras] == [
        (0, "Integrated Webcam"),
        (2, "USB Capture HDMI"),
    ]
    assert find_camera("3") == 3
    with pytest.raises(DeviceError, match="no camera called 'zoom'"):
        find_camera("zoom")


def test_devices_command_runs(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["devices"]) == 0
    assert capsys.readouterr().out.strip()


def _newer(source: DemoPresenterSource, index: int) -> bool:
    frame = source.read()
    return frame is not None and frame.index > index


def test_demo_presenter_plays_its_loop_once_drawn() -> None:
    source = DemoPresenterSource(size=(64, 36), fps=50, loop_seconds=0.2)  # 10 frames
    pictures: list[Image] = []
    with source:
        wait_until(lambda: source.ready)
        last = -1
        while len(pictures) < 12:  # each new picture (some may be missed: any 12 will do)
            wait_until(partial(_newer, source, last), what="the next picture")
            frame = source.read()
            assert frame is not None
            last = frame.index
            pictures.append(frame.image)
    looped = [any(np.array_equal(p, q) for q in pictures[:i]) for i, p in enumerate(pictures)]
    assert any(looped)  # the loop comes round again
