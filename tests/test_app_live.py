"""GO LIVE from the window through the real media server (nginx on loopback): the
classroom player gets the show, the status strip says on air, then "reconnecting" when
the server dies, and on air again when it is back; END LIVE stops it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from kaizen_studio.broadcast import MediaServer, StreamReader
from kaizen_studio.broadcast.server import free_port
from kaizen_studio.studio.app.screenshots import wait
from kaizen_studio.studio.app.window import StudioWindow
from kaizen_studio.studio.app_settings import AppSettings
from kaizen_studio.studio.control import StudioControl
from kaizen_studio.studio.show import Scene, Show

SHOW = Show("Assembly", 25, (320, 180), (Scene("Hall", "playground", live_badge=True),))


@pytest.fixture
def window(qapp: QApplication, tmp_path: Path) -> Iterator[StudioWindow]:
    settings = AppSettings(recordings=str(tmp_path), checklist_done=True, remote_host="127.0.0.1")
    control = StudioControl(SHOW, camera="demo", recordings=tmp_path)
    studio = StudioWindow(control, settings)
    studio.show()
    wait(qapp, 60, lambda: control.running)
    assert control.running
    yield studio
    studio.close()


def test_go_live_reaches_the_classroom_and_survives_a_server_restart(
    window: StudioWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    rtmp, http = free_port(), free_port()
    server = MediaServer(tmp_path / "server", key="tulip42", rtmp_port=rtmp, http_port=http)
    server.start()
    reader = StreamReader(server.play_url, retry=0.2)
    reader.start()
    try:
        window.on_air.stream_url.setText(server.publish_url)
        qtbot.mouseClick(window.on_air.live, Qt.MouseButton.LeftButton)
        assert window.control.live
        qtbot.waitUntil(lambda: "On air" in window.status_strip.text(), timeout=15_000)
        assert "ON AIR" in window.on_air.live_state.text()
        qtbot.waitUntil(lambda: reader.stats.frames > 25, timeout=15_000)
        server.kill()
        qtbot.waitUntil(lambda: "reconnecting" in window.status_strip.text(), timeout=15_000)
        server = MediaServer(tmp_path / "server", key="tulip42", rtmp_port=rtmp, http_port=http)
        server.start()
        qtbot.waitUntil(lambda: "On air" in window.status_strip.text(), timeout=20_000)
        streaming = window.control.status().streaming
        assert streaming is not None and streaming.reconnects >= 1
        qtbot.mouseClick(window.on_air.live, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: window.message.text().startswith("Off air"), timeout=20_000)
        assert window.on_air.live.text() == "GO LIVE" and not window.control.live
    finally:
        reader.stop()
        server.stop()


def test_a_wrong_stream_key_is_told_apart_from_a_server_that_is_down(
    window: StudioWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    rtmp, http = free_port(), free_port()
    with MediaServer(tmp_path / "server", key="tulip42", rtmp_port=rtmp, http_port=http) as server:
        wrong = server.publish_url.replace("key=tulip42", "key=daisy")
        window.on_air.stream_url.setText(wrong)
        qtbot.mouseClick(window.on_air.live, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "said no" in window.status_strip.text(), timeout=30_000)
        assert "check the key" in window.status_strip.text()
        qtbot.mouseClick(window.on_air.live, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not window.jobs and not window.control.live, timeout=20_000)


def test_recording_while_live_joins_the_stream_encoder(
    window: StudioWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    import av

    with MediaServer(
        tmp_path / "server", key="tulip42", rtmp_port=free_port(), http_port=free_port()
    ) as server:
        reader = StreamReader(server.play_url, retry=0.2)
        reader.start()
        try:
            window.on_air.stream_url.setText(server.publish_url)
            qtbot.mouseClick(window.on_air.live, Qt.MouseButton.LeftButton)
            qtbot.waitUntil(lambda: "On air" in window.status_strip.text(), timeout=15_000)
            qtbot.mouseClick(window.on_air.record, Qt.MouseButton.LeftButton)
            qtbot.waitUntil(lambda: "STOP" in window.on_air.record.text(), timeout=5000)
            qtbot.waitUntil(lambda: window.control.on_air.last_recording is not None, timeout=5000)
            on_air = window.control.on_air
            assert on_air.last_recording is on_air.last_stream  # one encoder for both
            qtbot.wait(2500)
            qtbot.mouseClick(window.on_air.record, Qt.MouseButton.LeftButton)
            qtbot.waitUntil(lambda: window.message.text().startswith("Saved "), timeout=20_000)
            heard = reader.stats.frames
            qtbot.waitUntil(lambda: reader.stats.frames > heard + 25, timeout=10_000)
            assert "On air" in window.status_strip.text()  # the stream went on
            (take,) = tmp_path.glob("Assembly *.mp4")
            with av.open(str(take)) as container:
                times = [float(f.time) for f in container.decode(video=0)]
            assert times[0] == 0.0 and 25 <= len(times) <= 80
            qtbot.mouseClick(window.on_air.live, Qt.MouseButton.LeftButton)
            qtbot.waitUntil(lambda: window.message.text().startswith("Off air"), timeout=20_000)
        finally:
            reader.stop()
