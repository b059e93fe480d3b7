"""Video sources: a camera, a video file, a still picture, the built-in demo presenter.

Each follows :class:`studio.media.VideoSource`: ``start()``, ``read()`` (the newest frame,
stamped on the show's clock, or None), ``stop()``, ``close()``. Sources that block (a
camera read, a decoder, the presenter's drawing) work in a thread of their own and keep
only the newest frame, so a slow reader never holds them up.
"""

from studio.sources.base import SourceStats, ThreadedSource
from studio.sources.camera import CameraSource, list_cameras
from studio.sources.demo import DemoPresenterSource
from studio.sources.still import StillSource
from studio.sources.video_file import VideoFileSource

__all__ = [
    "CameraSource",
    "DemoPresenterSource",
    "SourceStats",
    "StillSource",
    "ThreadedSource",
    "VideoFileSource",
    "list_cameras",
]
