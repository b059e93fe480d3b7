"""The big RECORD and GO LIVE buttons, the stream key, and the status strip in words.

The buttons say what is true, from the outputs' states: RECORD turns red only once
pictures reach the file, GO LIVE says "Connecting..." until the school's server has
accepted the stream and only then "ON AIR". The stream key is a teacher's setting: asked
for once (and again after the server said no to it), remembered, never shown.
"""

from __future__ import annotations

from PyQt6.QtCore import pyqtSignal
from PyQt6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kaizen_studio.broadcast import OutputState, OutputStats
from kaizen_studio.broadcast.stream_worker import REFUSED
from kaizen_studio.studio.sources.mixer import SILENCE_DB
from kaizen_studio.studio.status_words import Line, clock_time

OFF_STYLE = "QPushButton { font-size: 20px; font-weight: bold; padding: 12px; }"
ON_STYLE = (
    "QPushButton { font-size: 20px; font-weight: bold; padding: 12px; background: #c62828;"
    " color: white; }"
)
WAIT_STYLE = (
    "QPushButton { font-size: 20px; font-weight: bold; padding: 12px; background: #f0b429; }"
)
ASK_KEY = "Type the school's stream key (your teacher knows it; studio serve prints it)."


class OnAirPanel(QWidget):
    """RECORD and GO LIVE with their state, elapsed time and file name; the stream key.

    ``key_given`` is emitted with the key a teacher typed (the window remembers it)."""

    key_given = pyqtSignal(str)

    def __init__(
        self, stream_url: str, *, key_set: bool = False, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.key_dialog: QInputDialog | None = None
        self._asked_after_refusal = False
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
        self.key_state = QLabel()
        self.change_key = QPushButton("Change the stream key...")
        self.change_key.setToolTip("For teachers: the key the school's server asks for")
        self.change_key.clicked.connect(lambda: self.ask_for_key(ASK_KEY))
        grid.addWidget(self.key_state, 4, 0)
        grid.addWidget(self.change_key, 4, 1)
        self.show_key_set(key_set)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)

    def show_key_set(self, key_set: bool) -> None:
        """Say whether a stream key is remembered (never the key itself)."""
        self.key_state.setText("Stream key: ●●●●●● (set)" if key_set else "Stream key: not set")

    def ask_for_key(self, why: str) -> QInputDialog:
        """Ask for the stream key (typed hidden); ``key_given`` follows when it is given."""
        if self.key_dialog is not None and self.key_dialog.isVisible():
            return self.key_dialog
        dialog = QInputDialog(self)
        dialog.setWindowTitle("The school's stream key")
        dialog.setLabelText(why)
        dialog.setTextEchoMode(QLineEdit.EchoMode.Password)
        dialog.textValueSelected.connect(lambda key: self.key_given.emit(key.strip()))
        dialog.open()
        self.key_dialog = dialog
        return dialog

    def show_recording(
        self, wanted: bool, stats: OutputStats | None, seconds: float, file: str
    ) -> None:
        """RECORD as it truly is: red only once pictures reach the file."""
        state = stats.state if stats is not None else OutputState.IDLE
        on = wanted and state in (OutputState.ON_AIR, OutputState.STALLED)
        if on:
            self.record.setText("■ STOP RECORDING")
            self.record.setStyleSheet(ON_STYLE)
            self.record_state.setText(f"Recording {clock_time(seconds)}: {file}")
        elif wanted and state in (OutputState.IDLE, OutputState.CONNECTING):
            self.record.setText("■ Starting the recording...")
            self.record.setStyleSheet(WAIT_STYLE)
            self.record_state.setText("Starting the recording...")
        else:
            self.record.setText("● RECORD")
            self.record.setStyleSheet(OFF_STYLE)
        self.camera_too.setEnabled(not wanted)

    def show_live(self, wanted: bool, stats: OutputStats | None, seconds: float) -> None:
        """GO LIVE as it truly is: ON AIR only once the school's server took the stream;
        a refused key asks for the key (once for each refusal)."""
        state = stats.state if stats is not None else OutputState.IDLE
        if wanted and state in (OutputState.ON_AIR, OutputState.STALLED):
            self.live.setText("■ END LIVE")
            self.live.setStyleSheet(ON_STYLE)
            self.live_state.setText(f"ON AIR {clock_time(seconds)}")
        elif wanted and not state.final:
            self.live.setText("Connecting... (press to stop)")
            self.live.setStyleSheet(WAIT_STYLE)
            words = "Reconnecting..." if state is OutputState.RECONNECTING else "Connecting..."
            self.live_state.setText(words)
        else:
            self.live.setText("GO LIVE")
            self.live.setStyleSheet(OFF_STYLE)
        self.stream_url.setEnabled(not wanted)
        if wanted:
            self._asked_after_refusal = False
        elif state is OutputState.REFUSED and not self._asked_after_refusal:
            self._asked_after_refusal = True
            self.ask_for_key(REFUSED + " " + ASK_KEY)


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
