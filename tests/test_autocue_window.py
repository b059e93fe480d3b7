"""The prompter window under Qt offscreen: keys drive the model, frames are painted."""

from __future__ import annotations

import os
from collections.abc import Iterator

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PyQt6.QtCore import Qt
from PyQt6.QtTest import QTest
from PyQt6.QtWidgets import QApplication, QWidget

from kaizen_studio.autocue.prompter import Prompter
from kaizen_studio.autocue.remote import RemoteServer
from kaizen_studio.autocue.render import Look, Mirror
from kaizen_studio.autocue.script import parse_script
from kaizen_studio.autocue.window import PrompterWindow, pick_screen
from kaizen_studio.core.errors import DeviceError

SCRIPT = parse_script(
    "# One\nSARAH: Hello everyone and welcome to the show.\n---\n"
    "TOM: Good morning from the newsroom.\n# Two\nThe weather is next.\n"
)


# PyQt6's stubs declare QTest's static functions as methods, hence the ignores here.
def press(widget: QWidget, key: Qt.Key) -> None:
    QTest.keyClick(widget, key)  # type: ignore[call-overload]


def wait_exposed(widget: QWidget) -> None:
    assert QTest.qWaitForWindowExposed(widget)  # type: ignore[call-overload]


def wait_ms(milliseconds: int) -> None:
    QTest.qWait(milliseconds)  # type: ignore[call-arg, arg-type]


class FakeClock:
    """A clock the test moves by hand (the window reads time only through it)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def app() -> QApplication:
    existing = QApplication.instance()
    return existing if isinstance(existing, QApplication) else QApplication([])


@pytest.fixture
def window(app: QApplication) -> Iterator[tuple[PrompterWindow, FakeClock]]:
    clock = FakeClock()
    prompter = Prompter(SCRIPT, width=320, height=240, look=Look(text_size=32, margin=8))
    win = PrompterWindow(prompter, clock=clock)
    win.show_on(pick_screen(0), full_screen=False)
    win.resize(320, 240)
    wait_exposed(win)
    yield win, clock
    win.close()


def test_space_starts_with_countdown_and_pauses(window: tuple[PrompterWindow, FakeClock]) -> None:
    win, clock = window
    press(win, Qt.Key.Key_Space)
    model = win.prompter.model
    assert model.state(clock.now).countdown == 3
    clock.now += 5.0
    moved = model.position(clock.now)
    assert moved == pytest.approx(2.0 * model.speed)
    press(win, Qt.Key.Key_Space)
    clock.now += 10.0
    assert win.prompter.model.position(clock.now) == pytest.approx(moved)


def test_speed_marker_home_end_keys(window: tuple[PrompterWindow, FakeClock]) -> None:
    win, clock = window
    speed = win.prompter.model.speed
    press(win, Qt.Key.Key_Up)
    assert win.prompter.model.speed > speed
    press(win, Qt.Key.Key_Down)
    press(win, Qt.Key.Key_Down)
    assert win.prompter.model.speed < speed
    markers = win.prompter.renderer.layout.markers
    press(win, Qt.Key.Key_PageDown)
    press(win, Qt.Key.Key_PageDown)
    assert markers[0] == 0  # the first heading
    assert win.prompter.model.position(clock.now) == markers[2]
    press(win, Qt.Key.Key_PageUp)
    assert win.prompter.model.position(clock.now) == markers[1]
    press(win, Qt.Key.Key_End)
    assert win.prompter.model.state(clock.now).at_end
    press(win, Qt.Key.Key_Home)
    assert win.prompter.model.position(clock.now) == 0.0


def test_text_size_and_mirror_keys(window: tuple[PrompterWindow, FakeClock]) -> None:
    win, _clock = window
    press(win, Qt.Key.Key_Plus)
    assert win.prompter.renderer.look.text_size > 32
    press(win, Qt.Key.Key_Minus)
    press(win, Qt.Key.Key_Minus)
    assert win.prompter.renderer.look.text_size < 32
    press(win, Qt.Key.Key_M)
    assert win.prompter.renderer.look.mirror is Mirror.HORIZONTAL


def test_the_window_paints_the_prompter_frame(window: tuple[PrompterWindow, FakeClock]) -> None:
    win, clock = window
    press(win, Qt.Key.Key_PageDown)
    expected = win.prompter.frame(clock.now).copy()
    shot = win.grab().toImage()
    assert (shot.width(), shot.height()) == (320, 240)
    # A pixel on the reading line is the line's red.
    y = win.prompter.renderer.reading_y()
    colour = shot.pixelColor(200, y)
    b, g, r = (int(v) for v in expected[y, 200])
    assert (colour.red(), colour.green(), colour.blue()) == (r, g, b) == (220, 0, 0)


def test_escape_closes(window: tuple[PrompterWindow, FakeClock]) -> None:
    win, _clock = window
    press(win, Qt.Key.Key_Escape)
    assert not win.isVisible()


def test_remote_commands_applied_by_the_window_timer(app: QApplication) -> None:
    clock = FakeClock()
    prompter = Prompter(SCRIPT, width=320, height=240, look=Look(text_size=32, margin=8))
    with RemoteServer("127.0.0.1", 0, code="424242") as remote:
        win = PrompterWindow(prompter, remote=remote, clock=clock)
        remote.commands.put_nowait("next")
        wait_ms(100)  # several timer ticks
        assert prompter.model.position(clock.now) == prompter.renderer.layout.markers[1]
        win.close()


def test_missing_screen_lists_the_screens(app: QApplication) -> None:
    with pytest.raises(DeviceError, match=r"no screen 7; the screens are 0: "):
        pick_screen(7)


def test_two_windows_scroll_together_each_mirrored_on_its_own(app: QApplication) -> None:
    clock = FakeClock()
    prompter = Prompter(SCRIPT, width=320, height=240, look=Look(text_size=32, margin=8))
    plain = PrompterWindow(prompter, clock=clock, mirror=Mirror.NONE)
    glass = PrompterWindow(prompter, clock=clock, mirror=Mirror.HORIZONTAL)
    for win in (plain, glass):
        win.show_on(pick_screen(0), full_screen=False)
        win.resize(320, 240)
        wait_exposed(win)
    press(glass, Qt.Key.Key_PageDown)  # a clicker on one moves both: one script, one scroll
    assert prompter.model.position(clock.now) > 0
    a = plain.grab().toImage()
    b = glass.grab().toImage()
    for x, y in ((20, 30), (100, 120), (250, 200)):
        assert a.pixelColor(x, y) == b.pixelColor(319 - x, y)  # left-right flipped copy
    press(glass, Qt.Key.Key_M)  # M cycles only this window's mirroring
    assert glass.mirror is Mirror.VERTICAL and plain.mirror is Mirror.NONE
    assert prompter.renderer.look.mirror is Mirror.NONE
    for win in (plain, glass):
        win.close()
