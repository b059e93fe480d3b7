"""The backgrounds gallery's layout, read from the positions Qt gives its items (Qt
offscreen): no two thumbnails on top of each other, each inside the view or reachable by
scrolling, however wide the gallery and whenever the thumbnails arrive."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from PyQt6.QtCore import QRect
from PyQt6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from kaizen_studio.studio.app.gallery import Gallery
from kaizen_studio.studio.backgrounds import BUILT_IN


def item_rects(gallery: Gallery) -> dict[str, QRect]:
    """Each item's rectangle in the viewport's coordinates, scrolled to the top."""
    gallery.verticalScrollBar().setValue(0)  # type: ignore[union-attr]
    QApplication.processEvents()
    rects = {}
    for row in range(gallery.count()):
        item = gallery.item(row)
        assert item is not None
        rects[item.text()] = gallery.visualItemRect(item)
    return rects


def assert_laid_out(gallery: Gallery) -> None:
    rects = item_rects(gallery)
    names = list(rects)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            assert not rects[a].intersects(rects[b]), (
                f"{a} {rects[a].getRect()} overlaps {b} {rects[b].getRect()}"
            )
    viewport = gallery.viewport()
    assert viewport is not None
    scroll = gallery.verticalScrollBar()
    assert scroll is not None
    reachable = QRect(0, 0, viewport.width(), viewport.height() + scroll.maximum())
    for name, rect in rects.items():
        assert rect.width() >= 150 and rect.height() >= 100, f"{name} drawn small: {rect}"
        assert reachable.contains(rect), f"{name} {rect.getRect()} is outside {reachable}"


@pytest.mark.parametrize("width", [900, 430, 250])
def test_the_built_in_backgrounds_sit_side_by_side_not_on_top_of_each_other(
    qtbot: QtBot, width: int
) -> None:
    gallery = Gallery()
    qtbot.addWidget(gallery)
    gallery.resize(width, 260)
    gallery.show()
    qtbot.waitUntil(lambda: gallery.drawn, timeout=60_000)
    qtbot.wait(50)  # the last thumbnail's repaint
    assert gallery.count() == len(BUILT_IN)
    assert_laid_out(gallery)


def test_a_schools_folder_joins_the_grid_without_overlapping(qtbot: QtBot, tmp_path: Path) -> None:
    for i, name in enumerate(["a very long name for a picture of the hall", "b", "sports day"]):
        picture = np.full((90, 160, 3), (40 * i, 120, 200), np.uint8)
        assert cv2.imwrite(str(tmp_path / f"{name}.png"), picture)
    gallery = Gallery()
    qtbot.addWidget(gallery)
    gallery.resize(640, 300)
    gallery.show()
    gallery.add_folder(str(tmp_path))
    qtbot.waitUntil(lambda: gallery.drawn, timeout=60_000)
    assert gallery.count() == len(BUILT_IN) + 3
    assert_laid_out(gallery)
    gallery.resize(300, 300)  # a narrower window wraps them onto more rows
    qtbot.wait(50)  # the relayout after the resize (Qt does it on the next turn of its loop)
    assert_laid_out(gallery)
