"""The studio's main window: the programme preview, the camera view, the key panel, scenes,
backgrounds, captions, the autocue, RECORD and GO LIVE, and the status strip.

The window only polls :class:`studio.control.StudioControl` for pictures (25 times a
second) and status (twice a second); everything slow runs on the control's worker, so the
window never freezes. Every button goes through :meth:`StudioWindow.guard`: a problem is
shown in the message bar and written to the log, never a crash.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PyQt6.QtCore import Qt, QTimer
from PyQt6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PyQt6.QtWidgets import (
    QFileDialog,
    QLabel,
    QMainWindow,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from kaizen_studio.broadcast.streamer import check_key, split_key, with_key
from kaizen_studio.core.errors import StudioError
from kaizen_studio.studio.app import show_switch
from kaizen_studio.studio.app.autocue_panel import AutocuePanel
from kaizen_studio.studio.app.checklist_dialog import ChecklistDialog
from kaizen_studio.studio.app.gallery import Gallery
from kaizen_studio.studio.app.key_panel import KeyPanel
from kaizen_studio.studio.app.matte_view import MatteView
from kaizen_studio.studio.app.menus import StudioMenus
from kaizen_studio.studio.app.on_air import ASK_KEY, OnAirPanel, StatusStrip
from kaizen_studio.studio.app.scenes_panel import CaptionsPanel, ScenesPanel
from kaizen_studio.studio.app.video_view import VideoView, to_qimage
from kaizen_studio.studio.app_settings import AppSettings
from kaizen_studio.studio.control import StudioControl
from kaizen_studio.studio.jobs import Job, problem_words
from kaizen_studio.studio.on_air import check_address
from kaizen_studio.studio.status_words import recording_line, status_lines, stream_line

log = logging.getLogger(__name__)
FRAME_MS = 40
STATUS_MS = 500


class StudioWindow(QMainWindow):
    def __init__(
        self,
        control: StudioControl,
        settings: AppSettings,
        *,
        save: Callable[[AppSettings], object] | None = None,
    ) -> None:
        super().__init__()
        self.control, self.settings, self._save = control, settings, save
        self.messages: list[str] = []
        self.shown_index = -1
        self.matte = MatteView(lambda keyer: self.control.matte_picture(keyer))
        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.timeout.connect(self.save_settings)
        self.closing_show: threading.Thread | None = None
        self._live_after_key = False  # GO LIVE waits for the stream key being typed
        self.setWindowTitle(f"Kaizen Studio: {control.show.title}")
        self._build()
        self._connect()
        self._restore()
        self.frame_timer = QTimer(self)
        self.frame_timer.timeout.connect(lambda: self.guard("preview", self._tick_frames))
        self.frame_timer.start(FRAME_MS)
        self.status_timer = QTimer(self)
        self.status_timer.timeout.connect(lambda: self.guard("status", self._tick_status))
        self.status_timer.start(STATUS_MS)
        control.start()

    # -- building ---------------------------------------------------------------------
    def _build(self) -> None:
        control, settings = self.control, self.settings
        self.message = QLabel("Welcome! The show is getting ready...")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("padding: 6px; background: #eef3fb;")
        self.programme_view = VideoView("Programme: what goes out")
        self.programme_view.setToolTip("The programme: what is recorded and sent out")
        self.camera_view = VideoView("Camera")
        self.camera_view.setToolTip("The camera as it is, before the key")
        self.camera_view.setMinimumSize(320, 180)
        self.key_panel = KeyPanel()
        self.key_panel.show_settings(control.keyer_settings)
        self.scenes = ScenesPanel(control.show)
        self.scenes.set_transition(settings.transition)
        self.on_air = OnAirPanel(settings.stream_url, key_set=bool(settings.stream_key))
        self.gallery = Gallery()
        self.backgrounds_folder = QPushButton("Choose the school's backgrounds folder...")
        self.captions = CaptionsPanel()
        self.autocue = AutocuePanel(
            remote_host=settings.remote_host, remote_port=settings.remote_port
        )
        self.autocue.speed.setValue(round(settings.words_per_minute))
        self.status_strip = StatusStrip()

        backgrounds = QWidget()
        column = QVBoxLayout(backgrounds)
        column.addWidget(self.gallery)
        column.addWidget(self.backgrounds_folder)
        self.tabs = QTabWidget()
        self.tabs.addTab(backgrounds, "Backgrounds")
        self.tabs.addTab(self.captions, "Captions")
        self.tabs.addTab(self.autocue, "Autocue")

        left = QWidget()
        left_column = QVBoxLayout(left)
        left_column.addWidget(self.programme_view, 3)
        left_column.addWidget(self.scenes)
        left_column.addWidget(self.on_air)
        key_scroll = QScrollArea()
        key_scroll.setWidget(self.key_panel)
        key_scroll.setWidgetResizable(True)
        right = QWidget()
        right_column = QVBoxLayout(right)
        right_column.addWidget(self.camera_view, 1)
        right_column.addWidget(key_scroll, 2)
        top = QSplitter(Qt.Orientation.Horizontal)
        top.addWidget(left)
        top.addWidget(right)
        top.setStretchFactor(0, 3)
        top.setStretchFactor(1, 2)
        middle = QSplitter(Qt.Orientation.Vertical)
        middle.addWidget(top)
        middle.addWidget(self.tabs)
        middle.setStretchFactor(0, 3)
        middle.setStretchFactor(1, 1)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addWidget(self.message)
        layout.addWidget(middle, 1)
        layout.addWidget(self.status_strip)
        self.setCentralWidget(central)
        self.menus = StudioMenus(
            self,
            items=[
                ("Open a show file...", self._choose_show),
                ("Choose the recordings folder...", self._choose_recordings),
                ("Before the show: checklist", self.open_checklist),
                ("Try the camera again", lambda: self.control.retry_camera()),
            ],
        )
        self.microphone_action = self.menus.microphone

    def _connect(self) -> None:
        key = self.key_panel
        key.auto_key.clicked.connect(lambda: self.guard("Auto key", self.auto_key))
        key.eyedropper.toggled.connect(
            lambda on: self.camera_view.set_mode("eyedropper" if on else "none")
        )
        key.keep_in.toggled.connect(lambda on: self.camera_view.set_mode("box" if on else "none"))
        self.camera_view.cancelled.connect(self._stop_picking)
        key.plate.clicked.connect(lambda: self.guard("Empty screen", self.capture_plate))
        key.matte_view.toggled.connect(lambda on: self.guard("Matte view", self.set_matte_view, on))
        key.clear_box.clicked.connect(lambda: self.guard("Clear box", self.clear_box))
        key.reset.clicked.connect(lambda: self.guard("Reset", self._reset_key))
        key.setting_changed.connect(
            lambda name, value: self.guard("Slider", self._set_setting, name, value)
        )
        self.camera_view.point_picked.connect(
            lambda x, y: self.guard("Eyedropper", self._picked, x, y)
        )
        self.camera_view.box_drawn.connect(
            lambda *box: self.guard("Keep-in box", self._boxed, *box)
        )
        self.scenes.scene_chosen.connect(lambda i: self.guard("Scene", self.show_scene, i))
        self.scenes.fade.toggled.connect(lambda _: self.remember(transition=self.scenes.transition))
        self.gallery.chosen.connect(
            lambda spec: self.guard("Background", self.set_background, spec)
        )
        self.gallery.problem.connect(self.say)
        self.backgrounds_folder.clicked.connect(lambda: self.guard("Folder", self._choose_folder))
        self.captions.lower_third_changed.connect(
            lambda name, role: self.guard("Caption", self.control.set_lower_third, name, role)
        )
        self.captions.ticker_changed.connect(
            lambda text: self.guard("Ticker", self.control.set_ticker, text)
        )
        self.autocue.problem.connect(self.say)
        self.autocue.script_opened.connect(lambda path: self.remember(script=path))
        self.autocue.speed.valueChanged.connect(
            lambda value: self.remember(words_per_minute=float(value))
        )
        self.on_air.record.clicked.connect(lambda: self.guard("Record", self.toggle_recording))
        self.on_air.live.clicked.connect(lambda: self.guard("Go live", self.toggle_live))
        self.on_air.key_given.connect(lambda key: self.guard("Stream key", self.set_key, key))
        for digit in range(1, 10):  # text boxes keep their digits (they take the shortcut over)
            shortcut = QShortcut(QKeySequence(str(digit)), self)
            shortcut.activated.connect(lambda i=digit - 1: self.guard("Scene", self._scene_key, i))
        for keys, slot in (
            ("Ctrl+R", self.toggle_recording),
            ("Ctrl+L", self.toggle_live),
            ("Ctrl+K", self.auto_key),
            ("Ctrl+M", lambda: self.key_panel.matte_view.toggle()),
        ):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.activated.connect(lambda s=slot, k=keys: self.guard(k, s))

    # -- safety -------------------------------------------------------------------------
    def guard(self, what: str, action: Callable[..., Any], *args: Any) -> None:
        """Run a button's ``action``; any problem is shown and logged, never raised (a
        pupil's click must not crash the show)."""
        try:
            action(*args)
        except Exception as error:  # the GUI's boundary: show it, log it, keep the show on
            log.info("%s refused", what, exc_info=True)
            self.say(problem_words(what, error))

    def say(self, text: str) -> None:
        """Show ``text`` in the message bar (and keep it for the log and tests)."""
        self.messages.append(text)
        log.info("message: %s", text)
        self.message.setText(text)

    @property
    def jobs(self) -> list[Job]:
        """Work the show is doing for a button, not yet reported."""
        return self.control.jobs

    # -- actions ----------------------------------------------------------------------------
    def auto_key(self) -> None:
        self.say("Looking for the green screen...")
        self.control.auto_key()

    def capture_plate(self) -> None:
        self.say("Capturing the empty screen: make sure nobody is in the picture...")
        self.control.capture_plate()

    def _stop_picking(self) -> None:
        self.key_panel.eyedropper.setChecked(False)
        self.key_panel.keep_in.setChecked(False)

    def _picked(self, x: float, y: float) -> None:
        self.key_panel.eyedropper.setChecked(False)
        self.control.eyedropper(x, y)

    def _boxed(self, x0: float, y0: float, x1: float, y1: float) -> None:
        self.key_panel.keep_in.setChecked(False)
        self.control.set_garbage((x0, y0, x1, y1))
        self.say("Keep-in box set: outside it is always background")

    def clear_box(self) -> None:
        self.camera_view.box = None
        self.control.set_garbage(None)
        self.camera_view.update()

    def _set_setting(self, name: str, value: float) -> None:
        self.control.set_keyer_setting(name, value)
        self.remember(keyer=dict(self.control.keyer.settings.as_dict()))

    def _reset_key(self) -> None:
        self.control.reset_keyer()
        self.remember(keyer={})

    def set_matte_view(self, on: bool) -> None:
        self.matte.set(on)

    def use_camera(self, choice: str) -> None:
        self.control.use_camera(choice)
        self.say("Switching the camera...")

    def use_microphone(self, on: bool) -> None:
        """Take the sound from the default microphone (or the one remembered), or play the
        test sound; the status strip says which, and why a microphone could not be used."""
        choice = (self.settings.microphone or "default") if on else None
        self.control.sound.use_microphone(choice)
        self.remember(microphone=choice or "")
        self.say(f"Sound: {self.control.sound.status}")

    def show_scene(self, index: int) -> None:
        self.control.show_scene(index, transition=self.scenes.transition)
        self.scenes.mark(index)

    def _fill_captions(self) -> None:
        self.captions.fill(*self.control.captions())

    def set_background(self, spec: str) -> None:
        self.control.set_background(spec, transition=self.scenes.transition)

    def toggle_recording(self) -> None:
        on_air = self.control.on_air
        if on_air.recording:
            on_air.stop_recording()
        else:
            path = on_air.start_recording(camera_too=self.on_air.camera_too.isChecked())
            self.on_air.show_recording(True, None, 0.0, path.name)  # not red until it records
            self.say(f"Recording to {path}")

    def toggle_live(self) -> None:
        on_air = self.control.on_air
        if on_air.live:
            on_air.stop_live()
            return
        url, typed = split_key(self.on_air.stream_url.text().strip())
        self.on_air.stream_url.setText(url)  # a key typed there is never left on screen
        check_address(url)
        if typed:
            self.set_key(typed, go_live=False)
        if not self.settings.stream_key:
            self._live_after_key = True
            self.on_air.ask_for_key(ASK_KEY)
            return
        on_air.go_live(with_key(url, self.settings.stream_key))
        self.on_air.show_live(True, None, 0.0)  # "Connecting..." at once, not ON AIR
        self.remember(stream_url=url)
        self.say("Connecting to the school's server...")

    def set_key(self, key: str, *, go_live: bool = True) -> None:
        """Remember the school's stream key (a teacher's setting); go live if GO LIVE was
        waiting for it."""
        self.remember(stream_key=check_key(key))
        self.on_air.show_key_set(True)
        if go_live and self._live_after_key:
            self._live_after_key = False
            self.toggle_live()

    def open_checklist(self) -> ChecklistDialog:
        dialog = ChecklistDialog(self.control, self)
        dialog.accepted.connect(lambda: self.remember(checklist_done=True))
        dialog.show()
        return dialog

    def _choose_show(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Open a show", "", "Show files (*.toml)")
        if name:
            self.open_show(name)

    def open_show(self, path: str) -> None:
        """Switch to the show file at ``path`` (see :func:`studio.app.show_switch.switch`)."""
        show_switch.switch(self, path)

    def _choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "The school's backgrounds")
        if folder:
            self.gallery.add_folder(folder)
            self.remember(backgrounds=folder)

    def _choose_recordings(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Where recordings go")
        if folder:
            self.control.on_air.recordings = Path(folder)
            self.remember(recordings=folder)

    def _restore(self) -> None:
        """What the last run left: the school's backgrounds, the script, the autocue's and
        the recording's choices (problems are said in the message bar)."""
        settings = self.settings
        self.gallery.add_folder(settings.backgrounds)
        for added in settings.backgrounds_added:
            self.gallery.add_file(Path(added))
        if settings.script:
            self.autocue.load(settings.script)
        self.autocue.mirror.setChecked(settings.prompter_mirror)
        self.autocue.confidence.setChecked(settings.confidence)
        self.on_air.camera_too.setChecked(settings.record_camera)
        self.autocue.mirror.toggled.connect(lambda on: self.remember(prompter_mirror=on))
        self.autocue.confidence.toggled.connect(lambda on: self.remember(confidence=on))
        self.on_air.camera_too.toggled.connect(lambda on: self.remember(record_camera=on))
        self.gallery.file_added.connect(self._remember_background)

    def _remember_background(self, path: str) -> None:
        folder = self.settings.backgrounds
        if folder and Path(path).parent == Path(folder):
            return
        if path not in self.settings.backgrounds_added:
            self.remember(backgrounds_added=[*self.settings.backgrounds_added, path])

    def remember(self, **changes: Any) -> None:
        """Change the remembered settings; they are written half a second after the last
        change (a slider sends many)."""
        for name, value in changes.items():
            setattr(self.settings, name, value)
        self._save_timer.start(500)

    def save_settings(self) -> None:
        if self._save is None:
            return
        try:
            self._save(self.settings)
        except (OSError, StudioError) as error:
            log.warning("settings not saved: %s", error)
            self.say(f"The settings could not be saved: {error}")

    def _scene_key(self, index: int) -> None:
        if index < len(self.control.show.scenes):
            self.show_scene(index)

    # -- polling ------------------------------------------------------------------------------
    def _tick_frames(self) -> None:
        frame = self.control.programme_picture()
        inset = self.autocue.confidence_picture()
        self.programme_view.inset = None if inset is None else to_qimage(inset)
        if frame is not None and frame.index != self.shown_index:
            self.shown_index = frame.index
            self.programme_view.set_picture(frame.image)
        elif inset is not None:
            self.programme_view.update()
        if self.matte.on:
            if self.matte.picture is not None:
                self.camera_view.set_picture(self.matte.picture)
        else:
            camera = self.control.camera_picture()
            if camera is not None:
                self.camera_view.set_picture(camera.image)

    def _tick_status(self) -> None:
        for job in self.control.finished_jobs():
            outcome = job.outcome()
            assert outcome is not None
            ok, words = outcome
            if ok and job.what == "Scene":
                self._fill_captions()
                self.key_panel.show_settings(self.control.keyer.settings)
            if ok and job.what in ("Scene", "Start recording", "Go live"):
                continue  # the buttons and the strip show these
            self.say(words)
            if ok and job.what == "Camera":
                self.remember(camera=self.control.camera_choice)
            if ok and job.what == "Starting the show":
                self._fill_captions()
                if not self.settings.checklist_done:
                    self.open_checklist()
        status = self.control.status()
        self.status_strip.show_lines(status_lines(status), status.sound_db)
        self.on_air.show_recording(
            self.control.recording,
            status.recording,
            status.recording_seconds,
            status.recording_file,
        )
        if not self.control.recording and status.recording is not None:
            self.on_air.record_state.setText(recording_line(status).words)
        self.on_air.show_live(self.control.live, status.streaming, status.streaming_seconds)
        if not self.control.live and status.streaming is not None:
            self.on_air.live_state.setText(stream_line(status).words)

    # -- closing ------------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent | None) -> None:  # noqa: N802
        """Close the show properly: a recording is finished (its file made whole) first."""
        self.matte.set(False)
        self.frame_timer.stop()
        self.status_timer.stop()
        try:
            if self.control.recording:
                self.say("Finishing the recording...")
                self.repaint()
            self.autocue.shut()
            self._save_timer.stop()
            self.save_settings()
        finally:
            self.control.close()
            if self.closing_show is not None:
                self.closing_show.join()
        super().closeEvent(event)


def status_text(window: StudioWindow) -> str:
    """The message bar and the status strip as plain text."""
    return window.message.text() + "\n" + window.status_strip.text()
