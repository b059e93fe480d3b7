"""The prompter window (PyQt6): full screen on a chosen screen, repainted at ~60 fps.

The only Qt module of the autocue. The window asks its :class:`Prompter` for the frame at
the current monotonic time, so the scroll speed does not depend on the repaint rate.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
from PyQt6.QtCore import Qt, QTimer
from PyQt6.QtGui import QGuiApplication, QImage, QKeyEvent, QPainter, QPaintEvent, QScreen
from PyQt6.QtWidgets import QWidget

from kaizen_studio.autocue.prompter import MIRROR_CYCLE, Prompter
from kaizen_studio.autocue.remote import RemoteServer
from kaizen_studio.autocue.render import Mirror
from kaizen_studio.core.errors import DeviceError
from kaizen_studio.core.media import Image

KEY_COMMANDS: dict[int, str] = {
    Qt.Key.Key_Space.value: "toggle",
    Qt.Key.Key_Up.value: "faster",
    Qt.Key.Key_Down.value: "slower",
    Qt.Key.Key_PageUp.value: "previous",
    Qt.Key.Key_PageDown.value: "next",
    Qt.Key.Key_Home.value: "home",
    Qt.Key.Key_End.value: "end",
    Qt.Key.Key_Plus.value: "bigger",
    Qt.Key.Key_Equal.value: "bigger",
    Qt.Key.Key_Minus.value: "smaller",
    Qt.Key.Key_M.value: "mirror",
    Qt.Key.Key_R.value: "reverse",
    Qt.Key.Key_V.value: "voice",
}
FRAME_INTERVAL_MS = 16


def pick_screen(index: int) -> QScreen:
    """The screen numbered ``index`` (0 is the first).

    Raises
    ------
    DeviceError
        When there is no such screen; the message lists the screens there are.
    """
    screens = QGuiApplication.screens()
    if 0 <= index < len(screens):
        return screens[index]
    names = ", ".join(
        f"{n}: {s.name()} {s.geometry().width()}x{s.geometry().height()}"
        for n, s in enumerate(screens)
    )
    raise DeviceError(f"there is no screen {index}; the screens are {names or 'none'}")


def flipped(frame: Image, mirror: Mirror | None) -> Image:
    """``frame`` flipped for this window's ``mirror`` (None or NONE: as it is)."""
    if mirror is None or mirror is Mirror.NONE:
        return frame
    flips = {
        Mirror.HORIZONTAL: (slice(None), slice(None, None, -1)),
        Mirror.VERTICAL: (slice(None, None, -1), slice(None)),
        Mirror.BOTH: (slice(None, None, -1), slice(None, None, -1)),
    }
    return np.ascontiguousarray(frame[flips[mirror]])


class PrompterWindow(QWidget):
    """A window showing a prompter.

    Several windows may show one prompter (one script, one scroll, driven from any of
    them), each on its own screen: give each its own ``mirror`` and it flips its own copy
    (the M key then cycles that window's mirroring only). Without ``mirror`` the window
    shows the prompter's own mirroring. Only one window should be given the ``remote``.
    ``decorate(frame, now)``, if given, draws on a copy of each frame before it is flipped
    (a kidsmeet's talk timer in the corner).
    """

    def __init__(
        self,
        prompter: Prompter,
        *,
        remote: RemoteServer | None = None,
        clock: Callable[[], float] | None = None,
        mirror: Mirror | None = None,
        decorate: Callable[[Image, float], None] | None = None,
    ):
        super().__init__()
        self.decorate = decorate
        self.prompter = prompter
        self.remote = remote
        self.mirror = mirror
        self._clock = clock or time.monotonic
        self.setWindowTitle("Autocue")
        self.setStyleSheet("background: black")
        self.setCursor(Qt.CursorShape.BlankCursor)
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self._tick)
        self._timer.start(FRAME_INTERVAL_MS)

    def now(self) -> float:
        """Seconds on the monotonic clock."""
        return float(self._clock())

    def show_on(self, screen: QScreen, *, full_screen: bool = True) -> None:
        """Show the window on ``screen``, full screen unless told otherwise."""
        self.setGeometry(screen.geometry())
        if full_screen:
            self.showFullScreen()
        else:
            self.show()
        handle = self.windowHandle()
        if handle is not None:
            handle.setScreen(screen)

    def _tick(self) -> None:
        if self.remote is not None:
            self.prompter.drain(self.remote, self.now())
        self.update()

    def keyPressEvent(self, event: QKeyEvent | None) -> None:  # noqa: N802
        if event is None:
            return
        if event.key() == Qt.Key.Key_Escape.value:
            self.close()
            return
        command = KEY_COMMANDS.get(event.key())
        if command is None:
            super().keyPressEvent(event)
            return
        if command == "mirror" and self.mirror is not None:
            self.mirror = MIRROR_CYCLE[(MIRROR_CYCLE.index(self.mirror) + 1) % len(MIRROR_CYCLE)]
            self.update()
            return
        self.prompter.apply(command, self.now())
        self.update()

    def paintEvent(self, event: QPaintEvent | None) -> None:  # noqa: N802
        frame = self.prompter.frame(self.now())
        if self.decorate is not None:
            frame = frame.copy()
            self.decorate(frame, self.now())
        frame = flipped(frame, self.mirror)
        height, width = frame.shape[:2]
        # The frame buffer outlives the paint (the renderer reuses it), so no copy is needed.
        image = QImage(  # type: ignore[call-overload]  # PyQt6 takes a buffer; stubs say bytes
            frame.data, width, height, frame.strides[0], QImage.Format.Format_BGR888
        )
        painter = QPainter(self)
        painter.drawImage(self.rect(), image)
        painter.end()

    def closeEvent(self, event: object) -> None:  # noqa: N802
        self._timer.stop()
        super().closeEvent(event)  # type: ignore[arg-type]
