"""The studio window, driven like a pupil would (pytest-qt, Qt offscreen, the demo
presenter): auto key, matte view, backgrounds, scenes, recording, the prompter, mistakes,
and the camera unplugged mid-show."""

from __future__ import annotations

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

from kaizen_studio.autocue.render import Look, Mirror, PrompterRenderer
from kaizen_studio.core.errors import DeviceError
from kaizen_studio.core.media import Image
from kaizen_studio.keying import KeyProblem
from kaizen_studio.studio.app.checklist_panel import show_checks
from kaizen_studio.studio.app.video_view import Pointer, VideoView
from kaizen_studio.studio.app.window import StudioWindow, status_text
from kaizen_studio.studio.programme_look import Transition
from kaizen_studio.studio.sources import DemoPresenterSource, ThreadedSource
from tests.studio_window import SIZE, open_studio, programme, saved


class Unplugged(ThreadedSource):
    """A camera that sends a few pictures and then is unplugged (as CameraSource reports)."""

    name = "camera 0"

    def produce(self) -> Iterator[Image]:
        for _ in range(5):
            yield np.zeros((SIZE[1], SIZE[0], 3), np.uint8)
            time.sleep(0.04)  # the camera's pace
        raise DeviceError("camera 0 stopped sending pictures: is it unplugged?")


@pytest.fixture
def studio(qapp: QApplication, tmp_path_factory: pytest.TempPathFactory) -> Iterator[StudioWindow]:
    """A new window for each test: no test depends on what another left."""
    yield from open_studio(qapp, tmp_path_factory.mktemp("studio"))


def pointer(view: VideoView) -> Pointer:
    """What a click on ``view`` does now (read afresh: a click or a key changes it)."""
    return view.mode


def test_the_show_starts_on_the_demo_presenter_and_keys_itself(
    studio: StudioWindow, qtbot: QtBot
) -> None:
    qtbot.waitUntil(lambda: studio.control.keyer.calibrated, timeout=60_000)
    qtbot.waitUntil(lambda: "pictures a second" in studio.status_strip.text(), timeout=60_000)
    qtbot.waitUntil(lambda: "green screen" in status_text(studio), timeout=60_000)
    assert isinstance(studio.control.source, DemoPresenterSource)


def test_auto_key_calibrates_on_the_current_picture(studio: StudioWindow, qtbot: QtBot) -> None:
    before = studio.control.keyer.calibration
    qtbot.mouseClick(studio.key_panel.auto_key, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: studio.control.keyer.calibration is not before, timeout=60_000)
    qtbot.waitUntil(lambda: studio.message.text().startswith("Keyed: green screen"), timeout=60_000)
    check = studio.control.key_check  # the demo presenter keys clean: nothing to warn of
    assert check is not None and check.problem is KeyProblem.NONE
    assert "wearing" not in studio.message.text() and studio.key_panel.warning.isHidden()


class GreenShirt(ThreadedSource):
    """A camera on a presenter in a shirt of nearly the screen's green, sides open onto
    the screen, arms folded across it."""

    name = "camera 0"

    def produce(self) -> Iterator[Image]:
        frame = np.zeros((SIZE[1], SIZE[0], 3), np.uint8)
        frame[:] = (60, 180, 50)  # the screen, B G R
        skin = (120, 150, 200)
        frame[20:70, 215:265] = skin  # head
        frame[70:80, 230:250] = skin  # neck
        frame[80:200, 185:295] = (50, 165, 30)  # the shirt
        frame[130:148, 170:310] = skin  # folded arms
        frame[200:, 195:285] = (110, 80, 50)  # jeans
        while not self.stopping:
            yield frame.copy()
            time.sleep(0.04)


def test_auto_key_says_when_a_shirt_is_the_screens_colour(
    studio: StudioWindow, qtbot: QtBot
) -> None:
    control = studio.control
    control.replace_source(GreenShirt(clock=control.clock))
    qtbot.waitUntil(lambda: control.camera_picture() is not None, timeout=15_000)
    qtbot.mouseClick(studio.key_panel.auto_key, Qt.MouseButton.LeftButton)
    said = "inside the presenter's outline is the screen's own green"
    qtbot.waitUntil(lambda: said in studio.message.text(), timeout=30_000)
    assert "Photo of the empty screen" in studio.message.text()
    qtbot.waitUntil(lambda: studio.key_panel.warning.isVisible(), timeout=15_000)
    assert said in studio.key_panel.warning.text()
    assert "blue cloth" in studio.key_panel.warning.text()
    qtbot.waitUntil(lambda: said in studio.status_strip.text(), timeout=15_000)
    screen = next(c for c in show_checks(control) if c.question == "Green screen found?")
    assert not screen.ok and said in screen.answer
    control.key_check = None  # forgotten: the checklist looks again by itself
    checklist = studio.open_checklist()
    try:
        qtbot.waitUntil(lambda: said in checklist.text.text(), timeout=30_000)
    finally:
        studio.close_checklist()


