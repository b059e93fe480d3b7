"""The matte view's worker: the camera's key in black and white, about ten times a second,
made by a keyer of its own (the compositor's is busy) kept in step with the show's."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from kaizen_studio.core.media import Image
from kaizen_studio.keying import Keyer

log = logging.getLogger(__name__)


class MatteView:
    """Runs while :attr:`on`; :attr:`picture` is the newest matte (None when off)."""

    def __init__(self, make: Callable[[Keyer], Image | None]) -> None:
        self._make = make
        self._on = threading.Event()
        self._thread: threading.Thread | None = None
        self.picture: Image | None = None

    @property
    def on(self) -> bool:
        return self._on.is_set()

    def set(self, on: bool) -> None:
        if not on:
            self._on.clear()
            self.picture = None
            return
        self._on.set()
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._run, name="matte view", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        with Keyer(threads=1) as keyer:
            while self._on.is_set():
                try:
                    self.picture = self._make(keyer)
                except Exception:  # keep the view alive; the teacher's log has the details
                    log.exception("matte view")
                time.sleep(0.1)
