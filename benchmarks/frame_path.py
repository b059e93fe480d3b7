"""Full-size copies and colour conversions on a frame's path, camera picture to encoder.

The real pieces run in the show's order on one thread: the file source's decoding
(:func:`studio.playback.picture`), the programme's compositor (key, place, overlays,
transition) and the recorder's encoder (:class:`broadcast.ProgrammeEncoder`), for
``--frames`` pictures of the demo presenter keyed into the newsroom with four overlays.
A profile hook counts every call of the functions that copy or convert a whole picture
(:data:`WATCHED`) made from the path's own lines (the keyer's inner passes are its own
work, timed by ``benchmarks.speed``), and each piece's CPU time is taken by the thread's
clock. Prints, per frame, each copy or conversion by the line that makes it. Not counted:
the copies FFmpeg and x264 make inside (FFmpeg copies a picture it does not own into its
own frame; x264 copies it into its look-ahead).

Run: ``python -m benchmarks.frame_path [--size 1920x1080] [--frames 30] [--level N]``
(``--level``: the show stepped down, :class:`studio.step_down.ShowLevel`).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any

import av
import numpy as np

from benchmarks.pipeline_clip import four_overlays, presenter_clip
from kaizen_studio.broadcast.encoder import ProgrammeEncoder
from kaizen_studio.core.media import AudioBlock, VideoFrame
from kaizen_studio.keying import Keyer
from kaizen_studio.studio import playback
from kaizen_studio.studio.backgrounds import newsroom
from kaizen_studio.studio.pipeline import Programme
from kaizen_studio.studio.sources.video_file import VideoFileSource
from kaizen_studio.studio.stages import KeyStage
from kaizen_studio.studio.step_down import ShowLevel

WATCHED = {
    "copy": "copy",
    "copyto": "copy",
    "to_ndarray": "conversion",
    "from_ndarray": "copy",
    "reformat": "conversion",
    "cvtColor": "conversion",
    "resize": "conversion",
    "addWeighted": "conversion",
}
"""Functions that copy or convert a whole picture when the path calls them, by name."""
PATH = ("studio/playback.py", "studio/stages.py", "studio/pipeline.py", "broadcast/encoder.py")
"""The path's own files: calls made from their lines are counted."""
SOUND = ("_encode_sound",)
"""The path's functions that make sound, not pictures (left out)."""
KEYER_ENTRY = ("keying/keyer.py", "keying/composite.py")
"""The keyer's lines a picture enters by (fitting the backdrop, contiguous copies)."""


def counted_calls(work: Callable[[], None]) -> Counter[str]:
    """Run ``work`` and count the :data:`WATCHED` C calls made from the path's lines,
    by 'kind function (file:line)'."""
    calls: Counter[str] = Counter()

    def hook(frame: FrameType, event: str, arg: Any) -> None:
        if event != "c_call":
            return
        name = getattr(arg, "__name__", "")
        if name not in WATCHED or frame.f_code.co_name in SOUND:
            return
        where = frame.f_code.co_filename.replace("\\", "/")
        inside = [p for p in (*PATH, *KEYER_ENTRY) if where.endswith(p)]
        if inside and not (inside[0] in KEYER_ENTRY and frame.f_code.co_name != "process"):
            line = f"{inside[0]}:{frame.f_lineno} {frame.f_code.co_name}"
            calls[f"{WATCHED[name]}: {name} ({line})"] += 1

    sys.setprofile(hook)
    try:
        work()
    finally:
        sys.setprofile(None)
    return calls