def test_matte_view_shows_the_key_in_black_and_white(studio: StudioWindow, qtbot: QtBot) -> None:
    qtbot.mouseClick(studio.key_panel.matte_view, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: studio.camera_view.picture is not None and studio.camera_view.picture.ndim == 2,
        timeout=60_000,
    )
    matte = studio.camera_view.picture
    assert matte is not None
    solid, clear = np.mean(matte == 255), np.mean(matte == 0)
    assert solid > 0.05 and clear > 0.4 and solid + clear > 0.9  # presenter and screen
    qtbot.mouseClick(studio.key_panel.matte_view, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: studio.camera_view.picture.ndim == 3, timeout=60_000)  # type: ignore[union-attr]


def test_clicking_a_background_puts_it_behind_the_presenter(
    studio: StudioWindow, qtbot: QtBot
) -> None:
    qtbot.waitUntil(lambda: studio.gallery.drawn, timeout=60_000)
    corner = programme(studio)[:40, :40].reshape(-1, 3).mean(axis=0)
    items = [studio.gallery.item(i) for i in range(studio.gallery.count())]
    beach = next(i for i in items if i is not None and i.text() == "Beach")
    rect = studio.gallery.visualItemRect(beach)
    viewport = studio.gallery.viewport()
    assert viewport is not None
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(
        lambda: np.abs(programme(studio)[:40, :40].reshape(-1, 3).mean(axis=0) - corner).max() > 20,
        timeout=60_000,
    )
    assert studio.control.programme is not None
    assert studio.control.programme.look is not None
    assert studio.control.programme.look.name == "beach"


def test_number_keys_switch_scenes_with_the_chosen_transition(
    studio: StudioWindow, qtbot: QtBot
) -> None:
    studio.scenes.fade.setChecked(True)
    studio.activateWindow()
    qtbot.waitUntil(studio.isActiveWindow, timeout=60_000)
    studio.gallery.setFocus()  # the gallery has the focus after a background is picked
    qtbot.keyClick(studio.gallery, Qt.Key.Key_2)
    assert studio.control.scene_index == 1
    assert studio.scenes.buttons[1].isChecked()
    programme_ = studio.control.programme
    assert programme_ is not None
    qtbot.waitUntil(
        lambda: programme_.look is not None and programme_.look.name == "Weather", timeout=60_000
    )
    assert saved(studio).transition is Transition.FADE
    qtbot.mouseClick(studio.scenes.buttons[0], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: programme_.look is not None and programme_.look.name == "Newsroom", timeout=60_000
    )
    qtbot.waitUntil(lambda: studio.captions.name.text() == "Zoë", timeout=60_000)


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
    qtbot.waitUntil(
        lambda: programme_.look is not None and programme_.look.name == "Space", timeout=60_000
    )
    qtbot.wait(600)  # time for a wrong key to arrive: what is checked is that none does
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
    qtbot.waitUntil(lambda: "STOP" in studio.on_air.record.text(), timeout=60_000)

    def pictures() -> int:  # in the take's file so far
        stats = studio.control.on_air.recording_status()[0]
        return stats.frames_sent if stats is not None else 0

    qtbot.waitUntil(lambda: pictures() >= 40, timeout=60_000)
    qtbot.mouseClick(studio.on_air.record, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: studio.message.text().startswith("Saved "), timeout=60_000)
    files = sorted(
        Path(studio.control.on_air.recordings).glob("Test News *.mp4"), key=lambda p: len(p.name)
    )
    assert len(files) == 2 and files[1].name == files[0].stem + " camera.mp4"
    stamps = []
    for file in files:
        with av.open(str(file)) as container:
            assert container.streams.audio, "the recording has the show's sound"
            stamps.append([float(f.time) for f in container.decode(video=0)])
    # the take and its clean camera begin and end on the same ticks: the same stretch of
    # the show (a starved encoder may drop pictures inside it, counted: not compared here)
    spans = [times[-1] - times[0] for times in stamps]
    assert len(stamps[0]) >= 40 and abs(spans[0] - spans[1]) <= 2 / 25, spans
    assert "RECORD" in studio.on_air.record.text() and "STOP" not in studio.on_air.record.text()


