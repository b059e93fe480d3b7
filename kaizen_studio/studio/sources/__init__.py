"""Video sources: a camera, a video file, a still picture, the built-in demo presenter.

Each follows :class:`core.media.VideoSource`: ``start()``, ``read()`` (the newest frame,
stamped on the show's clock, or None), ``stop()``, ``close()``. Sources that block (a
camera read, a decoder, the presenter's drawing) work in a thread of their own and keep
only the newest frame, so a slow reader never holds them up.
"""

from kaizen_studio.studio.sources.base import SourceStats, ThreadedSource
from kaizen_studio.studio.sources.camera import CameraSource, list_cameras
from kaizen_studio.studio.sources.demo import DemoPresenterSource
from kaizen_studio.studio.sources.still import StillSource
from kaizen_studio.studio.sources.video_file import VideoFileSource

__all__ = [
    "CameraSource",
    "DemoPresenterSource",
    "SourceStats",
    "StillSource",
    "ThreadedSource",
    "VideoFileSource",
    "list_cameras",
]
