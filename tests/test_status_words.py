"""The status strip's words: what a pupil reads when something needs attention."""

from __future__ import annotations

import dataclasses

from kaizen_studio.broadcast import OutputState, OutputStats
from kaizen_studio.broadcast.streamer import CONNECTING
from kaizen_studio.core.media import SourceState
from kaizen_studio.studio.disk_watch import DiskSpace, DiskState
from kaizen_studio.studio.sources import SourceStats
from kaizen_studio.studio.status_words import Status, clock_time, status_lines
from kaizen_studio.studio.step_down import ShowLevel

CALM = Status(
    starting="",
    source=SourceStats(
        frames=100, dropped=0, state=SourceState.RUNNING, message="camera 0 is running"
    ),
    frames=100,
    fps=25.0,
    late=0,
    late_recently=0,
    programme_message="on: green screen #35A444 fills 80% of the picture",
    key_message="",
    recording=None,
    recording_file="",
    recording_seconds=0.0,
    streaming=None,
    streaming_seconds=0.0,
    sound_db=-20.0,
    sound_message="sound from the microphone",
    disk_free_bytes=50_000_000_000,
)


def words(status: Status) -> dict[str, tuple[str, bool]]:
    return {line.label: (line.words, line.attention) for line in status_lines(status)}


def test_a_calm_show_needs_no_attention() -> None:
    lines = words(CALM)
    assert not any(attention for _, attention in lines.values())
    assert lines["Picture"][0] == "25 pictures a second"
    assert lines["Key"][0] == "green screen #35A444 fills 80% of the picture"


def test_an_unplugged_camera_says_what_to_do() -> None:
    failed = SourceStats(
        frames=100,
        dropped=0,
        state=SourceState.FAILED,
        message="camera 0 stopped sending pictures: is it unplugged?",
    )
    text, attention = words(dataclasses.replace(CALM, source=failed))["Picture"]
    assert attention and "Plug the camera back in" in text


def test_a_reconnecting_stream_and_a_failed_recording_are_flagged() -> None:
    stream = OutputStats(
        state=OutputState.RECONNECTING, message="server gone; next try in 3 s", reconnects=2
    )
    record = OutputStats(state=OutputState.FAILED, message="the disk is full; 0:42 saved")
    lines = words(dataclasses.replace(CALM, streaming=stream, recording=record))
    assert lines["Live"] == ("The stream is reconnecting... (server gone; next try in 3 s)", True)
    assert lines["Recording"] == ("Recording stopped: the disk is full; 0:42 saved", True)


def test_no_screen_silence_low_disk_and_a_busy_computer() -> None:
    lines = words(
        dataclasses.replace(
            CALM,
            programme_message="showing the camera unkeyed: no green or blue screen found",
            sound_db=-120.0,
            disk_free_bytes=200_000_000,
            late_recently=9,
        )
    )
    assert lines["Key"][1] and "press Auto key" in lines["Key"][0]
    assert lines["Sound"][1] and lines["Disk"][1] and lines["Picture"][1]
    assert "close other programs" in lines["Picture"][0]


def test_clock_time() -> None:
    assert clock_time(62) == "1:02" and clock_time(3725) == "1:02:05"


def test_the_key_line_gives_the_checklists_lighting_tips() -> None:
    tips = ("The screen is too dark: add light on the cloth or turn on the room lights.",)
    text, attention = words(dataclasses.replace(CALM, key_tips=tips))["Key"]
    assert attention and text.endswith("Tip: " + tips[0])


def test_on_air_and_recording_only_once_pictures_go_out() -> None:
    connecting = OutputStats(state=OutputState.CONNECTING, message=CONNECTING)
    starting = OutputStats(state=OutputState.CONNECTING, message="starting the recording")
    lines = words(
        dataclasses.replace(
            CALM, streaming=connecting, recording=starting, recording_file="Show.mp4"
        )
    )
    assert lines["Live"] == ("Connecting...", False)
    assert lines["Recording"] == ("Starting the recording to Show.mp4...", False)
    on_air = OutputStats(state=OutputState.ON_AIR, message="On air", frames_sent=50)
    recording = OutputStats(state=OutputState.ON_AIR, message="recording", frames_sent=50)
    lines = words(
        dataclasses.replace(
            CALM,
            streaming=on_air,
            streaming_seconds=20,
            recording=recording,
            recording_seconds=21,
            recording_file="Show.mp4",
        )
    )
    assert lines["Live"][0].startswith("On air 0:20")
    assert lines["Recording"][0] == "Recording 0:21 to Show.mp4"


def test_a_refused_key_a_taken_name_and_a_stalled_encoder_say_what_to_do() -> None:
    refused = OutputStats(
        state=OutputState.REFUSED,
        message="The school's server said no: ask your teacher for the stream key.",
    )
    taken = OutputStats(
        state=OutputState.NAME_TAKEN,
        message="Another show is already live as 'show' on this server: end that show first",
    )
    stalled = OutputStats(
        state=OutputState.STALLED, message="the encoder has taken nothing for 3 s"
    )
    for stats, said in ((refused, "ask your teacher"), (taken, "already live as 'show'")):
        text, attention = words(dataclasses.replace(CALM, streaming=stats))["Live"]
        assert attention and said in text and "On air" not in text
    text, attention = words(dataclasses.replace(CALM, recording=stalled))["Recording"]
    assert attention and text == "Recording, but the encoder has taken nothing for 3 s"


def test_little_room_on_the_disk_is_said_early_in_minutes_and_a_full_disk_plainly() -> None:
    low = DiskSpace(state=DiskState.LOW_DISK, free_bytes=900_000_000, minutes_left=12.4)
    text, attention = words(dataclasses.replace(CALM, disk=low))["Disk"]
    assert attention and "about 12 minutes of recording" in text and "Free some space" in text
    full = DiskSpace(state=DiskState.FULL, free_bytes=0, minutes_left=0.0)
    text, attention = words(dataclasses.replace(CALM, disk=full))["Disk"]
    assert attention and text.startswith("The disk is full")
    fine = DiskSpace(state=DiskState.OK, free_bytes=50_000_000_000, minutes_left=3000.0)
    assert not words(dataclasses.replace(CALM, disk=fine))["Disk"][1]


def test_a_show_that_stepped_down_says_why_and_what_to_do() -> None:
    stepped = dataclasses.replace(
        CALM,
        level=ShowLevel.FASTER_ENCODER,
        stepped="the encoder fell behind: the show stepped down to a faster encoder setting",
    )
    text, attention = words(stepped)["Picture"]
    assert attention and "stepped down to a faster encoder setting" in text
    assert "close other programs" in text
    back = dataclasses.replace(CALM, stepped="the computer has room again: back up to full quality")
    text, attention = words(back)["Picture"]
    assert not attention and text.endswith("back up to full quality")
