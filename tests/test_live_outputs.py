"""The outputs' side of the programme: one queue between the compositor and an encoder,
bounded in bytes; sound through a declared interface; a stalled encoder is a fault the
stats report in words (state STALLED), not a growing heap, and the take still plays."""

from __future__ import annotations

import threading
import time
import tracemalloc
from pathlib import Path

import av
import numpy as np

from kaizen_studio.broadcast import BroadcastOutput, OutputState, ProgrammeEncoder
from kaizen_studio.broadcast.encoder import Picture
from kaizen_studio.broadcast.encoder_queue import MAX_QUEUE_BYTES
from kaizen_studio.core.media import AudioBlock, VideoFrame
from kaizen_studio.studio.output_link import QueuedOutput, SoundOutput
from kaizen_studio.studio.pipeline import Programme
from tests.conditions import BOUND, wait_until
from tests.engine_parts import Collector, Numbered

W, H, FPS = 320, 240, 25


def test_an_encoder_is_fed_through_its_own_queue_only(tmp_path: Path) -> None:
    output = BroadcastOutput(record=tmp_path / "take.mp4", width=32, height=24, fps=25)
    assert isinstance(output, QueuedOutput) and isinstance(output, SoundOutput)
    programme = Programme(Numbered(fps=25), fps=25)
    link = programme.add_output(output)
    preview = programme.add_output(Collector())
    assert link.direct and link.frames.maxsize == 1 and link.sound is output
    assert not preview.direct and preview.sound is None  # a plain output keeps its queue
    programme.start()
    wait_until(lambda: output.recording_stats().frames_sent >= 25, what="a second in the file")
    # stamped on the show's clock, as all sound is (a stamp hours ahead is filled with silence)
    link.send_audio(AudioBlock(np.zeros((1920, 2), np.float32), 48000, programme.clock.now()))
    programme.stop()
    stats = output.recording_stats()
    assert stats.state is OutputState.STOPPED and link.frames.empty()
    with av.open(str(tmp_path / "take.mp4")) as take:
        assert sum(1 for _ in take.decode(video=0)) == stats.frames_sent


class HungEncoder(BroadcastOutput):
    """A real output whose real encoder hangs until ``release`` is set (a fault put in on
    purpose: an encoder that stops taking frames)."""

    release = threading.Event()

    def _open(self) -> ProgrammeEncoder:
        encoder = super()._open()
        real = encoder.encode

        def encode(item: Picture | AudioBlock) -> list:  # type: ignore[type-arg]
            self.release.wait()
            return real(item)

        encoder.encode = encode  # type: ignore[method-assign]
        return encoder


def test_a_stalled_encoder_is_reported_and_its_queue_stays_bounded(tmp_path: Path) -> None:
    output = HungEncoder(
        record=tmp_path / "take.mp4",
        width=W,
        height=H,
        fps=FPS,
        buffer_seconds=0.5,
        encoder_stall_seconds=1.0,
    )
    HungEncoder.release.clear()
    output.start()
    start, i, peak = time.monotonic(), 0, 0
    try:
        while output.recording_stats().state is not OutputState.STALLED:
            # bounded by pictures sent (BOUND seconds of show), not by the clock
            assert i < BOUND * FPS, output.recording_stats()
            output.send(VideoFrame(np.full((H, W, 3), i % 256, np.uint8), start + i / FPS, i))
            peak = max(peak, output.recording_stats().queued_bytes)
            i += 1
            time.sleep(1 / FPS)  # the show's pace, not a wait
        stats = output.recording_stats()
        assert "the encoder has taken nothing" in stats.message
        assert stats.frames_dropped > 0 and peak <= output.max_queue_bytes
        assert output.max_queue_bytes < 25 * W * H * 3  # half a second, not frames unbounded
    finally:
        HungEncoder.release.set()
    for _ in range(3 * FPS):  # the encoder is back: the take goes on
        output.send(VideoFrame(np.full((H, W, 3), i % 256, np.uint8), start + i / FPS, i))
        i += 1
        time.sleep(1 / FPS)  # the pace
    wait_until(
        lambda: output.recording_stats().state is OutputState.ON_AIR, what="the take to go on"
    )
    output.stop()
    stats = output.recording_stats()
    assert stats.state is OutputState.STOPPED
    with av.open(str(tmp_path / "take.mp4")) as take:
        assert sum(1 for _ in take.decode(video=0)) == stats.frames_sent > FPS


def test_a_stalled_1080p_encoder_holds_at_most_its_queue_in_memory(tmp_path: Path) -> None:
    """The issue's case: 4 s asked of the queue at 1920x1080, the encoder hung. The heap
    grows by the queue's bound (48 MiB), not by every picture sent (750 MB of BGR in 4 s),
    the fault is said in words, and the take goes on once the encoder is back."""
    w, h = 1920, 1080
    output = HungEncoder(
        record=tmp_path / "take.mp4", width=w, height=h, fps=30, encoder_stall_seconds=1.0
    )
    assert output.max_queue_bytes == MAX_QUEUE_BYTES  # 4 s of 4:2:0 would be 373 MB
    HungEncoder.release.clear()
    picture = np.full((h, w, 3), 90, np.uint8)
    output.start()
    tracemalloc.start()
    try:
        start, i = time.monotonic(), 0
        while i < 4 * 30 or output.recording_stats().state is not OutputState.STALLED:
            assert i < BOUND * 30, output.recording_stats()
            output.send(VideoFrame(picture, start + i / 30, i))
            i += 1
            time.sleep(1 / 60)  # the show's pace (faster than real time), not a wait
        grown = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
        HungEncoder.release.set()
    stats = output.recording_stats()
    assert "the encoder has taken nothing" in stats.message and stats.frames_dropped > 0
    assert grown < output.max_queue_bytes + 4 * w * h * 3  # the queue and a few pictures
    wait_until(lambda: output.recording_stats().state is OutputState.ON_AIR, what="the take")
    output.stop()
    with av.open(str(tmp_path / "take.mp4")) as take:
        assert sum(1 for _ in take.decode(video=0)) == output.recording_stats().frames_sent > 0
