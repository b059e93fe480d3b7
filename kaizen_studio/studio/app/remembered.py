"""What the studio window remembers between runs: the settings it was given, each change
made with :func:`dataclasses.replace` (which checks every field's name and type, so no
unknown setting can be set), written half a second after the last change (a slider sends
many)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from PyQt6.QtCore import QObject, QTimer

from kaizen_studio.core.errors import StudioError
from kaizen_studio.studio.app_settings import AppSettings

log = logging.getLogger(__name__)
SAVE_AFTER_MS = 500


class Remembered(QObject):
    """``settings``, saved by ``save`` (None: kept in memory only); a problem saving is
    told to ``say``."""

    def __init__(
        self,
        settings: AppSettings,
        save: Callable[[AppSettings], object] | None,
        say: Callable[[str], None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.settings, self._save, self._say = settings, save, say
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.save)

    def remember(self, settings: AppSettings) -> None:
        """Remember ``settings`` from now on; written soon."""
        self.settings = settings
        self._timer.start(SAVE_AFTER_MS)

    def background_added(self, path: str) -> None:
        """Remember a picture added to the gallery from outside the school's folder."""
        folder, added = self.settings.backgrounds, self.settings.backgrounds_added
        if (folder and Path(path).parent == Path(folder)) or path in added:
            return
        self.remember(replace(self.settings, backgrounds_added=[*added, path]))

    def save(self) -> None:
        """Write the settings now (a pending write is not needed any more)."""
        self._timer.stop()
        if self._save is None:
            return
        try:
            self._save(self.settings)
        except (OSError, StudioError) as error:
            log.warning("settings not saved: %s", error)
            self._say(f"The settings could not be saved: {error}")
