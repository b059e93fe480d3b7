"""Encode once, record and stream: through the real nginx on loopback, with a restart."""

from __future__ import annotations

import os
import signal
import threading
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
from tests.conditions import wait_until
from tests.media_files import play_show, play_show_until

W, H, FPS = 320, 240, 25
"""The format :func:`tests.media_files.play_show` sends."""


def recorded(path: Path) -> tuple[list[float], int]:
    """The recording's picture times and its number of sound samples."""
    with av.open(str(path)) as take:
        stamps = [float(f.time) for f in take.decode(video=0)]
    with av.open(str(path)) as take:
        samples = sum(f.samples for f in take.decode(audio=0))
    return stamps, samples


def caught_up(output: BroadcastOutput, sent: int) -> None:
    """Wait until the stream has taken (or dropped, counted) the ``sent`` pictures but the
    encoder's last two, which come out at stop."""

    def handled() -> int:
        stats = output.stream_stats()
        return stats.frames_sent + stats.frames_dropped

    wait_until(lambda: handled() >= sent - 2, what="the stream to take or drop each picture")


def test_one_encoder_records_and_streams(server: MediaServer, tmp_path: Path) -> None:
    output = BroadcastOutput(
        record=tmp_path / "take.mp4", stream=server.publish_url, width=W, height=H, fps=FPS
    )
    reader = StreamReader(server.play_url, retry=0.2)
    output.start()
    reader.start()
    sent = play_show_until(  # the classroom sees and hears two seconds of it
        [output],
        lambda: reader.stats.frames >= 2 * FPS and reader.stats.audio_samples >= 2 * 48000,
        what="the classroom to see and hear 2 s of the show",
        seconds=3.0,
    )
    caught_up(output, sent)
    output.stop()
    output.stop()  # twice is fine
    reader.stop()
    stream, rec = output.stream_stats(), output.recording_stats()
    output.close()
    # every picture reached the server or was counted dropped (a starved machine drops)
    assert stream.state is OutputState.STOPPED
    assert sent - 2 <= stream.frames_sent + stream.frames_dropped <= sent
    assert (
        rec.state is OutputState.STOPPED
        and rec.frames_sent + rec.frames_dropped == sent
        and rec.message == "saved take.mp4"
    )
    assert "Recording: saved take.mp4" in output.stats().message
    assert reader.stats.frames <= sent
    stamps, samples = recorded(tmp_path / "take.mp4")
    # each picture in the file or counted dropped (a starved encoder's queue drops), and
    # the sound as long as the pictures
    assert len(stamps) == rec.frames_sent and abs(samples / 48000 - stamps[-1] - 1 / FPS) < 0.1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["server", "take.mp4"]


