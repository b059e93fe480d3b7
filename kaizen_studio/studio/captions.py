"""Captions from the autocue script: its words aligned to a take's speech, as WebVTT.

The take was read off the autocue, so what was said is known; only when is not. The
script's spoken lines (speaker lines and plain text: not directions, headings or cues) are
force-aligned to the take's sound by PocketSphinx (from PyPI, with its US English model in
the wheel: no network), which finds where each word begins. Words its dictionary lacks
are given pronunciations spelled from words it knows (the autocue's
:func:`~kaizen_studio.autocue.listen.add_pronunciations`: names, new words); those no
spelling is found for (numbers written as digits) are left out of the alignment and take
their times from their neighbours. Each line becomes one caption, split into pieces of at most
:data:`MAX_CHARS` characters, shown from its first word until the next caption (or a
moment after its last word).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np

from kaizen_studio.autocue.listen import add_pronunciations
from kaizen_studio.autocue.script import BlockKind, Script
from kaizen_studio.core.errors import InputError
from kaizen_studio.studio.files import atomic_output

log = logging.getLogger(__name__)

RATE = 16000
"""The recogniser's sample rate (its model's)."""

MAX_CHARS = 84
"""The most characters in one caption: two lines of 42, the broadcast norm."""

LINGER_SECONDS = 1.0
"""How long a caption stays after its last word when nothing follows it at once."""

MATCH_FIT = 0.6
"""The least fit (the aligner's per-segment acoustic likelihood, 0 to 1, averaged over the
take's length) of speech that is the script. Another script forced onto the speech leaves
long stretches of speech in 'silence' that fits badly (0.35 against 0.9 for the right
script, on a 150 words a minute espeak-ng reading outside the tests)."""

_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")


@dataclass(frozen=True, slots=True, kw_only=True)
class Cue:
    """One caption: shown from ``start`` to ``end`` seconds."""

    start: float
    end: float
    text: str


def spoken_lines(script: Script) -> list[str]:
    """The lines of ``script`` that are read aloud, in order."""
    return [b.text for b in script.blocks if b.kind in (BlockKind.SPEAKER, BlockKind.TEXT)]


def take_sound(path: Path, *, start: float, end: float) -> np.ndarray:
    """The sound of ``path`` from ``start`` to ``end`` seconds as 16 kHz mono int16."""
    with av.open(str(path)) as container:
        if not container.streams.audio:
            raise InputError(f"{path}: has no sound, so there is no speech to caption")
        resampler = av.AudioResampler(format="s16", layout="mono", rate=RATE)
        parts: list[np.ndarray] = []
        for frame in container.decode(container.streams.audio[0]):
            for part in resampler.resample(frame):
                parts.append(part.to_ndarray().reshape(-1))
    sound = np.concatenate(parts) if parts else np.zeros(0, np.int16)
    return sound[round(start * RATE) : round(end * RATE)]


def align(sound: np.ndarray, lines: Sequence[str]) -> list[Cue]:
    """Captions for ``lines`` as spoken in ``sound`` (16 kHz mono int16).

    Raises
    ------
    InputError
        When the speech does not match the lines (another script, or none read).
    """
    from pocketsphinx import Decoder  # a large library: loaded only when captions are made

    decoder = Decoder(
        samprate=RATE, bestpath=False, beam=1e-100, wbeam=1e-80, pbeam=1e-100, loglevel="FATAL"
    )
    words = [[w for w in _WORD.findall(line.lower())] for line in lines]
    add_pronunciations(decoder, [w for line in words for w in line])
    known = [w for line in words for w in line if decoder.lookup_word(w) is not None]
    if not known:
        raise InputError("the script has no words the recogniser knows: no captions")
    decoder.set_align_text(" ".join(known))
    decoder.start_utt()
    decoder.process_raw(np.ascontiguousarray(sound, np.int16).tobytes(), full_utt=True)
    decoder.end_utt()
    segments = list(decoder.seg() or [])
    found = [(s.word, s.start_frame / 100) for s in segments if not s.word.startswith("<")]
    frames = sum(s.end_frame - s.start_frame + 1 for s in segments)
    fit = sum(s.ascore * (s.end_frame - s.start_frame + 1) for s in segments) / max(1, frames)
    log.info("captions: %d words aligned, fit %.2f", len(found), fit)
    if len(found) != len(known) or fit < MATCH_FIT:
        raise InputError(
            "the take's speech does not match the script (was this script read in this take?): "
            "no captions made"
        )
    starts = iter(t for _word, t in found)
    timed: list[list[float | None]] = [
        [next(starts) if decoder.lookup_word(w) is not None else None for w in line]
        for line in words
    ]
    end_of_speech = segments[-1].end_frame / 100 if segments else len(sound) / RATE
    return _cues(lines, timed, end_of_speech)


def _cues(lines: Sequence[str], timed: list[list[float | None]], last: float) -> list[Cue]:
    pieces: list[tuple[float, str]] = []
    for line, times in zip(lines, timed, strict=True):
        known = [t for t in times if t is not None]
        if not known:
            continue  # a line of names or digits only: it shows with the line before
        for text, first_word in _split(line):
            at = next((t for t in times[first_word:] if t is not None), known[-1])
            pieces.append((at, text))
    cues = []
    for i, (at, text) in enumerate(pieces):
        following = pieces[i + 1][0] if i + 1 < len(pieces) else last + LINGER_SECONDS
        cues.append(Cue(start=at, end=max(at + 0.3, following), text=text))
    return cues


def _split(line: str) -> list[tuple[str, int]]:
    """``line`` in pieces of at most MAX_CHARS, each with the index of its first word
    (counted as the aligner counts words)."""
    pieces: list[tuple[str, int]] = []
    current: list[str] = []
    first = counted = 0
    for token in line.split():
        if current and len(" ".join([*current, token])) > MAX_CHARS:
            pieces.append((" ".join(current), first))
            current, first = [], counted
        current.append(token)
        counted += len(_WORD.findall(token.lower()))
    if current:
        pieces.append((" ".join(current), first))
    return pieces


def shifted(cues: Sequence[Cue], *, by: float, start: float, end: float) -> list[Cue]:
    """``cues`` moved by ``by`` seconds, keeping those that start before ``end`` and cut to
    end by then (times before the shift); none starts before ``start``."""
    kept = [c for c in cues if c.start < end and c.end > start]
    return [
        Cue(start=max(c.start, start) + by, end=min(c.end, end) + by, text=c.text) for c in kept
    ]


def write_webvtt(cues: Sequence[Cue], path: Path) -> Path:
    """Write ``cues`` as a WebVTT file (atomically)."""
    lines = ["WEBVTT", ""]
    for number, cue in enumerate(cues, start=1):
        lines += [str(number), f"{_stamp(cue.start)} --> {_stamp(cue.end)}", cue.text, ""]
    with atomic_output(path) as temporary:
        temporary.write_text("\n".join(lines), encoding="utf-8")
    return path


def read_webvtt(path: Path) -> list[Cue]:
    """The cues of a WebVTT file written by :func:`write_webvtt`."""
    cues = []
    blocks = path.read_text(encoding="utf-8").split("\n\n")
    for block in blocks[1:]:
        rows = block.strip().split("\n")
        if len(rows) >= 3 and " --> " in rows[1]:
            a, b = rows[1].split(" --> ")
            cues.append(Cue(start=_seconds(a), end=_seconds(b), text="\n".join(rows[2:])))
    return cues


def _stamp(seconds: float) -> str:
    ms = max(0, round(seconds * 1000))
    return f"{ms // 3_600_000:02d}:{ms // 60_000 % 60:02d}:{ms // 1000 % 60:02d}.{ms % 1000:03d}"


def _seconds(stamp: str) -> float:
    h, m, s = stamp.strip().split(":")
    return int(h) * 3600 + int(m) * 60 + float(s)
