"""The classroom player window (Qt): full screen, off-air card between shows, Escape leaves.

Pictures are decoded by :class:`broadcast.player.StreamReader` and shown as they come;
the sound goes to the sound card through :class:`broadcast.speaker.Speaker` (a short
buffer keeps it with the pictures). Without a sound device the window says so on its
card and on stderr, once, and plays the pictures.
"""

from __future__ import annotations

import sys
import threading

from PyQt6.QtCore import Qt, QTimer
from PyQt6.QtGui import QImage, QKeyEvent, QPixmap
from PyQt6.QtWidgets import QApplication, QLabel

from kaizen_studio.broadcast.player import PlayerState, StreamReader
from kaizen_studio.broadcast.speaker import Speaker
from kaizen_studio.core.media import VideoFrame

CARD_WORDS = {
    PlayerState.CONNECTING: "Off air\nWaiting for the show",
    PlayerState.RECONNECTING: "Off air\nReconnecting...",
}
"""what the card says while there is no picture, by the reader's state"""


class PlayerWindow(QLabel):
    """Shows the newest decoded picture; the off-air card when nothing is live."""

    def __init__(self, url: str, *, school: str = "Our School") -> None:
        super().__init__()
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setStyleSheet("background: #1b2a4a; color: white; font-size: 48px;")
        self.school = school
        self._latest: VideoFrame | None = None
        self._lock = threading.Lock()
        self.sound_note = ""
        self.speaker = Speaker(on_problem=self._no_sound)
        self.reader = StreamReader(url, on_frame=self._keep, on_audio=self.speaker.play)
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._show)
        self._timer.start(15)
        self.setText(self._card())
        self.reader.start()

    def _no_sound(self, message: str) -> None:
        """From the reader's thread, once: the card shows it at the next tick."""
        print(f"watch: {message}", file=sys.stderr, flush=True)
        self.sound_note = "No sound device: pictures only"

    def _card(self) -> str:
        note = f"\n\n{self.sound_note}" if self.sound_note else ""
        state = self.reader.stats.state
        words = CARD_WORDS.get(state, "Off air")
        return f"{self.school}\n{words}{note}"

    def _keep(self, frame: VideoFrame) -> None:
        with self._lock:
            self._latest = frame

    def _show(self) -> None:
        with self._lock:
            frame, self._latest = self._latest, None
        if not self.reader.stats.on_air:
            self.setText(self._card())
            return
        if frame is None:
            return
        h, w = frame.image.shape[:2]
        image = QImage(frame.image.tobytes(), w, h, 3 * w, QImage.Format.Format_BGR888)
        self.setPixmap(
            QPixmap.fromImage(image).scaled(
                self.size(),
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.FastTransformation,
            )
        )

    def keyPressEvent(self, event: QKeyEvent | None) -> None:  # noqa: N802 (Qt's name)
        if event is not None and event.key() == Qt.Key.Key_Escape:
            self.close()

    def closeEvent(self, event: object) -> None:  # noqa: N802 (Qt's name)
        self._timer.stop()
        self.reader.stop()
        self.speaker.close()


def run_window(url: str, *, school: str, full_screen: bool = True) -> int:
    """Open the player window until it is closed (Escape, or any close of all windows);
    return the exit status. Whatever ends Qt's loop, the reader and sound are stopped."""
    app = QApplication.instance() or QApplication([])
    window = PlayerWindow(url, school=school)
    window.showFullScreen() if full_screen else window.show()
    try:
        return int(app.exec())
    finally:
        if window.isVisible():
            window.close()
