"""What the green-screen tab and the camera view do: auto key, the empty screen, the
eyedropper, the keep-in box, the sliders, reset and the matte view.

Each button goes through the window's ``guard`` (a problem is said, never raised); the
work itself is the show's (:class:`studio.control.StudioControl`, asked through
``control``, since opening another show file replaces it). A slider moved or the key reset
is remembered for the next run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from kaizen_studio.studio.app.key_panel import KeyPanel
from kaizen_studio.studio.app.matte_view import MatteView
from kaizen_studio.studio.app.remembered import Remembered
from kaizen_studio.studio.app.video_view import Pointer, VideoView
from kaizen_studio.studio.control import StudioControl

Guard = Callable[..., None]
"""The window's ``guard(what, action, *args)``."""


class KeyActions:
    """The key panel's and the camera view's actions, wired to their signals.

    Parameters
    ----------
    panel : KeyPanel
        The green-screen tab.
    camera_view : VideoView
        The camera's picture, where the eyedropper and the keep-in box point.
    control : callable
        The show's control now.
    remembered : Remembered
        The window's settings, where the keyer's settings are kept.
    guard, say : callable
        The window's ``guard(what, action, *args)`` and message bar.
    """

    def __init__(
        self,
        *,
        panel: KeyPanel,
        camera_view: VideoView,
        control: Callable[[], StudioControl],
        remembered: Remembered,
        guard: Guard,
        say: Callable[[str], None],
    ) -> None:
        self.panel, self.camera_view = panel, camera_view
        self._control, self._remembered = control, remembered
        self._guard, self._say = guard, say
        self.matte = MatteView(lambda keyer: self._control().matte_picture(keyer))
        """the camera's key in black and white, while the matte view is on"""
        self._connect()

    def _connect(self) -> None:
        panel, view, guard = self.panel, self.camera_view, self._guard
        panel.auto_key.clicked.connect(lambda: guard("Auto key", self.auto_key))
        panel.eyedropper.toggled.connect(
            lambda on: view.set_mode(Pointer.EYEDROPPER if on else Pointer.NONE)
        )
        panel.keep_in.toggled.connect(lambda on: view.set_mode(Pointer.BOX if on else Pointer.NONE))
        view.cancelled.connect(self._stop_picking)
        panel.plate.clicked.connect(lambda: guard("Empty screen", self.capture_plate))
        panel.matte_view.toggled.connect(lambda on: guard("Matte view", self.set_matte_view, on))
        panel.clear_box.clicked.connect(lambda: guard("Clear box", self.clear_box))
        panel.reset.clicked.connect(lambda: guard("Reset", self.reset))
        panel.setting_changed.connect(
            lambda name, value: guard("Slider", self.set_setting, name, value)
        )
        view.point_picked.connect(lambda x, y: guard("Eyedropper", self.picked, x, y))
        view.box_drawn.connect(lambda *box: guard("Keep-in box", self.boxed, *box))

    def shortcuts(self) -> list[tuple[str, str, Callable[..., Any]]]:
        """The keyboard's shortcuts for the key: (keys, what, action)."""
        return [
            ("Ctrl+K", "Auto key", self.auto_key),
            ("Ctrl+M", "Matte view", self.panel.matte_view.toggle),
        ]

    def auto_key(self) -> None:
        self._say("Looking for the green screen...")
        self._control().auto_key()

    def capture_plate(self) -> None:
        self._say("Capturing the empty screen: make sure nobody is in the picture...")
        self._control().capture_plate()

    def _stop_picking(self) -> None:
        self.panel.eyedropper.setChecked(False)
        self.panel.keep_in.setChecked(False)

    def picked(self, x: float, y: float) -> None:
        """The eyedropper's point (0..1 across and down the camera's picture)."""
        self.panel.eyedropper.setChecked(False)
        self._control().eyedropper(x, y)

    def boxed(self, x0: float, y0: float, x1: float, y1: float) -> None:
        """The keep-in box drawn (0..1 corners): outside it is always background."""
        self.panel.keep_in.setChecked(False)
        self._control().set_garbage((x0, y0, x1, y1))
        self._say("Keep-in box set: outside it is always background")

    def clear_box(self) -> None:
        self.camera_view.box = None
        self._control().set_garbage(None)
        self.camera_view.update()

    def set_setting(self, name: str, value: float) -> None:
        """A slider moved: the keyer's setting ``name`` is ``value``, remembered."""
        control = self._control()
        control.set_keyer_setting(name, value)
        settings = self._remembered.settings
        keyer = dict(control.keyer.settings.as_dict())
        self._remembered.remember(replace(settings, keyer=keyer))

    def reset(self) -> None:
        """The keyer's settings back to the defaults, remembered."""
        self._control().reset_keyer()
        self._remembered.remember(replace(self._remembered.settings, keyer={}))

    def set_matte_view(self, on: bool) -> None:
        self.matte.set(on)
