"""The key panel: one-click auto key, the eyedropper, the empty-screen picture, the matte
view, the keep-in box, and a slider for each keyer setting, built from its declaration
(:data:`keying.KEYER_SETTINGS`: label, help, range, default)."""

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
        self.auto_key = QPushButton("Auto key")
        self.auto_key.setToolTip("Find the green screen and key it, on the camera's picture now")
        self.eyedropper = QPushButton("Pick screen colour")
        self.eyedropper.setCheckable(True)
        self.eyedropper.setToolTip(
            "Then click on the green screen in the camera view (or move the cross with the "
            "arrow keys and press Enter)"
        )
        self.plate = QPushButton("Capture empty screen")
        self.plate.setToolTip(
            "Step out of the picture first: the studio remembers the empty screen and keys "
            "better where the light is uneven"
        )
        self.matte_view = QPushButton("Matte view")
        self.matte_view.setCheckable(True)
        self.matte_view.setToolTip(
            "Show the key in black and white: white is the presenter, black the background"
        )
        self.keep_in = QPushButton("Draw keep-in box")
        self.keep_in.setCheckable(True)
        self.keep_in.setToolTip(
            "Drag a box on the camera view around where the presenter stands: outside it is "
            "always background (hides the edges of the cloth). Keyboard: arrow keys and Enter "
            "for one corner, then the other"
        )
        self.clear_box = QPushButton("Clear box")
        self.clear_box.setToolTip("Take the keep-in box away")
        self.reset = QPushButton("Reset sliders")
        self.reset.setToolTip("Put every slider back where it started")
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
        form = QFormLayout()
        self.sliders: dict[str, SettingSlider] = {}
        for setting in KEYER_SETTINGS:
            slider = SettingSlider(setting)
            slider.changed.connect(self.setting_changed)
            label = QLabel(setting.label)
            label.setToolTip(setting.help)
            form.addRow(label, slider)
            self.sliders[setting.name] = slider
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addLayout(form)
        layout.addWidget(self.reset)
        self.reset.clicked.connect(lambda: self.show_settings(KeyerSettings()))

    def show_settings(self, settings: KeyerSettings) -> None:
        """Move the sliders to ``settings`` without reporting each move."""
        for name, value in settings.as_dict().items():
            self.sliders[name].set_value(float(value))
