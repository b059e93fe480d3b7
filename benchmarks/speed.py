"""Speed and memory of the keyer, against FFmpeg and against the floor.

For 1280x720, 1920x1080 and 3840x2160, with one thread and with the default threads:
ms per frame and fps for calibration, matte, the one pass that takes the screen and the
spill away and composites, and the whole loop; FFmpeg's
``chromakey`` + ``despill`` + ``overlay`` on the same frames when ``ffmpeg`` is on the
PATH; and the floor, a plain blend of the same frames with a known alpha. At 720p and
1080p on one thread, the whole loop also as the show runs it (:mod:`benchmarks.speed_show`:
the presenter decoded from H.264 as ``benchmarks.pipeline --costs`` keys it, and a real
clip of the footage with FFmpeg on the same pictures). Every row gives wall-clock and CPU
milliseconds; the targets against the floor compare CPU time, which a busy machine's
other work does not inflate as much. Memory: peak RSS
of the loop and the bytes allocated per frame once warm (tracemalloc sees numpy's).

Run: ``python -m benchmarks.speed [--quick]``. Figures depend on the machine and on what
else it is doing, so every comparison is between peers measured in the same run.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import cv2
import numpy as np

from benchmarks import speed_show
from benchmarks.speed_memory import memory
from kaizen_studio.keying import Keyer, calibrate
from kaizen_studio.keying import blend as kb
from kaizen_studio.keying.frames import BGRImage
from kaizen_studio.studio.backgrounds import newsroom
from kaizen_studio.studio.sources.demo import DEMO_PRESENTER
from kaizen_studio.studio.synthetic import render_scene

SIZES = {"720p": (1280, 720), "1080p": (1920, 1080), "2160p": (3840, 2160)}
TARGETS = (
    ("1080p", 1, 60.0),
    ("1080p", 0, 120.0),
    ("2160p", 0, 30.0),
)
"""(size, threads (0: default), fps the whole loop must reach)."""
FFMPEG_FACTOR = 5.0
FLOOR_FACTOR = 1.5
"""The whole loop at 1080p on one thread costs at most this many times the floor (CPU)."""
SHOW_SIZES = ("720p", "1080p")
"""Sizes the whole loop is also timed at as the show runs it (one thread)."""


def studio_frames(size: tuple[int, int], count: int = 4) -> tuple[list[BGRImage], BGRImage]:
    """Camera frames of the presenter at a few moments, and a new background."""
    drawn = (min(size[0], 1920), min(size[1], 1080))  # 4K: drawn at 1080p and scaled up
    frames = [
        cv2.resize(render_scene(DEMO_PRESENTER, t=0.4 * i, size=drawn).image, size)
        for i in range(count)
    ]
    w, h = size
    background = np.zeros((h, w, 3), np.uint8)
    background[...] = np.linspace(60, 200, w, dtype=np.float32)[None, :, None].astype(np.uint8)
    return frames, background


def timed(work: Callable[[], object], *, seconds: float, least: int = 5) -> tuple[float, float]:
    """Median (wall-clock, CPU) milliseconds per call of ``work`` over about ``seconds``
    (after a warm-up); CPU time is the whole process's, its threads included."""
    work()
    walls: list[float] = []
    cpus: list[float] = []
    deadline = time.perf_counter() + seconds
    while len(walls) < least or time.perf_counter() < deadline:
        start, began = time.perf_counter(), time.process_time()
        work()
        walls.append((time.perf_counter() - start) * 1000.0)
        cpus.append((time.process_time() - began) * 1000.0)
    return float(np.median(walls)), float(np.median(cpus))


@dataclass
class Row:
    size: str
    threads: str
    stage: str
    ms: float
    cpu: float | None = None

    @property
    def fps(self) -> float:
        return 1000.0 / self.ms if self.ms > 0 else float("inf")


def keyer_rows(
    name: str, frames: list[BGRImage], background: BGRImage, threads: int, seconds: float
) -> list[Row]:
    """Stage and whole-loop timings of the keyer on ``frames``."""
    cv2.setNumThreads(threads if threads else -1)
    label = "1" if threads == 1 else f"default ({cv2.getNumThreads()})"
    keyer = Keyer(threads=threads or None)
    key = keyer.calibrate(frames[0]).key_colour
    keyer.set_background(background)
    counter = iter(range(1 << 62))

    def frame() -> BGRImage:
        return frames[next(counter) % len(frames)]

    result = keyer.process(frames[0])
    st = keyer._frame
    assert st is not None

    def blend_all(image: BGRImage) -> None:
        def blend_rows(rows: slice) -> None:
            kb.blend(
                image[rows],
                st.screen[rows],
                st.alpha[rows],
                light=st.work[rows.start].light,  # as the last frame left it
                top=rows.start,
                background=background[rows],
                primary=1,
                spill=1.0,
                key_colour=key,
                keep_brightness=False,
                foreground=st.foreground[rows],
                composite=st.composite[rows],
            )

        keyer._each_stripe(st, blend_rows)

    rows = [
        Row(name, label, "calibration", *timed(lambda: calibrate(frame()), seconds=seconds / 4)),
        Row(name, label, "matte", *timed(lambda: keyer.matte(frame()), seconds=seconds / 4)),
        Row(
            name,
            label,
            "  of which the coarse grid (one thread at any count)",
            *timed(lambda: keyer._ramp_maps(st), seconds=seconds / 8),
        ),
        Row(
            name,
            label,
            "screen, spill and composite (one pass)",
            *timed(lambda: blend_all(frame()), seconds=seconds / 4),
        ),
        Row(name, label, "whole loop", *timed(lambda: keyer.process(frame()), seconds=seconds)),
    ]
    del result
    keyer.close()
    return rows


