"""Voice-following measured: scripts spoken by espeak-ng, with a skipped line, an ad-lib,
a stumble and a repeated word.

Each script (:mod:`benchmarks.voice_scripts`: a tuning split the follower's constants are
tuned on, a report split they never saw) is spoken at 120, 150 and 180 words a minute by
Debian's espeak-ng, each line a file of its own, put together with pauses: one line is
left out (the reader skips it), an ad-lib of words from outside the script stands before
another, a third is started, broken off and started again, and a word of a fourth is said
twice. The sound is handed to the autocue's listener in blocks of 0.1 s at the pace it
would come from a microphone; the scroll the reader sees glides towards the follower's
target as the prompter's frames do (:func:`kaizen_studio.autocue.voice.glided`, 60 frames a
second).

The measure: a line is at the reading line when the scroll shown is within a quarter of a
line of it (the laid-out line its first word is on), and it is reached the first time it
is. What a reader needs is the line being read at the reading line while it is read, so
a line is reached in time when the scroll gets there no earlier than the end of the last
word of the line spoken before it (arriving in the pause before the line, or during an
ad-lib said there, is right) and no later than 0.7 s after its own first word. Arriving
while the line before is still being spoken is early, and a miss: the scroll left the
reader's line under them. The lag printed is from the line's first word (negative: the
scroll was there first, in the pause before it).

``python -m benchmarks.autocue_voice`` prints the figures per line and PASS/FAIL against
the issue's targets on the report split (``--split tuning`` for the other): each line
reached within 0.7 s of being spoken on at least 95% of lines, under 40% of one core.
``--trace SCENE`` reads one scene and prints each hypothesis and pause with where it put
the follower: the way to see why a line was late or early.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import tempfile
import time
import wave
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from benchmarks.voice_scripts import SPLITS, TUNING, Scene
from kaizen_studio.autocue.follow import Follower, openings, script_words, words_of
from kaizen_studio.autocue.listen import BLOCK, RATE, Listener
from kaizen_studio.autocue.render import Look, layout_script
from kaizen_studio.autocue.script import BlockKind, Script, parse_script
from kaizen_studio.autocue.voice import GLIDE_SECONDS, glided

AD_LIB = TUNING[0].ad_lib
LAG_TARGET = 0.7
SHARE_TARGET = 0.95
CPU_TARGET = 0.40
FRAME = 1 / 60
"""Seconds between the prompter's frames, at which the scroll shown is worked out."""


@dataclass(frozen=True, slots=True)
class Reading:
    """The sound of a reading and, for each line read, where its speech starts and what
    kind of line it is (plain, or the slip made at it)."""

    sound: np.ndarray  # 16 kHz mono int16
    starts: dict[int, float]  # line number -> seconds
    ends: dict[int, float]  # line number -> seconds its speech ends
    kinds: dict[int, str]  # line number -> "", "after a skip", "after an ad-lib", ...


def spoken_lines(script: Script) -> list[str]:
    return [b.text for b in script.blocks if b.kind in (BlockKind.SPEAKER, BlockKind.TEXT)]


