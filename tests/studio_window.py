"""The studio window the app tests drive: a small show on the demo presenter, opened
afresh for each test (Qt offscreen, so the tests pass in any order), and what the window
saved or showed."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path

from PyQt6.QtWidgets import QApplication

from kaizen_studio.core.media import Image
from kaizen_studio.studio.app.screenshots import wait
from kaizen_studio.studio.app.window import StudioWindow
from kaizen_studio.studio.app_settings import AppSettings
from kaizen_studio.studio.control import StudioControl
from kaizen_studio.studio.show import Placement, Scene, Show

SIZE = (480, 270)
SHOW = Show(
    title="Test News",
    fps=25,
    size=SIZE,
    scenes=(
        Scene(name="Newsroom", background="newsroom", lower_third=("Zoë", "Year 5 reporter")),
        Scene(name="Weather", background="weather map", presenter=Placement(x=0.7, scale=0.9)),
        Scene(name="Space", background="outer space"),
    ),
)


def open_studio(qapp: QApplication, folder: Path) -> Iterator[StudioWindow]:
    """A fixture's body: the window on :data:`SHOW` with its settings in ``folder``, its
    settings writes kept in ``window.saved``, closed at the end."""
    settings = AppSettings(
        recordings=str(folder / "recordings"),
        remote_host="127.0.0.1",
        remote_port=0,
        checklist_done=True,
    )
    saved: list[AppSettings] = []
    control = StudioControl(SHOW, camera="demo", recordings=folder / "recordings")
    window = StudioWindow(control, settings, save=lambda s: saved.append(copy.deepcopy(s)))
    window.resize(1200, 800)
    window.show()
    window.saved = saved  # type: ignore[attr-defined]
    wait(qapp, 60, lambda: control.running and window.programme_view.picture is not None)
    assert window.programme_view.picture is not None, "the show did not start in a minute"
    yield window
    window.close()


def saved(window: StudioWindow) -> AppSettings:
    """What the window wrote to the settings file last (written now, not half a second
    after the last change)."""
    window.save_settings()
    writes: list[AppSettings] = window.saved  # type: ignore[attr-defined]
    return writes[-1]


def programme(window: StudioWindow) -> Image:
    frame = window.control.programme_picture()
    assert frame is not None
    return frame.image
