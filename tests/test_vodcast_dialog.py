"""The vodcast step in the window: a real take trimmed, titled and made in a worker."""

from __future__ import annotations

from pathlib import Path

from PyQt6.QtWidgets import QApplication

from kaizen_studio.broadcast.mp4 import plays
from kaizen_studio.studio.app.vodcast_dialog import VodcastDialog
from tests.conditions import wait_until
from tests.media_files import take
from tests.studio_window import open_studio


def dialog(tmp_path: Path) -> VodcastDialog:  # (with the qapp fixture)
    path = tmp_path / "take.mp4"
    take(path, frames=45)  # 3 s
    found = VodcastDialog(path, tmp_path / "lesson.mp4", school="Hillside Primary")
    found.resize(900, 420)
    found.show()
    return found


def finish(found: VodcastDialog) -> None:
    def done() -> bool:
        QApplication.processEvents()
        return not found.busy

    wait_until(done, timeout=180, what="the vodcast to finish")


def test_the_strip_shows_the_take_and_the_fields_are_checked(
    qapp: QApplication, tmp_path: Path
) -> None:
    found = dialog(tmp_path)
    assert 2.5 < found.length < 3.5 and found.end.value() == found.length
    found.begin()
    assert "title" in found.state.text() and not found.busy  # nothing started
    found.title.setText("Fractions")
    found.class_name.setText("Class 4")
    found.start.setValue(2.0)
    found.end.setValue(1.0)
    found.begin()
    assert "after the start" in found.state.text() and not found.busy
    found.grab().save(str(tmp_path / "vodcast-dialog.png"))
    found.close()


def test_made_trimmed_and_saved_only_when_it_plays(qapp: QApplication, tmp_path: Path) -> None:
    found = dialog(tmp_path)
    found.title.setText("Fractions")
    found.class_name.setText("Class 4")
    found.start.setValue(0.5)
    found.end.setValue(2.5)
    found.thumbnail_at.setValue(1.0)
    found.begin()
    assert found.busy and not found.make.isEnabled()
    finish(found)
    assert found.state.text() == "Saved: lesson.mp4", found.state.text()
    assert plays(tmp_path / "lesson.mp4") == ""
    assert (tmp_path / "lesson-thumbnail.png").exists()
    found.close()


def test_cancel_leaves_nothing_half_written(qapp: QApplication, tmp_path: Path) -> None:
    found = dialog(tmp_path)
    found.title.setText("Fractions")
    found.class_name.setText("Class 4")
    found.begin()
    found.cancel.click()  # before the first picture is written
    finish(found)
    assert found.state.text() == "Cancelled: nothing was saved"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["take.mp4"]
    found.close()


def test_the_window_offers_the_vodcast_step_in_its_show_menu(
    qapp: QApplication, tmp_path: Path
) -> None:
    for studio in open_studio(qapp, tmp_path):
        words = [a.text() for a in studio.menus.show_menu.actions()]
        assert words[-2:] == ["Make a vodcast of a take...", "Quit"]
