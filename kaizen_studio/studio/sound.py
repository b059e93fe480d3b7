"""The show's sound: the microphone (or the test sound), mixed with the sound of videos.

:class:`ShowSound` runs one sound source, the *voice*: the microphone asked for, or, when
none is asked for or it cannot be opened, the speech-like test sound (the show never stops
for a microphone). The voice's 20 ms blocks set the pace; the sound of a video backdrop or
a video file source arrives through a :class:`SoundFeed` and is lined up with each block by
its time stamps on the show's clock, then mixed in. The test sound stands in for the demo
presenter's voice only: while a video file *is* the camera (a feed made with
``replaces_test_sound``), the file's own sound is heard without it (a microphone still
mixes in, for a pupil speaking over the video). Every mixed block goes to ``deliver``
(the programme's ``send_audio``), and its level (dBFS) is kept for a meter. Nothing here
prints: what is playing, and why the microphone is not used, is in :attr:`ShowSound.status`.

The blocks delivered follow the show's clock without a gap or an overlap: where the voice
lost samples (a starved microphone, a voice switched) silence fills the gap, and what
overlaps sound already delivered is cut, so the show's sound is exactly its duration times
the sample rate, whatever the threads were doing.
"""

from __future__ import annotations

import enum
import logging
import threading
from collections import deque
from collections.abc import Callable

import numpy as np

from kaizen_studio.core.clock import Clock
from kaizen_studio.core.errors import DeviceError
from kaizen_studio.core.media import AudioBlock, Samples
from kaizen_studio.studio.sources.audio import BLOCK, ToneSource
from kaizen_studio.studio.sources.microphone import MicrophoneSource
from kaizen_studio.studio.sources.mixer import SILENCE_DB, level_db, mix

log = logging.getLogger(__name__)

Deliver = Callable[[AudioBlock], None]
METER_SECONDS = 0.3
"""The level meter's window: the RMS of the last 0.3 s (a VU meter's time)."""
MAX_GAP_SECONDS = 10.0
"""A longer gap in the voice is not filled with silence: the sound starts again there."""


class SoundFeed:
    """Sound from a video, held by its time stamps until the show's sound mixes it in.

    ``push`` takes blocks at the show's rate and channels (from the decoder's thread);
    ``take`` gives the samples for a stretch of the show's clock, silence where there are
    none. At most ``seconds`` are held (the oldest go first).
    """

    def __init__(
        self,
        name: str,
        *,
        sample_rate: int,
        channels: int,
        gain: float,
        seconds: float = 2.0,
        replaces_test_sound: bool = False,
    ) -> None:
        self.name, self.sample_rate, self.channels = name, sample_rate, channels
        self.gain = gain
        self.replaces_test_sound = replaces_test_sound
        """the sound of the video that is the camera: the test sound is silent meanwhile"""
        self._limit = round(seconds * sample_rate)
        self._lock = threading.Lock()
        self._held: Samples = np.zeros((0, channels), np.float32)
        self._start = 0.0  # the show's time of the first held sample
        self.blocks = 0

    def push(self, block: AudioBlock) -> None:
        """Hold ``block`` (float32 (n, channels) at the show's sample rate)."""
        samples = block.samples
        if block.sample_rate != self.sample_rate or samples.ndim != 2:
            raise ValueError(
                f"{self.name}: sound at {block.sample_rate} Hz, shape {samples.shape}; the "
                f"show's sound is {self.sample_rate} Hz (n, {self.channels})"
            )
        if samples.shape[1] != self.channels:
            samples = np.repeat(samples[:, :1], self.channels, axis=1)
        with self._lock:
            self.blocks += 1
            if not len(self._held):
                self._held, self._start = samples.astype(np.float32), block.pts
                return
            end = self._start + len(self._held) / self.sample_rate
            gap = round((block.pts - end) * self.sample_rate)
            if gap < 0:  # overlaps what is held: keep what is new
                samples = samples[-gap:]
                gap = 0
            parts = [self._held, np.zeros((gap, self.channels), np.float32), samples]
            held = np.concatenate(parts).astype(np.float32, copy=False)
            extra = len(held) - self._limit
            if extra > 0:
                held = held[extra:]
                self._start += extra / self.sample_rate
            self._held = held

    def take(self, pts: float, count: int) -> Samples:
        """The ``count`` samples from ``pts`` on the show's clock (silence where none)."""
        out = np.zeros((count, self.channels), np.float32)
        with self._lock:
            offset = round((pts - self._start) * self.sample_rate)
            if offset > 0:  # drop what is already past
                self._held = self._held[offset:]
                self._start = pts
                offset = 0
            lead = -offset
            if lead < count and len(self._held):
                n = min(count - lead, len(self._held))
                out[lead : lead + n] = self._held[:n]
                self._held = self._held[n:]
                self._start = pts + (lead + n) / self.sample_rate
        return out


