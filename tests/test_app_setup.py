"""The studio window's set-up, driven like a teacher would (pytest-qt, Qt offscreen, the
demo presenter): the tablet remote, the school's pictures folder, the first-run
checklist, the microphone, show files and the camera menu."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from kaizen_studio.studio.app.window import StudioWindow
from kaizen_studio.studio.sound import Voice
from tests.studio_window import open_studio, saved


@pytest.fixture
def studio(qapp: QApplication, tmp_path_factory: pytest.TempPathFactory) -> Iterator[StudioWindow]:
    """A new window for each test: no test depends on what another left."""
    yield from open_studio(qapp, tmp_path_factory.mktemp("studio"))


def test_the_tablet_remote_shows_its_address_and_code(studio: StudioWindow) -> None:
    import urllib.request

    panel = studio.autocue
    panel.remote_box.setChecked(True)
    try:
        assert panel.remote is not None
        host, port = panel.remote.address
        assert panel.remote.code in panel.remote_label.text()
        assert f":{port}/" in panel.remote_label.text()
        with urllib.request.urlopen(f"http://{host}:{port}/", timeout=5) as reply:
            assert reply.status == 200
    finally:
        panel.remote_box.setChecked(False)
    assert panel.remote is None


def test_the_school_folder_and_dropped_files_join_the_gallery(
    studio: StudioWindow, tmp_path: Path
) -> None:
    import cv2
    from PyQt6.QtCore import QMimeData, QPointF, QUrl
    from PyQt6.QtGui import QDropEvent

    folder = tmp_path / "school"
    folder.mkdir()
    cv2.imwrite(str(folder / "hall.png"), np.full((90, 160, 3), (30, 120, 200), np.uint8))
    (folder / "notes.txt").write_text("not a picture", "utf-8")
    studio.gallery.add_folder(str(folder))
    assert str(folder / "hall.png") in studio.gallery.specs()
    assert str(folder / "notes.txt") not in studio.gallery.specs()
    dropped = tmp_path / "castle.jpg"
    cv2.imwrite(str(dropped), np.full((90, 160, 3), (200, 30, 30), np.uint8))
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(dropped)), QUrl.fromLocalFile(str(folder / "notes.txt"))])
    event = QDropEvent(
        QPointF(10, 10),
        Qt.DropAction.CopyAction,
        data,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    studio.gallery.dropEvent(event)
    assert str(dropped) in studio.gallery.specs()
    assert "notes.txt: not a picture or video" in studio.message.text()


def test_the_checklist_answers_camera_screen_and_microphone(studio: StudioWindow) -> None:
    dialog = studio.open_checklist()
    try:
        answers = {question: (ok, answer) for question, ok, answer in dialog.checks()}
        assert set(answers) == {"Camera found?", "Green screen found?", "Microphone level?"}
        assert not answers["Camera found?"][0]  # the demo presenter is standing in
        assert "demo presenter" in answers["Camera found?"][1]
        assert answers["Green screen found?"][1].startswith("Yes: green screen")
        assert "✔" in dialog.text.text() and "✘" in dialog.text.text()
    finally:
        studio.close_checklist()


def test_choosing_the_microphone_on_a_machine_without_one_keeps_the_test_sound(
    studio: StudioWindow, qtbot: QtBot
) -> None:
    studio.microphone_action.setChecked(True)
    sound = studio.control.sound
    assert sound.playing is Voice.TEST_SOUND and sound.microphone_problem
    assert "the microphone is not used" in studio.message.text()
    level = sound.blocks
    qtbot.waitUntil(lambda: sound.blocks > level + 5, timeout=60_000)  # the show still sounds
    assert saved(studio).microphone == "default"
    studio.microphone_action.setChecked(False)
    assert saved(studio).microphone == ""


def test_opening_a_show_file_replaces_the_scenes_and_a_mistake_is_refused(
    studio: StudioWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('title = "Oops"\n\n[[scene]]\nname = "Hall"\nbackground = "#12345"\n', "utf-8")
    old = studio.control
    studio.guard("Open show", studio.open_show, str(bad))
    assert "bad.toml, line 5" in studio.message.text() and studio.control is old
    good = tmp_path / "assembly.toml"
    good.write_text(
        'title = "Assembly"\nsize = "480x270"\n\n[[scene]]\nname = "Hall"\n'
        'background = "playground"\n\n[[scene]]\nname = "Stars"\nbackground = "outer space"\n',
        "utf-8",
    )
    studio.open_show(str(good))
    assert [b.text() for b in studio.scenes.buttons] == ["1 Hall", "2 Stars"]
    assert studio.windowTitle() == "Kaizen Studio: Assembly"
    qtbot.waitUntil(lambda: studio.control.running, timeout=60_000)
    programme_ = studio.control.programme
    assert programme_ is not None
    qtbot.waitUntil(
        lambda: programme_.look is not None and programme_.look.name == "Hall", timeout=60_000
    )
    studio.activateWindow()  # the keys are the window's shortcuts: it must be the active one
    qtbot.waitUntil(studio.isActiveWindow, timeout=60_000)
    qtbot.keyClick(studio.scenes.buttons[0], Qt.Key.Key_2)
    qtbot.waitUntil(
        lambda: programme_.look is not None and programme_.look.name == "Stars", timeout=60_000
    )
    assert saved(studio).show_file == str(good.resolve())
    old_programme = old.programme
    assert old_programme is not None
    qtbot.waitUntil(lambda: old_programme._thread is None, timeout=60_000)  # closed aside


def test_the_camera_menu_lists_the_demo_and_a_missing_camera_is_explained(
    studio: StudioWindow, qtbot: QtBot
) -> None:
    studio.menus.list_cameras()
    menu = studio.menus.camera
    assert menu is not None
    labels = {action.text(): action.isChecked() for action in menu.actions()}
    assert labels.get("The demo presenter") is (studio.control.camera_choice == "demo")
    frames = studio.control.status().frames
    studio.use_camera("9")
    qtbot.waitUntil(lambda: "camera 9 could not be opened" in studio.message.text(), timeout=60_000)
    assert studio.control.camera_choice == "demo"
    assert saved(studio).camera == "auto"  # a camera that did not open is not remembered
    studio.use_camera("demo")  # back to the presenter: the strip says how it runs again
    qtbot.waitUntil(lambda: "Showing the demo presenter" in studio.message.text(), timeout=60_000)
    qtbot.waitUntil(lambda: "pictures a second" in studio.status_strip.text(), timeout=60_000)
    assert saved(studio).camera == "demo"
    qtbot.waitUntil(lambda: studio.control.status().frames > frames + 10, timeout=60_000)


def test_the_remote_listening_everywhere_shows_an_address_a_tablet_can_type() -> None:
    from kaizen_studio.studio.app.autocue_panel import reachable_address

    shown = reachable_address("0.0.0.0", 8765)
    assert shown.startswith("http://") and shown.endswith(":8765/")
    assert "0.0.0.0" not in shown
