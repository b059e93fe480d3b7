"""Encode once, record and stream: through the real nginx on loopback, with a restart."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import av
import numpy as np
import pytest

from kaizen_studio.broadcast import (
    BroadcastOutput,
    MediaServer,
    OutputState,
    OutputStats,
    StreamReader,
)
from kaizen_studio.broadcast.server import free_port
from kaizen_studio.core.media import VideoFrame
from tests.test_broadcast_stream import FPS, H, W, play_show


@pytest.fixture
def server(tmp_path: Path) -> Iterator[MediaServer]:
    with MediaServer(
        tmp_path / "server", key="tulip42", rtmp_port=free_port(), http_port=free_port()
    ) as media:
        yield media


def recorded(path: Path) -> tuple[list[float], int]:
    """The recording's picture times and its number of sound samples."""
    with av.open(str(path)) as take:
        stamps = [float(f.time) for f in take.decode(video=0)]
    with av.open(str(path)) as take:
        samples = sum(f.samples for f in take.decode(audio=0))
    return stamps, samples


def test_one_encoder_records_and_streams(server: MediaServer, tmp_path: Path) -> None:
    output = BroadcastOutput(
        record=tmp_path / "take.mp4", stream=server.publish_url, width=W, height=H, fps=FPS
    )
    reader = StreamReader(server.play_url, retry=0.2)
    output.start()
    reader.start()
    sent = play_show([output], 4.0)
    time.sleep(0.5)
    output.stop()
    output.stop()  # twice is fine
    reader.stop()
    stream, rec = output.stream_stats(), output.recording_stats()
    output.close()
    assert stream.state is OutputState.STOPPED and stream.frames_dropped == 0
    assert sent - 2 <= stream.frames_sent <= sent  # the encoder's last frames come at stop
    assert (
        rec.state is OutputState.STOPPED
        and rec.frames_sent == sent
        and rec.message == "saved take.mp4"
    )
    assert "Recording: saved take.mp4" in output.stats().message
    assert sent - 2 * FPS <= reader.stats.frames <= sent
    assert reader.stats.audio_samples >= 2 * 48000
    stamps, samples = recorded(tmp_path / "take.mp4")
    assert len(stamps) == sent and abs(samples / 48000 - sent / FPS) < 0.1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["server", "take.mp4"]


def test_stream_only_fills_silence_when_there_is_no_sound(server: MediaServer) -> None:
    output = BroadcastOutput(stream=server.publish_url, width=W, height=H, fps=FPS)
    reader = StreamReader(server.play_url, retry=0.2)
    output.start()
    reader.start()
    start = time.monotonic()
    for i in range(5 * FPS):  # the player needs about 2.6 s to start on silence
        picture = np.full((H, W, 3), i % 256, np.uint8)
        output.send(VideoFrame(picture, start + i / FPS, i))
        time.sleep(max(0.0, start + (i + 1) / FPS - time.monotonic()))
    time.sleep(0.5)
    reader.stop()
    output.close()
    assert (
        output.stats().frames_sent >= 5 * FPS - 2
        and output.recording_stats().state is OutputState.IDLE
    )
    assert reader.stats.frames >= FPS and reader.stats.audio_samples > 48000 // 2


def test_a_server_restart_reconnects_and_the_recording_has_no_gap(
    server: MediaServer, tmp_path: Path
) -> None:
    statuses: list[OutputStats] = []
    output = BroadcastOutput(
        record=tmp_path / "take.mp4",
        stream=server.publish_url,
        width=W,
        height=H,
        fps=FPS,
        on_status=statuses.append,
    )
    output.start()
    stop = threading.Event()
    counted: list[int] = []
    show = threading.Thread(target=lambda: counted.append(play_show([output], 30, stop)))
    show.start()
    deadline = time.monotonic() + 30  # on air first (a busy machine starts the child late)
    while output.stream_stats().state is not OutputState.ON_AIR and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(1.0)
    server.kill()
    time.sleep(1.0)
    server.start()
    back_at = time.monotonic()
    reader = StreamReader(server.play_url, retry=0.2)  # a classroom joining after the return
    reader.start()
    while time.monotonic() - back_at < 10 and output.stats().reconnects == 0:
        time.sleep(0.1)
    reconnected_after = time.monotonic() - back_at
    before = output.stats().frames_sent
    time.sleep(1.0)
    while time.monotonic() - back_at < 12 and reader.stats.frames < FPS:
        time.sleep(0.1)
    stop.set()
    show.join()
    reader.stop()
    after = output.stream_stats()
    output.close()
    assert after.reconnects >= 1 and reconnected_after < 5
    assert after.frames_sent > before  # frames flow again after the return
    assert after.frames_dropped > 0  # the time the server was away
    assert any(s.state is OutputState.RECONNECTING for s in statuses)
    assert statuses[-1].state in (OutputState.ON_AIR, OutputState.STOPPED)
    # the new connection starts at a keyframe with the codec's set-up: it decodes
    assert reader.stats.frames >= FPS
    stamps, _ = recorded(tmp_path / "take.mp4")
    assert len(stamps) == counted[0] and output.recording_stats().state is OutputState.STOPPED
    # no gap in the recording (the first step is the MP4 edit list: AAC priming, 21 ms)
    assert max(np.diff(stamps)[1:]) < 1.5 / FPS


