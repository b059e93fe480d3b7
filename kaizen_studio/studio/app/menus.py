"""The studio window's menus: Show (open a show, the recordings folder, the checklist,
try the camera again, the microphone, quit) and Camera (the cameras plugged in now and
the demo presenter, listed each time the menu opens)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PyQt6.QtGui import QAction, QKeySequence
from PyQt6.QtWidgets import QMenu

from kaizen_studio.studio.sources import list_cameras

if TYPE_CHECKING:
    from kaizen_studio.studio.app.window import StudioWindow


class StudioMenus:
    """The menu bar of ``window``; every action goes through ``window.guard``."""

    def __init__(self, window: StudioWindow, *, items: list[tuple[str, Callable[[], Any]]]):
        self.window = window
        bar = window.menuBar()
        assert bar is not None
        show = bar.addMenu("&Show")
        assert show is not None
        for text, slot in items:
            action = QAction(text, window)
            action.triggered.connect(lambda _=False, s=slot, t=text: window.guard(t, s))
            show.addAction(action)
        self.microphone = QAction("Use the microphone", window)
        self.microphone.setCheckable(True)
        self.microphone.setChecked(bool(window.settings.microphone))
        self.microphone.setToolTip("Off: the test sound plays instead")
        self.microphone.toggled.connect(
            lambda on: window.guard("Microphone", window.use_microphone, on)
        )
        show.addAction(self.microphone)
        camera = bar.addMenu("&Camera")
        assert camera is not None
        self.camera: QMenu = camera
        camera.aboutToShow.connect(lambda: window.guard("Cameras", self.list_cameras))
        quit_action = QAction("Quit", window)
        quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        quit_action.triggered.connect(window.close)
        show.addAction(quit_action)

    def list_cameras(self) -> None:
        """Fill the Camera menu with the cameras plugged in now, and the demo presenter."""
        window, menu = self.window, self.camera
        menu.clear()
        choices = [(str(c.index), f"{c.index}: {c.name}") for c in list_cameras()]
        for choice, label in [*choices, ("demo", "The demo presenter")]:
            action = QAction(label, window)
            action.setCheckable(True)
            action.setChecked(choice == window.control.camera_choice)
            action.triggered.connect(
                lambda _=False, c=choice: window.guard("Camera", window.use_camera, c)
            )
            menu.addAction(action)
