"""studio live streams through the real media server on loopback, with the virtual camera
missing on this machine: the show goes on and says what to install."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np

from kaizen_studio.broadcast import MediaServer, StreamReader
from kaizen_studio.broadcast.server import free_port
from tests.media_files import LIVE_SHOW


def live(show: Path, seconds: int, *options: str) -> subprocess.CompletedProcess[str]:
    """Run ``studio live`` on ``show`` for ``seconds`` (the stream key from the
    environment); the player gets half a second more."""
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "kaizen_studio",
            "live",
            "--show",
            str(show),
            "--seconds",
            str(seconds),
            *options,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "KAIZEN_STREAM_KEY": "tulip42"},
    )
    return result


def test_live_streams_to_the_school_server(tmp_path: Path) -> None:
    show = tmp_path / "show.toml"
    show.write_text(LIVE_SHOW, encoding="utf-8")
    with MediaServer(
        tmp_path / "server", key="tulip42", rtmp_port=free_port(), http_port=free_port()
    ) as server:
        reader = StreamReader(server.play_url, retry=0.2)
        reader.start()
        try:
            result = live(show, 6, "--stream", server.publish_url.split("?")[0], "--virtual-camera")
        finally:
            reader.stop()
    assert result.returncode == 0, result.stderr
    assert "virtual camera:" in result.stderr and "v4l2loopback" in result.stderr
    assert "0 dropped" in result.stderr
    assert reader.stats.frames >= 1  # the show reached the classroom (speed: benchmarks)


def test_live_records_and_streams_from_one_encoder(tmp_path: Path) -> None:
    import av

    show = tmp_path / "show.toml"
    show.write_text(LIVE_SHOW, encoding="utf-8")
    recording = tmp_path / "assembly.mp4"
    with MediaServer(
        tmp_path / "server", key="tulip42", rtmp_port=free_port(), http_port=free_port()
    ) as server:
        reader = StreamReader(server.play_url, retry=0.2)
        reader.start()
        try:
            result = live(
                show, 5, "--stream", server.publish_url.split("?")[0], "--record", str(recording)
            )
        finally:
            reader.stop()
    assert result.returncode == 0, result.stderr
    assert reader.stats.frames >= 1
    with av.open(str(recording)) as container:
        assert container.streams.audio
        frames = list(container.decode(video=0))
        stamps = [float(f.pts * f.time_base) for f in frames]
        first, last = (f.to_ndarray(format="bgr24") for f in (frames[0], frames[-1]))
    assert stamps and stamps[-1] - stamps[0] >= 3.0  # 5 s from the first picture
    # the LIVE badge (red, top left) only once the server has the stream
    assert not has_live_badge(first) and has_live_badge(last)


def has_live_badge(picture: np.ndarray) -> bool:
    """True when the top left of a 320x180 picture holds the red LIVE badge."""
    b, _, r = picture[7:11, 7:14].reshape(-1, 3).mean(axis=0)
    return bool(r > 150 and b < 100)
