"""GO LIVE from the window through the real media server (nginx on loopback): the key is
asked for once and typed hidden; the button says "Connecting..." until the server took the
stream, then ON AIR; the classroom player gets the show; "reconnecting" when the server
dies, on air again when it is back; a refused key is a clear stop that asks for the key;
RECORD turns red only once pictures are in the file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PyQt6.QtCore import Qt, QTimer
from PyQt6.QtWidgets import QApplication, QInputDialog, QLineEdit
from pytestqt.qtbot import QtBot

from kaizen_studio.broadcast import MediaServer, StreamReader
from kaizen_studio.broadcast.server import free_port
from kaizen_studio.studio.app.screenshots import wait
from kaizen_studio.studio.app.window import StudioWindow
from kaizen_studio.studio.app_settings import AppSettings
from kaizen_studio.studio.control import StudioControl
from kaizen_studio.studio.show import Scene, Show

SHOW = Show(
    title="Assembly",
    fps=25,
    size=(320, 180),
    scenes=(Scene(name="Hall", background="playground", live_badge=True),),
)


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


class Seen:
    """What the GO LIVE label and button said, sampled every 50 ms."""

    def __init__(self, window: StudioWindow) -> None:
        self.labels: list[str] = []
        self.timer = QTimer()
        self.timer.timeout.connect(
            lambda: self.labels.append(
                window.on_air.live_state.text() + " | " + window.on_air.live.text()
            )
        )
        self.timer.start(50)

    def said(self, words: str) -> bool:
        return any(words in label for label in self.labels)


def test_go_live_asks_for_the_key_says_connecting_then_on_air_and_survives_a_restart(
    window: StudioWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    rtmp, http = free_port(), free_port()
    server = MediaServer(tmp_path / "server", key="tulip42", rtmp_port=rtmp, http_port=http)
    server.start()
    reader = StreamReader(server.play_url, retry=0.2)
    reader.start()
    window.settings.stream_key = ""
    window.on_air.show_key_set(False)
    try:
        window.on_air.stream_url.setText(server.publish_url.split("?")[0])
        qtbot.mouseClick(window.on_air.live, Qt.MouseButton.LeftButton)
        dialog = window.on_air.key_dialog  # no key yet: asked once, typed hidden
        assert dialog is not None and dialog.isVisible() and not window.control.live
        assert dialog.textEchoMode() == QLineEdit.EchoMode.Password
        dialog.setTextValue("tulip42")
        dialog.accept()
        assert window.settings.stream_key == "tulip42" and window.control.live
        assert "tulip42" not in window.on_air.key_state.text()
        assert window.on_air.live.text().startswith("Connecting")  # not on air yet
        assert "ON AIR" not in window.on_air.live_state.text()
        qtbot.waitUntil(lambda: "On air" in window.status_strip.text(), timeout=60_000)
        qtbot.waitUntil(lambda: "ON AIR" in window.on_air.live_state.text(), timeout=60_000)
        assert window.on_air.live.text() == "■ END LIVE"
        qtbot.waitUntil(lambda: reader.stats.frames > 25, timeout=60_000)
        server.kill()
        qtbot.waitUntil(lambda: "reconnecting" in window.status_strip.text(), timeout=60_000)
        assert "ON AIR" not in window.on_air.live_state.text()
        server = MediaServer(tmp_path / "server", key="tulip42", rtmp_port=rtmp, http_port=http)
        server.start()
        qtbot.waitUntil(lambda: "On air" in window.status_strip.text(), timeout=60_000)
        streaming = window.control.status().streaming
        assert streaming is not None and streaming.reconnects >= 1
        qtbot.mouseClick(window.on_air.live, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: window.message.text().startswith("Off air"), timeout=60_000)
        assert window.on_air.live.text() == "GO LIVE" and not window.control.live
        assert all("tulip42" not in text for text in window.messages)
    finally:
        reader.stop()
        server.stop()


def test_a_refused_key_is_a_clear_stop_that_asks_for_the_key_once(
    window: StudioWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    rtmp, http = free_port(), free_port()
    with MediaServer(tmp_path / "server", key="tulip42", rtmp_port=rtmp, http_port=http) as server:
        window.settings.stream_key = "daisy"
        window.on_air.stream_url.setText(server.publish_url.split("?")[0])
        seen = Seen(window)
        qtbot.mouseClick(window.on_air.live, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not window.control.live, timeout=40_000)
        qtbot.waitUntil(lambda: not window.jobs, timeout=60_000)
        qtbot.wait(1200)  # two more looks at the status: the key is asked for only once
        seen.timer.stop()
        said = "The school's server said no: ask your teacher for the stream key"
        assert said in window.status_strip.text() and said in window.message.text()
        assert said in window.on_air.live_state.text()
        assert window.on_air.live.text() == "GO LIVE"
        assert seen.said("Connecting") and not seen.said("ON AIR") and not seen.said("END LIVE")
        assert server.refused == ["127.0.0.1", "127.0.0.1"]  # tried twice, then stopped
        dialog = window.on_air.key_dialog
        assert dialog is not None and dialog.isVisible() and "said no" in dialog.labelText()
        assert len(window.on_air.findChildren(QInputDialog)) == 1
        dialog.setTextValue("tulip42")
        dialog.accept()
        assert window.settings.stream_key == "tulip42" and not window.control.live
        qtbot.mouseClick(window.on_air.live, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "ON AIR" in window.on_air.live_state.text(), timeout=60_000)
        qtbot.mouseClick(window.on_air.live, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not window.jobs and not window.control.live, timeout=60_000)


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
            window.settings.stream_key = "tulip42"
            window.on_air.stream_url.setText(server.publish_url.split("?")[0])
            qtbot.mouseClick(window.on_air.live, Qt.MouseButton.LeftButton)
            qtbot.waitUntil(lambda: "On air" in window.status_strip.text(), timeout=60_000)
            qtbot.mouseClick(window.on_air.record, Qt.MouseButton.LeftButton)
            qtbot.waitUntil(lambda: "STOP" in window.on_air.record.text(), timeout=60_000)
            recording = window.control.status().recording  # red: pictures are in the file
            assert recording is not None and recording.frames_sent > 0
            qtbot.waitUntil(
                lambda: window.control.on_air.last_recording is not None, timeout=60_000
            )
            on_air = window.control.on_air
            assert on_air.last_recording is on_air.last_stream  # one encoder for both
            qtbot.waitUntil(  # a second of pictures in the take, however busy the machine
                lambda: (window.control.status().recording or recording).frames_sent >= 25,
                timeout=60_000,
            )
            qtbot.mouseClick(window.on_air.record, Qt.MouseButton.LeftButton)
            qtbot.waitUntil(lambda: window.message.text().startswith("Saved "), timeout=60_000)
            heard = reader.stats.frames
            qtbot.waitUntil(lambda: reader.stats.frames > heard + 25, timeout=60_000)
            assert "On air" in window.status_strip.text()  # the stream went on
            (take,) = tmp_path.glob("Assembly *.mp4")
            with av.open(str(take)) as container:
                times = [float(f.time) for f in container.decode(video=0)]
            assert times[0] == 0.0 and len(times) >= 25
            qtbot.mouseClick(window.on_air.live, Qt.MouseButton.LeftButton)
            qtbot.waitUntil(lambda: window.message.text().startswith("Off air"), timeout=60_000)
        finally:
            reader.stop()
