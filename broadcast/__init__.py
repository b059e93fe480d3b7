"""Outputs of the programme: recorder, RTMP streamer, media server, player, virtual camera."""

from broadcast.encoder import EncodedPacket, ProgrammeEncoder, StreamHeader
from broadcast.output import BroadcastOutput
from broadcast.player import PlayerStats, StreamReader, watch_headless
from broadcast.recorder import Recorder
from broadcast.server import MediaServer
from broadcast.speaker import Speaker
from broadcast.stats import OutputStats
from broadcast.streamer import PacketStreamer, RtmpStreamer
from broadcast.virtualcam import SafeVirtualCamera, VirtualCamera

__all__ = [
    "BroadcastOutput",
    "EncodedPacket",
    "MediaServer",
    "OutputStats",
    "PacketStreamer",
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
