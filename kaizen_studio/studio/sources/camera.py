"""Webcams and camcorders on capture cards, read in a worker thread (newest frame wins)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import cv2

from kaizen_studio.core.clock import Clock
from kaizen_studio.core.errors import DeviceError
from kaizen_studio.core.media import Image
from kaizen_studio.studio.sources.base import ThreadedSource

WANTED = (1920, 1080, 30.0)
"""What is asked of every camera; it gives what it can."""
MISSES_BEFORE_UNPLUGGED = 30


@dataclass(frozen=True, slots=True, kw_only=True)
class CameraInfo:
    index: int
    name: str
    path: str


def list_cameras(root: Path = Path("/sys/class/video4linux")) -> list[CameraInfo]:
    """The cameras this machine has (Linux: from video4linux; elsewhere: none listed)."""
    if not root.is_dir():
        return []
    cameras = []
    for entry in sorted(root.glob("video*"), key=lambda p: int(p.name[5:] or 0)):
        name_file = entry / "name"
        name = name_file.read_text(encoding="utf-8").strip() if name_file.is_file() else ""
        cameras.append(
            CameraInfo(
                index=int(entry.name[5:]), name=name or entry.name, path=f"/dev/{entry.name}"
            )
        )
    return cameras


def find_camera(which: int | str) -> int:
    """The index of camera ``which`` (an index, or part of its name)."""
    if isinstance(which, int):
        return which
    if which.isdigit():
        return int(which)
    for camera in list_cameras():
        if which.lower() in camera.name.lower():
            return camera.index
    names = ", ".join(f"{c.index}: {c.name}" for c in list_cameras()) or "none"
    raise DeviceError(f"no camera called {which!r}; cameras found: {names}")


class CameraSource(ThreadedSource):
    """Camera ``which`` (index or name), asking for 1920x1080 at 30 fps in MJPG."""

    def __init__(self, which: int | str = 0, *, clock: Clock | None = None) -> None:
        super().__init__(clock=clock)
        self.index = find_camera(which)
        self.name = f"camera {self.index}"
        self.capture = self._open()
        self.size = (
            int(self.capture.get(cv2.CAP_PROP_FRAME_WIDTH)),
            int(self.capture.get(cv2.CAP_PROP_FRAME_HEIGHT)),
        )

    def _open(self) -> cv2.VideoCapture:
        backend = cv2.CAP_V4L2 if sys.platform.startswith("linux") else cv2.CAP_ANY
        capture = cv2.VideoCapture(self.index, backend)
        if not capture.isOpened():
            capture.release()
            found = ", ".join(f"{c.index}: {c.name}" for c in list_cameras())
            raise DeviceError(
                f"camera {self.index} could not be opened ("
                + (f"cameras found: {found}" if found else "no camera is connected")
                + "); plug in a webcam, choose another camera, or use the demo presenter"
            )
        width, height, fps = WANTED
        capture.set(cv2.CAP_PROP_FOURCC, cv2.VideoWriter.fourcc(*"MJPG"))
        capture.set(cv2.CAP_PROP_FRAME_WIDTH, width)
        capture.set(cv2.CAP_PROP_FRAME_HEIGHT, height)
        capture.set(cv2.CAP_PROP_FPS, fps)
        return capture

    def produce(self) -> Iterator[Image]:
        misses = 0
        while not self.stopping:
            ok, picture = self.capture.read()
            if not ok or picture is None:
                misses += 1
                if misses >= MISSES_BEFORE_UNPLUGGED:
                    raise DeviceError(f"{self.name} stopped sending pictures: is it unplugged?")
                continue
            misses = 0
            yield picture

    def close(self) -> None:
        super().close()
        self.capture.release()
