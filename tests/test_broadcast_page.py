"""The classroom page in headless Chromium, the virtual camera's error path, the commands."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from benchmarks.chromium import Chromium
from kaizen_studio.broadcast import MediaServer, RtmpStreamer, SafeVirtualCamera, VirtualCamera
from kaizen_studio.broadcast.server import free_port
from kaizen_studio.broadcast.stats import OutputState
from kaizen_studio.broadcast.virtualcam import install_help
from kaizen_studio.core.errors import DeviceError
from kaizen_studio.core.media import AudioBlock, VideoFrame

OFF_AIR_CARD = (27, 42, 74)  # #1b2a4a
SHOW_GREEN = np.array([0, 200, 0])  # BGR (0, 200, 0) is green in RGB too


W, H = 640, 360
STATE = "document.body.dataset.state"


def centre_colour(browser: Chromium) -> tuple[int, int, int]:
    """The page's centre pixel, RGB, from an exact (PNG) screenshot."""
    picture, _ = browser.screenshot(exact=True)
    b, g, r = (int(v) for v in picture[H // 2, W // 2])
    return r, g, b


def said(browser: Chromium) -> str:
    return "the page's console: " + " | ".join(browser.console)


def test_the_page_shows_off_air_then_plays_the_show_by_itself(tmp_path: Path) -> None:
    """The page runs in real time, as in a classroom: off air with the school's name while
    nothing is sent, then the show by itself within seconds of the stream starting."""
    with (
        MediaServer(
            tmp_path / "server",
            key="k1",
            rtmp_port=free_port(),
            http_port=free_port(),
            school="Hillside Primary",
        ) as server,
        Chromium(tmp_path / "profile", width=W, height=H) as browser,
    ):
        browser.open(server.page_url)
        assert browser.wait_for(STATE, "offair", seconds=15), said(browser)
        assert browser.wait_for(
            "document.getElementById('school').textContent", "Hillside Primary", seconds=5
        )
        assert centre_colour(browser) == OFF_AIR_CARD
        streamer = RtmpStreamer(server.publish_url, width=320, height=240, fps=25)
        streamer.start()
        stop = threading.Event()

        def feed() -> None:
            start, i = time.monotonic(), 0
            picture = np.zeros((240, 320, 3), np.uint8)
            picture[:] = (0, 200, 0)
            silence = np.zeros((1920, 2), np.float32)
            while not stop.is_set():
                pts = start + i / 25
                streamer.send(VideoFrame(picture, pts, i))
                streamer.send_audio(AudioBlock(silence, 48000, pts))
                i += 1
                time.sleep(max(0.0, start + i / 25 - time.monotonic()))

        show = threading.Thread(target=feed)
        show.start()
        colours: list[tuple[int, int, int]] = []
        try:
            live = browser.wait_for(STATE, "live", seconds=40)
            deadline = time.monotonic() + 10
            while live and time.monotonic() < deadline:
                colours.append(centre_colour(browser))
                if np.abs(np.array(colours[-1]) - SHOW_GREEN).max() < 40:
                    break
                time.sleep(0.2)
        finally:
            stop.set()
            show.join()
            streamer.close()
        assert live, f"the page never played the show; {said(browser)}"
        assert np.abs(np.array(colours[-1]) - SHOW_GREEN).max() < 40, (
            f"page shows {colours[-1]}, not the show; {said(browser)}"
        )


def test_no_virtual_camera_says_what_to_install_and_the_show_goes_on() -> None:
    if Path("/dev/video0").exists():
        pytest.skip("this machine has a video device; the error path needs none")
    with pytest.raises(DeviceError, match="v4l2loopback-dkms"):
        VirtualCamera(64, 48, 25).start()
    camera = SafeVirtualCamera(64, 48, 25)
    camera.start()
    camera.send(VideoFrame(np.zeros((48, 64, 3), np.uint8), 0.0))  # never raises
    stats = camera.stats()
    assert stats.state is OutputState.FAILED and "modprobe v4l2loopback" in stats.last_error
    camera.close()
    assert "OBS" in install_help("win32") and "OBS" in install_help("darwin")


def test_studio_serve_and_watch_headless(tmp_path: Path) -> None:
    rtmp, http = free_port(), free_port()
    serve = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kaizen_studio",
            "serve",
            "--key",
            "k9",
            "--rtmp-port",
            str(rtmp),
            "--http-port",
            str(http),
            "--folder",
            str(tmp_path / "srv"),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert serve.stdout is not None
        assert "Media server running" in serve.stdout.readline()
        url = f"rtmp://127.0.0.1:{rtmp}/live/show"
        streamer = RtmpStreamer(f"{url}?key=k9", width=160, height=120, fps=25)
        streamer.start()
        watch = subprocess.Popen(
            [sys.executable, "-m", "kaizen_studio", "watch", url, "--headless", "--seconds", "4"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        start = time.monotonic()
        for i in range(125):
            pts = start + i / 25
            streamer.send(VideoFrame(np.zeros((120, 160, 3), np.uint8), pts, i))
            # no sound sent: the streamer fills its sound track with silence
            time.sleep(max(0.0, start + (i + 1) / 25 - time.monotonic()))
        out, err = watch.communicate(timeout=20)
        streamer.close()
        report = json.loads(out)
        assert watch.returncode == 0 and report["frames"] >= 25
        if report["sound"] != "played":  # no sound card here: said once, pictures went on
            assert err.count("watch: no sound device") == 1 and "pictures only" in err
    finally:
        serve.terminate()
        serve.wait(timeout=10)
    assert serve.returncode == 0


def test_commands_refuse_bad_values_in_one_line() -> None:
    for argv, words in (
        (["serve", "--key", "a b"], "stream key"),
        (["serve", "--key", "k", "--rtmp-port", "80"], "rtmp_port"),
        (["watch", "http://example"], "rtmp://"),
    ):
        result = subprocess.run(
            [sys.executable, "-m", "kaizen_studio", *argv],
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert result.returncode == 2 and words in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
