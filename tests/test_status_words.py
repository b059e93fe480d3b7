"""The status strip's words: what a pupil reads when something needs attention."""

from __future__ import annotations

import dataclasses

from kaizen_studio.broadcast import OutputStats
from kaizen_studio.studio.sources import SourceStats
from kaizen_studio.studio.status_words import Status, clock_time, status_lines

CALM = Status(
    starting="",
    source=SourceStats(100, 0, "running", "camera 0 is running"),
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
    failed = SourceStats(100, 0, "failed", "camera 0 stopped sending pictures: is it unplugged?")
    text, attention = words(dataclasses.replace(CALM, source=failed))["Picture"]
    assert attention and "Plug the camera back in" in text


def test_a_reconnecting_stream_and_a_failed_recording_are_flagged() -> None:
    stream = OutputStats(10, 0, 0, 0.0, 2, "reconnecting", "server gone; next try in 3 s")
    record = OutputStats(10, 0, 0, 0.0, 0, "failed", "the disk is full; 0:42 saved")
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
