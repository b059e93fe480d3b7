"""How an output is doing, as numbers and in words a child understands."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class OutputStats:
    frames_sent: int
    frames_dropped: int
    frames_late: int
    bitrate_kbps: float
    reconnects: int
    state: str
    """'idle', 'recording', 'streaming', 'reconnecting', 'refused' (the server would not
    take the stream: a wrong or missing key), 'stopped' or 'failed'"""
    message: str
    last_error: str = ""
