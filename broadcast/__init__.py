"""Outputs of the programme: recorder, RTMP streamer, media server, player, virtual camera."""

from broadcast.player import PlayerStats, StreamReader, watch_headless
from broadcast.recorder import Recorder
from broadcast.server import MediaServer
from broadcast.stats import OutputStats
from broadcast.streamer import RtmpStreamer
from broadcast.virtualcam import SafeVirtualCamera, VirtualCamera

__all__ = [
    "MediaServer",
    "OutputStats",
    "PlayerStats",
    "Recorder",
    "RtmpStreamer",
    "SafeVirtualCamera",
    "StreamReader",
    "VirtualCamera",
    "watch_headless",
]
