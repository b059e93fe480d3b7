"""The background gallery: the built-in backgrounds and the school's own pictures and
videos as thumbnails; click one to put it behind the presenter, drop files in to add them."""

from __future__ import annotations

import logging
from pathlib import Path

from PyQt6.QtCore import QSize, Qt, QTimer, pyqtSignal
from PyQt6.QtGui import QColor, QDragEnterEvent, QDropEvent, QIcon, QPixmap
from PyQt6.QtWidgets import QListWidget, QListWidgetItem, QWidget

from kaizen_studio.core.errors import StudioError
from kaizen_studio.studio.app.video_view import to_qimage
from kaizen_studio.studio.backdrop import VIDEO_SUFFIXES, Backdrop
from kaizen_studio.studio.backgrounds import BUILT_IN

PICTURE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".webp"}
THUMBNAIL = (192, 108)
MOST_FILES = 60
GAP = 6
"""pixels around each thumbnail in the gallery's grid"""
log = logging.getLogger(__name__)


def usable(path: Path) -> bool:
    return path.is_file() and path.suffix.lower() in PICTURE_SUFFIXES | VIDEO_SUFFIXES


class Gallery(QListWidget):
    """Thumbnails; emits ``chosen`` with the background's spec (a built-in name or a path).
    ``problem`` reports a file that could not be added."""

    chosen = pyqtSignal(str)
    problem = pyqtSignal(str)
    file_added = pyqtSignal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setViewMode(QListWidget.ViewMode.IconMode)
        self.setIconSize(QSize(*THUMBNAIL))
        # Every item gets the same cell, big enough for a thumbnail and two lines of its
        # name: items are placed when added (before their thumbnail is drawn), and Qt does
        # not place them again when a thumbnail arrives, so cells sized by the item's
        # contents at that moment (its name only) made the thumbnails overlap.
        line = self.fontMetrics().lineSpacing()
        self.setGridSize(QSize(THUMBNAIL[0] + 2 * GAP, THUMBNAIL[1] + 2 * line + 2 * GAP))
        self.setUniformItemSizes(True)
        self.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.setMovement(QListWidget.Movement.Static)
        self.setWordWrap(True)
        self.setAcceptDrops(True)
        self.setToolTip("Click a background to put it behind the presenter; drop pictures here")
        self.setAccessibleName("Backgrounds")
        self._waiting: list[QListWidgetItem] = []
        blank = QPixmap(*THUMBNAIL)  # shown until an item's thumbnail is drawn
        blank.fill(QColor("#d8dde6"))
        self._blank = QIcon(blank)
        for name in BUILT_IN:
            self._add(name, name.replace("_", " ").title())
        self.itemActivated.connect(self._activated)
        self.itemClicked.connect(self._activated)

    @property
    def drawn(self) -> bool:
        """Whether every thumbnail is drawn."""
        return not self._waiting

    def specs(self) -> list[str]:
        items = (self.item(i) for i in range(self.count()))
        return [str(item.data(Qt.ItemDataRole.UserRole)) for item in items if item is not None]

    def add_folder(self, folder: str) -> None:
        """Add the pictures and videos in ``folder`` (the first 60, by name)."""
        if not folder:
            return
        path = Path(folder)
        if not path.is_dir():
            self.problem.emit(f"The backgrounds folder {folder} does not exist")
            return
        for file in sorted(p for p in path.iterdir() if usable(p))[:MOST_FILES]:
            self.add_file(file)

    def _draw_next(self) -> None:
        """Draw one waiting thumbnail (one per turn of the event loop: the window stays
        free while a folder of videos is read)."""
        if not self._waiting:
            return
        item = self._waiting.pop(0)
        spec = str(item.data(Qt.ItemDataRole.UserRole))
        try:
            backdrop = Backdrop(spec, THUMBNAIL, fit=True)
            thumbnail = backdrop.at(0.0)
            backdrop.close()
        except StudioError as error:
            log.warning("gallery: %s", error)
            self.problem.emit(str(error))
            self.takeItem(self.row(item))
        else:
            item.setIcon(QIcon(QPixmap.fromImage(to_qimage(thumbnail))))
        if self._waiting:
            QTimer.singleShot(0, self._draw_next)

    def add_file(self, file: Path) -> bool:
        if not usable(file):
            self.problem.emit(
                f"{file.name}: not a picture or video the studio can use (use PNG, JPEG or MP4)"
            )
            return False
        if str(file) in self.specs():
            return True
        self._add(str(file), file.stem)
        self.file_added.emit(str(file))
        return True

    def _add(self, spec: str, title: str) -> None:
        """Add ``spec`` at once; its thumbnail is drawn soon after (a bad file is taken
        out again and reported)."""
        item = QListWidgetItem(self._blank, title)
        item.setData(Qt.ItemDataRole.UserRole, spec)
        item.setToolTip(spec)
        self.addItem(item)
        self._waiting.append(item)
        if len(self._waiting) == 1:
            QTimer.singleShot(0, self._draw_next)

    def _activated(self, item: QListWidgetItem | None) -> None:
        if item is not None:
            self.chosen.emit(str(item.data(Qt.ItemDataRole.UserRole)))

    def dragEnterEvent(self, event: QDragEnterEvent | None) -> None:  # noqa: N802
        if event is not None and event.mimeData() is not None and event.mimeData().hasUrls():  # type: ignore[union-attr]
            event.acceptProposedAction()

    def dragMoveEvent(self, event: QDragEnterEvent | None) -> None:  # type: ignore[override]  # noqa: N802
        if event is not None:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent | None) -> None:  # noqa: N802
        data = event.mimeData() if event is not None else None
        if event is None or data is None:
            return
        for url in data.urls():
            if url.isLocalFile():
                self.add_file(Path(url.toLocalFile()))
        event.acceptProposedAction()
