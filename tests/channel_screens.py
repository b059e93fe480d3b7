"""The school channel's screens as the tests drive them: a channel whose clock the test
sets, demo films of one flat colour each (so a screenshot tells which plays), and the
screen page in headless Chromium. Used by the ``screen_channel`` fixture in conftest.py."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import av
import numpy as np

from kaizen_studio.channel.schedule.clock import TEST_CLOCK, set_test_clock
from tests.channel_site import RunningChannel, running_channel

LONDON = ZoneInfo("Europe/London")
COLOURS: tuple[tuple[int, int, int], ...] = ((200, 40, 40), (40, 200, 40), (40, 40, 200))
COLOURS += ((200, 200, 40), (40, 200, 200), (200, 40, 200))
"""Each demo film's flat colour (RGB), in the order of the demo's manifest."""
SECONDS = 4.0


def flat_film(path: Path, rgb: tuple[int, int, int], *, seconds: float = SECONDS) -> None:
    """A film of one colour (160x90, 25 fps) with a quiet 440 Hz tone, web-safe MP4."""
    with av.open(str(path), "w", options={"movflags": "+faststart"}) as container:
        video = container.add_stream("libx264", rate=25)
        video.width, video.height, video.pix_fmt = 160, 90, "yuv420p"
        audio = container.add_stream("aac", rate=48000)
        audio.layout = "stereo"
        picture = np.zeros((90, 160, 3), np.uint8)
        picture[:] = rgb
        for i in range(round(seconds * 25)):
            frame = av.VideoFrame.from_ndarray(picture, format="rgb24")
            frame.pts = i
            container.mux(video.encode(frame))
        container.mux(video.encode(None))
        samples = int(seconds * 48000)
        tone = (0.1 * np.sin(2 * np.pi * 440 * np.arange(samples) / 48000)).astype(np.float32)
        for start in range(0, samples, 1024):
            block = np.tile(tone[start : start + 1024][None, :], (2, 1))
            chunk = av.AudioFrame.from_ndarray(block, format="fltp", layout="stereo")
            chunk.sample_rate, chunk.pts = 48000, start
            container.mux(audio.encode(chunk))
        container.mux(audio.encode(None))


def flat_films(folder: Path) -> Path:
    """Six flat films and the manifest ``channel_demo`` reads; the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    listed = []
    for number, rgb in enumerate(COLOURS, 1):
        flat_film(folder / f"flat-{number}.mp4", rgb)
        (folder / f"flat-{number}.jpg").write_bytes(b"")  # thumbnails are not looked at
        listed.append(
            {"file": f"flat-{number}.mp4", "thumbnail": f"flat-{number}.jpg",
             "title": f"Film {number}", "class": "Year 3", "duration": SECONDS,
             "width": 160, "height": 90}
        )  # fmt: skip
    (folder / "manifest.json").write_text(json.dumps(listed), "utf-8")
    return folder


@dataclass
class ScreenChannel:
    """A running channel with the demo timetable (see ``channel_demo``) on flat films, and
    the file its clock reads."""

    running: RunningChannel
    clock: Path

    def set_clock(self, moment: datetime) -> None:
        set_test_clock(self.clock, moment)

    def screen_url(self, group: str = "hall", name: str = "hall-1", layout: str = "") -> str:
        extra = f"&layout={layout}" if layout else ""
        return f"{self.running.base}/channel/screen/?group={group}&name={name}{extra}"


@contextmanager
def screen_channel(folder: Path) -> Iterator[ScreenChannel]:
    clock = folder / "clock"
    folder.mkdir(parents=True, exist_ok=True)
    set_test_clock(clock, datetime(2026, 12, 4, 11, 0, tzinfo=LONDON))  # a Friday
    films = flat_films(folder / "films")
    with running_channel(folder / "server", environment={TEST_CLOCK: str(clock)}) as running:
        running.django.manage("channel_demo", str(films))
        yield ScreenChannel(running=running, clock=clock)