def measure(
    size: tuple[int, int], fps: int, frames: int, *, level: ShowLevel = ShowLevel.FULL
) -> tuple[Counter[str], dict[str, float]]:
    """(the copies and conversions over ``frames`` pictures, CPU ms a frame by piece) at
    the show's ``level`` (its key's size and its encoder's effort)."""
    warm = 5
    with tempfile.TemporaryDirectory() as folder:
        clip = Path(folder) / "presenter.mp4"
        presenter_clip(clip, size, fps, seconds=(frames + warm) / fps)
        overlays = four_overlays()
        programme = Programme(
            VideoFileSource(clip),
            fps=fps,
            keyer=Keyer(threads=1),
            background=newsroom(size),
            overlays=overlays,
        )
        key = programme.compositor.stage("key")
        assert isinstance(key, KeyStage)
        key.divisor = level.key_divisor
        encoder = ProgrammeEncoder(width=size[0], height=size[1], fps=fps)
        encoder.set_effort(level.effort)
        sound = np.zeros((round(48000 / fps), 2), np.float32)
        spent = dict.fromkeys(("decode", "compositor", "encode"), 0.0)
        with av.open(str(clip)) as source:
            decoded = source.decode(video=0)

            def one(i: int) -> None:
                began = time.thread_time()
                picture = playback.picture(next(decoded))
                decoded_at = time.thread_time()
                made = programme.compositor.run(VideoFrame(picture, i / fps, i))
                composited = time.thread_time()
                encoder.encode(made)
                encoder.encode(AudioBlock(sound, 48000, i / fps))
                done = time.thread_time()
                if i >= warm:
                    spent["decode"] += decoded_at - began
                    spent["compositor"] += composited - decoded_at
                    spent["encode"] += done - composited

            for i in range(warm):
                one(i)

            def counted() -> None:
                for i in range(warm, warm + frames):
                    one(i)

            calls = counted_calls(counted)
        programme.close()
    return calls, {k: 1000.0 * v / frames for k, v in spent.items()}


def report(
    size: tuple[int, int],
    frames: int,
    calls: Counter[str],
    spent: dict[str, float],
    *,
    level: ShowLevel = ShowLevel.FULL,
) -> str:
    w, h = size
    kinds = Counter[str]()
    for what, n in calls.items():
        kinds[what.split(":")[0]] += n
    lines = [
        "## Copies and conversions on the frame's path",
        "",
        f"{w}x{h}, {frames} pictures of the demo presenter keyed into the newsroom with four "
        f"overlays at {level.words} (the show's level), decoded from a file and encoded by "
        "the recorder's encoder, one thread. "
        "Each whole-picture copy or colour conversion made by the path's own lines, per "
        "picture (`python -m benchmarks.frame_path`):",
        "",
        "| what (line) | per picture |",
        "|---|---:|",
    ]
    lines += [f"| {what} | {n / frames:.2f} |" for what, n in sorted(calls.items())]
    lines += [
        "",
        f"In all: {kinds['copy'] / frames:.1f} copies and {kinds['conversion'] / frames:.1f} "
        "conversions per picture. CPU ms per picture (the thread's clock, x264's own threads "
        "not included): " + ", ".join(f"{k} {v:.1f}" for k, v in spent.items()) + ".",
    ]
    return "\n".join(lines) + "\n"


def run(
    *,
    quick: bool = False,
    size: tuple[int, int] = (1920, 1080),
    frames: int = 30,
    level: ShowLevel = ShowLevel.FULL,
) -> str:
    """Measure, print and return the markdown section for RESULTS.md."""
    frames = 10 if quick else frames
    calls, spent = measure(size, 30, frames, level=level)
    section = report(size, frames, calls, spent, level=level)
    print(section, flush=True)
    return section


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="1920x1080", help="WxH (1920x1080)")
    parser.add_argument("--frames", type=int, default=30, help="pictures counted (30)")
    parser.add_argument(
        "--level",
        type=int,
        default=0,
        choices=[int(level) for level in ShowLevel],
        help="the show's level (0 full quality; see studio.step_down.ShowLevel)",
    )
    args = parser.parse_args()
    width, height = (int(v) for v in args.size.lower().split("x"))
    run(size=(width, height), frames=args.frames, level=ShowLevel(args.level))


if __name__ == "__main__":
    main()
