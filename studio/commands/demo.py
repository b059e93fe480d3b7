"""``studio demo``: the whole keying chain on the built-in demo presenter, no camera.

Films a short take of the demo presenter in front of a creased, unevenly lit green cloth
(with a shadow, green spill, camera noise and a test tone), keys it over a beach drawn by
the project, and writes the raw take, the keyed take, a contact sheet and a matte to the
output folder. Succeeds only if the keyed take decodes back with every frame and its sound.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import av
import cv2
import numpy as np

from keying import Keyer
from studio.errors import InputError
from studio.imageio import write_matte16, write_png
from studio.offline import key_take
from studio.synthetic import SceneSpec, render_scene

FPS = 25
DEMO_SCENE = SceneSpec(
    seed=7,
    uneven=0.5,
    creases=0.5,
    shadow=0.35,
    spill=0.5,
    noise=3.0,
    hair_strands=True,
    talking=True,
    waving=True,
    sway=0.08,
)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "demo", help="run the keying chain on the demo presenter", description=__doc__
    )
    parser.add_argument("--seconds", type=float, default=6.0, help="length of the take (6)")
    parser.add_argument("--output", default="out", help="folder for the results (out)")
    parser.add_argument("--size", default="1280x720", help="picture size WxH (1280x720)")
    parser.set_defaults(func=run)


def beach(size: tuple[int, int]) -> np.ndarray:
    """A sunny beach, drawn: sky, sea, sand and the sun (BGR)."""
    w, h = size
    rows = np.linspace(0.0, 1.0, h, dtype=np.float32)[:, None, None]
    sky = (1 - rows) * np.array([235, 190, 120], np.float32) + rows * np.array(
        [250, 225, 190], np.float32
    )
    picture = np.broadcast_to(sky, (h, w, 3)).copy()
    horizon, shore = int(h * 0.55), int(h * 0.75)
    picture[horizon:shore] = np.array([170, 120, 30], np.float32)
    waves = (np.sin(np.arange(w) / w * 40) * h * 0.01).astype(int)
    for x in range(0, w, 4):
        picture[shore + waves[x] : shore + waves[x] + max(2, h // 90), x : x + 4] = 245
    picture[shore + max(2, h // 90) :] = np.array([140, 200, 230], np.float32)
    image = np.clip(picture, 0, 255).astype(np.uint8)
    cv2.circle(
        image, (int(w * 0.82), int(h * 0.18)), int(h * 0.08), (80, 220, 255), -1, cv2.LINE_AA
    )
    return image


def film_take(path: Path, *, seconds: float, size: tuple[int, int]) -> int:
    """Record the demo presenter with a test tone to ``path``; returns the frame count."""
    frames = max(1, round(seconds * FPS))
    with av.open(str(path), "w") as container:
        video = container.add_stream("libx264", rate=FPS)
        video.width, video.height, video.pix_fmt = *size, "yuv420p"
        video.options = {"crf": "16", "preset": "veryfast"}
        audio = container.add_stream("aac", rate=48000)
        audio.layout = "stereo"
        for i in range(frames):
            frame = av.VideoFrame.from_ndarray(
                render_scene(DEMO_SCENE, t=i / FPS, size=size).image, format="bgr24"
            )
            frame.pts = i
            container.mux(video.encode(frame))
        container.mux(video.encode(None))
        total = round(frames / FPS * 48000)
        tone = 0.15 * np.sin(2 * np.pi * 440.0 * np.arange(total) / 48000)
        tone *= 0.5 + 0.5 * np.sign(np.sin(2 * np.pi * 2.0 * np.arange(total) / 48000))
        for start in range(0, total, 1024):
            block = np.tile(tone[start : start + 1024].astype(np.float32)[None, :], (2, 1))
            chunk = av.AudioFrame.from_ndarray(block, format="fltp", layout="stereo")
            chunk.sample_rate, chunk.pts = 48000, start
            container.mux(audio.encode(chunk))
        container.mux(audio.encode(None))
    return frames


def check_take(path: Path, frames: int, seconds: float) -> tuple[int, float, list[np.ndarray]]:
    """Decode ``path`` back: (frames, seconds of sound, four pictures for the sheet)."""
    with av.open(str(path)) as container:
        decoded = [f.to_ndarray(format="bgr24") for f in container.decode(video=0)]
    with av.open(str(path)) as container:
        sound = sum(f.samples for f in container.decode(audio=0)) / 48000
    if len(decoded) != frames:
        raise InputError(f"{path}: has {len(decoded)} frames, expected {frames}")
    if abs(sound - seconds) > 0.2:
        raise InputError(f"{path}: has {sound:.2f} s of sound, expected {seconds:.2f} s")
    picks = [decoded[round(i * (len(decoded) - 1) / 3)] for i in range(4)]
    return len(decoded), sound, picks


def run(args: argparse.Namespace) -> int:
    try:
        w, h = (int(v) for v in args.size.lower().split("x"))
    except ValueError as error:
        raise InputError(
            f"--size {args.size!r}: give it as WIDTHxHEIGHT, such as 1280x720"
        ) from error
    if not (64 <= w <= 3840 and 64 <= h <= 2160 and w % 2 == 0 and h % 2 == 0):
        raise InputError(f"--size {args.size}: width and height must be even, 64 to 3840x2160")
    if not 0.2 <= args.seconds <= 600:
        raise InputError(f"--seconds {args.seconds}: choose 0.2 to 600 seconds")
    out = Path(args.output)
    out.mkdir(parents=True, exist_ok=True)
    size = (w, h)
    started = time.perf_counter()
    take = out / "demo-take-green.mp4"
    frames = film_take(take, seconds=args.seconds, size=size)
    filmed = time.perf_counter()
    write_png(out / "demo-background.png", beach(size))
    keyed = out / "demo-keyed.mp4"
    report = key_take(take, keyed, background=str(out / "demo-background.png"))
    keyed_at = time.perf_counter()
    count, sound, picks = check_take(keyed, frames, frames / FPS)
    first = render_scene(DEMO_SCENE, t=0.0, size=size).image
    with Keyer() as keyer:
        keyer.calibrate(first)
        write_matte16(out / "demo-matte.png", keyer.matte(first))
    sheet = np.vstack([np.hstack(picks[:2]), np.hstack(picks[2:])])
    write_png(out / "demo-contact-sheet.png", cv2.resize(sheet, (w, h), cv2.INTER_AREA))
    print(f"demo: {report.screen}", file=sys.stderr)
    print(
        f"demo: filmed {frames} frames in {filmed - started:.1f} s; keyed and encoded them in "
        f"{keyed_at - filmed:.1f} s ({frames / max(keyed_at - filmed, 1e-6):.0f} fps)",
        file=sys.stderr,
    )
    print(
        f"demo: {keyed} decodes back: {count} frames, {sound:.2f} s of sound; contact sheet "
        f"{out / 'demo-contact-sheet.png'}",
        file=sys.stderr,
    )
    return 0
