"""Screenshots of the studio's main screens for the README (``make screenshots``).

Runs the window on the demo presenter (Qt offscreen unless a display is set) and writes
PNGs into the folder given (default ``docs/screenshots``)::

    python -m kaizen_studio.studio.app.screenshots [FOLDER]
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from PyQt6.QtCore import QRect
from PyQt6.QtWidgets import QApplication, QWidget

SHOTS = ("studio.png", "matte-view.png", "autocue.png", "checklist.png")
LAPTOP = QRect(0, 0, 1366, 720)
"""a school laptop's screen less its taskbar: the pictures show the window as pupils see it"""


def wait(app: QApplication, seconds: float, until: Callable[[], bool] = lambda: False) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end and not until():
        app.processEvents()
        time.sleep(0.02)


def save(widget: QWidget, path: Path, steady: Callable[[], bool] = lambda: True) -> None:
    """Write ``widget``'s picture to ``path``, once ``steady`` (or after half a minute: a
    busy computer's picture says it is busy)."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    wait(app, 30, steady)
    wait(app, 0.6)  # the status strip's next tick
    if not widget.grab().save(str(path)):
        raise OSError(f"{path}: the screenshot could not be written")
    print(f"wrote {path}")


def main(argv: list[str]) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    out = Path(argv[0] if argv else "docs/screenshots")
    out.mkdir(parents=True, exist_ok=True)
    from kaizen_studio.studio.app.screen import place_on_screen
    from kaizen_studio.studio.app.window import StudioWindow
    from kaizen_studio.studio.app_settings import AppSettings
    from kaizen_studio.studio.control import StudioControl
    from kaizen_studio.studio.show import starter_show
    from kaizen_studio.studio.sources.mixer import SILENCE_DB

    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)

    def steady() -> bool:
        """The show runs at its rate with no picture late lately, and sound is heard."""
        status = control.status()
        fps = control.show.fps
        return (
            status.fps >= 0.8 * fps
            and status.late_recently == 0
            and status.sound_db > SILENCE_DB + 1
        )

    with tempfile.TemporaryDirectory() as folder:
        settings = AppSettings(
            recordings=folder, remote_host="127.0.0.1", remote_port=0, checklist_done=True
        )
        control = StudioControl(starter_show(), camera="demo", recordings=Path(folder))
        window = StudioWindow(control, settings)
        place_on_screen(window, LAPTOP)  # as a school laptop shows it
        window.show()
        wait(app, 300, lambda: control.running and control.keyer.calibrated)
        if not (control.running and control.keyer.calibrated):
            window.close()
            print("the demo show did not start in 5 minutes: is the computer very busy?")
            return 1
        script = Path(folder) / "bedtime-story.md"
        script.write_text(
            "# The Bedtime Story Show\n\n[Zoë] Good evening, everyone, and welcome to the "
            "bedtime story show. Tonight's story is about a dragon who was afraid of the "
            "dark.\n\n[Sam] Once upon a time, high on a green hill, there lived a small "
            "dragon called Ember.\n",
            encoding="utf-8",
        )
        window.autocue.load(str(script))
        window.captions.fill(("Zoë Okafor", "Year 5 reporter"), ["Sports day is on Friday"])
        control.set_lower_third("Zoë Okafor", "Year 5 reporter")
        window.tabs.setCurrentWidget(window.gallery.parentWidget())
        wait(app, 3, lambda: window.gallery.drawn)
        wait(app, 1)
        save(window, out / SHOTS[0], steady)
        window.tabs.setCurrentIndex(0)  # the green screen key
        window.key_panel.matte_view.setChecked(True)
        wait(app, 2)
        save(window, out / SHOTS[1], steady)
        window.key_panel.matte_view.setChecked(False)
        window.tabs.setCurrentWidget(window.autocue)
        wait(app, 1)
        save(window, out / SHOTS[2], steady)
        window.open_checklist()
        wait(app, 1)
        save(window, out / SHOTS[3], steady)
        window.close_checklist()
        window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
