"""Fitting the studio window to the screen it opens on: a school laptop's 1366x768, less
its taskbar and the window's title bar, shows every part of the window."""

from __future__ import annotations

from PyQt6.QtCore import QRect, QSize
from PyQt6.QtGui import QGuiApplication
from PyQt6.QtWidgets import QWidget

WANTED = QSize(1400, 900)
"""the window's size where the screen has room for it"""
TITLE_BAR = 32
"""room left for the title bar a window manager adds above the window (pixels)"""


def place_on_screen(window: QWidget, area: QRect | None = None) -> QRect:
    """Size ``window`` to :data:`WANTED` or to ``area`` (default: the screen's available
    geometry, that is without its taskbar), whichever is smaller, centred in ``area``;
    returns the window's new geometry (without the title bar)."""
    if area is None:
        screen = window.screen() or QGuiApplication.primaryScreen()
        if screen is None:
            raise RuntimeError("no screen to show the studio window on")
        area = screen.availableGeometry()
    room = QSize(area.width(), area.height() - TITLE_BAR)
    size = WANTED.boundedTo(room).expandedTo(window.minimumSizeHint().boundedTo(room))
    left = area.left() + (area.width() - size.width()) // 2
    top = area.top() + TITLE_BAR + (room.height() - size.height()) // 2
    window.setGeometry(left, top, size.width(), size.height())
    return window.geometry()
