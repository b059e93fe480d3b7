"""How an output is doing: a typed state, numbers, and words a child understands.

Every output (the recording, the stream, the virtual camera) reports an
:class:`OutputStats`, built by keyword, whose :class:`OutputState` says what is *true*:
``ON_AIR`` only once pictures really go out (the server accepted the stream and took
frames; frames reached the file; the virtual camera took a frame). Decisions are taken on
the state, never on the words.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace


class OutputState(enum.StrEnum):
    """Where an output is. (A ``StrEnum``: its value is a plain word for logs.)"""

    IDLE = "idle"
    """not started"""
    CONNECTING = "connecting"
    """started; nothing has gone out yet (connecting to the server, opening the file)"""
    ON_AIR = "on air"
    """pictures are going out: the server accepted the stream, the file takes frames"""
    RECONNECTING = "reconnecting"
    """was on air, lost the server; trying again by itself"""
    REFUSED = "refused"
    """the server said no to the stream key (or the application name), twice: stopped"""
    NAME_TAKEN = "name taken"
    """another show is already live under this stream name on the server: stopped"""
    STALLED = "stalled"
    """the encoder has not kept up for a while: pictures are being dropped"""
    FAILED = "failed"
    """stopped by a fault (the message says which); what was recorded is kept"""
    STOPPED = "stopped"
    """ended as asked (a recording: finished and saved)"""

    @property
    def final(self) -> bool:
        """The output will not go out again by itself (it needs a person)."""
        return self in (
            OutputState.REFUSED,
            OutputState.NAME_TAKEN,
            OutputState.FAILED,
            OutputState.STOPPED,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class OutputStats:
    """One output's health. Build it by keyword."""

    state: OutputState
    message: str
    """what is happening, in words for the status strip"""
    frames_sent: int = 0
    frames_dropped: int = 0
    frames_late: int = 0
    bitrate_kbps: float = 0.0
    reconnects: int = 0
    last_error: str = ""
    """the technical reason of the last problem, for the log (never holds a stream key)"""
    queued_bytes: int = 0
    """what waits in the output's queue for the encoder (bounded)"""
    sound_faults: int = 0
    """blocks of sound left out for being stamped far from the show's clock"""


def both(*, stream: OutputStats, recording: OutputStats) -> OutputStats:
    """One output that streams and records: the stream's numbers and state, and both
    messages (the technical reason of the stream's trouble first)."""
    return replace(
        stream,
        message=f"{stream.message} Recording: {recording.message}.",
        last_error=stream.last_error or recording.last_error,
        sound_faults=recording.sound_faults,
    )


def with_encoder(
    stream: OutputStats, *, dropped: int, queued_bytes: int, stalled: str
) -> OutputStats:
    """A stream's stats with its encoder's: pictures ``dropped`` before encoding, the
    bytes queued for it, and STALLED with the reason while it is ``stalled`` (unless
    the stream has ended for good)."""
    stream = replace(
        stream, frames_dropped=stream.frames_dropped + dropped, queued_bytes=queued_bytes
    )
    if stalled and not stream.state.final:
        stream = replace(stream, state=OutputState.STALLED, message=stalled)
    return stream
