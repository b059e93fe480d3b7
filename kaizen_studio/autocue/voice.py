"""Voice-following: the scroll follows the reader's voice.

:class:`VoiceFollowing` joins a :class:`~kaizen_studio.autocue.listen.Listener` (the
recogniser, in its worker) to a :class:`~kaizen_studio.autocue.follow.Follower` (where the
words heard put the reader). The worker only queues what it heard; :meth:`target` is
called on the window's thread and works the queue through, so the follower is only ever
touched by one thread. The prompter glides its scroll towards the target (no jumps), holds
still while nothing new is heard, and lets the keys or the remote take over at once:
following stops when they are used and starts again on the ``voice`` command (the V key),
from wherever the scroll then is.
"""

from __future__ import annotations

import importlib.util
import logging
import math
import queue
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from kaizen_studio.autocue.follow import Follower, openings, script_words
from kaizen_studio.autocue.listen import Listener, microphone_blocks
from kaizen_studio.autocue.render import Layout
from kaizen_studio.core.errors import StudioError

log = logging.getLogger(__name__)

GLIDE_SECONDS = 0.08
"""How quickly the scroll closes on the target: the time constant of its glide."""


def glided(shown: float, goal: float, seconds: float, *, glide_seconds: float) -> float:
    """Where a scroll at ``shown`` is ``seconds`` later, closing on ``goal`` (line
    positions) with the time constant ``glide_seconds`` (no jumps, and no overshoot). A
    move of more than one line closes that many times faster, so a far move (the reader
    skipped a line) takes at most ``glide_seconds`` longer than a move of one line."""
    constant = glide_seconds / max(1.0, abs(goal - shown))
    step = 1 - math.exp(-max(0.0, seconds) / constant)
    return shown + (goal - shown) * step


def voice_following_unavailable_reason() -> str | None:
    """Why voice-following cannot be used here, or None when it can."""
    missing = [
        name for name in ("pocketsphinx", "sounddevice") if importlib.util.find_spec(name) is None
    ]
    if missing:
        return (
            "voice-following needs the offline recogniser packages "
            f"{', '.join(missing)} (pip install {' '.join(missing)}), which are not installed"
        )
    return None


class VoiceFollowing:
    """The reader's place in the script ``layout``, from sound ``blocks`` (16 kHz mono
    int16; default: the microphone)."""

    def __init__(self, layout: Layout, blocks: Iterator[np.ndarray] | None = None) -> None:
        reason = voice_following_unavailable_reason()
        if reason is not None:
            raise StudioError(reason)
        self.follower = Follower(script_words(layout))
        if not self.follower.words:
            raise StudioError(
                "the script has no lines to read aloud, so there is nothing to follow"
            )
        self.active = True
        self._events: queue.SimpleQueue[tuple[str, list[str]]] = queue.SimpleQueue()
        self._stop = threading.Event()
        self._folder = tempfile.TemporaryDirectory(prefix="kaizen-voice-")
        self.listener = Listener(
            [w.word for w in self.follower.words],
            microphone_blocks(self._stop) if blocks is None else blocks,
            lambda words, _at: self._events.put(("heard", words)),
            folder=Path(self._folder.name),
            on_pause=lambda _at: self._events.put(("pause", [])),
            openings=openings(self.follower.words),
        )
        self._shown: float | None = None
        self._shown_at = 0.0

    def start(self) -> None:
        self.listener.start()

    def close(self) -> None:
        """Stop listening (safe to call twice)."""
        self._stop.set()
        self.listener.stop()
        self._folder.cleanup()

    def target(self) -> float | None:
        """The line position the reader has reached (None for nothing yet): what was heard
        since the last call worked through."""
        while True:
            try:
                kind, words = self._events.get_nowait()
            except queue.Empty:
                break
            if not self.active:
                continue
            if kind == "heard":
                self.follower.hear(words)
            else:
                self.follower.pause()
        return self.follower.position()

    def glide(self, shown: float, now: float) -> float:
        """Where the scroll shows at ``now``, closing on :meth:`target` from ``shown``."""
        goal = self.target()
        if goal is None:
            return shown
        if self._shown is None:
            self._shown = goal
        else:
            self._shown = glided(shown, goal, now - self._shown_at, glide_seconds=GLIDE_SECONDS)
        self._shown_at = now
        return self._shown

    def relayout(self, layout: Layout) -> None:
        """The script was laid out again (another text size): the same words, new lines."""
        self.follower.words = script_words(layout)
        self._shown = None

    def hand_back(self) -> None:
        """The keys or the remote were used: stop following until :meth:`resume`."""
        self.active = False
        self._shown = None

    def resume(self, position: float) -> None:
        """Follow again from the word at line ``position`` (where the scroll is now)."""
        words = self.follower.words
        self.follower.place = next(
            (i for i, w in enumerate(words) if w.line + w.along >= position), len(words)
        )
        self.follower.anchor, self.follower.held = self.follower.place, False
        self.follower.used = []
        self.active = True
        self._shown = None