def floor_row(
    name: str, frames: list[BGRImage], background: BGRImage, threads: int, seconds: float
) -> Row:
    """A plain blend with a known alpha: the least any keyer must do per frame."""
    cv2.setNumThreads(threads if threads else -1)
    label = "1" if threads == 1 else f"default ({cv2.getNumThreads()})"
    alpha = np.full(frames[0].shape, 128, np.uint8)
    inverse = cv2.bitwise_not(alpha)
    a, b = np.empty_like(alpha), np.empty_like(alpha)
    counter = iter(range(1 << 62))

    def blend() -> None:
        cv2.multiply(frames[next(counter) % len(frames)], alpha, dst=a, scale=1 / 255)
        cv2.multiply(background, inverse, dst=b, scale=1 / 255)
        cv2.add(a, b, dst=a)

    return Row(name, label, "floor: plain blend", *timed(blend, seconds=seconds / 2))


def ffmpeg_row(
    name: str, frames: list[BGRImage], background: BGRImage, threads: int, key: tuple[int, int, int]
) -> Row | None:
    """FFmpeg chromakey + despill + overlay on the same raw BGR frames, or None."""
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        return None
    h, w = frames[0].shape[:2]
    loops = max(1, 120 // len(frames) if w <= 1920 else 40 // len(frames))
    folder = Path("/dev/shm") if Path("/dev/shm").is_dir() else Path(tempfile.gettempdir())
    with tempfile.TemporaryDirectory(dir=folder) as tmp:
        raw = Path(tmp) / "frames.raw"
        raw.write_bytes(b"".join(f.tobytes() for f in frames))
        bg = Path(tmp) / "background.png"
        cv2.imwrite(str(bg), background)
        b, g, r = key
        graph = (
            f"[0:v]chromakey=0x{r:02X}{g:02X}{b:02X}:0.12:0.08,despill=green[fg];"
            "[1:v][fg]overlay=shortest=1[out]"
        )
        thread_args = ["-threads", "1", "-filter_threads", "1"] if threads == 1 else []
        command = [
            ffmpeg,
            "-hide_banner",
            "-nostdin",
            "-benchmark",
            *thread_args,
            "-stream_loop",
            str(loops - 1),
            "-f",
            "rawvideo",
            "-pix_fmt",
            "bgr24",
            "-s",
            f"{w}x{h}",
            "-r",
            "30",
            "-i",
            str(raw),
            "-loop",
            "1",
            "-i",
            str(bg),
            "-filter_complex",
            graph,
            "-map",
            "[out]",
            "-f",
            "null",
            "-",
        ]
        start, before = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    if done.returncode != 0:
        raise RuntimeError(f"ffmpeg failed: {done.stderr.strip().splitlines()[-1]}")
    count = loops * len(frames)
    label = "1" if threads == 1 else f"default ({os.cpu_count()})"
    return Row(
        name, label, "FFmpeg chromakey+despill+overlay", wall * 1000.0 / count, cpu * 1000.0 / count
    )


def show_rows(name: str, size: tuple[int, int], seconds: float) -> list[Row]:
    """The whole loop on one thread as the show runs it (:mod:`benchmarks.speed_show`):
    on the presenter decoded from H.264, and on the footage's clip with FFmpeg on the
    same pictures (said and left out without the footage)."""
    background = newsroom(size)
    sources = [("H.264 presenter", speed_show.presenter_pictures(size))]
    footage = speed_show.footage_pictures(size)
    if footage is None:
        print("footage not found: the show's loop not timed on it", flush=True)
    else:
        sources.append((f"footage {speed_show.FOOTAGE_CLIP}", footage))
    rows = [show_row(name, what, frames, background, seconds) for what, frames in sources]
    if footage is not None:
        ff = ffmpeg_row(name, footage, background, 1, calibrate(footage[0]).key_colour)
        if ff is not None:
            rows.append(replace(ff, stage=f"{ff.stage}, footage {speed_show.FOOTAGE_CLIP}"))
    return rows


def show_row(
    name: str, what: str, frames: list[BGRImage], background: BGRImage, seconds: float
) -> Row:
    """One source's row of :func:`show_rows`."""
    keyer = speed_show.show_keyer(frames, background)
    counter = [0]
    try:
        spent = timed(
            lambda: speed_show.show_key(keyer, frames, background, counter), seconds=seconds
        )
    finally:
        keyer.close()
    return Row(name, "1", f"whole loop as the show keys: {what}", *spent)


def run(*, quick: bool = False) -> str:
    """Measure, print and return the markdown section for RESULTS.md."""
    seconds = 0.6 if quick else 2.0
    sizes = {"720p": SIZES["720p"]} if quick else SIZES
    rows: list[Row] = []
    for name, size in sizes.items():
        frames, background = studio_frames(size)
        key = calibrate(frames[0]).key_colour
        for threads in (1, 0):
            rows += keyer_rows(name, frames, background, threads, seconds)
            rows.append(floor_row(name, frames, background, threads, seconds))
            ff = ffmpeg_row(name, frames, background, threads, key)
            if ff is not None:
                rows.append(ff)
            if threads == 1 and name in SHOW_SIZES:
                rows += show_rows(name, size, seconds)
            for row in rows[-10:]:
                print(
                    f"{row.size:6s} threads {row.threads:12s} {row.stage:34s} "
                    f"{row.ms:8.2f} ms {row.fps:8.1f} fps, CPU {row.cpu or 0.0:8.2f} ms",
                    flush=True,
                )
    measured = "720p" if quick else "1080p"
    frames, background = studio_frames(SIZES[measured])
    peak, growth, transient = memory(frames, background)
    print(
        f"memory: peak RSS {peak:.0f} MiB; growth {growth:.0f} bytes per frame once warm; "
        f"largest short-lived allocation {transient:.0f} KiB (the coarse maps)"
    )
    return report(rows, peak, growth, transient, measured=measured, quick=quick)


def report(
    rows: list[Row], peak: float, growth: float, transient: float, *, measured: str, quick: bool
) -> str:
    lines = [
        "## Keyer speed",
        "",
        "Median ms per frame (fps) on this machine, same frames for every row "
        "(the demo presenter talking and waving on a creased, unevenly lit green cloth, "
        "with a shadow, spill, hair and camera noise).",
        "",
        "| size | threads | stage | ms | fps | CPU ms |",
        "|---|---|---|---:|---:|---:|",
    ]
    lines += [
        f"| {r.size} | {r.threads} | {r.stage} | {r.ms:.2f} | {r.fps:.0f} | "
        + ("" if r.cpu is None else f"{r.cpu:.2f}")
        + " |"
        for r in rows
    ]
    lines += [
        "",
        f"Memory ({measured}, default threads): peak RSS during the keying loop {peak:.0f} MiB "
        f"(the whole process, its test frames included); net growth {growth:.1f} bytes per "
        f"frame between warm frames 150 and 270; largest short-lived allocation in a frame "
        f"{transient:.0f} KiB (the coarse maps; full-size buffers are reused).",
        "",
        "### Targets",
        "",
    ]
    whole = {(r.size, r.threads.split()[0]): r for r in rows if r.stage == "whole loop"}
    ffmpeg = {(r.size, r.threads.split()[0]): r for r in rows if r.stage.startswith("FFmpeg")}
    for size, threads, fps in TARGETS:
        key = (size, "1" if threads == 1 else "default")
        if key in whole:
            got = whole[key].fps
            verdict = "PASS" if got >= fps else "FAIL"
            lines.append(
                f"- {verdict}: whole loop {size}, threads {key[1]}: {got:.0f} fps "
                f"(target {fps:.0f})"
            )
    for key, row in sorted(ffmpeg.items()):
        if key in whole:
            factor = row.ms / whole[key].ms
            verdict = "PASS" if factor >= FFMPEG_FACTOR else "FAIL"
            lines.append(
                f"- {verdict}: {key[0]}, threads {key[1]}: {factor:.1f}x FFmpeg's "
                f"speed (target {FFMPEG_FACTOR:.0f}x)"
            )
    lines += floor_lines(rows)
    lines.append(
        f"- {'PASS' if growth < 1024 else 'FAIL'}: no allocation growth per frame "
        f"({growth:.0f} bytes/frame)"
    )
    if quick:
        lines.append("- (quick run: 720p only)")
    return "\n".join(lines) + "\n"


def floor_lines(rows: list[Row]) -> list[str]:
    """The whole loop on one thread against the floor of the same run, in CPU time: the
    1080p loop is the target (:data:`FLOOR_FACTOR`); the others are shown beside it."""
    floor = {r.size: r for r in rows if r.threads == "1" and r.stage.startswith("floor")}
    lines = []
    for r in rows:
        base = floor.get(r.size)
        if r.threads != "1" or not r.stage.startswith("whole loop") or base is None:
            continue
        if r.cpu is None or not base.cpu:
            continue
        factor = r.cpu / base.cpu
        target = r.size == "1080p" and r.stage == "whole loop"
        verdict = ("PASS" if factor <= FLOOR_FACTOR else "FAIL") if target else "shown"
        lines.append(
            f"- {verdict}: {r.size} {r.stage}, one thread: {r.cpu:.2f} ms of CPU, "
            f"{factor:.2f}x the plain-blend floor's {base.cpu:.2f}"
            + (f" (target at most {FLOOR_FACTOR}x)" if target else "")
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="720p only, short timings")
    args = parser.parse_args()
    print(run(quick=args.quick))


if __name__ == "__main__":
    main()
