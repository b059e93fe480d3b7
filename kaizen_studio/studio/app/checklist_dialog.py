"""The first-run checklist as a dialog: camera, green screen, microphone, with tips."""

from __future__ import annotations

from PyQt6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from kaizen_studio.studio.checklist import camera_check, screen_check, sound_check
from kaizen_studio.studio.control import StudioControl
from kaizen_studio.studio.sources import DemoPresenterSource


class ChecklistDialog(QDialog):
    def __init__(self, control: StudioControl, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.control = control
        self.setWindowTitle("Before the show: checklist")
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setMinimumWidth(520)
        self.again = QPushButton("Check again")
        self.done_button = QPushButton("All set")
        self.done_button.setDefault(True)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.again)
        buttons.addWidget(self.done_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addLayout(buttons)
        self.again.clicked.connect(self.refresh)
        self.done_button.clicked.connect(self.accept)
        self.refresh()

    def checks(self) -> list[tuple[str, bool, str]]:
        control = self.control
        status = control.status()
        checks = [
            camera_check(isinstance(control.source, DemoPresenterSource)),
            screen_check(control.keyer.calibration),
            sound_check(status.sound_db, status.sound_message),
        ]
        return [(c.question, c.ok, c.answer) for c in checks]

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