def test_stream_only_fills_silence_when_there_is_no_sound(server: MediaServer) -> None:
    output = BroadcastOutput(stream=server.publish_url, width=W, height=H, fps=FPS)
    reader = StreamReader(server.play_url, retry=0.2)
    output.start()
    reader.start()
    sent = play_show_until(  # the player needs about 2.6 s to start on silence
        [output],
        lambda: reader.stats.frames >= FPS and reader.stats.audio_samples > 48000 // 2,
        what="the classroom to see a second of pictures and hear half a second of silence",
        sound=False,
    )
    caught_up(output, sent)
    reader.stop()
    output.close()
    handled = output.stats().frames_sent + output.stats().frames_dropped
    assert sent - 2 <= handled <= sent  # sent, or dropped and counted
    assert output.recording_stats().state is OutputState.IDLE


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
    show = threading.Thread(target=lambda: counted.append(play_show([output], 3600, stop)))
    show.start()
    try:
        wait_until(lambda: output.stream_stats().state is OutputState.ON_AIR, what="on air")
        on_air = output.stats().frames_sent
        wait_until(lambda: output.stats().frames_sent >= on_air + FPS, what="a second on air")
        server.kill()
        wait_until(  # the output notices the server is gone
            lambda: any(s.state is OutputState.RECONNECTING for s in statuses),
            what="the stream to say it is reconnecting",
        )
        server.start()
        reader = StreamReader(server.play_url, retry=0.2)  # a classroom joining after the return
        reader.start()
        wait_until(lambda: output.stats().reconnects >= 1, what="the stream to reconnect")
        before = output.stats().frames_sent
        wait_until(
            lambda: output.stats().frames_sent > before and reader.stats.frames >= FPS,
            what="a second of pictures after the return, in the classroom",
        )
    finally:
        stop.set()
        show.join()
    reader.stop()
    after = output.stream_stats()
    output.close()
    assert after.reconnects >= 1
    assert after.frames_sent > before  # frames flow again after the return
    assert after.frames_dropped > 0  # the time the server was away
    assert any(s.state is OutputState.RECONNECTING for s in statuses)
    assert statuses[-1].state in (OutputState.ON_AIR, OutputState.STOPPED)
    # the new connection starts at a keyframe with the codec's set-up: it decodes
    assert reader.stats.frames >= FPS
    stamps, _ = recorded(tmp_path / "take.mp4")
    rec = output.recording_stats()
    assert len(stamps) == rec.frames_sent and rec.state is OutputState.STOPPED
    assert rec.frames_sent + rec.frames_dropped == counted[0]  # each picture, or counted
    # the server's absence made no gap in the recording: pictures are missing only where
    # the encoder's queue dropped them, counted (the first step is the MP4 edit list)
    missing = sum(round(step * FPS) - 1 for step in np.diff(stamps)[1:])
    assert missing <= rec.frames_dropped


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
    show = threading.Thread(target=lambda: play_show([output], 3600, stop))
    show.start()
    try:
        wait_until(lambda: output.stream_stats().state is OutputState.ON_AIR, what="on air")
        assert output.streamer is not None and output.streamer._process is not None
        child = output.streamer._process.pid
        assert child is not None
        os.kill(child, signal.SIGSTOP)  # a write hung on a dead connection looks like this
        wait_until(
            lambda: "stopped answering" in output.stats().last_error,
            what="the hung process to be noticed",
        )
        restarted = output.stats()
        wait_until(
            lambda: output.stats().frames_sent > restarted.frames_sent,
            what="the new process to stream",
        )
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
    before = play_show_until(  # the classroom is watching
        [output], lambda: reader.stats.frames > 0, what="the classroom to see the stream"
    )
    dropped = output.recording_stats().frames_dropped
    assert output.start_recording(tmp_path / "join.mp4") and output.recording
    with pytest.raises(ValueError, match=r"already recording to join\.mp4"):
        output.start_recording(tmp_path / "again.mp4")
    during = play_show_until(  # 3 s, and on a starved machine until 2 s reached the file
        [output],
        lambda: output.recording_stats().frames_sent >= 2 * FPS,
        what="2 s of pictures in the recording",
        seconds=3.0,
    )
    output.stop_recording()
    dropped = output.recording_stats().frames_dropped - dropped  # the encoder's queue full
    assert not output.recording and output.streaming
    seen = reader.stats.frames
    after = play_show_until(  # the stream goes on after the recording left
        [output],
        lambda: reader.stats.frames > seen,
        what="more of the stream in the classroom",
        seconds=1.0,
    )
    caught_up(output, before + during + after)
    output.stop()
    reader.stop()
    rec, stream = output.recording_stats(), output.stream_stats()
    output.close()
    assert rec.state is OutputState.STOPPED and rec.message == "saved join.mp4"
    stamps, samples = recorded(tmp_path / "join.mp4")
    # from the first keyframe after it joined (one a second) to where it left
    assert during - FPS - dropped <= len(stamps) <= during and stamps[0] == 0.0
    assert rec.frames_sent == len(stamps)
    assert abs(samples / 48000 - stamps[-1] - 1 / FPS) < 0.15  # the sound as long
    total = before + during + after
    assert total - 2 <= stream.frames_sent + stream.frames_dropped <= total  # or counted
    assert reader.stats.frames <= total
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
    during = play_show_until(  # the classroom sees a second of the stream
        [output], lambda: reader.stats.frames >= FPS, what="the classroom to see the stream"
    )
    output.stop_stream()
    after = play_show([output], 1.0)
    output.stop()
    reader.stop()
    rec, stream = output.recording_stats(), output.stream_stats()
    output.close()
    # the classroom saw only what was sent while streaming
    assert stream.state is OutputState.STOPPED and FPS <= reader.stats.frames <= during
    total = before + during + after
    # each picture in the file or counted dropped (a starved encoder's queue drops)
    assert rec.state is OutputState.STOPPED and rec.frames_sent + rec.frames_dropped == total
    stamps, _ = recorded(tmp_path / "take.mp4")
    assert len(stamps) == rec.frames_sent  # the recording never noticed
