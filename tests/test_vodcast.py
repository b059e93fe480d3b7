"""studio vodcast: a take trimmed between cards, its sound at -16 LUFS, a web-ready MP4."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import av
import numpy as np
import pytest

from kaizen_studio.core.errors import InputError
from kaizen_studio.studio.cards import TEMPLATES, Cards
from kaizen_studio.studio.loudness import TARGET_LUFS
from kaizen_studio.studio.vodcast import CARD_SECONDS, make_vodcast, max_kbps
from tests.media_files import FPS, take

CARDS = Cards(
    school="Hillside Primary",
    class_name="Year 5",
    title="Adding fractions",
    template=TEMPLATES["classic"],
)


@pytest.fixture(scope="module")
def quiet_take(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("takes") / "take.mp4"
    take(path, frames=6 * FPS, level=0.02)  # 6 s of a quiet tone (about -34 LUFS)
    return path


def _loudness_by_ffmpeg(path: Path) -> float:
    """Integrated loudness as Debian's ffmpeg measures it (a second opinion)."""
    result = subprocess.run(
        [
            "ffmpeg",
            "-hide_banner",
            "-nostats",
            "-i",
            str(path),
            "-af",
            "ebur128",
            "-f",
            "null",
            "-",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    summary = result.stderr[result.stderr.rindex("Integrated loudness") :]
    return float(summary.split("I:")[1].split("LUFS")[0])


def test_a_vodcast_is_the_trimmed_take_between_cards_at_the_podcast_loudness(
    quiet_take: Path, tmp_path: Path
) -> None:
    out = tmp_path / "lesson.mp4"
    report = make_vodcast(quiet_take, out, cards=CARDS, start=1.0, end=5.0)
    assert report.output == out and out.is_file()
    with av.open(str(out)) as container:
        video, audio = container.streams.video[0], container.streams.audio[0]
        assert (video.codec_context.name, audio.codec_context.name) == ("h264", "aac")
        seconds = container.duration / av.time_base
        assert abs(seconds - (4.0 + 2 * CARD_SECONDS)) < 0.2
        frames = [f.to_ndarray(format="bgr24") for f in container.decode(video)]
    assert len(frames) == report.frames
    title = frames[round(1.5 * FPS)]  # the title card, after its fade
    assert np.abs(title[5, 5].astype(int) - CARDS.template.background).max() <= 6
    take_picture = frames[round((CARD_SECONDS + 2.0) * FPS)]
    assert np.abs(take_picture[5, 5].astype(int) - CARDS.template.background).max() > 30
    head = out.read_bytes()[:4096]
    assert head.find(b"moov") != -1 and (
        head.find(b"mdat") == -1 or head.find(b"moov") < head.find(b"mdat")
    )  # faststart: the index first
    assert report.loudness is not None and report.on_target
    assert abs(_loudness_by_ffmpeg(out) - TARGET_LUFS) <= 1.0
    assert report.video_kbps <= max_kbps(320, 180) + 128
    assert report.thumbnail.is_file() and report.thumbnail.name == "lesson-thumbnail.png"


def test_bad_ranges_and_names_are_refused_and_nothing_is_written(
    quiet_take: Path, tmp_path: Path
) -> None:
    cases = [
        ({"start": 4.0, "end": 2.0}, "the start must come first"),
        ({"start": 30.0}, "the take is only"),
        ({"thumbnail_at": 0.5, "start": 1.0}, "between the start and end"),
        ({"start": float("nan")}, "--start nan: give a number of seconds"),
        ({"end": float("inf")}, "--end inf: give a number of seconds"),
    ]
    for options, words in cases:
        with pytest.raises(InputError, match=words):
            make_vodcast(quiet_take, tmp_path / "x.mp4", cards=CARDS, **options)  # type: ignore[arg-type]
    with pytest.raises(InputError, match=r"end the name with \.mp4"):
        make_vodcast(quiet_take, tmp_path / "x.avi", cards=CARDS)
    with pytest.raises(InputError, match="the take itself"):
        make_vodcast(quiet_take, quiet_take, cards=CARDS)
    assert list(tmp_path.iterdir()) == []


def test_a_cancelled_vodcast_leaves_nothing_behind(quiet_take: Path, tmp_path: Path) -> None:
    def cancel(done: int, total: int) -> None:
        if done > total // 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        make_vodcast(quiet_take, tmp_path / "lesson.mp4", cards=CARDS, progress=cancel)
    assert list(tmp_path.iterdir()) == []


def test_closing_the_terminal_stops_the_command_and_leaves_nothing_behind(
    quiet_take: Path, tmp_path: Path
) -> None:
    out = tmp_path / "made"
    out.mkdir()
    command = [sys.executable, "-m", "kaizen_studio", "vodcast", str(quiet_take)]
    named = ["--title", "Leaves", "--class", "Year 2", "--school", "Hillside"]
    child = subprocess.Popen(
        [*command, "-o", str(out / "v.mp4"), *named], stderr=subprocess.PIPE, text=True
    )
    try:
        assert child.stderr is not None
        said = ""
        while "Making" not in said:  # the work has begun: the half-written file exists
            letter = child.stderr.read(1)
            assert letter, said
            said += letter
        child.send_signal(signal.SIGTERM)  # what a closing terminal or a shutdown sends
        said += child.stderr.read()
        assert child.wait(timeout=60) != 0
    finally:
        child.kill()
    assert "stopped" in said and "Traceback" not in said
    assert list(out.iterdir()) == []


def test_a_silent_take_makes_a_vodcast_with_a_silent_track(tmp_path: Path) -> None:
    silent = tmp_path / "silent.mp4"
    take(silent, frames=2 * FPS, sound=False)
    report = make_vodcast(silent, tmp_path / "out.mp4", cards=CARDS)
    assert report.loudness is None and report.on_target
    with av.open(str(report.output)) as container:
        assert container.streams.audio  # a player always finds a sound track


def test_the_command_writes_a_strip_and_names_what_is_missing(
    quiet_take: Path, tmp_path: Path
) -> None:
    def studio(*argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "kaizen_studio", "vodcast", *argv],
            capture_output=True,
            text=True,
            timeout=120,
        )

    strip = tmp_path / "strip.png"
    done = studio(str(quiet_take), "--strip", str(strip))
    assert done.returncode == 0 and strip.is_file(), done.stderr
    missing = studio(str(quiet_take), "-o", str(tmp_path / "v.mp4"), "--title", "Leaves")
    assert missing.returncode == 2
    assert "give --class, --school" in missing.stderr and "Traceback" not in missing.stderr
    made = studio(
        str(quiet_take),
        "-o",
        str(tmp_path / "v.mp4"),
        "--title",
        "Leaves",
        "--class",
        "Year 2",
        "--school",
        "Hillside",
        "--end",
        "3",
    )
    assert made.returncode == 0, made.stderr
    assert "saved" in made.stderr and "LUFS" in made.stderr
