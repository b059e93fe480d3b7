"""The show's sound follows the show's clock: silence for a gap, no overlap, no drift, and
a recording's sound as long as its pictures when a worker is starved."""

from __future__ import annotations

import time
from pathlib import Path
from types import SimpleNamespace

import av
import numpy as np
import pytest

from kaizen_studio.broadcast import OutputState, Recorder
from kaizen_studio.core.clock import Clock
from kaizen_studio.core.fake_clock import FakeClock
from kaizen_studio.core.media import AudioBlock, VideoFrame
from kaizen_studio.studio.pipeline import Programme
from kaizen_studio.studio.sound import ShowSound
from kaizen_studio.studio.sources import StillSource
from kaizen_studio.studio.sources.audio import ToneSource
from kaizen_studio.studio.sources.microphone import MicrophoneSource
from tests.conditions import wait_until


def _block(value: float, pts: float, samples: int = 960) -> AudioBlock:
    return AudioBlock(np.full((samples, 2), value, np.float32), 48000, pts)


def test_the_show_sound_fills_a_gap_with_silence_and_cuts_an_overlap() -> None:
    """What a voice hands over (``ShowSound._mixed`` is its callback) comes out as one
    unbroken run of samples on the show's clock."""
    blocks: list[AudioBlock] = []
    sound = ShowSound(blocks.append, clock=FakeClock())
    sound._mixed(_block(0.1, 1.0))  # 1.00-1.02
    sound._mixed(_block(0.2, 1.05))  # 30 ms lost before it: silence
    sound._mixed(_block(0.3, 1.06))  # 10 ms overlap with the one before: cut
    sound._mixed(_block(0.4, 1.06 + 0.02 + 0.5 / 48000))  # half a sample late: in step
    joined = np.concatenate([b.samples[:, 0] for b in blocks])
    expected = np.concatenate(
        [np.full(960, 0.1), np.zeros(1440), np.full(960, 0.2), np.full(480, 0.3), np.full(960, 0.4)]
    )
    assert np.allclose(joined, expected)
    starts = [b.pts for b in blocks]
    ends = [b.pts + b.duration for b in blocks]
    assert np.allclose(starts[1:], ends[:-1])  # no gap, no overlap
    assert sound.filled == 1440 and sound.blocks == len(blocks)


def test_a_microphone_that_loses_samples_catches_up_with_the_clock() -> None:
    """PortAudio says 'input overflow' when the callback was starved and samples were
    lost: the next block is stamped at the clock's time, not counted on from before."""
    clock = FakeClock(5.0)
    blocks: list[AudioBlock] = []
    mic = MicrophoneSource(blocks.append, clock=clock)
    data = np.zeros((960, 2), np.float32)
    fine, overflow = SimpleNamespace(input_overflow=False), SimpleNamespace(input_overflow=True)
    for _ in range(3):
        clock.advance(0.02)
        mic._callback(data, 960, None, fine)
    clock.advance(0.5)  # 480 ms lost
    mic._callback(data, 960, None, overflow)
    assert [round(b.pts, 6) for b in blocks[:3]] == [5.0, 5.02, 5.04]
    assert blocks[3].pts == pytest.approx(clock.now() - 0.02)  # where the clock says
    assert mic.overflows == 1


def _recorded(path: Path) -> tuple[float, int]:
    """The pictures' duration (first to last, plus one frame) and the sound samples."""
    with av.open(str(path)) as take:
        times = [float(f.time) for f in take.decode(video=0) if f.time is not None]
    with av.open(str(path)) as take:
        samples = sum(f.samples for f in take.decode(audio=0))
    return times[-1] - times[0] + 1 / 25, samples


class StarvedRecorder(Recorder):
    """A recorder whose worker is held up at its first picture, as a starved thread is,
    while the show's sound reaches it."""

    def send(self, frame: VideoFrame) -> None:
        if frame.index == 0:
            time.sleep(0.5)  # starved on purpose
        super().send(frame)


def test_a_show_with_starved_workers_records_sound_for_all_its_pictures(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The recorder held up at the start and the voice held up near the end: the sound
    is still as long as the pictures (silence where the voice was missing)."""
    slow_once: list[bool] = []
    samples = ToneSource._samples

    def late_samples(self: ToneSource, start: int) -> np.ndarray:
        if start > 48000 and not slow_once:
            slow_once.append(True)
            time.sleep(0.4)  # the voice's thread starved
        return samples(self, start)

    monkeypatch.setattr(ToneSource, "_samples", late_samples)
    clock = Clock()
    picture = np.zeros((48, 64, 3), np.uint8)
    programme = Programme(StillSource(picture), fps=25, clock=clock, sound=ShowSound(clock=clock))
    recorder = StarvedRecorder(tmp_path / "show.mp4", width=64, height=48, fps=25)
    programme.add_output(recorder)
    programme.start()
    wait_until(lambda: bool(slow_once) and programme.stats().frames >= 40, what="40 frames")
    programme.close()
    assert recorder.stats().state is OutputState.STOPPED
    pictures, sound = _recorded(tmp_path / "show.mp4")
    assert pictures > 1.0
    assert round(pictures * 48000) <= sound <= round(pictures * 48000) + 1024
