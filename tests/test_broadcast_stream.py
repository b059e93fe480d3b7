"""Streaming through the real nginx on loopback: the key, the read-back, a server restart."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import tracemalloc
from pathlib import Path

import numpy as np
import pytest

from kaizen_studio.broadcast import (
    BroadcastOutput,
    MediaServer,
    OutputState,
    OutputStats,
    RtmpStreamer,
    StreamReader,
)
from kaizen_studio.broadcast.encoder_queue import MAX_QUEUE_BYTES
from kaizen_studio.broadcast.server import free_port
from kaizen_studio.core.media import VideoFrame
from tests.conditions import BOUND, wait_until
from tests.media_files import play_show, play_show_until

W, H, FPS = 320, 240, 25
"""The format :func:`tests.media_files.play_show` sends."""


def test_the_right_key_publishes_and_the_show_reads_back(server: MediaServer) -> None:
    streamer = RtmpStreamer(server.publish_url, width=W, height=H, fps=FPS)
    reader = StreamReader(server.play_url, retry=0.2)
    streamer.start()
    reader.start()
    sent = play_show_until(  # the classroom sees and hears two seconds of it
        [streamer],
        lambda: reader.stats.frames >= 2 * FPS and reader.stats.audio_samples >= 2 * 48000,
        what="the classroom to see and hear 2 s of the show",
        seconds=3.0,
    )
    wait_until(  # each picture sent, or dropped and counted (a starved machine drops)
        lambda: streamer.stats().frames_sent + streamer.stats().frames_dropped == sent,
        what="every frame sent or counted",
    )
    stats = streamer.stats()
    streamer.stop()
    streamer.stop()  # twice is fine
    reader.stop()
    streamer.close()
    assert stats.state is OutputState.ON_AIR and stats.frames_sent + stats.frames_dropped == sent
    assert stats.bitrate_kbps > 0
    assert reader.stats.frames <= sent


@pytest.mark.parametrize(
    "kind", ["RtmpStreamer wrong key", "BroadcastOutput no key", "BroadcastOutput wrong name"]
)
def test_a_wrong_or_missing_key_is_refused_and_said_so(server: MediaServer, kind: str) -> None:
    statuses: list[OutputStats] = []
    output: RtmpStreamer | BroadcastOutput
    if kind.startswith("Rtmp"):
        url = server.publish_url.replace("tulip42", "daisy")
        output = RtmpStreamer(url, width=W, height=H, fps=FPS, on_status=statuses.append)
    else:
        url = server.publish_url.split("?")[0]
        if kind.endswith("wrong name"):  # the key is right, the application is not
            url = server.publish_url.replace("/live/", "/news/")
        output = BroadcastOutput(stream=url, width=W, height=H, fps=FPS, on_status=statuses.append)
    reader = StreamReader(server.play_url, retry=0.2)
    output.start()
    reader.start()
    stop = threading.Event()
    shown = threading.Thread(target=play_show, args=([output], 3600, stop))
    shown.start()
    try:  # refused, tried once more, refused again: it stops for good and says so
        wait_until(lambda: output.stats().state.final, what="the stream to stop for good")
    finally:
        stop.set()
        shown.join()
    stats = output.stats()
    output.close()
    reader.stop()
    assert reader.stats.frames == 0  # nothing reached the classrooms
    assert stats.state is OutputState.REFUSED and stats.frames_sent == 0
    assert stats.message == "The school's server said no: ask your teacher for the stream key."
    assert "name after the port" in stats.last_error and "tried 2 times" in stats.last_error
    assert "daisy" not in stats.last_error and "daisy" not in stats.message
    assert OutputState.ON_AIR not in [s.state for s in statuses]  # never said on air
    assert [s.state for s in statuses].count(OutputState.REFUSED) == 1
    # the server knows too (studio serve says so); a wrong name never reaches the key check
    assert server.refused == ([] if kind.endswith("wrong name") else ["127.0.0.1"] * 2)


def test_a_server_that_is_not_there_is_connecting_never_on_air_and_the_key_stays_hidden() -> None:
    statuses: list[OutputStats] = []
    url = f"rtmp://127.0.0.1:{free_port()}/live/show?key=daisy"
    output = BroadcastOutput(stream=url, width=W, height=H, fps=FPS, on_status=statuses.append)
    output.start()
    stop = threading.Event()
    shown = threading.Thread(target=play_show, args=([output], 3600, stop))
    shown.start()
    try:
        wait_until(lambda: bool(output.stats().last_error), what="the stream to say why")
    finally:
        stop.set()
        shown.join()
    stats = output.stats()
    output.close()
    assert stats.state is OutputState.CONNECTING and "Cannot reach the school's server" in (
        stats.message
    )
    assert "Connection refused" in stats.last_error
    assert all("daisy" not in s.message + s.last_error for s in [*statuses, stats])
    assert OutputState.ON_AIR not in [s.state for s in statuses]


CHILD_LIBRARIES = """
import json
import sys
import time
from pathlib import Path

