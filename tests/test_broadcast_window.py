"""The classroom player window under Qt offscreen: off-air card, Escape leaves."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PyQt6.QtCore import Qt
from PyQt6.QtTest import QTest
from PyQt6.QtWidgets import QApplication

from kaizen_studio.broadcast.server import free_port
from kaizen_studio.broadcast.watch_window import PlayerWindow


def test_the_window_shows_off_air_and_escape_leaves() -> None:
    app = QApplication.instance() or QApplication([])
    window = PlayerWindow(f"rtmp://127.0.0.1:{free_port()}/live/show", school="Hillside")
    window.show()
    QTest.qWait(300)  # type: ignore[call-arg, arg-type]
    assert "Hillside" in window.text() and "Off air" in window.text()
    QTest.keyClick(window, Qt.Key.Key_Escape)  # type: ignore[call-overload]
    app.processEvents()
    assert not window.isVisible()
    assert window.reader.stats.connects == 0 and window.reader.stats.last_error
