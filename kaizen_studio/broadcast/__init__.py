"""Outputs of the programme: recorder, RTMP streamer, media server, player, virtual camera.

Each name below is imported from its module when first asked for (PEP 562), not with the
package: the streaming child process imports :mod:`broadcast.stream_worker` alone, and
holds PyAV alone (33 MiB imported; with every output here, OpenCV among them, 68).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kaizen_studio.broadcast.encoder import ProgrammeEncoder
    from kaizen_studio.broadcast.output import BroadcastOutput
    from kaizen_studio.broadcast.packets import EncodedPacket, StreamHeader
    from kaizen_studio.broadcast.player import (
        PlayerState,
        PlayerStats,
        StreamReader,
        watch_headless,
    )
    from kaizen_studio.broadcast.recorder import Recorder
    from kaizen_studio.broadcast.rtmp_streamer import RtmpStreamer
    from kaizen_studio.broadcast.server import MediaServer
    from kaizen_studio.broadcast.speaker import Speaker
    from kaizen_studio.broadcast.stats import OutputState, OutputStats
    from kaizen_studio.broadcast.streamer import PacketStreamer
    from kaizen_studio.broadcast.virtualcam import SafeVirtualCamera, VirtualCamera

_MODULE_OF = {
    "BroadcastOutput": "output",
    "EncodedPacket": "packets",
    "MediaServer": "server",
    "OutputState": "stats",
    "OutputStats": "stats",
    "PacketStreamer": "streamer",
    "PlayerState": "player",
    "PlayerStats": "player",
    "ProgrammeEncoder": "encoder",
    "Recorder": "recorder",
    "RtmpStreamer": "rtmp_streamer",
    "SafeVirtualCamera": "virtualcam",
    "Speaker": "speaker",
    "StreamHeader": "packets",
    "StreamReader": "player",
    "VirtualCamera": "virtualcam",
    "watch_headless": "player",
}

__all__ = [
    "BroadcastOutput",
    "EncodedPacket",
    "MediaServer",
    "OutputState",
    "OutputStats",
    "PacketStreamer",
    "PlayerState",
    "PlayerStats",
    "ProgrammeEncoder",
    "Recorder",
    "RtmpStreamer",
    "SafeVirtualCamera",
    "Speaker",
    "StreamHeader",
    "StreamReader",
    "VirtualCamera",
    "watch_headless",
]


def __getattr__(name: str) -> object:
    """The public ``name``, imported from its module on first use."""
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value
