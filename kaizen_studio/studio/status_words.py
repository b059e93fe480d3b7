"""The show's status in words a ten-year-old understands, for the status strip.

Each part of the strip is a :class:`Line`: a short label, the words, and whether it
needs someone's attention (shown in amber) so a pupil can see at a glance what is wrong
and what to do about it.
"""

from __future__ import annotations

from dataclasses import dataclass

from kaizen_studio.broadcast.stats import OutputState, OutputStats
from kaizen_studio.broadcast.streamer import CONNECTING
from kaizen_studio.studio.disk_watch import DiskSpace, DiskState
from kaizen_studio.studio.sources import SourceStats
from kaizen_studio.studio.sources.mixer import SILENCE_DB
from kaizen_studio.studio.step_down import ShowLevel

BYTES_PER_HOUR = 2.5e6 / 8 * 3600
"""about how much an hour of recording takes (2.5 Mb/s)"""


@dataclass(frozen=True)
class Status:
    """Everything the status strip shows, as numbers; :mod:`studio.status_words` words it."""

    starting: str
    """what is being got ready ('' once the show runs)"""
    source: SourceStats | None
    frames: int
    fps: float
    late: int
    late_recently: int
    """pictures late in the last five seconds or so"""
    programme_message: str
    key_message: str
    recording: OutputStats | None
    recording_file: str
    recording_seconds: float
    streaming: OutputStats | None
    streaming_seconds: float
    sound_db: float
    sound_message: str
    disk_free_bytes: int | None
    key_tips: tuple[str, ...] = ()
    """what to change in the room, from what the auto key measured"""
    disk: DiskSpace | None = None
    """the recordings folder's room as a typed state (LOW_DISK: minutes left at the
    current bitrate), for an early warning"""
    level: ShowLevel = ShowLevel.FULL
    """how far the show has stepped down to keep every picture (studio.step_down)"""
    stepped: str = ""
    """its last step down or up in words"""


@dataclass(frozen=True, kw_only=True)
class Line:
    label: str
    words: str
    attention: bool = False


def clock_time(seconds: float) -> str:
    seconds = max(0, int(seconds))
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


def picture_line(status: Status) -> Line:
    if status.starting:
        return Line(label="Picture", words=f"Getting ready: {status.starting}...")
    source = status.source
    if source is not None and source.state.gone:
        return Line(
            label="Picture",
            words=f"{source.message}. Plug the camera back in and press 'Try the camera again'.",
            attention=True,
        )
    words = f"{status.fps:.0f} pictures a second"
    if status.stepped:
        words = f"{words}; {status.stepped}"
    if status.late_recently > 2:
        return Line(
            label="Picture",
            words=f"{words}; the computer is too busy ({status.late_recently} pictures late in the "
            "last few seconds): close other programs",
            attention=True,
        )
    if status.level > ShowLevel.FULL:  # amber: someone can give it room
        return Line(
            label="Picture", words=f"{words}: close other programs to give it room", attention=True
        )
    return Line(label="Picture", words=words)


def key_line(status: Status) -> Line:
    if "unkeyed" in status.programme_message:
        return Line(
            label="Key",
            words="No green screen found. Point the camera at the green screen and press Auto key.",
            attention=True,
        )
    message = status.key_message or status.programme_message.removeprefix("on: ")
    tips = "".join(f" Tip: {tip}" for tip in status.key_tips)
    return Line(
        label="Key", words=(message or "waiting for the first picture") + tips, attention=bool(tips)
    )


def recording_line(status: Status) -> Line:
    """The recording, by its state: "Recording" only once pictures reach the file."""
    stats = status.recording
    if stats is None:
        return Line(label="Recording", words="Not recording")
    state = stats.state
    if state is OutputState.ON_AIR:
        dropped = stats.frames_dropped
        return Line(
            label="Recording",
            words=f"Recording {clock_time(status.recording_seconds)} to {status.recording_file}"
            + (f" ({dropped} pictures dropped: the computer is too busy)" if dropped else ""),
            attention=bool(dropped),
        )
    if state in (OutputState.IDLE, OutputState.CONNECTING):
        return Line(
            label="Recording", words=f"Starting the recording to {status.recording_file}..."
        )
    if state is OutputState.STALLED:
        return Line(label="Recording", words=f"Recording, but {stats.message}", attention=True)
    if state is OutputState.FAILED:
        return Line(label="Recording", words=f"Recording stopped: {stats.message}", attention=True)
    return Line(
        label="Recording", words=f"Last recording: {status.recording_file} ({stats.message})"
    )


def stream_line(status: Status) -> Line:
    """The stream, by its state: "On air" only once the school's server took it."""
    stats = status.streaming
    if stats is None:
        return Line(label="Live", words="Not live")
    state = stats.state
    if state is OutputState.ON_AIR:
        return Line(
            label="Live",
            words=f"On air {clock_time(status.streaming_seconds)}, {stats.bitrate_kbps:.0f} kb/s, "
            f"{stats.reconnects} reconnects, {stats.frames_dropped} pictures dropped",
        )
    if state in (OutputState.IDLE, OutputState.CONNECTING):
        waiting = stats.message not in ("", CONNECTING, "Not streaming yet.")
        return Line(
            label="Live",
            words="Connecting..." + (f" ({stats.message})" if waiting else ""),
            attention=waiting,
        )
    if state is OutputState.RECONNECTING:
        return Line(
            label="Live", words=f"The stream is reconnecting... ({stats.message})", attention=True
        )
    if state in (OutputState.REFUSED, OutputState.NAME_TAKEN, OutputState.STALLED):
        return Line(label="Live", words=stats.message, attention=True)
    if state is OutputState.FAILED:
        return Line(label="Live", words=f"The stream stopped: {stats.message}", attention=True)
    return Line(label="Live", words=f"Off air ({stats.message})")


def sound_line(status: Status) -> Line:
    if status.sound_db <= SILENCE_DB + 1:
        return Line(label="Sound", words=f"Silent. {status.sound_message}", attention=True)
    loud = " Too loud: move back from the microphone." if status.sound_db > -3 else ""
    return Line(
        label="Sound",
        words=f"{status.sound_db:.0f} dB, {status.sound_message}.{loud}",
        attention=bool(loud),
    )


def disk_line(status: Status) -> Line:
    space = status.disk
    if space is not None and space.state is DiskState.FULL:
        return Line(
            label="Disk",
            words="The disk is full: nothing more can be recorded. Free some space.",
            attention=True,
        )
    if space is not None and space.state is DiskState.LOW_DISK and space.minutes_left is not None:
        return Line(
            label="Disk",
            words=f"Little room left: about {max(space.minutes_left, 0):.0f} minutes of recording. "
            "Free some space or choose another recordings folder.",
            attention=True,
        )
    free = status.disk_free_bytes
    if free is None:
        return Line(label="Disk", words="The recordings folder cannot be reached", attention=True)
    hours = free / BYTES_PER_HOUR
    words = f"{free / 1e9:.1f} GB free, room for about {hours:.0f} hours of recording"
    return Line(label="Disk", words=words, attention=hours < 0.5)


def status_lines(status: Status) -> list[Line]:
    """The strip, in the order it is shown."""
    return [
        picture_line(status),
        key_line(status),
        recording_line(status),
        stream_line(status),
        sound_line(status),
        disk_line(status),
    ]
