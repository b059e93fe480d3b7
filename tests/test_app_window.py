"""The studio window, driven like a pupil would (pytest-qt, Qt offscreen, the demo
presenter): auto key, matte view, backgrounds, scenes, recording, the prompter, mistakes,
and the camera unplugged mid-show."""

from __future__ import annotations

import copy
import os
import time
from collections.abc import Iterator
from pathlib import Path

import av
import numpy as np
import pytest
from PyQt6.QtCore import QPoint, Qt
from PyQt6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from autocue.render import Look, Mirror, PrompterRenderer
from studio.app.screenshots import wait
from studio.app.window import StudioWindow, status_text
from studio.app_settings import AppSettings
from studio.control import StudioControl
from studio.errors import DeviceError
from studio.media import Image
from studio.show import Placement, Scene, Show
from studio.sources import DemoPresenterSource, ThreadedSource

SIZE = (480, 270)
SHOW = Show(
    "Test News",
    25,
    SIZE,
    (
        Scene("Newsroom", "newsroom", lower_third=("Zoë", "Year 5 reporter")),
        Scene("Weather", "weather map", presenter=Placement(x=0.7, scale=0.9)),
        Scene("Space", "outer space"),
    ),
)


class Unplugged(ThreadedSource):
    """A camera that sends a few pictures and then is unplugged (as CameraSource reports)."""

    name = "camera 0"

    def produce(self) -> Iterator[Image]:
        for _ in range(5):
            yield np.zeros((SIZE[1], SIZE[0], 3), np.uint8)
            time.sleep(0.04)
        raise DeviceError("camera 0 stopped sending pictures: is it unplugged?")


@pytest.fixture(scope="module")
def studio(qapp: QApplication, tmp_path_factory: pytest.TempPathFactory) -> Iterator[StudioWindow]:
    folder = tmp_path_factory.mktemp("studio")
    settings = AppSettings(
        recordings=str(folder / "recordings"),
        remote_host="127.0.0.1",
        remote_port=0,
        checklist_done=True,
    )
    saved: list[AppSettings] = []
    control = StudioControl(SHOW, camera="demo", recordings=folder / "recordings")
    window = StudioWindow(control, settings, save=lambda s: saved.append(copy.deepcopy(s)))
    window.resize(1200, 800)
    window.show()
    window.saved = saved  # type: ignore[attr-defined]
    wait(qapp, 60, lambda: control.running and window.programme_view.picture is not None)
    assert window.programme_view.picture is not None, "the show did not start in a minute"
    yield window
    window.close()


def saved(window: StudioWindow) -> AppSettings:
    """What the window wrote to the settings file last (written now, not half a second
    after the last change)."""
    window.save_settings()
    writes: list[AppSettings] = window.saved  # type: ignore[attr-defined]
    return writes[-1]


def programme(window: StudioWindow) -> Image:
    frame = window.control.programme_picture()
    assert frame is not None
    return frame.image


def test_the_show_starts_on_the_demo_presenter_and_keys_itself(
    studio: StudioWindow, qtbot: QtBot
) -> None:
    qtbot.waitUntil(lambda: studio.control.keyer.calibrated, timeout=15_000)
    qtbot.waitUntil(lambda: "pictures a second" in studio.status_strip.text(), timeout=15_000)
    qtbot.waitUntil(lambda: "green screen" in status_text(studio), timeout=15_000)
    assert isinstance(studio.control.source, DemoPresenterSource)


def test_auto_key_calibrates_on_the_current_picture(studio: StudioWindow, qtbot: QtBot) -> None:
    before = studio.control.keyer.calibration
    qtbot.mouseClick(studio.key_panel.auto_key, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: studio.control.keyer.calibration is not before, timeout=30_000)
    qtbot.waitUntil(lambda: studio.message.text().startswith("Keyed: green screen"), timeout=15_000)


