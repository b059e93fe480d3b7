"""The big RECORD and GO LIVE buttons (red while on), and the status strip in words."""

from __future__ import annotations

from PyQt6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kaizen_studio.studio.sources.mixer import SILENCE_DB
from kaizen_studio.studio.status_words import Line, clock_time

OFF_STYLE = "QPushButton { font-size: 20px; font-weight: bold; padding: 12px; }"
ON_STYLE = (
    "QPushButton { font-size: 20px; font-weight: bold; padding: 12px; background: #c62828;"
    " color: white; }"
)


class OnAirPanel(QWidget):
    """RECORD and GO LIVE with their state, elapsed time and file name."""

    def __init__(self, stream_url: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.record = QPushButton("● RECORD")
        self.record.setToolTip("Start or stop recording the show to a video file (Ctrl+R)")
        self.live = QPushButton("GO LIVE")
        self.live.setToolTip("Send the show to the classroom screens, or stop (Ctrl+L)")
        for button in (self.record, self.live):
            button.setStyleSheet(OFF_STYLE)
            button.setMinimumHeight(56)
        self.record_state = QLabel("Not recording")
        self.live_state = QLabel("Not live")
        self.camera_too = QCheckBox("Also record the camera (for re-keying later)")
        self.camera_too.setToolTip(
            "Keeps the green-screen picture too, so the show can be keyed again afterwards"
        )
        self.stream_url = QLineEdit(stream_url)
        self.stream_url.setToolTip(
            "The school's stream address (your teacher sets it; studio serve prints it)"
        )
        grid = QGridLayout(self)
        grid.addWidget(self.record, 0, 0)
        grid.addWidget(self.live, 0, 1)
        grid.addWidget(self.record_state, 1, 0)
        grid.addWidget(self.live_state, 1, 1)
        grid.addWidget(self.camera_too, 2, 0)
        grid.addWidget(QLabel("Stream address"), 3, 0)
        grid.addWidget(self.stream_url, 3, 1)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)

    def show_recording(self, on: bool, seconds: float, file: str) -> None:
        self.record.setText("■ STOP RECORDING" if on else "● RECORD")
        self.record.setStyleSheet(ON_STYLE if on else OFF_STYLE)
        self.camera_too.setEnabled(not on)
        if on:
            self.record_state.setText(f"Recording {clock_time(seconds)}: {file}")

    def show_live(self, on: bool, seconds: float) -> None:
        self.live.setText("■ END LIVE" if on else "GO LIVE")
        self.live.setStyleSheet(ON_STYLE if on else OFF_STYLE)
        if on:
            self.live_state.setText(f"ON AIR {clock_time(seconds)}")
        self.stream_url.setEnabled(not on)


class StatusStrip(QWidget):
    """One label per status line (amber when it needs attention) and a sound meter."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.labels: dict[str, QLabel] = {}
        self.meter = QProgressBar()
        self.meter.setRange(int(SILENCE_DB), 0)
        self.meter.setTextVisible(False)
        self.meter.setMaximumWidth(160)
        self.meter.setToolTip("How loud the sound is")
        self._column = QVBoxLayout()
        self._column.setSpacing(1)
        row = QHBoxLayout(self)
        row.setContentsMargins(4, 2, 4, 2)
        row.addLayout(self._column, 1)
        row.addWidget(QLabel("Sound"))
        row.addWidget(self.meter)

    def show_lines(self, lines: list[Line], sound_db: float) -> None:
        for line in lines:
            label = self.labels.get(line.label)
            if label is None:
                label = self.labels[line.label] = QLabel()
                label.setWordWrap(True)
                self._column.addWidget(label)
            label.setText(f"<b>{line.label}:</b> {line.words}")
            label.setStyleSheet("color: #b26a00;" if line.attention else "")
        self.meter.setValue(int(max(SILENCE_DB, min(0.0, sound_db))))

    def text(self) -> str:
        """Everything the strip says (for tests and the log)."""
        return "\n".join(label.text() for label in self.labels.values())
