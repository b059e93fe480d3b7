"""The first-run checklist as a panel of the window: camera, green screen, microphone,
with tips. It sits in the window's side tabs (never over RECORD or GO LIVE) and reads
the show again each time the status strip does, so both always say the same."""

from __future__ import annotations

import time

from PyQt6.QtCore import pyqtSignal
from PyQt6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from kaizen_studio.studio.checklist import Check, camera_check, screen_check, sound_check
from kaizen_studio.studio.control import StudioControl
from kaizen_studio.studio.key_controls import key_check_words
from kaizen_studio.studio.sources import DemoPresenterSource

SOUND_HOLD_S = 3.0
"""the microphone's answer is the loudest level of the last few seconds (speech pauses)"""


def show_checks(control: StudioControl, sound_db: float | None = None) -> list[Check]:
    """The checklist's answers for ``control``'s show as it is now (``sound_db``: the
    level to judge the microphone by, default the level now)."""
    status = control.status()
    starting = "Looking for it: the show is still starting..."
    level = status.sound_db if sound_db is None else sound_db
    return [
        camera_check(isinstance(control.source, DemoPresenterSource)),
        screen_check(
            control.keyer.calibration,
            starting if status.frames == 0 else "",
            key_check_words(control.key_check),
        ),
        sound_check(level, status.sound_message),
    ]


class ChecklistPanel(QWidget):
    """The checklist's answers, "Check again" and "All set" (emits ``done``)."""

    done = pyqtSignal()

    def __init__(self, control: StudioControl, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.control = control
        self._levels: list[tuple[float, float]] = []
        """(when, sound level in dB) of the last few seconds"""
        self.setAccessibleName("Before the show: checklist")
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.again = QPushButton("Check again")
        self.done_button = QPushButton("All set")
        self.done_button.setDefault(True)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.again)
        buttons.addWidget(self.done_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addStretch(1)
        layout.addLayout(buttons)
        self.again.clicked.connect(self.check_again)
        self.done_button.clicked.connect(self.done)
        self.check_again()

    def check_again(self) -> None:
        """Answer again, and look again at the presenter's clothes against the screen (on
        the show's worker: the answer follows on a later refresh)."""
        if self.control.running and self.control.keyer.calibrated:
            self.control.check_key()
        self.refresh()

    def checks(self) -> list[tuple[str, bool, str]]:
        now = time.monotonic()
        self._levels = [(t, db) for t, db in self._levels if now - t <= SOUND_HOLD_S]
        self._levels.append((now, self.control.sound.level_db))
        loudest = max(db for _, db in self._levels)
        return [(c.question, c.ok, c.answer) for c in show_checks(self.control, loudest)]

    def refresh(self) -> None:
        rows = []
        for question, ok, answer in self.checks():
            mark = "✔" if ok else "✘"
            colour = "#2e7d32" if ok else "#b26a00"
            answer_html = answer.replace("\n", "<br>")
            rows.append(
                f"<p><span style='color:{colour}; font-size:18px'>{mark}</span> "
                f"<b>{question}</b><br>{answer_html}</p>"
            )
        self.text.setText("".join(rows))