def test_a_bad_stream_address_is_explained_and_the_show_goes_on(
    studio: StudioWindow, qtbot: QtBot
) -> None:
    frames = studio.control.status().frames
    studio.on_air.stream_url.setText("http://example.invalid/live")
    qtbot.mouseClick(studio.on_air.live, Qt.MouseButton.LeftButton)
    assert "must start with rtmp://" in studio.message.text()
    assert not studio.control.live
    qtbot.waitUntil(lambda: studio.control.status().frames > frames + 10, timeout=60_000)


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
    qtbot.waitUntil(lambda: "Plug the camera back in" in studio.status_strip.text(), timeout=60_000)
    frames = control.status().frames
    qtbot.waitUntil(lambda: control.status().frames > frames + 10, timeout=60_000)
    presenter = DemoPresenterSource(size=SIZE, fps=25, clock=control.clock, loop_seconds=0.2)
    control.replace_source(presenter)
    qtbot.waitUntil(lambda: "Plug the camera" not in studio.status_strip.text(), timeout=60_000)


def test_the_eyedropper_keys_on_the_colour_clicked(studio: StudioWindow, qtbot: QtBot) -> None:
    qtbot.mouseClick(studio.key_panel.eyedropper, Qt.MouseButton.LeftButton)
    assert pointer(studio.camera_view) is Pointer.EYEDROPPER
    rect = studio.camera_view.picture_rect()
    corner = QPoint(round(rect.x() + rect.width() * 0.05), round(rect.y() + rect.height() * 0.1))
    before = studio.control.keyer.calibration
    qtbot.mouseClick(studio.camera_view, Qt.MouseButton.LeftButton, pos=corner)
    qtbot.waitUntil(lambda: studio.control.keyer.calibration is not before, timeout=60_000)
    calibration = studio.control.keyer.calibration
    assert calibration is not None and calibration.screen_name == "green"
    assert (
        not studio.key_panel.eyedropper.isChecked() and pointer(studio.camera_view) is Pointer.NONE
    )


def test_capture_empty_screen_keys_from_the_plate(studio: StudioWindow, qtbot: QtBot) -> None:
    qtbot.mouseClick(studio.key_panel.plate, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: studio.message.text().startswith("Empty screen captured"), timeout=60_000
    )
    calibration = studio.control.keyer.calibration
    assert calibration is not None and calibration.from_plate
    assert studio.control.plate is not None


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
        qtbot.wait(chance.choice((0, 5, 30)))  # a pupil's pace, not a wait for something
    for window in studio.autocue.windows:
        window.close()
    frames = studio.control.status().frames
    qtbot.waitUntil(lambda: studio.control.status().frames > frames + 10, timeout=60_000)
    if studio.control.recording:
        studio.toggle_recording()
    if studio.control.live:
        studio.toggle_live()
    qtbot.waitUntil(lambda: not studio.jobs, timeout=60_000)
    qtbot.wait(600)  # the last jobs' outcomes reach the message bar
    bugs = [m for m in studio.messages if "something went wrong" in m]
    assert not bugs, bugs


def test_the_eyedropper_and_the_keep_in_box_work_from_the_keyboard(
    studio: StudioWindow, qtbot: QtBot
) -> None:
    view, key = studio.camera_view, studio.key_panel
    key.eyedropper.setChecked(False)
    key.keep_in.setChecked(False)  # as the earlier tests may have left it
    key.keep_in.setChecked(True)
    assert pointer(view) is Pointer.BOX and view.focusPolicy() == Qt.FocusPolicy.StrongFocus
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
    qtbot.waitUntil(lambda: studio.control.keyer.calibration is not before, timeout=60_000)
    key.eyedropper.setChecked(True)
    qtbot.keyClick(view, Qt.Key.Key_Escape)
    assert not key.eyedropper.isChecked() and pointer(view) is Pointer.NONE
