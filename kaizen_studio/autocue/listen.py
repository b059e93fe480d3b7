"""Listening to the reader: an offline recogniser that knows only the script's words.

PocketSphinx (from PyPI, with its US English acoustic model and dictionary in the wheel: no
network) decodes 16 kHz mono sound with a small language model made from the script itself
(:func:`write_script_model`: its words and the pairs they come in), so it hears the script's
words and little else, quickly. Script words its dictionary lacks (names, new words) are
given pronunciations spelled from words it knows first (:func:`add_pronunciations`).
:class:`Listener` runs it in a worker thread on blocks of sound from any iterator (the
microphone: :func:`microphone_blocks`; a file, in the tests and the benchmark) and hands
each new partial hypothesis, with the time in the sound it was reached, to a callback. A
pause in the speech ends an utterance and starts the next, so the hypothesis stays short.
"""

from __future__ import annotations

import logging
import math
import queue
import threading
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from kaizen_studio.autocue.spell import pronounce
from kaizen_studio.core.errors import StudioError

if TYPE_CHECKING:
    from pocketsphinx import Decoder

log = logging.getLogger(__name__)

RATE = 16000
"""The recogniser's sample rate (its acoustic model's)."""

BLOCK = 1600
"""Samples in one block of sound handed to the recogniser: 0.1 s."""

LOOK_EVERY = 800
"""Samples of sound decoded between looks at the recogniser's hypothesis: 0.05 s, so a word
is passed on within 0.05 s of the recogniser naming it, not a whole block later."""

PAUSE_BLOCKS = 3
"""Quiet blocks in a row that make a pause: 0.3 s, so a pause at the end of a line is
noticed before the reader starts the next one (the recogniser's own end of speech comes
after about half a second, as long as such a pause)."""

QUIET = 0.12
"""A block is quiet when its loudness (RMS) is under this share of the speech's recent
peak loudness."""

Heard = Callable[[list[str], float], None]
"""Called with the words of the newest hypothesis and the time (seconds of sound) it came."""


def write_script_model(
    words: Sequence[str],
    path: Path,
    *,
    known: Callable[[str], bool],
    openings: Sequence[int] = (),
) -> int:
    """Write an ARPA bigram language model of ``words`` (the script's, in order; those
    ``known`` to the dictionary only) to ``path``; return the size of its vocabulary.

    Every word of the script is likely, and a word is most likely followed by the one that
    follows it in the script (half of what is left goes to any word, for ad-libs and skips).
    An utterance (speech between pauses) most likely begins with a word at one of the
    ``openings`` (indices into ``words``: the first words of sentences) and ends before
    one.
    """
    kept = [w for w in words if known(w)]
    if not kept:
        raise StudioError("the script has no words the recogniser knows")
    counts = Counter(kept)
    pairs = Counter(zip(["<s>", *kept], [*kept, "</s>"], strict=True))
    for i in openings:
        if 0 < i < len(words) and known(words[i]) and known(words[i - 1]):
            pairs[("<s>", words[i])] += 1
            pairs[(words[i - 1], "</s>")] += 1
    firsts = Counter(a for a, _b in pairs.elements())
    total = len(kept)
    rows = ["\\data\\", f"ngram 1={len(counts) + 2}", f"ngram 2={len(pairs)}", "", "\\1-grams:"]
    rows.append("-99.0 <s> -0.30103")
    rows.append(f"{math.log10(1 / (total + 1)):.5f} </s> 0.0")
    for word, count in sorted(counts.items()):
        rows.append(f"{math.log10(count / (total + 1)):.5f} {word} -0.30103")
    rows += ["", "\\2-grams:"]
    for (a, b), count in sorted(pairs.items()):
        rows.append(f"{math.log10(0.5 * count / firsts[a]):.5f} {a} {b}")
    rows += ["", "\\end\\", ""]
    path.write_text("\n".join(rows), encoding="utf-8")
    return len(counts)


def add_pronunciations(decoder: Decoder, words: Sequence[str]) -> dict[str, str]:
    """Give ``decoder``'s dictionary the ``words`` it lacks, spelled from words it knows
    (:func:`~kaizen_studio.autocue.spell.pronounce`); return them with their phones. A word
    no spelling was found for stays unknown: the recogniser never hears it, and the
    follower goes by the words around it."""
    added: dict[str, str] = {}
    for word in dict.fromkeys(words):
        if decoder.lookup_word(word) is not None or not word.isalpha():
            continue
        phones = pronounce(word, decoder.lookup_word)
        if phones is not None:
            decoder.add_word(word, phones, False)
            added[word] = phones
    if added:
        log.info("pronunciations spelled from known words: %s", added)
    return added