import cv2  # noqa: F401  (the show's main module holds OpenCV, as the studio command's does)
import numpy as np

from kaizen_studio.broadcast.output import BroadcastOutput
from kaizen_studio.broadcast.stats import OutputState
from kaizen_studio.core.media import VideoFrame
from tests.conditions import wait_until


def main() -> None:
    output = BroadcastOutput(stream=sys.argv[1], width=64, height=48, fps=25)
    output.start()
    sent = []

    def on_air() -> bool:  # the child has taken packets to the server: it is all loaded
        output.send(VideoFrame(np.zeros((48, 64, 3), np.uint8), time.monotonic(), len(sent)))
        sent.append(1)
        return output.stream_stats().state is OutputState.ON_AIR

    try:
        wait_until(on_air, what="the stream on air", every=0.04)
        text = Path(f"/proc/{output.streamer.pid}/maps").read_text()
    finally:
        output.close()
    libraries = {"opencv": "cv2", "llvm": "llvmlite", "numpy": "numpy"}
    print(json.dumps({name: part in text for name, part in libraries.items()}))


if __name__ == "__main__":
    main()
"""


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="reads /proc (Linux)")
def test_the_streaming_child_loads_pyav_only_not_the_shows_main_module(
    server: MediaServer, tmp_path: Path
) -> None:
    """The child that only muxes packets holds PyAV, not what the show's process holds:
    neither the main module (spawn runs it again in the child) nor the package's other
    modules (OpenCV, 40 MiB) nor NumPy (only a raw stream's child encodes)."""
    script = tmp_path / "show.py"
    script.write_text(CHILD_LIBRARIES)
    root = str(Path(__file__).resolve().parents[1])
    done = subprocess.run(
        [sys.executable, str(script), server.publish_url],
        capture_output=True,
        text=True,
        timeout=BOUND,
        env={**os.environ, "PYTHONPATH": os.pathsep.join([root, os.environ.get("PYTHONPATH", "")])},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    loaded = json.loads(done.stdout.splitlines()[-1])
    assert loaded == {"opencv": False, "llvm": False, "numpy": False}


def test_a_stopped_streaming_child_holds_at_most_its_queue_in_bytes() -> None:
    """A child that takes nothing (stopped on purpose, SIGSTOP) while 1080p pictures come:
    the show holds its queue's bound in bytes (48 MiB), not its count of pictures (60 a
    second, 373 MB), and counts the rest dropped."""
    w, h = 1920, 1080
    url = f"rtmp://127.0.0.1:{free_port()}/live/show"  # nothing listens: it never gets there
    streamer = RtmpStreamer(url, width=w, height=h, fps=30, stall_seconds=BOUND)
    streamer.start()
    child = streamer.pid
    assert child is not None
    os.kill(child, signal.SIGSTOP)
    tracemalloc.start()
    try:
        for i in range(30):
            streamer.send(VideoFrame(np.full((h, w, 3), i, np.uint8), i / 30, i))
            assert streamer.queued_bytes <= streamer.max_queue_bytes
        grown = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
        os.kill(child, signal.SIGCONT)
        streamer.close()
    assert streamer.max_queue_bytes <= MAX_QUEUE_BYTES
    assert streamer.stats().frames_dropped > 0
    assert grown < streamer.max_queue_bytes + 4 * w * h * 3  # the queue and a few pictures