def test_a_stream_process_that_stops_answering_is_restarted(server: MediaServer) -> None:
    statuses: list[OutputStats] = []
    output = BroadcastOutput(
        stream=server.publish_url,
        width=W,
        height=H,
        fps=FPS,
        stall_seconds=2.0,
        on_status=statuses.append,
    )
    output.start()
    stop = threading.Event()
    show = threading.Thread(target=lambda: play_show([output], 30, stop))
    show.start()
    try:
        time.sleep(2.0)
        assert output.streamer is not None and output.streamer._process is not None
        child = output.streamer._process.pid
        assert child is not None
        os.kill(child, signal.SIGSTOP)  # a write hung on a dead connection looks like this
        hung_at = time.monotonic()
        while time.monotonic() - hung_at < 10 and "stopped answering" not in (
            output.stats().last_error
        ):
            time.sleep(0.1)
        restarted = output.stats()
        while time.monotonic() - hung_at < 15 and output.stats().frames_sent <= (
            restarted.frames_sent
        ):
            time.sleep(0.1)
        back = output.stats()
    finally:
        stop.set()
        show.join()
        output.close()
    assert "stopped answering" in restarted.last_error and restarted.reconnects == 1
    assert back.frames_sent > restarted.frames_sent  # the new process streams again
    assert any(s.state is OutputState.RECONNECTING for s in statuses)


def test_a_recording_joins_a_running_stream_and_leaves_it(
    server: MediaServer, tmp_path: Path
) -> None:
    output = BroadcastOutput(stream=server.publish_url, width=W, height=H, fps=FPS)
    reader = StreamReader(server.play_url, retry=0.2)
    output.start()
    reader.start()
    before = play_show([output], 2.0)
    assert output.start_recording(tmp_path / "join.mp4") and output.recording
    with pytest.raises(ValueError, match=r"already recording to join\.mp4"):
        output.start_recording(tmp_path / "again.mp4")
    during = play_show([output], 3.0)
    output.stop_recording()
    assert not output.recording and output.streaming
    after = play_show([output], 1.0)
    time.sleep(0.5)
    output.stop()
    reader.stop()
    rec, stream = output.recording_stats(), output.stream_stats()
    output.close()
    assert rec.state is OutputState.STOPPED and rec.message == "saved join.mp4"
    stamps, samples = recorded(tmp_path / "join.mp4")
    # from the first keyframe after it joined (one a second) to where it left
    assert during - FPS <= len(stamps) <= during and stamps[0] == 0.0
    assert rec.frames_sent == len(stamps)
    assert abs(samples / 48000 - len(stamps) / FPS) < 0.15
    total = before + during + after
    assert stream.frames_dropped == 0 and total - 2 <= stream.frames_sent <= total
    assert total - 2 * FPS <= reader.stats.frames <= total  # the stream went on throughout
    assert sorted(p.name for p in tmp_path.iterdir()) == ["join.mp4", "server"]


def test_a_stream_joins_a_running_recording_and_leaves_it(
    server: MediaServer, tmp_path: Path
) -> None:
    output = BroadcastOutput(record=tmp_path / "take.mp4", width=W, height=H, fps=FPS)
    with pytest.raises(ValueError, match="not running: start"):
        output.start_stream(server.publish_url)
    output.start()
    reader = StreamReader(server.play_url, retry=0.2)
    reader.start()
    before = play_show([output], 2.0)
    with pytest.raises(ValueError, match="must start with rtmp://"):
        output.start_stream("http://127.0.0.1/live")
    output.start_stream(server.publish_url)
    during = play_show([output], 3.0)
    time.sleep(0.3)
    output.stop_stream()
    heard = reader.stats.frames
    after = play_show([output], 1.0)
    output.stop()
    reader.stop()
    rec, stream = output.recording_stats(), output.stream_stats()
    output.close()
    assert stream.state is OutputState.STOPPED and during - 2 * FPS <= heard <= during
    total = before + during + after
    assert rec.state is OutputState.STOPPED and rec.frames_sent == total
    stamps, _ = recorded(tmp_path / "take.mp4")
    assert len(stamps) == total  # the recording never noticed
