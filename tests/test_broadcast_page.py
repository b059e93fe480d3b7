"""The classroom page in headless Chromium, the virtual camera's error path, the commands."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from benchmarks.chromium import Chromium
from kaizen_studio.broadcast import MediaServer, RtmpStreamer, SafeVirtualCamera, VirtualCamera
from kaizen_studio.broadcast.server import free_port
from kaizen_studio.broadcast.stats import OutputState
from kaizen_studio.broadcast.virtualcam import install_help
from kaizen_studio.core.errors import DeviceError
from kaizen_studio.core.media import AudioBlock, VideoFrame
from tests.conditions import wait_until
from tests.serve_process import Serve, run_studio

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


class Feed:
    """The show as a studio streams it, through the project's RtmpStreamer: a green
    picture and a 440 Hz tone (``loudness`` of full scale; 0: silence), 25 frames a second
    in real time from a thread, until the ``with`` block ends."""

    def __init__(self, url: str, *, width: int, height: int, loudness: float = 0.0) -> None:
        self.streamer = RtmpStreamer(url, width=width, height=height, fps=25)
        self.picture = np.zeros((height, width, 3), np.uint8)
        self.picture[:] = (0, 200, 0)
        self.loudness = loudness
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._feed, name="feed")

    def _feed(self) -> None:
        start, i = time.monotonic(), 0
        while not self._stop.is_set():
            pts = start + i / 25
            times = (i * 1920 + np.arange(1920)) / 48000
            tone = (self.loudness * np.sin(2 * np.pi * 440 * times)).astype(np.float32)
            self.streamer.send(VideoFrame(self.picture, pts, i))
            self.streamer.send_audio(AudioBlock(np.repeat(tone[:, None], 2, axis=1), 48000, pts))
            i += 1
            time.sleep(max(0.0, start + i / 25 - time.monotonic()))  # the pace

    def __enter__(self) -> Feed:
        self.streamer.start()
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()
        self.streamer.close()


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
        assert browser.wait_for(STATE, "offair", seconds=60), said(browser)
        assert browser.wait_for(
            "document.getElementById('school').textContent", "Hillside Primary", seconds=60
        )
        assert centre_colour(browser) == OFF_AIR_CARD
        colours: list[tuple[int, int, int]] = []

        def shows_the_show() -> bool:
            colours.append(centre_colour(browser))
            return bool(np.abs(np.array(colours[-1]) - SHOW_GREEN).max() < 40)

        with Feed(server.publish_url, width=320, height=240):
            live = browser.wait_for(STATE, "live", seconds=60)
            assert live, f"the page never played the show; {said(browser)}"
            wait_until(
                shows_the_show,
                what="the page to show the show's green",
                every=0.2,
                why=lambda: f"page shows {colours[-1]}; {said(browser)}",
            )


SOUND = (
    "JSON.stringify({muted: video.muted, volume: video.volume, paused: video.paused,"
    " decoded: video.webkitAudioDecodedByteCount, level: soundLevel(),"
    " sound: document.body.dataset.sound, tap: !tap.classList.contains('hidden')})"
)
TAP_COLOUR = np.array([228, 87, 46])  # #e4572e, RGB


def sound(browser: Chromium) -> dict[str, Any]:
    """What the page's sound is doing: the media element's muted, volume, paused and
    audio bytes decoded; the level it hears through Web Audio (-1: not listening)."""
    answer = browser.evaluate(SOUND)
    assert isinstance(answer, str), said(browser)
    found: dict[str, Any] = json.loads(answer)
    return found


def hears_the_show(browser: Chromium, *, seconds: float = 60.0) -> dict[str, Any]:
    """Wait until the page plays the show's sound: not muted, full volume, playing, the
    audio track decoding (its byte count growing) and its level through Web Audio above
    silence (the tone's is about 0.09). The last reading; AssertionError if not in time."""
    readings = [sound(browser)]

    def hears() -> bool:
        now = sound(browser)
        readings.append(now)
        return bool(
            not now["muted"]
            and now["volume"] >= 0.99
            and not now["paused"]
            and now["decoded"] > readings[0]["decoded"] + 4000
            and now["level"] > 0.02
        )

    wait_until(
        hears,
        timeout=seconds,
        what="the page to play the show's sound",
        every=0.2,
        why=lambda: f"{readings[-1]}; {said(browser)}",
    )
    return readings[-1]


def tap_button(browser: Chromium) -> tuple[float, float, float, float]:
    """The tap button's box: left, top, width, height (CSS pixels; all 0 when hidden)."""
    box = browser.evaluate(
        "(() => { const r = tap.getBoundingClientRect();"
        " return [r.left, r.top, r.width, r.height]; })()"
    )
    left, top, width, height = (float(v) for v in box)
    return left, top, width, height


def test_sound_waits_for_one_tap_then_stays_on_across_off_air(tmp_path: Path) -> None:
    """A browser's own rule (no sound before a touch): a big "Tap for sound" from the
    first load; the show plays muted until the tap, then with its sound, and after an off
    air the next show has sound with no second tap."""
    with (
        MediaServer(tmp_path / "server", key="k1", rtmp_port=free_port(), http_port=free_port())
        as server,
        Chromium(tmp_path / "profile", width=W, height=H, autoplay=False) as browser,
    ):  # fmt: skip
        browser.open(server.page_url)
        assert browser.wait_for(STATE, "offair", seconds=60), said(browser)
        assert sound(browser)["sound"] == "tap" and sound(browser)["tap"]
        left, top, width, height = tap_button(browser)
        assert height > H / 8 and width > W / 4  # big
        picture, _ = browser.screenshot(exact=True)
        inside = picture[round(top + height / 2), round(left + 8)][::-1]  # left of the words
        assert np.abs(inside.astype(int) - TAP_COLOUR).max() < 30, inside
        with Feed(server.publish_url, width=320, height=240, loudness=0.125):
            assert browser.wait_for(STATE, "live", seconds=60), said(browser)
            before = sound(browser)
            assert before["muted"] and before["tap"]  # pictures now, sound after the tap
            browser.click(left + width / 2, top + height / 2)
            heard = hears_the_show(browser)
            assert heard["sound"] == "on" and not heard["tap"]
        assert browser.wait_for(STATE, "offair", seconds=60), said(browser)
        assert not sound(browser)["tap"]
        with Feed(server.publish_url, width=320, height=240, loudness=0.125):
            assert browser.wait_for(STATE, "live", seconds=60), said(browser)
            hears_the_show(browser)


def test_a_kiosk_screen_plays_sound_with_no_tap(tmp_path: Path) -> None:
    """A screen started with chromium --autoplay-policy=no-user-gesture-required: the page
    finds that sound may start, never shows the button, and plays the show's sound."""
    with (
        MediaServer(tmp_path / "server", key="k1", rtmp_port=free_port(), http_port=free_port())
        as server,
        Chromium(tmp_path / "profile", width=W, height=H, autoplay=True) as browser,
    ):  # fmt: skip
        browser.open(server.page_url)
        assert browser.wait_for(STATE, "offair", seconds=60), said(browser)
        assert sound(browser)["sound"] == "on" and not sound(browser)["tap"]
        with Feed(server.publish_url, width=320, height=240, loudness=0.125):
            assert browser.wait_for(STATE, "live", seconds=60), said(browser)
            heard = hears_the_show(browser)
        assert not heard["tap"] and tap_button(browser)[3] == 0


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
    with Serve(tmp_path / "srv", rtmp_port=free_port(), http_port=free_port()) as serve:
        serve.running()
        url = f"rtmp://127.0.0.1:{serve.rtmp_port}/live/show"
        # no sound sent: the streamer fills its sound track with silence
        with Feed(serve.url(), width=160, height=120) as feed:
            wait_until(lambda: feed.streamer.stats().state is OutputState.ON_AIR, what="on air")
            # 10 s of watching for 1 s of pictures: room for a slow start on a busy machine
            result = run_studio("watch", url, "--headless", "--seconds", "10")
        report = json.loads(result.stdout)
        assert result.returncode == 0 and report["frames"] >= 25, result
        if report["sound"] != "played":  # no sound card here: said once, pictures went on
            err = result.stderr
            assert err.count("watch: no sound device") == 1 and "pictures only" in err
        assert serve.stop() == 0


def test_commands_refuse_bad_values_in_one_line() -> None:
    for argv, words in (
        (["serve", "--key", "a b"], "use --key-file PATH or the KAIZEN_STREAM_KEY"),
        (["serve", "--rtmp-port", "80"], "--rtmp-port must be between 1025 and 65535"),
        (["watch", "http://example"], "rtmp://"),
    ):
        result = run_studio(*argv)
        assert result.returncode == 2 and words in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
