"""Outputs of the programme: recorder, RTMP streamer, media server, player, virtual camera."""

from kaizen_studio.broadcast.encoder import EncodedPacket, ProgrammeEncoder, StreamHeader
from kaizen_studio.broadcast.output import BroadcastOutput
from kaizen_studio.broadcast.player import PlayerState, PlayerStats, StreamReader, watch_headless
from kaizen_studio.broadcast.recorder import Recorder
from kaizen_studio.broadcast.rtmp_streamer import RtmpStreamer
from kaizen_studio.broadcast.server import MediaServer
from kaizen_studio.broadcast.speaker import Speaker
from kaizen_studio.broadcast.stats import OutputState, OutputStats
from kaizen_studio.broadcast.streamer import PacketStreamer
from kaizen_studio.broadcast.virtualcam import SafeVirtualCamera, VirtualCamera

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