def test_matte_view_shows_the_key_in_black_and_white(studio: StudioWindow, qtbot: QtBot) -> None:
    qtbot.mouseClick(studio.key_panel.matte_view, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: studio.camera_view.picture is not None and studio.camera_view.picture.ndim == 2,
        timeout=5000,
    )
    matte = studio.camera_view.picture
    assert matte is not None
    solid, clear = np.mean(matte == 255), np.mean(matte == 0)
    assert solid > 0.05 and clear > 0.4 and solid + clear > 0.9  # presenter and screen
    qtbot.mouseClick(studio.key_panel.matte_view, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: studio.camera_view.picture.ndim == 3, timeout=15_000)  # type: ignore[union-attr]


def test_clicking_a_background_puts_it_behind_the_presenter(
    studio: StudioWindow, qtbot: QtBot
) -> None:
    qtbot.waitUntil(lambda: studio.gallery.drawn, timeout=15_000)
    studio.gallery.doItemsLayout()  # type: ignore[attr-defined]  # thumbnails resized items
    corner = programme(studio)[:40, :40].reshape(-1, 3).mean(axis=0)
    items = [studio.gallery.item(i) for i in range(studio.gallery.count())]
    beach = next(i for i in items if i is not None and i.text() == "Beach")
    rect = studio.gallery.visualItemRect(beach)
    viewport = studio.gallery.viewport()
    assert viewport is not None
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(
        lambda: np.abs(programme(studio)[:40, :40].reshape(-1, 3).mean(axis=0) - corner).max() > 20,
        timeout=10_000,
    )
    assert studio.control.programme is not None
    assert studio.control.programme.look is not None
    assert studio.control.programme.look.name == "beach"


def test_number_keys_switch_scenes_with_the_chosen_transition(
    studio: StudioWindow, qtbot: QtBot
) -> None:
    studio.scenes.fade.setChecked(True)
    studio.activateWindow()
    qtbot.waitUntil(studio.isActiveWindow)
    studio.gallery.setFocus()  # the gallery has the focus after a background is picked
    qtbot.keyClick(studio.gallery, Qt.Key.Key_2)
    assert studio.control.scene_index == 1
    assert studio.scenes.buttons[1].isChecked()
    programme_ = studio.control.programme
    assert programme_ is not None
    qtbot.waitUntil(lambda: programme_.look is not None and programme_.look.name == "Weather")
    assert saved(studio).transition == "fade"
    qtbot.mouseClick(studio.scenes.buttons[0], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: programme_.look is not None and programme_.look.name == "Newsroom")
    qtbot.waitUntil(lambda: studio.captions.name.text() == "Zoë", timeout=3000)


def test_caption_and_ticker_editors_change_the_programme(
    studio: StudioWindow, qtbot: QtBot
) -> None:
    programme_ = studio.control.programme
    assert programme_ is not None
    studio.captions.name.setText("Amélie")
    studio.captions.role.setText("Weather girl")
    qtbot.mouseClick(studio.captions.show_caption, Qt.MouseButton.LeftButton)
    studio.captions.ticker.setPlainText("Sports day is on Friday\nBring a water bottle")
    qtbot.mouseClick(studio.captions.show_ticker, Qt.MouseButton.LeftButton)
    assert studio.control.captions() == (
        ("Amélie", "Weather girl"),
        ["Sports day is on Friday", "Bring a water bottle"],
    )
    qtbot.mouseClick(studio.captions.hide_ticker, Qt.MouseButton.LeftButton)
    assert studio.control.captions()[1] == []


def test_sliders_change_the_key_and_are_remembered(studio: StudioWindow, qtbot: QtBot) -> None:
    slider = studio.key_panel.sliders["spill"]
    slider.slider.setValue(slider.slider.minimum())
    assert studio.control.keyer.settings.spill == slider.setting.minimum
    assert saved(studio).keyer["spill"] == slider.setting.minimum
    studio.show_scene(2)  # a scene that sets no keyer settings keeps the sliders' key
    programme_ = studio.control.programme
    assert programme_ is not None
    qtbot.waitUntil(lambda: programme_.look is not None and programme_.look.name == "Space")
    qtbot.wait(600)
    assert studio.control.keyer.settings.spill == slider.setting.minimum
    assert slider.value() == slider.setting.minimum
    qtbot.mouseClick(studio.key_panel.reset, Qt.MouseButton.LeftButton)
    assert studio.control.keyer.settings.spill == slider.setting.default
    assert slider.value() == slider.setting.default