class Listener:
    """Decodes ``blocks`` (16 kHz mono int16) in a worker, calling ``on_heard`` with each
    new hypothesis and ``on_pause`` when the reader pauses; knows only ``words`` (the
    script's read-aloud words, in order)."""

    def __init__(
        self,
        words: Sequence[str],
        blocks: Iterator[np.ndarray],
        on_heard: Heard,
        *,
        folder: Path,
        on_pause: Callable[[float], None] | None = None,
        openings: Sequence[int] = (),
    ) -> None:
        from pocketsphinx import Decoder  # large: loaded only when the voice is followed

        decoder = Decoder(samprate=RATE, lm=None, loglevel="FATAL", fwdflat=False, bestpath=False)
        self.spelled = add_pronunciations(decoder, words)
        model = folder / "script.lm"
        write_script_model(
            words, model, known=lambda w: decoder.lookup_word(w) is not None, openings=openings
        )
        decoder.add_lm_file("script", str(model))
        decoder.activate_search("script")
        self._decoder = decoder
        self._blocks, self._on_heard, self._on_pause = blocks, on_heard, on_pause
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="autocue-listener", daemon=True)
        self.seconds = 0.0
        self.error: BaseException | None = None

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Stop listening and wait for the worker (safe to call twice)."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the blocks to run out; return whether they did."""
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def _run(self) -> None:
        decoder, last = self._decoder, ""
        peak, quiet, heard_speech = 1.0, 0, False
        try:
            decoder.start_utt()
            for block in self._blocks:
                if self._stop.is_set():
                    break
                for start in range(0, block.size, LOOK_EVERY):  # a word heard is told at once
                    part = np.ascontiguousarray(block[start : start + LOOK_EVERY], np.int16)
                    decoder.process_raw(part.tobytes(), False, False)
                    self.seconds += part.size / RATE
                    hyp = decoder.hyp()
                    text = hyp.hypstr if hyp is not None else ""
                    if text and text != last:
                        last, heard_speech = text, True
                        self._on_heard(text.split(), self.seconds)
                loudness = (
                    float(np.sqrt(np.mean(np.square(block, dtype=np.float64))))
                    if block.size
                    else 0.0
                )
                peak = max(loudness, peak * 0.995)  # the speech's recent peak, slowly let go
                quiet = quiet + 1 if loudness < QUIET * peak else 0
                if quiet == PAUSE_BLOCKS and heard_speech:  # a pause: start afresh after it
                    decoder.end_utt()
                    hyp = decoder.hyp()  # the utterance's final words, often one or two more
                    if hyp is not None and hyp.hypstr and hyp.hypstr != last:
                        self._on_heard(hyp.hypstr.split(), self.seconds)
                    decoder.start_utt()
                    last, heard_speech = "", False
                    if self._on_pause is not None:
                        self._on_pause(self.seconds)
            decoder.end_utt()
        except Exception as error:  # the worker's end is reported, never lost
            log.exception("the voice-following listener stopped")
            self.error = error


def microphone_blocks(
    stop: threading.Event, *, device: int | str | None = None
) -> Iterator[np.ndarray]:
    """Blocks of 0.1 s from the microphone at 16 kHz mono, until ``stop`` is set. The
    microphone is opened here, at once, so a missing one is said before the show starts.

    Raises
    ------
    StudioError
        When no microphone can be opened, with PortAudio's reason.
    """
    import sounddevice  # type: ignore[import-untyped]  # loaded only when asked for

    waiting: queue.Queue[np.ndarray] = queue.Queue(maxsize=50)

    def arrived(data: np.ndarray, _frames: int, _time: object, _status: object) -> None:
        if not waiting.full():  # a stalled recogniser loses sound, never memory
            waiting.put(data[:, 0].copy())

    try:
        stream = sounddevice.InputStream(
            samplerate=RATE,
            channels=1,
            dtype="int16",
            blocksize=BLOCK,
            device=device,
            callback=arrived,
        )
    except (sounddevice.PortAudioError, ValueError) as error:
        raise StudioError(
            f"voice-following needs a microphone, and none could be opened ({error}); "
            "plug one in, or follow with the keys or the remote"
        ) from error
    return _listened(stream, waiting, stop)


def _listened(
    stream: object, waiting: queue.Queue[np.ndarray], stop: threading.Event
) -> Iterator[np.ndarray]:
    with stream:  # type: ignore[attr-defined]
        while not stop.is_set():
            try:
                yield waiting.get(timeout=0.2)
            except queue.Empty:
                continue


def file_blocks(sound: np.ndarray) -> Iterator[np.ndarray]:
    """``sound`` (16 kHz mono int16) in blocks of 0.1 s, as the microphone gives them."""
    for start in range(0, sound.size, BLOCK):
        yield sound[start : start + BLOCK]
