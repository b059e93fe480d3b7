"""The programme as the computer's virtual camera (Teams, Zoom, Skype) through pyvirtualcam.

Its state is ON AIR only once the camera has taken a picture; CONNECTING between
:meth:`VirtualCamera.start` and the first picture; FAILED when the computer has none.
"""

from __future__ import annotations

import sys
from typing import Any

from kaizen_studio.broadcast.stats import OutputState, OutputStats
from kaizen_studio.core.errors import DeviceError
from kaizen_studio.core.media import VideoFrame

INSTALL_HELP = {
    "linux": (
        "install v4l2loopback: sudo apt install v4l2loopback-dkms, then "
        'sudo modprobe v4l2loopback devices=1 exclusive_caps=1 card_label="Kaizen Studio"'
    ),
    "win32": "install OBS Studio (obsproject.com) and start its virtual camera once",
    "darwin": "install OBS Studio (obsproject.com) and start its virtual camera once",
}


def install_help(platform: str = sys.platform) -> str:
    """What to install for a virtual camera on ``platform`` (a sys.platform value)."""
    key = "linux" if platform.startswith("linux") else platform
    return INSTALL_HELP.get(key, "this computer has no virtual camera support")


class VirtualCamera:
    """Sends programme frames to the system's virtual camera (latest frame only).

    Raises DeviceError on :meth:`start` if none exists, saying what to install.
    """

    def __init__(self, width: int, height: int, fps: float) -> None:
        if width < 16 or height < 16 or not 1 <= fps <= 120:
            raise ValueError(
                f"virtual camera needs at least 16x16 at 1-120 fps, got {width}x{height} at {fps}"
            )
        self.width, self.height, self.fps = width, height, fps
        self._camera: Any = None
        self._sent = self._dropped = 0

    def start(self) -> None:
        if self._camera is not None:
            return
        try:
            import pyvirtualcam
        except ImportError as error:
            raise DeviceError(
                f"no virtual camera: pyvirtualcam is missing ({error}); pip install pyvirtualcam"
            ) from error
        try:
            self._camera = pyvirtualcam.Camera(
                self.width, self.height, self.fps, fmt=pyvirtualcam.PixelFormat.BGR
            )
        except (RuntimeError, OSError, ValueError) as error:
            raise DeviceError(
                f"no virtual camera on this computer ({error}); {install_help()}"
            ) from error

    def send(self, frame: VideoFrame) -> None:
        if self._camera is None or frame.size != (self.width, self.height):
            self._dropped += 1
            return
        self._camera.send(frame.image)
        self._sent += 1

    def stop(self) -> None:
        camera, self._camera = self._camera, None
        if camera is not None:
            camera.close()

    def close(self) -> None:
        self.stop()

    def stats(self) -> OutputStats:
        if self._camera is None:
            state, words = OutputState.STOPPED, "The virtual camera is off."
        elif self._sent:
            state, words = OutputState.ON_AIR, "The virtual camera is on."
        else:
            state, words = OutputState.CONNECTING, "The virtual camera is starting..."
        return OutputStats(
            state=state, message=words, frames_sent=self._sent, frames_dropped=self._dropped
        )


class SafeVirtualCamera:
    """A VirtualCamera that never raises: if there is none, the show goes on and
    :meth:`stats` says what to install."""

    def __init__(self, width: int, height: int, fps: float) -> None:
        self.camera = VirtualCamera(width, height, fps)
        self.error = ""

    def start(self) -> None:
        try:
            self.camera.start()
        except DeviceError as error:
            self.error = str(error)

    def send(self, frame: VideoFrame) -> None:
        if not self.error:
            self.camera.send(frame)

    def stop(self) -> None:
        self.camera.stop()

    def close(self) -> None:
        self.camera.close()

    def stats(self) -> OutputStats:
        if not self.error:
            return self.camera.stats()
        return OutputStats(
            state=OutputState.FAILED,
            message="The virtual camera is not available.",
            last_error=self.error,
        )
