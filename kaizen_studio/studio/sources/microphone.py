"""The microphone, through sounddevice and the system's PortAudio (Debian libportaudio2).

Why sounddevice and not PyAV's ALSA input: the ``av`` wheels carry their own alsa-lib that
looks for its configuration under the wheel's build folder, so ``av.open("default",
format="alsa")`` fails on ordinary machines; PortAudio uses the system's ALSA (or
PulseAudio/PipeWire through it), and works the same on Windows and macOS.

Blocks are stamped on the show's clock by the samples counted since the first block, so
the sound stays in step with the pictures however the callbacks are scheduled; when
PortAudio says samples were lost (an overflow), the count moves on to the clock's time,
so the sound never drifts behind the pictures.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import numpy as np

from kaizen_studio.core.clock import Clock
from kaizen_studio.core.errors import DeviceError
from kaizen_studio.core.media import AudioBlock

BLOCK = 960  # 20 ms at 48 kHz
FIX = (
    "plug in a microphone (Linux: `arecord -l` lists them; install libportaudio2), "
    "or use the test tone"
)


def _sounddevice() -> Any:
    try:
        import sounddevice  # type: ignore[import-untyped]  # loaded only when asked for
    except (ImportError, OSError) as error:
        raise DeviceError(
            f"no sound input: sounddevice/PortAudio unavailable ({error}); {FIX}"
        ) from error
    return sounddevice


def list_microphones() -> list[tuple[int, str]]:
    """The microphones this machine has, as (index, name); none when sounddevice or
    PortAudio is not installed (a chooser then offers the test sound alone).

    Raises :class:`DeviceError` when PortAudio is there but cannot list its devices.
    """
    try:
        sd = _sounddevice()
    except DeviceError:
        return []
    try:
        devices = sd.query_devices()
    except sd.PortAudioError as error:
        raise DeviceError(f"could not list the microphones ({error}); {FIX}") from error
    return [
        (index, str(device["name"]))
        for index, device in enumerate(devices)
        if device["max_input_channels"] > 0
    ]


class MicrophoneSource:
    """Sound from a microphone (``device``: index, name or None for the default),
    delivered to ``deliver`` in 20 ms blocks from PortAudio's own thread.

    :meth:`start` raises :class:`DeviceError` naming the reason and the fix.
    """

    def __init__(
        self,
        deliver: Callable[[AudioBlock], None],
        *,
        clock: Clock,
        device: int | str | None = None,
        sample_rate: int = 48000,
        channels: int = 2,
    ) -> None:
        self.deliver, self.clock, self.device = deliver, clock, device
        self.sample_rate, self.channels = sample_rate, channels
        self._stream: Any = None
        self._lock = threading.Lock()
        self._origin: float | None = None
        self._sent = 0
        self.blocks = 0
        self.overflows = 0
        self.level = 0.0
        """The last block's peak level, 0..1 (for a meter)."""

    def _callback(self, data: np.ndarray, frames: int, _time: Any, status: Any) -> None:
        if self._origin is None:
            self._origin = self.clock.now() - frames / self.sample_rate
        if status and status.input_overflow:  # samples were lost: take up the clock's time
            self.overflows += 1
            lost = (self.clock.now() - self._origin) * self.sample_rate - self._sent - frames
            self._sent += max(0, round(lost))  # (the show's sound fills the gap with silence)
        samples = data.astype(np.float32, copy=True)
        self.level = float(np.abs(samples).max()) if samples.size else 0.0
        pts = self._origin + self._sent / self.sample_rate
        self._sent += frames
        self.blocks += 1
        self.deliver(AudioBlock(samples, self.sample_rate, pts))

    def start(self) -> None:
        with self._lock:
            if self._stream is not None:
                return
            sd = _sounddevice()
            try:
                stream = sd.InputStream(
                    samplerate=self.sample_rate,
                    channels=self.channels,
                    dtype="float32",
                    blocksize=BLOCK,
                    device=self.device,
                    callback=self._callback,
                )
                stream.start()
            except (sd.PortAudioError, ValueError) as error:
                name = "the default microphone" if self.device is None else repr(self.device)
                raise DeviceError(f"could not open {name} ({error}); {FIX}") from error
            self._stream = stream

    def stop(self) -> None:
        with self._lock:
            stream, self._stream = self._stream, None
        if stream is not None:
            stream.stop()
            stream.close()

    def close(self) -> None:
        self.stop()
