"""Streaming through the real nginx on loopback: the key, the read-back, a server restart."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import av
import numpy as np
import pytest

from broadcast import MediaServer, OutputStats, Recorder, RtmpStreamer, StreamReader
from broadcast.server import free_port
from studio.media import AudioBlock, VideoFrame

W, H, FPS = 320, 240, 25


@pytest.fixture
def server(tmp_path: Path) -> Iterator[MediaServer]:
    with MediaServer(
        tmp_path / "server", key="tulip42", rtmp_port=free_port(), http_port=free_port()
    ) as media:
        yield media


def play_show(outputs: list[object], seconds: float, stop: threading.Event | None = None) -> int:
    """Send numbered frames and a tone to each output at the show's pace; return count."""
    start = time.monotonic()
    i = 0
    tone = (np.sin(np.arange(1920) * 2 * np.pi * 440 / 48000) * 0.3).astype(np.float32)
    while time.monotonic() - start < seconds and not (stop and stop.is_set()):
        pts = start + i / FPS
        picture = np.full((H, W, 3), (i * 7) % 256, np.uint8)
        for output in outputs:
            output.send(VideoFrame(picture, pts, i))  # type: ignore[attr-defined]
            output.send_audio(AudioBlock(np.stack([tone, tone], 1), 48000, pts))  # type: ignore[attr-defined]
        i += 1
        time.sleep(max(0.0, start + i / FPS - time.monotonic()))
    return i


def test_the_right_key_publishes_and_the_show_reads_back(server: MediaServer) -> None:
    streamer = RtmpStreamer(server.publish_url, width=W, height=H, fps=FPS)
    reader = StreamReader(server.play_url, retry=0.2)
    streamer.start()
    reader.start()
    sent = play_show([streamer], 4.0)
    time.sleep(0.5)
    stats = streamer.stats()
    streamer.stop()
    streamer.stop()  # twice is fine
    reader.stop()
    streamer.close()
    assert stats.state == "streaming" and stats.frames_sent == sent and stats.frames_dropped == 0
    assert stats.bitrate_kbps > 0
    # the reader joined a little after the start: it sees most of the 4 s, with sound
    assert sent - 2 * FPS <= reader.stats.frames <= sent
    assert reader.stats.audio_samples >= 2 * 48000


def test_a_wrong_or_missing_key_is_refused(server: MediaServer) -> None:
    statuses: list[OutputStats] = []
    streamer = RtmpStreamer(
        server.publish_url.replace("tulip42", "daisy"),
        width=W,
        height=H,
        fps=FPS,
        on_status=statuses.append,
    )
    reader = StreamReader(server.play_url, retry=0.2)
    streamer.start()
    reader.start()
    play_show([streamer], 2.5)
    stats = streamer.stats()
    streamer.close()
    reader.stop()
    assert reader.stats.frames == 0  # nothing reached the classrooms
    assert stats.state == "reconnecting" and stats.frames_sent == 0 and stats.reconnects == 0
    assert "reconnecting" in stats.message and "daisy" not in stats.last_error
    assert any(s.state == "reconnecting" for s in statuses)


def test_a_server_restart_reconnects_and_the_recording_has_no_gap(
    server: MediaServer, tmp_path: Path
) -> None:
    statuses: list[OutputStats] = []
    streamer = RtmpStreamer(
        server.publish_url, width=W, height=H, fps=FPS, on_status=statuses.append
    )
    recorder = Recorder(tmp_path / "take.mp4", width=W, height=H, fps=FPS)
    streamer.start()
    recorder.start()
    stop = threading.Event()
    counted: list[int] = []
    show = threading.Thread(
        target=lambda: counted.append(play_show([streamer, recorder], 30, stop))
    )
    show.start()
    time.sleep(2.0)
    server.kill()
    time.sleep(1.0)
    server.start()
    back_at = time.monotonic()
    while time.monotonic() - back_at < 10 and streamer.stats().reconnects == 0:
        time.sleep(0.1)
    reconnected_after = time.monotonic() - back_at
    before = streamer.stats().frames_sent
    time.sleep(1.5)
    stop.set()
    show.join()
    after = streamer.stats()
    streamer.close()
    recorder.stop()
    assert after.reconnects >= 1 and reconnected_after < 5
    assert after.frames_sent > before  # frames flow again after the return
    assert after.frames_dropped > 0  # the time the server was away
    assert any(s.state == "reconnecting" for s in statuses)
    assert statuses[-1].state in ("streaming", "stopped")
    with av.open(str(tmp_path / "take.mp4")) as take:
        stamps = [float(f.time) for f in take.decode(video=0)]
    assert len(stamps) == counted[0]
    # no gap in the recording (the first step is the MP4 edit list of the recorder, 61 ms)
    assert max(np.diff(stamps)[1:]) < 1.5 / FPS
