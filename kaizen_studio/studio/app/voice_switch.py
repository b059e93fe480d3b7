"""The autocue panel's voice switch: follow the reader's voice, or stop. The recogniser is
loaded and the microphone opened in a worker (seconds on a school laptop), never on the
window's thread; no microphone or no recogniser is said plainly and the switch goes off."""

from __future__ import annotations

import threading
from collections.abc import Callable

from PyQt6.QtCore import QObject, pyqtSignal
from PyQt6.QtWidgets import QCheckBox, QWidget

from kaizen_studio.autocue.prompter import Prompter
from kaizen_studio.autocue.voice import VoiceFollowing, voice_following_unavailable_reason
from kaizen_studio.core.errors import StudioError


class _Ready(QObject):
    ready = pyqtSignal(object)  # a VoiceFollowing, or the problem in words


class VoiceSwitch(QCheckBox):
    """A switch that makes the prompter from ``prompter()`` follow the voice; problems go
    to ``problem``; ``now()`` is the prompter window's clock."""

    problem = pyqtSignal(str)

    def __init__(
        self,
        prompter: Callable[[], Prompter | None],
        now: Callable[[], float],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("Follow my voice", parent)
        self.setToolTip("The words scroll as you read them aloud (the keys or remote take over)")
        self._prompter, self._now = prompter, now
        self._ready = _Ready()
        self._ready.ready.connect(self._arrived)
        self.starting = False
        self.toggled.connect(self._switched)

    def _switched(self, on: bool) -> None:
        prompter = self._prompter()
        if not on:
            if prompter is not None and prompter.voice is not None:
                prompter.voice.close()
                prompter.voice = None
            return
        if prompter is None:
            return self._refuse("Open the prompter first, then switch on Follow my voice")
        if (reason := voice_following_unavailable_reason()) is not None:
            return self._refuse(f"Voice-following cannot start: {reason}")
        layout = prompter.renderer.layout
        self.starting = True

        def load() -> None:
            try:
                self._ready.ready.emit(VoiceFollowing(layout))
            except (StudioError, OSError) as error:
                self._ready.ready.emit(f"Voice-following cannot start: {error}")

        threading.Thread(target=load, name="voice-switch", daemon=True).start()

    def _arrived(self, found: object) -> None:
        self.starting = False
        prompter = self._prompter()
        if isinstance(found, str):
            return self._refuse(found)
        assert isinstance(found, VoiceFollowing)
        if not self.isChecked() or prompter is None:
            found.close()  # switched off (or the prompter closed) while it loaded
            return
        prompter.follow_voice(found, self._now())

    def _refuse(self, words: str) -> None:
        self.problem.emit(words)
        self.blockSignals(True)
        self.setChecked(False)
        self.blockSignals(False)
