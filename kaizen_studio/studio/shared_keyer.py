"""A keyer that the window changes while the compositor uses it."""

from __future__ import annotations

import threading
from typing import Any

from kaizen_studio.keying import Calibration, Keyer, KeyerSettings, Mattes
from kaizen_studio.keying.frames import BGRImage


class SharedKeyer(Keyer):
    """A keyer the window changes while the compositor uses it: hold :attr:`lock` to
    change it; :meth:`process` holds it for each frame."""

    def __init__(self, settings: KeyerSettings | None = None) -> None:
        self.lock = threading.RLock()
        super().__init__(settings)

    def process(
        self,
        frame: BGRImage,
        background: BGRImage | None = None,
        *,
        foreground: bool = True,
        out: BGRImage | None = None,
    ) -> Any:
        with self.lock:
            return super().process(frame, background, foreground=foreground, out=out)

    @Keyer.settings.setter  # type: ignore[attr-defined]
    def settings(self, settings: KeyerSettings) -> None:
        with self.lock:
            Keyer.settings.fset(self, settings)  # type: ignore[attr-defined]

    @Keyer.mattes.setter  # type: ignore[attr-defined]
    def mattes(self, mattes: Mattes) -> None:
        with self.lock:
            Keyer.mattes.fset(self, mattes)  # type: ignore[attr-defined]

    @Keyer.calibration.setter  # type: ignore[attr-defined]
    def calibration(self, calibration: Calibration) -> None:
        with self.lock:
            Keyer.calibration.fset(self, calibration)  # type: ignore[attr-defined]
