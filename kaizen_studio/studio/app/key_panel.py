"""The key panel: one-click auto key, the eyedropper, the empty-screen picture, the matte
view, the keep-in box, and a slider for each keyer setting, built from its declaration
(:data:`keying.KEYER_SETTINGS`: label, help, range, default). The few settings declared
``basic`` are shown first, in plain words; the fine ones wait behind "More"."""

from __future__ import annotations

from PyQt6.QtCore import Qt, pyqtSignal
from PyQt6.QtWidgets import (
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from kaizen_studio.keying import KEYER_SETTINGS, KeyerSettings, Setting


class SettingSlider(QWidget):
    """A slider for one setting, in whole steps of its declared ``step``."""

    changed = pyqtSignal(str, float)

    def __init__(self, setting: Setting, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setting = setting
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, round((setting.maximum - setting.minimum) / setting.step))
        self.slider.setToolTip(setting.help)
        self.slider.setAccessibleName(setting.label)
        self.value_label = QLabel()
        self.value_label.setMinimumWidth(36)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.slider, 1)
        row.addWidget(self.value_label)
        self.set_value(setting.default)
        self.slider.valueChanged.connect(self._moved)

    def value(self) -> float:
        s = self.setting
        value = s.minimum + self.slider.value() * s.step
        return float(round(value)) if s.integer else round(value, 6)

    def set_value(self, value: float) -> None:
        s = self.setting
        self.slider.blockSignals(True)
        self.slider.setValue(round((value - s.minimum) / s.step))
        self.slider.blockSignals(False)
        self._show()

    def _show(self) -> None:
        value = self.value()
        self.value_label.setText(f"{value:.0f}" if self.setting.integer else f"{value:.2f}")

    def _moved(self) -> None:
        self._show()
        self.changed.emit(self.setting.name, self.value())


class KeyPanel(QGroupBox):
    """The key's buttons and sliders; the window connects them to the show."""

    setting_changed = pyqtSignal(str, float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Green screen key", parent)
        self.auto_key = QPushButton("Auto key: find the green screen")
        self.auto_key.setToolTip("Find the green screen and key it, on the camera's picture now")
        self.eyedropper = QPushButton("Pick screen colour")
        self.eyedropper.setCheckable(True)
        self.eyedropper.setToolTip(
            "Then click on the green screen in the camera view (or move the cross with the "
            "arrow keys and press Enter)"
        )
        self.plate = QPushButton("Photo of the empty screen")
        self.plate.setToolTip(
            "Step out of the picture first: the studio remembers the empty screen and keys "
            "better where the light is uneven"
        )
        self.matte_view = QPushButton("Black and white check")
        self.matte_view.setCheckable(True)
        self.matte_view.setToolTip(
            "Show the key in black and white: white is the presenter, black the background"
        )
        self.keep_in = QPushButton("Draw a keep-in box")
        self.keep_in.setCheckable(True)
        self.keep_in.setToolTip(
            "Drag a box on the camera view around where the presenter stands: outside it is "
            "always background (hides the edges of the cloth). Keyboard: arrow keys and Enter "
            "for one corner, then the other"
        )
        self.clear_box = QPushButton("Clear the box")
        self.clear_box.setToolTip("Take the keep-in box away")
        self.reset = QPushButton("Put the sliders back")
        self.reset.setToolTip("Put every slider back where it started")
        self.warning = QLabel()
        """what cannot key on the picture last keyed, in plain words (hidden when nothing)"""
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet("color: #b26a00; font-weight: bold")
        self.warning.setAccessibleName("What cannot key")
        self.warning.setVisible(False)
        buttons = QGridLayout()
        for i, button in enumerate(
            (
                self.auto_key,
                self.eyedropper,
                self.plate,
                self.matte_view,
                self.keep_in,
                self.clear_box,
            )
        ):
            buttons.addWidget(button, i // 2, i % 2)
        basic, self.fine = QFormLayout(), QWidget()
        fine = QFormLayout(self.fine)
        fine.setContentsMargins(0, 0, 0, 0)
        self.sliders: dict[str, SettingSlider] = {}
        for setting in KEYER_SETTINGS:
            slider = SettingSlider(setting)
            slider.changed.connect(self.setting_changed)
            label = QLabel(setting.label)
            label.setToolTip(setting.help)
            (basic if setting.basic else fine).addRow(label, slider)
            self.sliders[setting.name] = slider
        self.more = QPushButton("More sliders ▸")
        self.more.setCheckable(True)
        self.more.setToolTip("Fine tuning, for when the sliders above are not enough")
        self.more.toggled.connect(self._show_more)
        self.fine.setVisible(False)
        below = QHBoxLayout()
        below.addWidget(self.more)
        below.addWidget(self.reset)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.warning)
        layout.addLayout(basic)
        layout.addLayout(below)
        layout.addWidget(self.fine)
        layout.addStretch(1)
        self.reset.clicked.connect(lambda: self.show_settings(KeyerSettings()))

    def _show_more(self, on: bool) -> None:
        self.fine.setVisible(on)
        self.more.setText("Fewer sliders ▾" if on else "More sliders ▸")

    def show_warning(self, words: str) -> None:
        """Say ``words`` (what cannot key and what to do) above the sliders; empty hides."""
        if words != self.warning.text():
            self.warning.setText(words)
        self.warning.setVisible(bool(words))

    def show_settings(self, settings: KeyerSettings) -> None:
        """Move the sliders to ``settings`` without reporting each move."""
        for name, value in settings.as_dict().items():
            self.sliders[name].set_value(float(value))
