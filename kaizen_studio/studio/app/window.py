"""The studio's main window: what its widgets do (they and their places are
:class:`studio.app.layout.StudioLayout`'s): the programme preview, the camera view, the
key panel, scenes, backgrounds, captions, the autocue, RECORD and GO LIVE, the first-run
checklist and the status strip.

The window only polls :class:`studio.control.StudioControl` for pictures (25 times a
second) and status (twice a second); everything slow runs on the control's worker, so the
window never freezes. Every button goes through :meth:`StudioWindow.guard`: a problem is
shown in the message bar and written to the log, never a crash.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any

from PyQt6.QtCore import QTimer
from PyQt6.QtGui import QCloseEvent
from PyQt6.QtWidgets import QFileDialog

from kaizen_studio.broadcast.streamer import check_key, split_key, with_key
from kaizen_studio.studio.app.checklist_panel import ChecklistPanel
from kaizen_studio.studio.app.key_actions import KeyActions
from kaizen_studio.studio.app.kidsmeet_panel import KidsmeetPanel, add_kidsmeet_menu
from kaizen_studio.studio.app.layout import StudioLayout
from kaizen_studio.studio.app.menus import MenuActions, StudioMenus
from kaizen_studio.studio.app.on_air import ASK_KEY
from kaizen_studio.studio.app.remembered import Remembered
from kaizen_studio.studio.app.show_switch import hand_over, next_control
from kaizen_studio.studio.app.vodcast_dialog import add_vodcast_step
from kaizen_studio.studio.app_settings import AppSettings
from kaizen_studio.studio.control import StudioControl
from kaizen_studio.studio.jobs import Job, JobKind, problem_words
from kaizen_studio.studio.key_controls import key_check_words
from kaizen_studio.studio.on_air import check_address
from kaizen_studio.studio.status_words import recording_line, status_lines, stream_line

log = logging.getLogger(__name__)
FRAME_MS = 40
STATUS_MS = 500
QUIET_JOBS = {JobKind.SCENE, JobKind.START_RECORDING, JobKind.GO_LIVE, JobKind.CHECK_KEY}
"""jobs whose success the buttons and the strip show (not said in the message bar)"""


class StudioWindow(StudioLayout):
    def __init__(
        self,
        control: StudioControl,
        settings: AppSettings,
        *,
        save: Callable[[AppSettings], object] | None = None,
    ) -> None:
        super().__init__(control.show, settings, control.keyer_settings)
        self.control = control
        self.messages: list[str] = []
        self.remembered = Remembered(settings, save, self.say, self)
        self.closing_show: threading.Thread | None = None
        self._live_after_key = False  # GO LIVE waits for the stream key being typed
        self._captions_of = ""  # the scene whose captions the caption panel shows
        self.checklist: ChecklistPanel | None = None
        """the first-run checklist while it is open (a tab beside the key panel)"""
        self.kidsmeet: KidsmeetPanel | None = None
        """the kidsmeet's panel once opened (a side tab)"""
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

    # -- menus and buttons ---------------------------------------------------------------------
    def _build(self) -> None:
        actions = MenuActions(
            open_show=self.open_show,
            use_recordings=self.use_recordings,
            checklist=self.open_checklist,
            retry_camera=lambda: self.control.retry_camera(),
            use_microphone=self.use_microphone,
            microphone_on=bool(self.settings.microphone),
            use_camera=self.use_camera,
            camera_choice=lambda: self.control.camera_choice,
            quit=self.close,
        )
        bar = self.menuBar()
        assert bar is not None
        self.menus = StudioMenus(bar, self, self.guard, actions)
        add_kidsmeet_menu(bar, self, lambda: self.guard("Kidsmeet", self.open_kidsmeet))
        add_vodcast_step(
            self.menus.show_menu, self, self.guard, lambda: self.control.on_air.recordings
        )
        self.microphone_action = self.menus.microphone

    def _connect(self) -> None:
        self.keying = KeyActions(
            panel=self.key_panel,
            camera_view=self.camera_view,
            control=lambda: self.control,
            remembered=self.remembered,
            guard=self.guard,
            say=self.say,
        )
        """the green-screen tab's actions"""
        self._connect_scenes()
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
        self.autocue.script_opened.connect(
            lambda path: self.remember(replace(self.settings, script=path))
        )
        self.autocue.speed.valueChanged.connect(
            lambda value: self.remember(replace(self.settings, words_per_minute=float(value)))
        )
        self.on_air.record.clicked.connect(lambda: self.guard("Record", self.toggle_recording))
        self.on_air.live.clicked.connect(lambda: self.guard("Go live", self.toggle_live))
        self.on_air.key_given.connect(lambda key: self.guard("Stream key", self.set_key, key))
        scene_keys = [(str(d), "Scene", partial(self._scene_key, d - 1)) for d in range(1, 10)]
        self.menus.add_shortcuts(
            [
                *scene_keys,  # text boxes keep their digits (they take the shortcut over)
                ("Ctrl+R", "Record", self.toggle_recording),
                ("Ctrl+L", "Go live", self.toggle_live),
                *self.keying.shortcuts(),
            ]
        )

    def _connect_scenes(self) -> None:
        scenes = self.scenes
        scenes.scene_chosen.connect(lambda i: self.guard("Scene", self.show_scene, i))
        scenes.fade.toggled.connect(
            lambda _: self.remember(replace(self.settings, transition=scenes.transition))
        )

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
    def use_camera(self, choice: str) -> None:
        self.control.use_camera(choice)
        self.say("Switching the camera...")

    def use_microphone(self, on: bool) -> None:
        """Take the sound from the default microphone (or the one remembered), or play the
        test sound; the status strip says which, and why a microphone could not be used."""
        choice = (self.settings.microphone or "default") if on else None
        self.control.sound.use_microphone(choice)
        self.remember(replace(self.settings, microphone=choice or ""))
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
        self.remember(replace(self.settings, stream_url=url))
        self.say("Connecting to the school's server...")

    def set_key(self, key: str, *, go_live: bool = True) -> None:
        """Remember the school's stream key (a teacher's setting); go live if GO LIVE was
        waiting for it."""
        self.remember(replace(self.settings, stream_key=check_key(key)))
        self.on_air.show_key_set(True)
        if go_live and self._live_after_key:
            self._live_after_key = False
            self.toggle_live()

    def open_checklist(self) -> ChecklistPanel:
        """Show the checklist as the first of the side tabs (it covers nothing); it reads
        the show again with each status tick until "All set" closes it."""
        if self.checklist is None:
            self.checklist = ChecklistPanel(self.control)
            self.checklist.done.connect(self.close_checklist)
        self.checklist.refresh()
        self.show_side_tab(self.checklist, "Checklist")
        return self.checklist

    def open_kidsmeet(self) -> KidsmeetPanel:
        """Show the kidsmeet's panel as the first side tab; its timer goes on the autocue."""
        if self.kidsmeet is None:
            control = self.control
            self.kidsmeet = KidsmeetPanel(
                lambda: self.control.programme, clock=control.clock, size=control.size
            )
            self.kidsmeet.problem.connect(self.say)
            self.autocue.decorate = self.kidsmeet.decorate
        self.show_side_tab(self.kidsmeet, "Kidsmeet")
        return self.kidsmeet

    def close_checklist(self) -> None:
        """ "All set": the checklist is done (not opened by itself again)."""
        if self.checklist is not None:
            self.close_side_tab(self.checklist)
            self.checklist = None
        self.remember(replace(self.settings, checklist_done=True))

    def open_show(self, path: str) -> None:
        """Switch to the show file at ``path``: its scenes replace the buttons and the show
        starts again on its first scene, with the same camera, microphone, stream address
        and key. A file with a mistake is refused in words (raised before anything
        changes) and the show goes on as it was."""
        old, new = self.control, next_control(self.control, path)
        self.control = new
        if self.checklist is not None:
            self.checklist.control = new
        if self.closing_show is not None:
            self.closing_show.join()
        self.closing_show = hand_over(old, new)
        self.replace_scenes(new.show)
        self._connect_scenes()
        self.shown_index = -1  # the new show's first picture is shown whatever its number
        self.remember(replace(self.settings, show_file=str(Path(path).resolve())))
        self.say(f"Opening {new.show.title}...")

    def _choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "The school's backgrounds")
        if folder:
            self.gallery.add_folder(folder)
            self.remember(replace(self.settings, backgrounds=folder))

    def use_recordings(self, folder: str) -> None:
        self.control.on_air.recordings = Path(folder)
        self.remember(replace(self.settings, recordings=folder))

    def _restore(self) -> None:
        """What the last run left: the school's backgrounds, the script, the autocue's and
        the recording's choices (problems are said in the message bar)."""
        settings = self.settings
        self.gallery.add_folder(settings.backgrounds)
        for added in settings.backgrounds_added:
            self.gallery.add_file(Path(added))
        if settings.script:
            self.autocue.load(settings.script)
        self.autocue.mirror.toggled.connect(
            lambda on: self.remember(replace(self.settings, prompter_mirror=on))
        )
        self.autocue.confidence.toggled.connect(
            lambda on: self.remember(replace(self.settings, confidence=on))
        )
        self.on_air.camera_too.toggled.connect(
            lambda on: self.remember(replace(self.settings, record_camera=on))
        )
        self.gallery.file_added.connect(self.remembered.background_added)

    @property
    def settings(self) -> AppSettings:
        """The settings remembered now."""
        return self.remembered.settings

    def remember(self, settings: AppSettings) -> None:
        """Remember ``settings`` (made with :func:`dataclasses.replace`); written soon."""
        self.remembered.remember(settings)

    def save_settings(self) -> None:
        self.remembered.save()

    def _scene_key(self, index: int) -> None:
        if index < len(self.control.show.scenes):
            self.show_scene(index)

    # -- polling ------------------------------------------------------------------------------
    def _tick_frames(self) -> None:
        camera = self.control.camera_picture()
        shown = (
            self.keying.matte.picture
            if self.keying.matte.on
            else None
            if camera is None
            else camera.image
        )
        programme = self.control.programme_picture()
        self.show_pictures(programme, shown, self.autocue.confidence_picture())

    def _tick_status(self) -> None:
        # a scene's job ends when the switch is asked for; the programme takes the scene at
        # its next frame, which may come after that on a busy machine
        look = self.control.programme.look if self.control.programme is not None else None
        if look is not None and look.name != self._captions_of:
            self._captions_of = look.name
            self._fill_captions()
        for job in self.control.finished_jobs():
            outcome = job.outcome()
            assert outcome is not None
            ok, words = outcome
            if ok and job.kind is JobKind.SCENE:
                self._fill_captions()
                self.key_panel.show_settings(self.control.keyer.settings)
            if ok and job.kind in QUIET_JOBS:
                continue  # the buttons and the strip show these
            self.say(words)
            if ok and job.kind is JobKind.CAMERA:
                self.remember(replace(self.settings, camera=self.control.camera_choice))
            if ok and job.kind is JobKind.START:
                self._fill_captions()
                if not self.settings.checklist_done:
                    self.open_checklist()
        if self.checklist is not None:
            self.checklist.refresh()  # says what the strip says
        status = self.control.status()
        self.status_strip.show_lines(status_lines(status), status.sound_db)
        self.key_panel.show_warning(key_check_words(self.control.key_check))
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
        self.keying.matte.set(False)
        self.frame_timer.stop()
        self.status_timer.stop()
        try:
            if self.control.recording:
                self.say("Finishing the recording...")
                self.repaint()
            self.autocue.shut()
            if self.kidsmeet is not None:
                self.kidsmeet.shut()
            self.remembered.save()
        finally:
            self.control.close()
            if self.closing_show is not None:
                self.closing_show.join()
        super().closeEvent(event)


def status_text(window: StudioWindow) -> str:
    """The message bar and the status strip as plain text."""
    return window.message.text() + "\n" + window.status_strip.text()
