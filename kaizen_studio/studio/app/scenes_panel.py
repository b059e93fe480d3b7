"""Scene buttons (number keys 1-9 pick them), cut or fade, and the caption editors: the
lower third (a name and a role) and the ticker's headlines."""

from __future__ import annotations

from PyQt6.QtCore import pyqtSignal
from PyQt6.QtWidgets import (
    QButtonGroup,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from kaizen_studio.studio.programme_look import Transition
from kaizen_studio.studio.show import Show


class ScenesPanel(QGroupBox):
    """A button per scene of the show; emits ``scene_chosen`` with its index."""

    scene_chosen = pyqtSignal(int)

    def __init__(self, show: Show, parent: QWidget | None = None) -> None:
        super().__init__("Scenes", parent)
        self.buttons: list[QPushButton] = []
        row = QHBoxLayout()
        self.group = QButtonGroup(self)
        for i, scene in enumerate(show.scenes):
            key = f"{i + 1} " if i < 9 else ""
            button = QPushButton(f"{key}{scene.name}")
            button.setCheckable(True)
            button.setMinimumHeight(44)
            button.setToolTip(f"Switch to {scene.name}" + (f" (or press {i + 1})" if i < 9 else ""))
            button.clicked.connect(lambda _=False, index=i: self.scene_chosen.emit(index))
            self.group.addButton(button)
            self.buttons.append(button)
            row.addWidget(button)
        if self.buttons:
            self.buttons[0].setChecked(True)
        self.cut = QRadioButton("Cut")
        self.cut.setToolTip("Change scene at once")
        self.fade = QRadioButton("Fade")
        self.fade.setToolTip("Change scene gently over half a second")
        self.cut.setChecked(True)
        choice = QVBoxLayout()  # beside the buttons: the window fits a laptop's screen
        choice.setSpacing(0)
        choice.addWidget(self.cut)
        choice.addWidget(self.fade)
        row.addLayout(choice)
        self.setLayout(row)

    @property
    def transition(self) -> Transition:
        return Transition.FADE if self.fade.isChecked() else Transition.CUT

    def set_transition(self, transition: Transition) -> None:
        (self.fade if transition is Transition.FADE else self.cut).setChecked(True)

    def mark(self, index: int) -> None:
        if 0 <= index < len(self.buttons):
            self.buttons[index].setChecked(True)


class CaptionsPanel(QWidget):
    """Editors for the lower third and the ticker; the window applies them."""

    lower_third_changed = pyqtSignal(str, str)
    ticker_changed = pyqtSignal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name = QLineEdit()
        self.name.setPlaceholderText("Name, such as Zoë Okafor")
        self.name.setToolTip("The name shown in the caption at the bottom left")
        self.role = QLineEdit()
        self.role.setPlaceholderText("Role, such as Year 5 reporter")
        self.show_caption = QPushButton("Show caption")
        self.hide_caption = QPushButton("Hide caption")
        self.ticker = QPlainTextEdit()
        self.ticker.setPlaceholderText("One headline per line")
        self.ticker.setToolTip("Headlines that scroll along the bottom of the picture")
        self.ticker.setTabChangesFocus(True)
        self.show_ticker = QPushButton("Update ticker")
        self.hide_ticker = QPushButton("Hide ticker")
        form = QFormLayout()
        form.addRow("Name", self.name)
        form.addRow("Role", self.role)
        caption_buttons = QHBoxLayout()
        caption_buttons.addWidget(self.show_caption)
        caption_buttons.addWidget(self.hide_caption)
        form.addRow(caption_buttons)
        form.addRow("Ticker", self.ticker)
        ticker_buttons = QHBoxLayout()
        ticker_buttons.addWidget(self.show_ticker)
        ticker_buttons.addWidget(self.hide_ticker)
        form.addRow(ticker_buttons)
        self.setLayout(form)
        self.show_caption.clicked.connect(
            lambda: self.lower_third_changed.emit(self.name.text(), self.role.text())
        )
        self.name.returnPressed.connect(self.show_caption.click)
        self.role.returnPressed.connect(self.show_caption.click)
        self.hide_caption.clicked.connect(lambda: self.lower_third_changed.emit("", ""))
        self.show_ticker.clicked.connect(
            lambda: self.ticker_changed.emit(self.ticker.toPlainText())
        )
        self.hide_ticker.clicked.connect(lambda: self.ticker_changed.emit(""))

    def fill(self, caption: tuple[str, str], headlines: list[str]) -> None:
        """Show what is on the programme now (after a scene change)."""
        self.name.setText(caption[0])
        self.role.setText(caption[1])
        self.ticker.setPlainText("\n".join(headlines))
