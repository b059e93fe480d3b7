"""The key panel a pupil sees first (Qt offscreen): a few sliders in plain words, the fine
ones behind "More", every slider built from the keyer's declared settings."""

from __future__ import annotations

from PyQt6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from kaizen_studio.keying import KEYER_SETTINGS
from kaizen_studio.studio.app.key_panel import KeyPanel

ADULT_WORDS = ("distance", "noise", "core", "1080p", "pixels", "matte", "despeckle")


def shown_labels(panel: KeyPanel) -> set[str]:
    return {label.text() for label in panel.findChildren(QLabel) if label.isVisible()}


def test_the_first_sliders_are_few_and_in_plain_words_the_rest_behind_more(
    qtbot: QtBot,
) -> None:
    panel = KeyPanel()
    qtbot.addWidget(panel)
    panel.show()
    assert set(panel.sliders) == {s.name for s in KEYER_SETTINGS}  # built from the declaration
    basic = [s for s in KEYER_SETTINGS if s.basic]
    fine = [s for s in KEYER_SETTINGS if not s.basic]
    assert 2 <= len(basic) <= 5 and fine
    shown = {s.name for s in KEYER_SETTINGS if panel.sliders[s.name].isVisible()}
    assert shown == {s.name for s in basic}
    for setting in basic:
        assert setting.label in shown_labels(panel)
        words = (setting.label + " " + setting.help).lower()
        assert not any(word in words for word in ADULT_WORDS), setting
    assert "Solid core distance" not in shown_labels(panel)
    assert "Smooth camera noise" not in shown_labels(panel)
    panel.more.click()
    assert all(panel.sliders[s.name].isVisible() for s in KEYER_SETTINGS)
    assert {"Solid core distance", "Smooth camera noise"} <= shown_labels(panel)
    panel.more.click()
    assert not any(panel.sliders[s.name].isVisible() for s in fine)


def test_a_slider_behind_more_still_reports_its_setting(qtbot: QtBot) -> None:
    panel = KeyPanel()
    qtbot.addWidget(panel)
    panel.more.setChecked(True)
    with qtbot.waitSignal(panel.setting_changed, timeout=60_000) as changed:
        panel.sliders["core_distance"].slider.setValue(3)
    assert changed.args == ["core_distance", 3.0]
