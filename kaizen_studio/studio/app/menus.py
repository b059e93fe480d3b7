"""The studio window's menus and keyboard shortcuts: Show (open a show, the recordings
folder, the checklist, try the camera again, the microphone, quit) and Camera (the
cameras plugged in now and the demo presenter, listed each time the menu opens).

The menus know nothing of the window: they are given the menu bar and the callbacks
they call, each through ``guard`` (a problem is shown, never raised).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PyQt6.QtGui import QAction, QKeySequence, QShortcut
from PyQt6.QtWidgets import QFileDialog, QMenu, QMenuBar, QWidget

from kaizen_studio.studio.sources import list_cameras

Guard = Callable[..., None]
"""runs ``action(*args)`` for the named button; a problem is shown, never raised"""


@dataclass(frozen=True, kw_only=True)
class MenuActions:
    """What the menus do: the Show menu's items, and the microphone and camera choices."""

    open_show: Callable[[str], None]
    use_recordings: Callable[[str], None]
    """a folder for the recordings"""
    checklist: Callable[[], Any]
    retry_camera: Callable[[], Any]
    use_microphone: Callable[[bool], None]
    microphone_on: bool
    use_camera: Callable[[str], None]
    camera_choice: Callable[[], str]
    """the camera showing now (ticked in the Camera menu)"""
    quit: Callable[[], Any]


class StudioMenus:
    """The Show and Camera menus in ``bar``; every action goes through ``guard``."""

    def __init__(self, bar: QMenuBar, owner: QWidget, guard: Guard, actions: MenuActions):
        self.owner, self.guard, self.actions = owner, guard, actions
        show = bar.addMenu("&Show")
        assert show is not None
        self.show_menu: QMenu = show
        items: list[tuple[str, Callable[[], Any]]] = [
            ("Open a show file...", self._choose_show),
            ("Choose the recordings folder...", self._choose_recordings),
            ("Before the show: checklist", actions.checklist),
            ("Try the camera again", actions.retry_camera),
        ]
        for text, slot in items:
            action = QAction(text, owner)
            action.triggered.connect(lambda _=False, s=slot, t=text: guard(t, s))
            show.addAction(action)
        self.microphone = QAction("Use the microphone", owner)
        self.microphone.setCheckable(True)
        self.microphone.setChecked(actions.microphone_on)
        self.microphone.setToolTip("Off: the test sound plays instead")
        self.microphone.toggled.connect(lambda on: guard("Microphone", actions.use_microphone, on))
        show.addAction(self.microphone)
        camera = bar.addMenu("&Camera")
        assert camera is not None
        self.camera: QMenu = camera
        camera.aboutToShow.connect(lambda: guard("Cameras", self.list_cameras))
        quit_action = QAction("Quit", owner)
        quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        quit_action.triggered.connect(actions.quit)
        show.addAction(quit_action)

    def _choose_show(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self.owner, "Open a show", "", "Show files (*.toml)")
        if name:
            self.actions.open_show(name)

    def _choose_recordings(self) -> None:
        folder = QFileDialog.getExistingDirectory(self.owner, "Where recordings go")
        if folder:
            self.actions.use_recordings(folder)

    def add_shortcuts(self, keys: list[tuple[str, str, Callable[[], Any]]]) -> None:
        """Keyboard shortcuts: (keys, what for the guard, action) each."""
        for sequence, what, action in keys:
            shortcut = QShortcut(QKeySequence(sequence), self.owner)
            shortcut.activated.connect(lambda w=what, a=action: self.guard(w, a))

    def list_cameras(self) -> None:
        """Fill the Camera menu with the cameras plugged in now, and the demo presenter."""
        menu, guard, use = self.camera, self.guard, self.actions.use_camera
        menu.clear()
        showing = self.actions.camera_choice()
        choices = [(str(c.index), f"{c.index}: {c.name}") for c in list_cameras()]
        for choice, label in [*choices, ("demo", "The demo presenter")]:
            action = QAction(label, self.owner)
            action.setCheckable(True)
            action.setChecked(choice == showing)
            action.triggered.connect(lambda _=False, c=choice: guard("Camera", use, c))
            menu.addAction(action)
