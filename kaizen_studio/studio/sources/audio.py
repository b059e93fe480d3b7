"""Sound for machines without a microphone: a test tone, or speech-like babble.

Blocks are stamped on the show's clock by the samples counted from the start, so the
sound stays in step with the pictures however the thread is scheduled.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import numpy as np

from kaizen_studio.core.clock import Clock
from kaizen_studio.core.media import AudioBlock

BLOCK = 960  # 20 ms at 48 kHz


class ToneSource:
    """A 440 Hz tone (``speech=False``) or a speech-like murmur, delivered in real time
    to ``deliver`` in 20 ms blocks from a thread of its own."""

    def __init__(
        self,
        deliver: Callable[[AudioBlock], None],
        *,
        clock: Clock,
        sample_rate: int = 48000,
        channels: int = 2,
        speech: bool = True,
    ) -> None:
        self.deliver, self.clock = deliver, clock
        self.sample_rate, self.channels, self.speech = sample_rate, channels, speech
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.blocks = 0
        self.level = 0.0
        """The last block's peak level, 0..1 (for a meter)."""

    def _samples(self, start: int) -> np.ndarray:
        t = (start + np.arange(BLOCK)) / self.sample_rate
        if not self.speech:
            wave = 0.2 * np.sin(2 * np.pi * 440.0 * t)
        else:  # vowel-like partials, syllables at about 4 a second, pauses between words
            pitch = 180.0 + 30.0 * np.sin(2 * np.pi * 0.7 * t)
            voice = sum(np.sin(2 * np.pi * k * pitch * t) / k for k in (1, 2, 3, 5))
            syllables = np.clip(np.sin(2 * np.pi * 4.0 * t), 0, None) ** 2
            words = (np.sin(2 * np.pi * 0.5 * t) > -0.6).astype(np.float64)
            wave = 0.12 * voice * syllables * words
        return np.repeat(wave.astype(np.float32)[:, None], self.channels, axis=1)

    def _run(self) -> None:
        origin = self.clock.now()
        sent = 0
        while not self._stop.is_set():
            self.clock.sleep_until(origin + (sent + BLOCK) / self.sample_rate)
            samples = self._samples(sent)
            self.level = float(np.abs(samples).max())
            self.deliver(AudioBlock(samples, self.sample_rate, origin + sent / self.sample_rate))
            sent += BLOCK
            self.blocks += 1

    def start(self) -> None:
        if self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name="tone", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2.0)
            self._thread = None

    def close(self) -> None:
        self.stop()
