"""The kidsmeet in the studio window (pytest-qt, Qt offscreen, the demo presenter): the
Kidsmeet menu opens the panel, a running order with a mistake is refused in the message
bar, pick spins the names on the programme, a talk fills the lower third and puts the
timer on the autocue and the presenters' monitor; the timer's colours on the fake clock."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
import pytest
from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from kaizen_studio.core.fake_clock import FakeClock
from kaizen_studio.studio.app.kidsmeet_panel import KidsmeetPanel
from kaizen_studio.studio.app.window import StudioWindow, status_text
from kaizen_studio.studio.kidsmeet.pick import PickAnimation
from kaizen_studio.studio.kidsmeet.timer import TimerColour
from kaizen_studio.studio.overlays import LowerThird
from tests.studio_window import open_studio, programme

ORDER = """\
name,year,school,title
Amira,4,Hawes Side,How volcanoes work
Tom,2,Layton,My pet snail
Priya,6,Kew Road,Coding a robot
"""


@pytest.fixture
def studio(qapp: QApplication, tmp_path_factory: pytest.TempPathFactory) -> Iterator[StudioWindow]:
    yield from open_studio(qapp, tmp_path_factory.mktemp("studio"))


def grabbed(widget: QWidget, path: Path) -> np.ndarray:
    """The widget's picture, saved to ``path`` (to look at) and read back as BGR."""
    assert widget.grab().save(str(path))
    picture = cv2.imread(str(path))
    assert picture is not None
    return picture


def test_the_kidsmeet_runs_from_the_window(
    studio: StudioWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    bar = studio.menuBar()
    assert bar is not None
    menu = next(a.menu() for a in bar.actions() if a.text() == "&Kidsmeet")
    assert menu is not None
    menu.actions()[0].trigger()
    panel = studio.kidsmeet
    assert panel is not None and studio.tabs.currentWidget() is panel

    wrong = tmp_path / "wrong.csv"
    wrong.write_text(ORDER.replace("Tom,2", "Tom,9"), encoding="utf-8")
    assert not panel.load(str(wrong))
    assert f"{wrong}, line 3: year must be 1 to 6" in status_text(studio)

    order = tmp_path / "order.csv"
    order.write_text(ORDER, encoding="utf-8")
    assert panel.load(str(order)) and panel.talks.count() == 3
    qtbot.mouseClick(panel.pick_button, Qt.MouseButton.LeftButton)
    assert "Picked " in status_text(studio)
    spin = next(o for o in studio.control.programme.kept_overlays if isinstance(o, PickAnimation))  # type: ignore[union-attr]
    qtbot.waitUntil(
        lambda: studio.control.programme_picture().pts > spin.shown_at + 0.6,  # type: ignore[union-attr]
        timeout=30_000,
    )
    cv2.imwrite(str(tmp_path / "pick-on-programme.png"), programme(studio))

    qtbot.mouseClick(panel.start_button, Qt.MouseButton.LeftButton)
    meet = panel.meet
    assert meet is not None and meet.current is not None
    picked = meet.order.talks[meet.current]
    assert f"{picked.name} is on" in status_text(studio)
    lower = [o for o in studio.control.programme.kept_overlays if isinstance(o, LowerThird)]  # type: ignore[union-attr]
    assert [o.name for o in lower] == [picked.name]  # in place of the scene's (Zoë)
    assert studio.control.captions()[0][0] == picked.name  # the window's caption panel too
    row = panel.talks.item(meet.current)
    assert row is not None and row.text().startswith("✓ ")
    assert panel.timer_label.text() in ("7:00", "6:59")
    started = studio.control.clock.now()
    qtbot.waitUntil(
        lambda: studio.control.programme_picture().pts > started + 1.2,  # type: ignore[union-attr]
        timeout=30_000,
    )
    cv2.imwrite(str(tmp_path / "talk-on-programme.png"), programme(studio))

    script = tmp_path / "talk.txt"
    script.write_text("Volcanoes are mountains with fire inside.\n", "utf-8")
    assert studio.autocue.load(str(script))
    studio.autocue.open_prompter()
    cue = studio.autocue.windows[0]
    assert cue.decorate is not None
    shown = grabbed(cue, tmp_path / "autocue-with-timer.png")
    corner = shown[: shown.shape[0] // 8, -shown.shape[1] // 8 :].reshape(-1, 3)
    green = np.array(TimerColour.GREEN.bgr)
    assert (np.abs(corner.astype(int) - green).max(1) < 10).mean() > 0.2  # the timer's badge
    studio.autocue.close_prompter()

    qtbot.mouseClick(panel.monitor_button, Qt.MouseButton.LeftButton)
    assert panel.monitor is not None and panel.monitor.isVisible()
    monitor = grabbed(panel.monitor, tmp_path / "monitor.png")
    assert np.abs(monitor[5, 5].astype(int) - green).max() < 10
    qtbot.mouseClick(panel.end_button, Qt.MouseButton.LeftButton)
    after = [o for o in studio.control.programme.overlays if isinstance(o, LowerThird)]  # type: ignore[union-attr]
    assert [o.name for o in after] == ["Zoë"]  # the scene's own lower third is back
    assert studio.control.captions()[0][0] == "Zoë"
    assert studio.control.programme.kept_overlays == []  # type: ignore[union-attr]


def test_the_panel_timer_turns_amber_then_flashes_red_on_the_fake_clock(
    qtbot: QtBot, tmp_path: Path
) -> None:
    clock = FakeClock()
    panel = KidsmeetPanel(lambda: None, clock=clock, size=(480, 270))
    qtbot.addWidget(panel)
    order = tmp_path / "order.csv"
    order.write_text(ORDER, encoding="utf-8")
    assert panel.load(str(order))
    panel.talks.setCurrentRow(1)
    panel.start_talk()
    assert panel.meet is not None and panel.meet.current == 1
    styles = {}
    for at, name in ((0.0, "green"), (400.0, "amber"), (421.0, "red"), (421.5, "dark")):
        clock.advance(at - clock.now())
        panel.refresh()
        styles[name] = panel.timer_label.styleSheet()
        panel.grab().save(str(tmp_path / f"panel-{name}.png"))
    b, g, r = TimerColour.AMBER.bgr
    assert f"rgb({r},{g},{b})" in styles["amber"]
    assert panel.timer_label.text() == "+0:01"
    assert len(set(styles.values())) == 4  # green, amber, red, and red's dark half
    panel.shut()
