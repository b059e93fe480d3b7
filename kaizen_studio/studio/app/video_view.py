"""A picture from the show in a widget: the programme preview or the camera view.

The picture is fitted inside the widget keeping its shape. On the camera view the mouse
is the eyedropper (a click) or draws the garbage-matte box (a drag); both are reported in
0..1 picture coordinates, so they fit the camera at any resolution.
"""

from __future__ import annotations

import enum

import numpy as np
from PyQt6.QtCore import QPointF, QRect, QRectF, Qt, pyqtSignal
from PyQt6.QtGui import QColor, QImage, QKeyEvent, QMouseEvent, QPainter, QPaintEvent, QPen
from PyQt6.QtWidgets import QSizePolicy, QWidget

from kaizen_studio.core.media import Image


def to_qimage(picture: np.ndarray) -> QImage:
    """A BGR or grey uint8 picture as a QImage that owns its pixels."""
    picture = np.ascontiguousarray(picture)
    height, width = picture.shape[:2]
    kind = QImage.Format.Format_Grayscale8 if picture.ndim == 2 else QImage.Format.Format_BGR888
    image = QImage(  # type: ignore[call-overload]  # PyQt6 takes a buffer; stubs say bytes
        picture.data, width, height, picture.strides[0], kind
    )
    return image.copy()  # the QImage must not outlive the array's buffer


class Pointer(enum.Enum):
    """What a click (or the keyboard's cross) on a :class:`VideoView` does."""

    NONE = "none"
    EYEDROPPER = "eyedropper"
    """picks the screen's colour at a point"""
    BOX = "box"
    """draws the keep-in box, corner by corner"""