class Voice(enum.StrEnum):
    """What the show's voice is. (A ``StrEnum``: its value is a plain word for logs.)"""

    NOTHING = "nothing"
    """not started, or stopped"""
    MICROPHONE = "microphone"
    TEST_SOUND = "test sound"
    """the speech-like test sound or tone: no microphone asked for, or it would not open"""


class ShowSound:
    """The show's sound: a voice (microphone or test sound) mixed with video sound.

    Parameters
    ----------
    deliver : called with each mixed block, stamped on ``clock`` (may be set later, before
        :meth:`start`; the programme sets it to its ``send_audio`` when given this sound).
    clock : the show's clock.
    microphone : None for the test sound; ``"default"`` for the default microphone, or a
        device index or (part of a) name.
    speech : the test sound is speech-like (True) or a 440 Hz tone (False).

    :meth:`start` never raises for a microphone that cannot be opened: the test sound plays
    and :attr:`status` says why.
    """

    def __init__(
        self,
        deliver: Deliver | None = None,
        *,
        clock: Clock,
        microphone: int | str | None = None,
        speech: bool = True,
        sample_rate: int = 48000,
        channels: int = 2,
    ) -> None:
        if channels not in (1, 2):
            raise ValueError(f"the show's sound is mono or stereo, got {channels} channels")
        self.deliver, self.clock = deliver, clock
        self.microphone, self.speech = microphone, speech
        self.sample_rate, self.channels = sample_rate, channels
        self._voice: ToneSource | MicrophoneSource | None = None
        self._feeds: list[SoundFeed] = []
        self._lock = threading.Lock()
        self.playing = Voice.NOTHING
        """the voice playing now"""
        self.microphone_problem = ""
        """Why the microphone asked for is not used ('' when it is, or none was asked for)."""
        self.level_db = SILENCE_DB
        """The RMS level of the last 0.3 s in dBFS (for a meter; SILENCE_DB when silent)."""
        self._powers: deque[float] = deque(maxlen=15)
        self.blocks = 0
        self._origin: float | None = None  # the show's time of the first sample delivered
        self._sent = 0  # samples delivered since ``_origin``
        self.filled = 0
        """Samples of silence put in where the voice had none (a starved microphone)."""

    # -- the voice ----------------------------------------------------------------
    def start(self) -> None:
        """Start the microphone asked for, or the test sound (safe to call twice)."""
        if self._voice is None:
            self._origin, self._sent = None, 0  # a new stretch of sound
            self._voice = self._open_voice()

    def _open_voice(self) -> ToneSource | MicrophoneSource:
        self.microphone_problem = ""
        if self.microphone is not None:
            choice = self.microphone
            device = (
                None
                if choice == "default"
                else int(choice)
                if isinstance(choice, str) and choice.isdigit()
                else choice
            )
            mic = MicrophoneSource(
                self._mixed,
                clock=self.clock,
                device=device,
                sample_rate=self.sample_rate,
                channels=self.channels,
            )
            try:
                mic.start()
            except DeviceError as error:
                self.microphone_problem = str(error)
                log.warning("sound: the test sound plays instead: %s", error)
            else:
                self.playing = Voice.MICROPHONE
                return mic
        tone = ToneSource(
            self._mixed,
            clock=self.clock,
            sample_rate=self.sample_rate,
            channels=self.channels,
            speech=self.speech,
        )
        tone.start()
        self.playing = Voice.TEST_SOUND
        return tone

    def use_microphone(self, microphone: int | str | None) -> None:
        """Switch to ``microphone`` (None: the test sound) while the show goes on."""
        self.microphone = microphone
        if self._voice is not None:
            self._voice.stop()
            self._voice = self._open_voice()

    def stop(self) -> None:
        voice, self._voice = self._voice, None
        if voice is not None:
            voice.stop()
        self.playing = Voice.NOTHING

    def close(self) -> None:
        self.stop()

    # -- video sound ----------------------------------------------------------------
    def feed(self, name: str, *, gain: float = 1.0, replaces_test_sound: bool = False) -> SoundFeed:
        """A new input for the sound of ``name`` (a video), mixed in at ``gain``.

        With ``replaces_test_sound`` (the video file that is the camera, not a background),
        the test sound is silent while the feed is mixed in.
        """
        if not 0.0 <= gain <= 4.0:
            raise ValueError(f"a sound's gain must be 0 to 4, got {gain}")
        feed = SoundFeed(
            name,
            sample_rate=self.sample_rate,
            channels=self.channels,
            gain=gain,
            replaces_test_sound=replaces_test_sound,
        )
        with self._lock:
            self._feeds.append(feed)
        return feed

    def remove_feed(self, feed: SoundFeed) -> None:
        """Stop mixing ``feed`` in (safe to call twice)."""
        with self._lock:
            self._feeds = [other for other in self._feeds if other is not feed]

    @property
    def feeds(self) -> list[SoundFeed]:
        with self._lock:
            return list(self._feeds)

    # -- mixing ------------------------------------------------------------------------
    @property
    def test_sound_silent(self) -> bool:
        """Whether the test sound plays silently (keeping the pace) because a video file is
        the camera and brings its own sound."""
        return self.playing is Voice.TEST_SOUND and any(f.replaces_test_sound for f in self.feeds)

    def _mixed(self, block: AudioBlock) -> None:
        for piece in self._in_step(block):
            self._mix_in(piece)

    def _in_step(self, block: AudioBlock) -> list[AudioBlock]:
        """``block`` placed on the show's sound so far: silence before it for a gap, the
        part that overlaps what was delivered cut off; stamped by the samples delivered."""
        rate = self.sample_rate
        if self._origin is None:
            self._origin = block.pts
        start = round((block.pts - self._origin) * rate)
        gap = start - self._sent
        if gap > MAX_GAP_SECONDS * rate:  # not a gap in one show's sound: start again here
            self._origin, self._sent, gap = block.pts, 0, 0
        samples = block.samples[max(0, -gap) :]
        pieces = []
        for offset in range(0, max(0, gap), BLOCK):
            count = min(BLOCK, gap - offset)
            silence = np.zeros((count, samples.shape[1]), np.float32)
            pieces.append(AudioBlock(silence, rate, self._origin + (self._sent + offset) / rate))
        self.filled += max(0, gap)
        self._sent += max(0, gap)
        if len(samples):
            pieces.append(AudioBlock(samples, rate, self._origin + self._sent / rate))
            self._sent += len(samples)
        return pieces

    def _mix_in(self, block: AudioBlock) -> None:
        feeds = self.feeds
        if feeds:
            n = block.samples.shape[0]
            videos = [
                AudioBlock(feed.take(block.pts, n), self.sample_rate, block.pts) for feed in feeds
            ]
            voice = 0.0 if self.test_sound_silent else 1.0
            block = mix([block, *videos], gains=[voice, *(feed.gain for feed in feeds)])
        self._meter(block)
        self.blocks += 1
        if self.deliver is not None:
            self.deliver(block)

    def _meter(self, block: AudioBlock) -> None:
        """Move the meter: the power of the blocks of the last ``METER_SECONDS``."""
        window = max(1, round(METER_SECONDS / max(block.duration, 1e-3)))
        if self._powers.maxlen != window:
            self._powers = deque(self._powers, maxlen=window)
        self._powers.append(10 ** (level_db(block) / 10))
        power = sum(self._powers) / len(self._powers)
        floor = 10 ** (SILENCE_DB / 10)
        self.level_db = SILENCE_DB if power <= floor else max(SILENCE_DB, 10 * np.log10(power))

    @property
    def status(self) -> str:
        """What is playing, in words (and why the microphone is not used)."""
        if self.playing is Voice.MICROPHONE:
            name = "default" if self.microphone == "default" else repr(self.microphone)
            words = f"the microphone ({name})"
        elif self.test_sound_silent:
            words = "no microphone, and no test sound over the video file's own sound"
        elif self.playing is Voice.TEST_SOUND:
            kind = "speech-like test sound" if self.speech else "test tone"
            words = f"the {kind}" + (
                f" (the microphone is not used: {self.microphone_problem})"
                if self.microphone_problem
                else " (no microphone asked for)"
            )
        else:
            words = "no sound (stopped)" if self.blocks else "no sound (not started)"
        for feed in self.feeds:
            if feed.blocks:  # a video without a sound track adds nothing
                words += f" + the sound of {feed.name}"
        return words