def speak(text: str, words_per_minute: int, folder: Path) -> np.ndarray:
    """``text`` spoken by espeak-ng at ``words_per_minute``, as 16 kHz mono int16."""
    wav = folder / "line.wav"
    subprocess.run(
        ["espeak-ng", "-s", str(words_per_minute), "-w", str(wav), text], check=True, timeout=60
    )
    with wave.open(str(wav)) as file:
        rate = file.getframerate()
        sound = np.frombuffer(file.readframes(file.getnframes()), np.int16)
    picks = np.arange(0, sound.size * RATE // rate) * rate // RATE
    return sound[picks[picks < sound.size]]


def reading(
    lines: list[str],
    words_per_minute: int,
    folder: Path,
    *,
    skip: int = -1,
    ad_lib_before: int = -1,
    ad_lib: str = AD_LIB,
    stumble: int = -1,
    repeat: int = -1,
) -> Reading:
    """``lines`` read with 0.6 s pauses: ``skip`` left out, ``ad_lib`` said before
    ``ad_lib_before``, ``stumble`` begun with its first two words and a 0.4 s break, the
    middle word of ``repeat`` said twice."""
    pieces: list[np.ndarray] = [np.zeros(RATE, np.int16)]
    starts: dict[int, float] = {}
    ends: dict[int, float] = {}
    kinds: dict[int, str] = {}
    t = 1.0
    pause = np.zeros(RATE * 6 // 10, np.int16)
    for number, line in enumerate(lines):
        if number == skip:
            continue
        said: list[tuple[int | None, str, np.ndarray]] = []
        if number == ad_lib_before:
            said.append((None, ad_lib, pause))
        if number == stumble:
            said.append((number, " ".join(line.split()[:2]), np.zeros(RATE * 4 // 10, np.int16)))
        if number == repeat:
            tokens = line.split()
            middle = len(tokens) // 2
            line = " ".join([*tokens[:middle], *words_of(tokens[middle]), *tokens[middle:]])
        said.append((number, line, pause))
        kinds[number] = (
            "after a skip"
            if number == skip + 1 and skip >= 0
            else "after an ad-lib"
            if number == ad_lib_before
            else "stumbled"
            if number == stumble
            else "a word said twice"
            if number == repeat
            else ""
        )
        for which, text, gap in said:
            sound = speak(text, words_per_minute, folder)
            if which is not None and which not in starts:
                starts[which] = t + int(np.argmax(np.abs(sound) > 500)) / RATE
            if which is not None:
                loud = np.flatnonzero(np.abs(sound) > 500)
                ends[which] = t + (int(loud[-1]) if loud.size else 0) / RATE
            pieces += [sound, gap]
            t += (sound.size + gap.size) / RATE
    return Reading(np.concatenate(pieces), starts, ends, kinds)


def first_lines(script: Script, follower: Follower) -> list[int]:
    """The laid-out line on which each spoken line's first word sits."""
    flat, at, found = [w.word for w in follower.words], 0, []
    for line in spoken_lines(script):
        words = words_of(line)
        while flat[at : at + len(words)] != words:
            at += 1
        found.append(follower.words[at].line)
        at += len(words)
    return found


def follow(
    script: Script, sound: np.ndarray, *, paced: bool, trace: bool = False
) -> tuple[list[tuple[float, float]], float]:
    """Run the listener and follower over ``sound``; return (time, position) each time the
    position moved, and the process's CPU seconds (loading the recogniser too). ``paced``
    hands the sound over no faster than a microphone would (times are then wall-clock
    seconds from the listener's start, when the reader starts reading); otherwise as fast
    as it is decoded (times in seconds of sound). ``trace`` prints each hypothesis and
    pause with where it put the follower (the place: the index of the next word)."""
    layout = layout_script(script, width=1280, look=Look(text_size=64))
    follower = Follower(script_words(layout))
    first = follower.position()
    timeline: list[tuple[float, float]] = [(0.0, first if first is not None else 0.0)]
    started = time.monotonic()

    def blocks() -> Iterator[np.ndarray]:
        for i, start in enumerate(range(0, sound.size, BLOCK)):
            if paced:
                time.sleep(max(0.0, started + (i + 1) * BLOCK / RATE - time.monotonic()))
            yield sound[start : start + BLOCK]

    def now(at: float) -> float:
        return time.monotonic() - started if paced else at

    def moved(at: float) -> None:
        position = follower.position()
        if position is not None:
            timeline.append((now(at), position))

    def heard(words: list[str], at: float) -> None:
        before = follower.place
        if follower.hear(words):
            moved(at)
        if trace:
            print(f"{now(at):6.2f} heard {' '.join(words)!r}: place {before} -> {follower.place}")

    def paused(at: float) -> None:
        before = follower.place
        if follower.pause():
            moved(at)
        if trace:
            print(f"{now(at):6.2f} pause: place {before} -> {follower.place}")

    with tempfile.TemporaryDirectory() as folder:
        cpu = time.process_time()
        listener = Listener(
            [w.word for w in follower.words],
            blocks(),
            heard,
            folder=Path(folder),
            on_pause=paused,
            openings=openings(follower.words),
        )
        started = time.monotonic()  # the reader starts once the autocue listens, not before
        listener.start()
        listener.wait()
        cpu = time.process_time() - cpu
    return timeline, cpu


def shown(timeline: list[tuple[float, float]], until: float) -> list[tuple[float, float]]:
    """The scroll the reader sees, frame by frame, as it glides after the follower's
    ``timeline`` of (time, target)."""
    frames: list[tuple[float, float]] = []
    position, at, t = timeline[0][1], 0, 0.0
    while t <= until:
        while at + 1 < len(timeline) and timeline[at + 1][0] <= t:
            at += 1
        position = glided(position, timeline[at][1], FRAME, glide_seconds=GLIDE_SECONDS)
        frames.append((t, position))
        t += FRAME
    return frames


def lags(
    timeline: list[tuple[float, float]],
    lines: list[int],
    starts: dict[int, float],
    ends: dict[int, float],
) -> dict[int, Lag]:
    """For each line read, when the scroll ``timeline`` (time, position) first reached it,
    measured from its first word (``starts``), and whether that was before the last word of
    the line spoken before it ended (``ends``): early."""
    found: dict[int, Lag] = {}
    before = 0.0  # the end of the line spoken before: nothing before the first
    for number, start in sorted(starts.items()):
        reached = next((t for t, p in timeline if p >= lines[number] - 0.25), None)
        found[number] = Lag(
            seconds=None if reached is None else reached - start,
            early=reached is not None and reached < before,
        )
        before = ends[number]
    return found


@dataclass(frozen=True, slots=True)
class Lag:
    """When the scroll reached a line: seconds from its first word (None: never), and
    whether that was early, while the line before it was still being spoken."""

    seconds: float | None
    early: bool

    def in_time(self) -> bool:
        return self.seconds is not None and not self.early and self.seconds <= LAG_TARGET

    def shown(self) -> str:
        if self.seconds is None:
            return "never"
        return (
            f"{self.seconds:+.2f}"
            + (" EARLY" if self.early else "")
            + (" LATE" if self.seconds > LAG_TARGET else "")
        )


@dataclass(frozen=True, slots=True)
class Measured:
    """One scene at one speed: each line's lag and kind, the seconds of speech and CPU."""

    scene: str
    speed: int
    lags: dict[int, Lag]
    kinds: dict[int, str]
    seconds: float
    cpu: float

    def on_time(self) -> int:
        return sum(1 for v in self.lags.values() if v.in_time())

    def row(self) -> str:
        shown_lags = ", ".join(
            f"{n}: {v.shown()}" + (f" ({self.kinds[n]})" if self.kinds[n] else "")
            for n, v in sorted(self.lags.items())
        )
        return (
            f"{self.scene}, {self.speed} words a minute, {self.seconds:.1f} s: "
            f"{self.on_time()} of {len(self.lags)} lines in time; CPU "
            f"{self.cpu / self.seconds:.0%} of one core; lags (s) {shown_lags}"
        )


def measure(
    scene: Scene, speed: int, folder: Path, *, paced: bool, trace: bool = False
) -> Measured:
    """Read ``scene`` at ``speed`` and follow it (``trace``: printing what it heard, and
    where each line's speech starts and ends)."""
    script = parse_script(scene.text)
    layout = layout_script(script, width=1280, look=Look(text_size=64))
    lines = first_lines(script, Follower(script_words(layout)))
    read = reading(
        spoken_lines(script),
        speed,
        folder,
        skip=scene.skip,
        ad_lib_before=scene.ad_lib_before,
        ad_lib=scene.ad_lib,
        stumble=scene.stumble,
        repeat=scene.repeat,
    )
    if trace:
        for n in sorted(read.starts):
            print(f"line {n} (laid out at {lines[n]}): {read.starts[n]:.2f}-{read.ends[n]:.2f} s")
    timeline, cpu = follow(script, read.sound, paced=paced, trace=trace)
    seconds = read.sound.size / RATE
    found = lags(
        shown(timeline, max(seconds, timeline[-1][0]) + 2.0), lines, read.starts, read.ends
    )
    return Measured(
        scene=scene.name, speed=speed, lags=found, kinds=read.kinds, seconds=seconds, cpu=cpu
    )


def run(
    *, quick: bool = False, paced: bool = True, split: str = "report", trace: str | None = None
) -> str:
    """Measure the ``split``'s scripts at 120, 150 and 180 words a minute (150 only when
    ``quick``); print and return the markdown section. ``trace`` names one scene: only it
    is read, and the follower's trace printed."""
    if shutil.which("espeak-ng") is None:
        line = "espeak-ng is not installed (Debian package espeak-ng): not measured"
        print(line)
        return f"## Autocue voice-following\n\n{line}\n"
    rows: list[str] = []
    measured: list[Measured] = []
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as folder:
        for scene in SPLITS[split]:
            if trace is not None and scene.name != trace:
                continue
            for speed in (150,) if quick else (120, 150, 180):
                one = measure(scene, speed, Path(folder), paced=paced, trace=trace is not None)
                print(one.row(), flush=True)
                rows.append(f"- {one.row()}")
                measured.append(one)
    total = sum(len(m.lags) for m in measured)
    on_time_share = sum(m.on_time() for m in measured) / total
    worst_share = max(m.cpu / m.seconds for m in measured)
    late: dict[str, int] = {}
    for m in measured:
        for n, v in m.lags.items():
            if not v.in_time():
                late[m.kinds[n] or "plain"] = late.get(m.kinds[n] or "plain", 0) + 1
    verdicts = [
        f"{'PASS' if on_time_share >= SHARE_TARGET else 'FAIL'}: {on_time_share:.1%} of "
        f"{total} lines reached in time (target 95%)"
        + (
            "; missed: " + ", ".join(f"{n} {kind}" for kind, n in sorted(late.items()))
            if late
            else ""
        ),
        f"{'PASS' if worst_share < CPU_TARGET else 'FAIL'}: at most {worst_share:.0%} of one "
        "core (target under 40%)",
    ]
    for verdict in verdicts:
        print(verdict)
    how = "paced as a microphone" if paced else "as fast as decoded"
    load = (
        f"The machine's load (1-minute average) was {load_before:.1f} at the start and "
        f"{os.getloadavg()[0]:.1f} at the end, on {os.cpu_count()} cores."
    )
    print(load)
    return (
        "## Autocue voice-following\n\n"
        f"The {split} split's scripts read by espeak-ng with a skipped line, an ad-lib, a\n"
        f"stumble and a word said twice, the sound handed over {how}. A line is reached\n"
        "when the scroll shown (gliding as the prompter's does) is first within a quarter\n"
        "line of it; it is reached in time when that is no earlier than the end of the last\n"
        "word of the line spoken before it and no later than 0.7 s after its own first word\n"
        "(EARLY: the scroll left the reader's line while it was still being spoken; a miss).\n"
        "The lag is from the line's first word (negative: the scroll was there first, in the\n"
        "pause before it).\n\n"
        + "\n".join(rows)
        + "\n\n"
        + "\n".join(f"- **{v}**" for v in verdicts)
        + f"\n\n{load}\n"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="150 words a minute only")
    parser.add_argument("--unpaced", action="store_true", help="decode as fast as it can")
    parser.add_argument("--split", choices=sorted(SPLITS), default="report")
    parser.add_argument(
        "--trace", metavar="SCENE", help="read only this scene, printing the follower's trace"
    )
    args = parser.parse_args(argv)
    if args.trace is not None and args.trace not in {s.name for s in SPLITS[args.split]}:
        names = ", ".join(s.name for s in SPLITS[args.split])
        parser.error(f"--trace: no scene {args.trace!r} in the {args.split} split ({names})")
    run(quick=args.quick, paced=not args.unpaced, split=args.split, trace=args.trace)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