def test_keep_in_box_drawn_on_the_camera_view(studio: StudioWindow, qtbot: QtBot) -> None:
    qtbot.mouseClick(studio.key_panel.keep_in, Qt.MouseButton.LeftButton)
    view = studio.camera_view
    rect = view.picture_rect()
    start = QPoint(round(rect.x() + rect.width() * 0.2), round(rect.y() + rect.height() * 0.1))
    end = QPoint(round(rect.x() + rect.width() * 0.8), round(rect.y() + rect.height() * 0.95))
    qtbot.mousePress(view, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(view, end)
    qtbot.mouseRelease(view, Qt.MouseButton.LeftButton, pos=end)
    garbage = studio.control.keyer.mattes.garbage
    assert len(garbage) == 1
    (x0, y0), _, (x1, y1), _ = garbage[0]
    assert abs(x0 - 0.2) < 0.02 and abs(x1 - 0.8) < 0.02
    assert abs(y0 - 0.1) < 0.02 and abs(y1 - 0.95) < 0.02
    qtbot.mouseClick(studio.key_panel.clear_box, Qt.MouseButton.LeftButton)
    assert studio.control.keyer.mattes.garbage == ()


def test_record_button_records_a_file_that_decodes(studio: StudioWindow, qtbot: QtBot) -> None:
    studio.on_air.camera_too.setChecked(True)
    qtbot.mouseClick(studio.on_air.record, Qt.MouseButton.LeftButton)
    assert studio.control.recording
    qtbot.waitUntil(lambda: "STOP" in studio.on_air.record.text(), timeout=3000)
    qtbot.wait(2000)
    qtbot.mouseClick(studio.on_air.record, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: studio.message.text().startswith("Saved "), timeout=30_000)
    files = sorted(
        Path(studio.control.on_air.recordings).glob("Test News *.mp4"), key=lambda p: len(p.name)
    )
    assert len(files) == 2 and files[1].name == files[0].stem + " camera.mp4"
    counts = []
    for file in files:
        with av.open(str(file)) as container:
            assert container.streams.audio, "the recording has the show's sound"
            counts.append(sum(1 for _ in container.decode(video=0)))
    assert 30 <= counts[0] <= 80 and abs(counts[0] - counts[1]) <= 2
    assert "RECORD" in studio.on_air.record.text() and "STOP" not in studio.on_air.record.text()


def test_a_bad_stream_address_is_explained_and_the_show_goes_on(
    studio: StudioWindow, qtbot: QtBot
) -> None:
    frames = studio.control.status().frames
    studio.on_air.stream_url.setText("http://example.invalid/live")
    qtbot.mouseClick(studio.on_air.live, Qt.MouseButton.LeftButton)
    assert "must start with rtmp://" in studio.message.text()
    assert not studio.control.live
    qtbot.waitUntil(lambda: studio.control.status().frames > frames + 10, timeout=15_000)


def test_the_prompter_opens_mirrored_and_scrolls(
    studio: StudioWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    script = tmp_path / "story.txt"
    script.write_text("Once upon a time there was a green screen.\n\nThe end.\n", "utf-8")
    panel = studio.autocue
    assert panel.load(str(script))
    panel.mirror.setChecked(True)
    qtbot.mouseClick(panel.show_prompter, Qt.MouseButton.LeftButton)
    assert panel.windows and panel.windows[0].isVisible()
    prompter = panel.prompter
    assert prompter is not None and panel.script is not None
    height, width = prompter.frame(0.0).shape[:2]
    plain = PrompterRenderer(panel.script, width=width, height=height, look=Look())
    assert np.array_equal(prompter.frame(panel.windows[0].now()), plain.render(0.0)[:, ::-1])
    assert prompter.renderer.look.mirror is Mirror.HORIZONTAL
    assert panel.confidence_picture() is not None  # the words over the preview
    qtbot.mouseClick(panel.start_pause, Qt.MouseButton.LeftButton)
    assert prompter.model.state(panel.windows[0].now()).playing
    panel.close_prompter()


def test_an_unplugged_camera_is_reported_and_the_window_keeps_running(
    studio: StudioWindow, qtbot: QtBot
) -> None:
    control = studio.control
    control.replace_source(Unplugged(clock=control.clock))
    qtbot.waitUntil(lambda: "Plug the camera back in" in studio.status_strip.text(), timeout=30_000)
    frames = control.status().frames
    qtbot.waitUntil(lambda: control.status().frames > frames + 10, timeout=15_000)
    presenter = DemoPresenterSource(size=SIZE, fps=25, clock=control.clock, loop_seconds=0.2)
    control.replace_source(presenter)
    qtbot.waitUntil(lambda: "Plug the camera" not in studio.status_strip.text(), timeout=30_000)


def test_the_eyedropper_keys_on_the_colour_clicked(studio: StudioWindow, qtbot: QtBot) -> None:
    qtbot.mouseClick(studio.key_panel.eyedropper, Qt.MouseButton.LeftButton)
    assert studio.camera_view.mode == "eyedropper"
    rect = studio.camera_view.picture_rect()
    corner = QPoint(round(rect.x() + rect.width() * 0.05), round(rect.y() + rect.height() * 0.1))
    before = studio.control.keyer.calibration
    qtbot.mouseClick(studio.camera_view, Qt.MouseButton.LeftButton, pos=corner)
    qtbot.waitUntil(lambda: studio.control.keyer.calibration is not before, timeout=30_000)
    calibration = studio.control.keyer.calibration
    assert calibration is not None and calibration.screen_name == "green"
    assert not studio.key_panel.eyedropper.isChecked() and studio.camera_view.mode == "none"


def test_capture_empty_screen_keys_from_the_plate(studio: StudioWindow, qtbot: QtBot) -> None:
    qtbot.mouseClick(studio.key_panel.plate, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: studio.message.text().startswith("Empty screen captured"), timeout=10_000
    )
    calibration = studio.control.keyer.calibration
    assert calibration is not None and calibration.from_plate
    assert studio.control.plate is not None


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
        dialog.close()


def test_choosing_the_microphone_on_a_machine_without_one_keeps_the_test_sound(
    studio: StudioWindow, qtbot: QtBot
) -> None:
    studio.microphone_action.setChecked(True)
    sound = studio.control.sound
    assert sound.playing == "test sound" and sound.microphone_problem
    assert "the microphone is not used" in studio.message.text()
    level = sound.blocks
    qtbot.waitUntil(lambda: sound.blocks > level + 5, timeout=15_000)  # the show still sounds
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
    qtbot.waitUntil(lambda: programme_.look is not None and programme_.look.name == "Hall")
    studio.activateWindow()  # the keys are the window's shortcuts: it must be the active one
    qtbot.waitUntil(studio.isActiveWindow)
    qtbot.keyClick(studio.scenes.buttons[0], Qt.Key.Key_2)
    qtbot.waitUntil(
        lambda: programme_.look is not None and programme_.look.name == "Stars", timeout=15_000
    )
    assert saved(studio).show_file == str(good.resolve())
    old_programme = old.programme
    assert old_programme is not None
    qtbot.waitUntil(lambda: old_programme._thread is None, timeout=30_000)  # closed aside


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
    qtbot.waitUntil(lambda: "camera 9 could not be opened" in studio.message.text(), timeout=30_000)
    assert studio.control.camera_choice == "demo"
    assert saved(studio).camera == "auto"  # a camera that did not open is not remembered
    studio.use_camera("demo")  # back to the presenter: the strip says how it runs again
    qtbot.waitUntil(lambda: "Showing the demo presenter" in studio.message.text(), timeout=60_000)
    qtbot.waitUntil(lambda: "pictures a second" in studio.status_strip.text(), timeout=15_000)
    assert saved(studio).camera == "demo"
    qtbot.waitUntil(lambda: studio.control.status().frames > frames + 10, timeout=15_000)


def test_a_pupil_pressing_every_button_in_any_order_cannot_break_the_show(
    studio: StudioWindow, qtbot: QtBot
) -> None:
    """Every button, tick box and slider, 150 times in a seeded random order (file dialogs
    and Qt's own menu arrows left out: they wait for a person). pytest-qt fails the test
    on any exception that escapes into Qt; the show must still make pictures at the end."""
    import random

    from PyQt6.QtWidgets import QAbstractButton, QSlider

    asks_for_a_file = ("...",)
    buttons = [  # no text: Qt's own arrows, which pop up menus
        b
        for b in studio.findChildren(QAbstractButton)
        if b.text() and not b.text().endswith(asks_for_a_file)
    ]
    sliders = studio.findChildren(QSlider)
    assert len(buttons) > 15 and len(sliders) == len(studio.key_panel.sliders)
    chance = random.Random(int(os.environ.get("KAIZEN_MONKEY_SEED", "7")))  # to hunt
    for _ in range(150):
        if chance.random() < 0.25:
            slider = chance.choice(sliders)
            slider.setValue(chance.randint(slider.minimum(), slider.maximum()))
        else:
            chance.choice(buttons).click()  # some are on tabs not shown
        if chance.random() < 0.1:
            studio.tabs.setCurrentIndex(chance.randrange(studio.tabs.count()))
        qtbot.wait(chance.choice((0, 5, 30)))
    for window in studio.autocue.windows:
        window.close()
    frames = studio.control.status().frames
    qtbot.waitUntil(lambda: studio.control.status().frames > frames + 10, timeout=30_000)
    if studio.control.recording:
        studio.toggle_recording()
    if studio.control.live:
        studio.toggle_live()
    qtbot.waitUntil(lambda: not studio.jobs, timeout=30_000)
    qtbot.wait(600)  # the last jobs' outcomes reach the message bar
    bugs = [m for m in studio.messages if "something went wrong" in m]
    assert not bugs, bugs


def test_the_remote_listening_everywhere_shows_an_address_a_tablet_can_type() -> None:
    from studio.app.autocue_panel import reachable_address

    shown = reachable_address("0.0.0.0", 8765)
    assert shown.startswith("http://") and shown.endswith(":8765/")
    assert "0.0.0.0" not in shown


def test_the_eyedropper_and_the_keep_in_box_work_from_the_keyboard(
    studio: StudioWindow, qtbot: QtBot
) -> None:
    view, key = studio.camera_view, studio.key_panel
    key.eyedropper.setChecked(False)
    key.keep_in.setChecked(False)  # as the earlier tests may have left it
    key.keep_in.setChecked(True)
    assert view.mode == "box" and view.focusPolicy() == Qt.FocusPolicy.StrongFocus
    for _ in range(5):
        qtbot.keyClick(view, Qt.Key.Key_Left)
        qtbot.keyClick(view, Qt.Key.Key_Up)
    qtbot.keyClick(view, Qt.Key.Key_Return)  # one corner at (0.35, 0.35)
    for _ in range(10):
        qtbot.keyClick(view, Qt.Key.Key_Right)
        qtbot.keyClick(view, Qt.Key.Key_Down)
    qtbot.keyClick(view, Qt.Key.Key_Return)  # the other at (0.65, 0.65)
    garbage = studio.control.keyer.mattes.garbage
    assert len(garbage) == 1
    (x0, y0), _, (x1, y1), _ = garbage[0]
    assert abs(x0 - 0.35) < 0.01 and abs(y0 - 0.35) < 0.01
    assert abs(x1 - 0.65) < 0.01 and abs(y1 - 0.65) < 0.01
    assert not key.keep_in.isChecked()
    qtbot.mouseClick(key.clear_box, Qt.MouseButton.LeftButton)
    key.eyedropper.setChecked(True)
    before = studio.control.keyer.calibration
    for _ in range(15):
        qtbot.keyClick(view, Qt.Key.Key_Left)  # to the left edge: green cloth
    qtbot.keyClick(view, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: studio.control.keyer.calibration is not before, timeout=30_000)
    key.eyedropper.setChecked(True)
    qtbot.keyClick(view, Qt.Key.Key_Escape)
    assert not key.eyedropper.isChecked() and view.mode == "none"
