"""Captions from the autocue script, aligned to speech made by espeak-ng from that script."""

from __future__ import annotations

import shutil
import subprocess
import wave
from pathlib import Path

import av
import numpy as np
import pytest

from kaizen_studio.core.errors import InputError
from kaizen_studio.studio.captions import Cue, align, read_webvtt, shifted, take_sound, write_webvtt
from kaizen_studio.studio.cards import Cards
from kaizen_studio.studio.vodcast import CARD_SECONDS, make_vodcast

pytestmark = pytest.mark.skipif(
    shutil.which("espeak-ng") is None, reason="espeak-ng (Debian package) makes the speech"
)

SCRIPT = """# Adding fractions

SAM: Welcome to our lesson about fractions.

[Sam points at the board]

AVA: When the bottom numbers are the same, you add the top numbers.

SAM: Three fifths add one fifth makes four fifths.

AVA: Thank you for watching, see you next time.
"""
LINES = [
    "Welcome to our lesson about fractions.",
    "When the bottom numbers are the same, you add the top numbers.",
    "Three fifths add one fifth makes four fifths.",
    "Thank you for watching, see you next time.",
]


def _speak(
    folder: Path, words_per_minute: int, lines: list[str] = LINES
) -> tuple[Path, list[float]]:
    """A take (a plain picture) of ``lines`` spoken by espeak-ng with pauses between them;
    returns it and the time each line's speech really starts."""
    pieces, starts, t, rate = [np.zeros(16000, np.int16)], [], 1.0, 16000
    for line in lines:
        wav = folder / "line.wav"
        subprocess.run(
            ["espeak-ng", "-s", str(words_per_minute), "-w", str(wav), line], check=True, timeout=30
        )
        with wave.open(str(wav)) as w:
            rate = w.getframerate()
            speech = np.frombuffer(w.readframes(w.getnframes()), np.int16)
        if pieces[0].size != rate:
            pieces[0] = np.zeros(rate, np.int16)
        starts.append(t + int(np.argmax(np.abs(speech) > 500)) / rate)
        pieces += [speech, np.zeros(rate * 8 // 10, np.int16)]
        t += (speech.size + rate * 8 // 10) / rate
    sound = np.concatenate(pieces)
    path = folder / f"take-{words_per_minute}.mp4"
    with av.open(str(path), "w") as container:
        video = container.add_stream("libx264", rate=10)
        video.width, video.height, video.pix_fmt = 320, 180, "yuv420p"
        audio = container.add_stream("aac", rate=rate)
        audio.layout = "mono"
        for i in range(int(sound.size / rate * 10)):
            frame = av.VideoFrame.from_ndarray(np.full((180, 320, 3), 90, np.uint8), "bgr24")
            frame.pts = i
            container.mux(video.encode(frame))
        container.mux(video.encode(None))
        for start in range(0, sound.size, 1024):
            block = sound[None, start : start + 1024].astype(np.float32) / 32768
            chunk = av.AudioFrame.from_ndarray(block, format="fltp", layout="mono")
            chunk.sample_rate, chunk.pts = rate, start
            container.mux(audio.encode(chunk))
        container.mux(audio.encode(None))
    return path, starts


def test_names_and_new_words_are_aligned_too(tmp_path: Path) -> None:
    """Words the recogniser's dictionary lacks (a pupil's name, minibeasts, woodlice) are
    spelled from known words, not left out: left out, 'and' was aligned into
    'minibeasts' and the second caption came 2 s early."""
    lines = [
        "Welcome to our lesson about minibeasts.",
        "Ladybirds and woodlice live under stones.",
        "Oluwaseun found centipedes in the garden.",
    ]
    take, starts = _speak(tmp_path, 130, lines)
    cues = align(take_sound(take, start=0.0, end=60.0), lines)
    assert [c.text for c in cues] == lines
    for cue, start in zip(cues, starts, strict=True):
        assert abs(cue.start - start) <= 0.5, (cue, start)


@pytest.mark.parametrize("words_per_minute", [120, 180])
def test_every_caption_starts_within_half_a_second_of_its_words(
    tmp_path: Path, words_per_minute: int
) -> None:
    take, starts = _speak(tmp_path, words_per_minute)
    script = tmp_path / "lesson.md"
    script.write_text(SCRIPT, encoding="utf-8")
    report = make_vodcast(
        take,
        tmp_path / "lesson.mp4",
        cards=Cards(school="Hillside", class_name="Year 5", title="Fractions"),
        script=script,
    )
    assert report.captions == tmp_path / "lesson.vtt" and report.cues == len(LINES)
    cues = read_webvtt(report.captions)
    assert [c.text for c in cues] == LINES  # the directions and headings are not spoken
    for cue, start in zip(cues, starts, strict=True):
        assert abs(cue.start - (CARD_SECONDS + start)) <= 0.5, (cue, start)
        assert cue.end > cue.start


def test_a_take_of_another_script_makes_no_captions_and_no_vodcast(tmp_path: Path) -> None:
    take, _starts = _speak(tmp_path, 150)
    script = tmp_path / "other.md"
    script.write_text("TOM: Our class went to the seaside and built a giant castle.\n")
    with pytest.raises(InputError, match="does not match the script"):
        make_vodcast(
            take,
            tmp_path / "v.mp4",
            cards=Cards(school="H", class_name="Y5", title="T"),
            script=script,
        )
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["line.wav", "other.md", take.name])


def test_webvtt_round_trips_and_cues_shift_into_the_vodcast(tmp_path: Path) -> None:
    cues = [
        Cue(start=0.5, end=2.0, text="Hello"),
        Cue(start=2.0, end=3.5, text="Fractions"),
        Cue(start=9.0, end=10.0, text="cut"),
    ]
    moved = shifted(cues, by=3.0, start=1.0, end=8.0)
    assert moved == [
        Cue(start=4.0, end=5.0, text="Hello"),
        Cue(start=5.0, end=6.5, text="Fractions"),
    ]
    path = write_webvtt(moved, tmp_path / "c.vtt")
    assert path.read_text().startswith("WEBVTT\n")
    assert read_webvtt(path) == moved