class VideoView(QWidget):
    """Shows the newest picture; ``mode`` (a :class:`Pointer`) sets what the mouse does."""

    point_picked = pyqtSignal(float, float)
    box_drawn = pyqtSignal(float, float, float, float)
    cancelled = pyqtSignal()

    def __init__(self, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.caption = caption
        self.mode = Pointer.NONE
        self.box: tuple[float, float, float, float] | None = None
        self.inset: QImage | None = None
        """a small picture drawn at the bottom (the autocue's confidence copy)"""
        self._image: QImage | None = None
        self._picture: Image | None = None
        self._drag: tuple[QPointF, QPointF] | None = None
        self.cross: tuple[float, float] | None = None
        """the keyboard's cross, 0..1 across and down (while picking)"""
        self._corner: tuple[float, float] | None = None
        self.setMinimumSize(160, 90)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAccessibleName(caption)

    def set_picture(self, picture: Image | None) -> None:
        self._picture = picture
        self._image = None if picture is None else to_qimage(picture)
        self.update()

    @property
    def picture(self) -> Image | None:
        """The picture shown now (for tests and screenshots)."""
        return self._picture

    def set_mode(self, mode: Pointer) -> None:
        """EYEDROPPER or BOX also take the keyboard: the arrow keys move a cross over the
        picture (Shift: small steps), Enter picks the point (for a box: one corner, then
        the other), Escape gives up."""
        self.mode = mode
        self.cross = (0.5, 0.5) if mode is not Pointer.NONE else None
        self._corner = None
        cursor = (
            Qt.CursorShape.CrossCursor if mode is not Pointer.NONE else Qt.CursorShape.ArrowCursor
        )
        self.setCursor(cursor)
        policy = Qt.FocusPolicy.StrongFocus if mode is not Pointer.NONE else Qt.FocusPolicy.NoFocus
        self.setFocusPolicy(policy)
        if mode is not Pointer.NONE:
            self.setFocus()
        self.update()

    def keyPressEvent(self, event: QKeyEvent | None) -> None:  # noqa: N802
        if event is None or self.cross is None:
            super().keyPressEvent(event)
            return
        step = 0.005 if event.modifiers() & Qt.KeyboardModifier.ShiftModifier else 0.03
        moves = {
            Qt.Key.Key_Left: (-step, 0.0),
            Qt.Key.Key_Right: (step, 0.0),
            Qt.Key.Key_Up: (0.0, -step),
            Qt.Key.Key_Down: (0.0, step),
        }
        key = Qt.Key(event.key())
        x, y = self.cross
        if key in moves:
            dx, dy = moves[key]
            self.cross = (min(max(x + dx, 0.0), 1.0), min(max(y + dy, 0.0), 1.0))
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._pick(x, y)
        elif key == Qt.Key.Key_Escape:
            self.set_mode(Pointer.NONE)
            self.cancelled.emit()
        else:
            super().keyPressEvent(event)
            return
        self.update()

    def _pick(self, x: float, y: float) -> None:
        if self.mode is Pointer.EYEDROPPER:
            self.point_picked.emit(x, y)
        elif self._corner is None:
            self._corner = (x, y)
        else:
            (x0, y0), self._corner = self._corner, None
            self._boxed(x0, y0, x, y)

    def _boxed(self, x0: float, y0: float, x1: float, y1: float) -> None:
        left, right, top, bottom = min(x0, x1), max(x0, x1), min(y0, y1), max(y0, y1)
        if right - left > 0.02 and bottom - top > 0.02:
            self.box = (left, top, right, bottom)
            self.box_drawn.emit(left, top, right, bottom)

    def picture_rect(self) -> QRectF:
        """Where the picture is drawn inside the widget."""
        if self._image is None:
            return QRectF(self.rect())
        w, h = self._image.width(), self._image.height()
        scale = min(self.width() / w, self.height() / h)
        dw, dh = w * scale, h * scale
        return QRectF((self.width() - dw) / 2, (self.height() - dh) / 2, dw, dh)

    def to_picture(self, point: QPointF) -> tuple[float, float]:
        """A widget point in 0..1 picture coordinates (clamped to the picture)."""
        rect = self.picture_rect()
        x = (point.x() - rect.x()) / max(rect.width(), 1.0)
        y = (point.y() - rect.y()) / max(rect.height(), 1.0)
        return min(max(x, 0.0), 1.0), min(max(y, 0.0), 1.0)

    def mousePressEvent(self, event: QMouseEvent | None) -> None:  # noqa: N802
        if event is None or event.button() != Qt.MouseButton.LeftButton:
            return
        if self.mode is Pointer.EYEDROPPER:
            self.point_picked.emit(*self.to_picture(event.position()))
        elif self.mode is Pointer.BOX:
            self._drag = (event.position(), event.position())

    def mouseMoveEvent(self, event: QMouseEvent | None) -> None:  # noqa: N802
        if event is not None and self._drag is not None:
            self._drag = (self._drag[0], event.position())
            self.update()

    def mouseReleaseEvent(self, event: QMouseEvent | None) -> None:  # noqa: N802
        if event is None or self._drag is None:
            return
        (x0, y0), (x1, y1) = self.to_picture(self._drag[0]), self.to_picture(event.position())
        self._drag = None
        self._boxed(x0, y0, x1, y1)
        self.update()

    def paintEvent(self, event: QPaintEvent | None) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(20, 20, 24))
        rect = self.picture_rect()
        if self._image is None:
            painter.setPen(QColor(200, 200, 200))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.caption)
        else:
            painter.drawImage(rect, self._image)
        if self.inset is not None:
            w = rect.width() * 0.45
            h = w * self.inset.height() / max(self.inset.width(), 1)
            painter.setOpacity(0.85)
            painter.drawImage(
                QRectF(rect.x() + (rect.width() - w) / 2, rect.bottom() - h, w, h), self.inset
            )
            painter.setOpacity(1.0)
        pen = QPen(QColor(255, 200, 0), 2, Qt.PenStyle.DashLine)
        painter.setPen(pen)
        if self.cross is not None:
            cx, cy = (
                rect.x() + self.cross[0] * rect.width(),
                rect.y() + self.cross[1] * rect.height(),
            )
            painter.drawLine(QPointF(cx - 12, cy), QPointF(cx + 12, cy))
            painter.drawLine(QPointF(cx, cy - 12), QPointF(cx, cy + 12))
        if self._drag is not None:
            painter.drawRect(QRectF(self._drag[0], self._drag[1]).normalized())
        elif self.box is not None:
            x0, y0, x1, y1 = self.box
            painter.drawRect(
                QRect(
                    round(rect.x() + x0 * rect.width()),
                    round(rect.y() + y0 * rect.height()),
                    round((x1 - x0) * rect.width()),
                    round((y1 - y0) * rect.height()),
                )
            )
        painter.end()
