"""The classroom player's sound: the short buffer, the path from the stream to the sound
card (driven here as a card drives it: this machine has none), and no device at all; and a
recording's sound, whole for all its pictures whatever came late or never came."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest

from kaizen_studio.broadcast import (
    BroadcastOutput,
    MediaServer,
    OutputState,
    Recorder,
    StreamReader,
)
from kaizen_studio.broadcast.server import free_port
from kaizen_studio.broadcast.speaker import Pull, SoundBuffer, Speaker, open_sounddevice
from kaizen_studio.core.media import AudioBlock, VideoFrame
from tests.conditions import BOUND


def no_sound_card() -> bool:
    try:
        open_sounddevice(48000, 2, 0.05, lambda *_: None).close()
    except OSError:
        return True
    return False


def test_the_buffer_plays_in_order_fills_gaps_with_silence_and_stays_short() -> None:
    buffer = SoundBuffer(sample_rate=1000, channels=2, latency=0.1)  # 100 samples at most
    ramp = np.stack([np.arange(60), -np.arange(60)], 1).astype(np.float32)
    buffer.push(ramp[:30])
    buffer.push(ramp[30:])
    out = np.ones((50, 2), np.float32)
    assert buffer.pull(out) == 50 and np.array_equal(out, ramp[:50])
    assert buffer.pull(out) == 10 and np.array_equal(out[:10], ramp[50:]) and not out[10:].any()
    assert buffer.underruns == 1 and buffer.held == 0
    buffer.push(np.zeros((80, 2), np.float32))
    buffer.push(np.ones((50, 3), np.float32))  # a third channel is left out
    assert buffer.held == 100 and buffer.dropped == 30  # the oldest went
    assert buffer.pull(np.empty((100, 2), np.float32)) == 100 and buffer.played == 160
    with pytest.raises(ValueError, match=r"shape \(n, 2\)"):
        buffer.push(np.zeros(10, np.float32))


class CardLikeDevice:
    """Pulls the sound its clock has played since the last pull (10 ms when its thread
    wakes on time, more after a late wake), as PortAudio's callback does, and keeps what
    it was given."""

    def __init__(self, sample_rate: int, channels: int, latency: float, pull: Pull) -> None:
        self.rate, self.channels, self.pull = sample_rate, channels, pull
        self.heard: list[np.ndarray] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        started, pulled = time.monotonic(), 0
        while not self._stop.wait(0.01):  # the card's period
            due = round((time.monotonic() - started) * self.rate) - pulled
            out = np.empty((due, self.channels), np.float32)
            self.pull(out, due, None, None)
            self.heard.append(out)
            pulled += due

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def close(self) -> None:
        return


def test_the_show_sound_reaches_the_card_through_the_media_server(tmp_path: Path) -> None:
    devices: list[CardLikeDevice] = []

    def open_device(rate: int, channels: int, latency: float, pull: Pull) -> Any:
        devices.append(CardLikeDevice(rate, channels, latency, pull))
        devices[-1].start()
        return devices[-1]

    speaker = Speaker(open_device=open_device)
    held: list[int] = []

    def play(block: AudioBlock) -> None:
        speaker.play(block)
        held.append(speaker.buffer.held if speaker.buffer else 0)

    with MediaServer(
        tmp_path / "server", key="k", rtmp_port=free_port(), http_port=free_port()
    ) as server:
        output = BroadcastOutput(stream=server.publish_url, width=160, height=120, fps=25)
        reader = StreamReader(server.play_url, on_audio=play, retry=0.2)
        output.start()
        reader.start()
        # 400 Hz: 16 whole cycles in each block of 1920 samples, so the blocks join up
        tone = (np.sin(np.arange(1920) * 2 * np.pi * 400 / 48000) * 0.5).astype(np.float32)

        def tone_heard() -> bool:  # a second of it
            heard = list(devices[0].heard) if devices else []
            return sum(int(np.count_nonzero(np.abs(h[:, 0]) > 0.1)) for h in heard) > 48000

        start = time.monotonic()
        i = 0
        while not tone_heard():  # the show goes on until the classroom has heard it
            assert i < BOUND * 25, f"the card heard no second of the tone in {BOUND:.0f} s"
            pts = start + i / 25
            output.send(VideoFrame(np.zeros((120, 160, 3), np.uint8), pts, i))
            output.send_audio(AudioBlock(np.stack([tone, tone], 1), 48000, pts))
            i += 1
            time.sleep(max(0.0, start + i / 25 - time.monotonic()))  # the show's pace
        reader.stop()
        output.close()
    speaker.close()
    assert len(devices) == 1 and (devices[0].rate, devices[0].channels) == (48000, 2)
    sound = np.concatenate(devices[0].heard)[:, 0]
    begins = int(np.argmax(np.abs(sound) > 0.1))
    spectrum = np.abs(np.fft.rfft(sound[begins : begins + 16384] * np.hanning(16384)))
    assert abs(np.argmax(spectrum) * 48000 / 16384 - 400) < 10  # the tone (gaps spread it)
    assert max(held) <= round(speaker.latency * 48000)  # never more than 80 ms behind


@pytest.mark.skipif(not no_sound_card(), reason="this machine has a sound card")
def test_without_a_sound_card_it_says_so_once_and_ignores_the_sound() -> None:
    problems: list[str] = []
    speaker = Speaker(on_problem=problems.append)
    block = AudioBlock(np.zeros((960, 2), np.float32), 48000, 0.0)
    for _ in range(20):
        speaker.play(block)  # never raises
    speaker.close()
    assert len(problems) == 1 and problems[0] == speaker.problem
    assert problems[0].startswith("no sound device (") and "pictures only" in problems[0]
    assert speaker.buffer is None


def _tone(pts: float, seconds: float) -> AudioBlock:
    wave = 0.3 * np.sin(2 * np.pi * 440 * np.arange(round(seconds * 48000)) / 48000)
    return AudioBlock(np.repeat(wave.astype(np.float32)[:, None], 2, axis=1), 48000, pts)


def test_a_recording_has_sound_for_all_its_pictures_whatever_came_late_or_never(
    tmp_path: Path,
) -> None:
    """Sound reaching the encoder before the first picture (the pictures come through the
    output's worker, which may be starved), a gap (blocks lost), an overlap and sound that
    stops early: the file's sound is the pictures' two seconds, each stretch in its place."""
    recorder = Recorder(tmp_path / "take.mp4", width=64, height=48, fps=25)
    recorder.start()
    for i in range(30):  # 9.8 to 10.4 s, all before the first picture (10.0 s) arrives
        recorder.send_audio(_tone(9.8 + i * 0.02, 0.02))
    picture = np.zeros((48, 64, 3), np.uint8)
    for i in range(50):  # 10.0 to 12.0 s
        pts = 10.0 + i / 25
        recorder.send(VideoFrame(picture, pts, i))
        if 10.4 <= pts < 10.8 or 11.2 <= pts < 11.4:  # none for 10.8-11.2, none after 11.4
            recorder.send_audio(_tone(pts, 0.04))
        if i == 35:
            recorder.send_audio(_tone(pts - 0.03, 0.04))  # overlaps: the new part only
    recorder.stop()
    assert recorder.stats().state is OutputState.STOPPED
    with av.open(str(tmp_path / "take.mp4")) as take:
        sound = np.concatenate([f.to_ndarray()[0] for f in take.decode(audio=0)])
    assert 2 * 48000 <= len(sound) <= 2 * 48000 + 1024  # (AAC codes 1024 samples at a time)

    def level(start: float, end: float) -> float:
        return float(np.sqrt(np.mean(np.square(sound[round(start * 48000) : round(end * 48000)]))))

    assert level(0.02, 0.78) > 0.15 and level(1.22, 1.38) > 0.15  # the tone where it was
    assert level(0.85, 1.15) < 0.01 and level(1.45, 1.98) < 0.01  # silence for the rest


def test_sound_stamped_far_from_the_show_is_a_counted_fault_not_seconds_of_silence(
    tmp_path: Path,
) -> None:
    """A block stamped a minute ahead of the pictures, and one a minute behind the sound
    already encoded, are left out and counted; the tone around them stays in its place
    and the sound is the pictures' two seconds (no minute of silence)."""
    recorder = Recorder(tmp_path / "take.mp4", width=64, height=48, fps=25)
    recorder.start()
    picture = np.zeros((48, 64, 3), np.uint8)
    for i in range(50):  # 10.0 to 12.0 s, the tone with each picture
        pts = 10.0 + i / 25
        recorder.send(VideoFrame(picture, pts, i))
        recorder.send_audio(_tone(pts, 0.04))
        if i == 20:
            recorder.send_audio(_tone(pts + 60.0, 0.04))  # a minute ahead of the show
        if i == 30:
            recorder.send_audio(_tone(pts - 60.0, 0.04))  # a minute behind its sound
    recorder.stop()
    stats = recorder.stats()
    assert stats.state == "stopped" and stats.sound_faults == 2
    with av.open(str(tmp_path / "take.mp4")) as take:
        sound = np.concatenate([f.to_ndarray()[0] for f in take.decode(audio=0)])
    assert 2 * 48000 <= len(sound) <= 2 * 48000 + 1024
    stretches = sound[480 : 480 * 198].reshape(-1, 480)  # 10 ms each, the ends left out
    # the tone all along: no silence where the misplaced stamps were
    assert np.sqrt(np.mean(np.square(stretches), axis=1)).min() > 0.15
