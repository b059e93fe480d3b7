"""Playing the show's sound in the classroom: sounddevice (PortAudio) with a small buffer.

The player's reader decodes blocks of sound as they arrive; :class:`Speaker` keeps a few
hundredths of a second of them in a :class:`SoundBuffer` that the sound card's callback
drains. The buffer is kept short so the sound stays with the pictures (which are shown
as soon as they are decoded): when more than ``latency`` seconds pile up (after a hiccup
on the network) the oldest sound is dropped; when it runs dry the card plays silence.
Where there is no sound device (or no PortAudio) the speaker says so once and the
pictures go on.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from typing import Any, Protocol

import numpy as np

from kaizen_studio.core.media import AudioBlock, Samples

FIX = "plug in speakers or headphones (Linux: `aplay -l` lists the sound cards)"


class SoundBuffer:
    """A first-in first-out store of float32 samples, shape (n, channels), thread-safe.

    ``latency`` (seconds) is the most it holds: pushing past it drops the oldest samples
    (counted in :attr:`dropped`); pulling more than it holds fills with silence (counted
    in :attr:`underruns`, once per short pull).
    """

    def __init__(self, *, sample_rate: int, channels: int, latency: float = 0.1) -> None:
        if channels not in (1, 2):
            raise ValueError(f"sound must be mono or stereo, got {channels} channels")
        if not 0.01 <= latency <= 5.0:
            raise ValueError(f"latency must be 0.01 to 5 s, got {latency}")
        self.sample_rate, self.channels = sample_rate, channels
        self.capacity = round(latency * sample_rate)
        self._blocks: deque[Samples] = deque()
        self._held = 0
        self._lock = threading.Lock()
        self.dropped = self.underruns = self.played = 0

    @property
    def held(self) -> int:
        """Samples waiting to be played."""
        return self._held

    def push(self, samples: Samples) -> None:
        """Add ``samples`` (n, channels or more: extra channels are left out)."""
        if samples.ndim != 2 or samples.shape[1] < self.channels:
            raise ValueError(f"expected samples of shape (n, {self.channels}), got {samples.shape}")
        block = np.ascontiguousarray(samples[:, : self.channels], dtype=np.float32)
        with self._lock:
            self._blocks.append(block)
            self._held += block.shape[0]
            while self._held > self.capacity:
                excess = self._held - self.capacity
                oldest = self._blocks[0]
                if oldest.shape[0] <= excess:
                    self._blocks.popleft()
                    cut = oldest.shape[0]
                else:
                    self._blocks[0] = oldest[excess:]
                    cut = excess
                self._held -= cut
                self.dropped += cut

    def pull(self, out: np.ndarray) -> int:
        """Fill ``out`` (frames, channels) with the oldest samples, silence after them;
        return how many real samples went in."""
        wanted = out.shape[0]
        filled = 0
        with self._lock:
            while filled < wanted and self._blocks:
                block = self._blocks[0]
                take = min(wanted - filled, block.shape[0])
                out[filled : filled + take] = block[:take]
                if take == block.shape[0]:
                    self._blocks.popleft()
                else:
                    self._blocks[0] = block[take:]
                filled += take
            self._held -= filled
            self.played += filled
            if filled < wanted:
                self.underruns += 1
        out[filled:] = 0
        return filled


class OutputDevice(Protocol):
    """What :class:`Speaker` needs of a sound output stream (sounddevice's OutputStream)."""

    def start(self) -> None: ...

    def stop(self) -> None: ...

    def close(self) -> None: ...


Pull = Callable[[np.ndarray, int, Any, Any], None]
OpenDevice = Callable[[int, int, float, Pull], OutputDevice]


def open_sounddevice(sample_rate: int, channels: int, latency: float, pull: Pull) -> OutputDevice:
    """The default sound output through PortAudio; raises OSError saying why not."""
    try:
        import sounddevice  # type: ignore[import-untyped]  # loaded only when asked for
    except (ImportError, OSError) as error:
        raise OSError(f"sounddevice/PortAudio unavailable: {error}") from error
    try:
        stream = sounddevice.OutputStream(
            samplerate=sample_rate,
            channels=channels,
            dtype="float32",
            latency=latency,
            callback=pull,
        )
        stream.start()
    except (sounddevice.PortAudioError, ValueError) as error:
        raise OSError(str(error)) from error
    return stream


class Speaker:
    """Plays :class:`AudioBlock` objects on the default output as they come.

    The device is opened at the first block (its rate and channels; opened again if they
    change). ``on_problem(message)`` is called once if there is no device; blocks are then
    ignored. ``open_device`` is for other outputs (and for tests on machines without one).
    """

    def __init__(
        self,
        *,
        latency: float = 0.08,
        on_problem: Callable[[str], None] | None = None,
        open_device: OpenDevice = open_sounddevice,
    ) -> None:
        self.latency = latency
        self.on_problem = on_problem
        self.open_device = open_device
        self.buffer: SoundBuffer | None = None
        self.problem = ""
        self._device: OutputDevice | None = None
        self._lock = threading.Lock()

    def play(self, block: AudioBlock) -> None:
        """Queue ``block`` for the sound card; never waits, never raises."""
        if self.problem:
            return
        channels = min(block.samples.shape[1], 2)
        buffer = self.buffer
        if buffer is None or (buffer.sample_rate, buffer.channels) != (
            block.sample_rate,
            channels,
        ):
            buffer = self._open(block.sample_rate, channels)
            if buffer is None:
                return
        buffer.push(block.samples)

    def _open(self, sample_rate: int, channels: int) -> SoundBuffer | None:
        self.stop()
        buffer = SoundBuffer(sample_rate=sample_rate, channels=channels, latency=self.latency)

        def pull(out: np.ndarray, frames: int, _time: Any, _status: Any) -> None:
            buffer.pull(out)

        try:
            device = self.open_device(sample_rate, channels, self.latency / 2, pull)
        except OSError as error:
            self.problem = f"no sound device ({error}): playing pictures only; {FIX}"
            if self.on_problem is not None:
                self.on_problem(self.problem)
            return None
        with self._lock:
            self._device, self.buffer = device, buffer
        return buffer

    def stop(self) -> None:
        """Close the device; safe to call twice."""
        with self._lock:
            device, self._device = self._device, None
        if device is not None:
            device.stop()
            device.close()

    def close(self) -> None:
        self.stop()
