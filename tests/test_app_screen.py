"""The real studio window on a real X server (Xvfb, Qt's xcb platform, not offscreen) at a
school laptop's 1366x768: it starts (the Debian packages Qt's xcb plugin needs are in the
Makefile's list), everything a pupil needs is inside the screen less a taskbar, the
first-run checklist covers neither RECORD nor GO LIVE and says what the status strip
says, and a screenshot of the screen shows the window (its pixels vary).

The window runs in a child process (this process's Qt is offscreen); the child writes what
it measured as JSON and a screenshot of the whole X screen.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
import pytest

from tests.conditions import wait_until

SCREEN = (1366, 768)
TASKBAR = 48
"""a school laptop's taskbar (pixels at the bottom of the screen); the window's title bar is
left for by :data:`studio.app.screen.TITLE_BAR`"""
IMPORTANT = (
    "message",
    "programme_view",
    "camera_view",
    "scenes",
    "on_air.record",
    "on_air.live",
    "on_air.stream_url",
    "tabs",
    "status_strip",
    "status_strip.meter",
)
"""what a pupil must see on the first day (dotted: a widget inside another)"""
IN_TABS = {
    "checklist": ("checklist",),
    "green screen": ("key_panel.auto_key", "key_panel.more", "key_panel.reset"),
    "backgrounds": ("gallery", "backgrounds_folder"),
}
"""what each side tab shows (measured with that tab open)"""
ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(
    shutil.which("Xvfb") is None, reason="needs Xvfb (make system-deps)"
)


@pytest.fixture
def display() -> Iterator[str]:
    """A new Xvfb at 1366x768; it picks a free display number itself (-displayfd)."""
    read, write = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write), "-screen", "0", f"{SCREEN[0]}x{SCREEN[1]}x24"],
        pass_fds=(write,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write)
    try:
        with os.fdopen(read) as answer:
            number = answer.readline().strip()  # written once the server listens
        assert number.isdigit(), f"Xvfb did not start (exit {server.poll()})"
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(timeout=30)


def child(out: str) -> None:
    """Open the studio window as a pupil's first day does (no checklist done yet), wait
    until the show runs and the checklist has read it, and write the screen's and the
    widgets' global rectangles (each side tab's with that tab open) to ``out``/rects.json
    and the screen with the checklist open to ``out``/screen.png."""
    from PyQt6.QtCore import QRect
    from PyQt6.QtWidgets import QApplication, QWidget

    from kaizen_studio.studio.app.screen import TITLE_BAR, place_on_screen
    from kaizen_studio.studio.app.screenshots import wait
    from kaizen_studio.studio.app.window import StudioWindow
    from kaizen_studio.studio.app_settings import AppSettings
    from kaizen_studio.studio.control import StudioControl
    from kaizen_studio.studio.show import starter_show

    app = QApplication(sys.argv[:1])
    screen = app.primaryScreen()
    assert screen is not None and app.platformName() == "xcb", app.platformName()
    available = screen.availableGeometry()
    area = available.adjusted(0, 0, 0, -TASKBAR)  # Xvfb has no taskbar: leave room for one
    settings = AppSettings(recordings=out, remote_host="127.0.0.1", remote_port=0)
    control = StudioControl(starter_show(), camera="demo", recordings=Path(out))
    window = StudioWindow(control, settings)
    place_on_screen(window, area)
    window.show()

    def ready() -> bool:
        checklist = window.checklist
        return (
            control.running
            and control.keyer.calibrated
            and checklist is not None
            and "Yes:" in checklist.text.text()
            and "pictures a second" in window.status_strip.text()
        )

    wait(app, 120, ready)
    wait(app, 1.5)  # a few more status ticks and paints

    def rect(widget: QWidget) -> list[int]:
        corner = widget.mapToGlobal(widget.rect().topLeft())
        box = QRect(corner, widget.size())
        return [box.x(), box.y(), box.width(), box.height(), int(widget.isVisible())]

    def measure(names: tuple[str, ...]) -> None:
        for name in names:
            widget: object = window
            for part in name.split("."):
                widget = getattr(widget, part)
            assert isinstance(widget, QWidget), name
            widgets[name] = rect(widget)

    widgets: dict[str, list[int]] = {}
    was_ready = ready()
    measure(IMPORTANT + IN_TABS["checklist"])
    checklist = window.checklist
    checklist_text = checklist.text.text() if checklist else ""
    picture = screen.grabWindow(0)  # type: ignore[arg-type]  # the root window: the X server's pixels
    assert picture.save(str(Path(out) / "screen.png"))
    window.close_checklist()  # "All set": the key panel is the first tab
    wait(app, 0.5)
    measure(IN_TABS["green screen"])
    window.tabs.setCurrentIndex(1)
    wait(app, 0.5)
    measure(IN_TABS["backgrounds"])
    measured = {
        "ready": was_ready,
        "area": [area.x(), area.y(), area.width(), area.height()],
        "title_bar": TITLE_BAR,
        "window": rect(window),
        "minimum": [window.minimumSizeHint().width(), window.minimumSizeHint().height()],
        "widgets": widgets,
        "checklist": checklist_text,
        "strip": window.status_strip.text(),
    }
    (Path(out) / "rects.json").write_text(json.dumps(measured), "utf-8")
    window.close()


def run_window(display: str, out: Path) -> dict[str, object]:
    env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb"}
    env.pop("WAYLAND_DISPLAY", None)
    code = f"from tests.test_app_screen import child; child({str(out)!r})"
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, f"the window did not run under Xvfb:\n{done.stderr[-3000:]}"
    measured: dict[str, object] = json.loads((out / "rects.json").read_text("utf-8"))
    return measured


def inside(box: list[int], area: list[int]) -> bool:
    x, y, w, h = box[:4]
    return (
        x >= area[0] and y >= area[1] and x + w <= area[0] + area[2] and y + h <= area[1] + area[3]
    )


def overlap(a: list[int], b: list[int]) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def test_the_window_fits_a_school_laptop_and_the_checklist_agrees_with_the_strip(
    display: str,
) -> None:
    out = Path(tempfile.mkdtemp(prefix="studio-screen-"))
    try:
        measured = run_window(display, out)
        assert measured["ready"], f"the show did not get ready: {measured}"
        area = measured["area"]
        assert isinstance(area, list) and area[3] == SCREEN[1] - TASKBAR
        window = measured["window"]
        assert isinstance(window, list) and inside(window, area), (window, area)
        widgets = measured["widgets"]
        assert isinstance(widgets, dict)
        for name, box in widgets.items():
            assert box[4] and box[2] > 0 and box[3] > 0, f"{name} is not shown: {box}"
            assert inside(box, area), f"{name} {box[:4]} is outside the screen {area}"
        for button in ("on_air.record", "on_air.live"):
            assert not overlap(widgets["checklist"], widgets[button]), button
        checklist, strip = str(measured["checklist"]), str(measured["strip"])
        assert "green screen" in strip and "Not yet" not in checklist, (checklist, strip)
        assert "Green screen found?</b><br>Yes: green screen" in checklist
        screen = cv2.imread(str(out / "screen.png"))
        assert screen is not None and screen.shape[:2] == (SCREEN[1], SCREEN[0])
        x, y, w, h = window[:4]
        shown = screen[y : y + h, x : x + w]
        assert float(np.std(shown)) > 20, "the screenshot of the window is blank"
        assert len(np.unique(shown.reshape(-1, 3), axis=0)) > 500  # pictures, text, buttons
    finally:
        keep = os.environ.get("STUDIO_KEEP_SCREENSHOT")
        if keep and (out / "screen.png").exists():
            shutil.copy(out / "screen.png", keep)
        shutil.rmtree(out, ignore_errors=True)


def test_the_studio_app_under_x_closes_properly_when_told_to_stop(
    display: str, tmp_path: Path
) -> None:
    """``studio app`` on a real X server, stopped by SIGTERM (a shutdown; Ctrl+C is
    SIGINT): the window closes as if its close button were pressed, so its settings are
    written (and a recording would be finished). Before, the signal broke Qt's X
    connection ('The X11 connection broke') and the window never closed."""
    env = {
        **os.environ,
        "DISPLAY": display,
        "QT_QPA_PLATFORM": "xcb",
        "KAIZEN_STUDIO_CONFIG": str(tmp_path),
    }
    app = subprocess.Popen(
        [sys.executable, "-m", "kaizen_studio", "app", "--camera", "demo"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    log = tmp_path / "logs" / "studio.log"
    try:
        wait_until(
            lambda: (
                app.poll() is not None
                or (log.is_file() and "The show is on" in log.read_text("utf-8"))
            ),
            timeout=180,
            what="the show to start",
            every=0.2,
        )
        assert app.poll() is None, f"the studio stopped by itself:\n{app.communicate()[0]}"
        assert "The show is on" in log.read_text("utf-8"), "the show did not start in 3 min"
        app.send_signal(signal.SIGTERM)
        output, _ = app.communicate(timeout=120)
    finally:
        if app.poll() is None:
            app.kill()
            app.wait()
    assert app.returncode == 0, output
    assert "X11 connection broke" not in output
    assert (tmp_path / "settings.json").is_file(), "the window did not close properly"
    assert "studio closed" in log.read_text("utf-8")
