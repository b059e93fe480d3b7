"""The keyers the benchmark compares: FFmpeg tuned on the truth, the tutorial HSV keyer,
and ours.

Each takes a camera frame and a new background (BGR uint8, same size) and returns a
:class:`Keyed`: the alpha 0..1 and the composite.

FFmpeg is given its best case: the scene's true screen colour as key colour, and its
``chromakey`` similarity and blend chosen per scene by the lowest alpha SAD against the
truth, then its ``despill`` mix and expand (or none) by the highest composite PSNR. Each
grid costs one ``ffmpeg`` process: the filter graph splits the frame into one branch per
setting and stacks their outputs into one tall frame, read back raw.
"""

from __future__ import annotations

import itertools
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import numpy.typing as npt

from benchmarks import colour, metrics
from kaizen_studio.core.errors import MissingToolError
from kaizen_studio.keying import Keyer

Image = npt.NDArray[np.uint8]
Alpha = npt.NDArray[np.float32]

SIMILARITY_COARSE = (0.01, 0.03, 0.06, 0.09, 0.12, 0.16, 0.2, 0.25, 0.3, 0.36)
BLEND_COARSE = (0.0, 0.02, 0.05, 0.09, 0.14, 0.2, 0.28)
FINE_STEPS = (-2, -1, 0, 1, 2)
"""The fine grid: this many steps of a third of the coarse spacing around the best."""
DESPILL_MIX = (0.0, 0.25, 0.5, 0.75, 1.0)
DESPILL_EXPAND = (0.0, 0.25, 0.5, 1.0)
FFMPEG_TIMEOUT = 300.0

HSV_BOUNDS = {
    "green": ((35, 40, 40), (85, 255, 255)),
    "blue": ((90, 40, 40), (130, 255, 255)),
}
"""The bounds tutorials copy (OpenCV hue 0..180): hue band, S > 40, V > 40."""


@dataclass(frozen=True, slots=True)
class Keyed:
    """One keyer's answer: alpha float32 (h, w) 0..1, composite BGR uint8, and a note
    on how it was set (FFmpeg's chosen parameters)."""

    alpha: Alpha
    composite: Image
    note: str = ""


def _ffmpeg() -> str:
    path = shutil.which("ffmpeg")
    if path is None:
        raise MissingToolError(
            "ffmpeg is not on the PATH; install it (Debian: apt-get install ffmpeg)"
        )
    return path


def _hex(value: Sequence[float]) -> str:
    b, g, r = (round(c) for c in value)
    return f"0x{r:02X}{g:02X}{b:02X}"


def _run_graph(
    inputs: Sequence[Image], graph: str, *, pix_fmt: str, channels: int, count: int
) -> npt.NDArray[np.uint8]:
    """Run one ffmpeg filter graph on raw BGR frames; return the ``count`` stacked outputs
    as an array (count, h, w[, channels])."""
    h, w = inputs[0].shape[:2]
    with tempfile.TemporaryDirectory(prefix="kaizen-ffmpeg-") as folder:
        args = [_ffmpeg(), "-hide_banner", "-loglevel", "error", "-nostdin"]
        for i, image in enumerate(inputs):
            raw = Path(folder) / f"in{i}.raw"
            raw.write_bytes(np.ascontiguousarray(image).tobytes())
            args += ["-f", "rawvideo", "-pix_fmt", "bgr24", "-s", f"{w}x{h}", "-i", str(raw)]
        args += ["-filter_complex", graph, "-map", "[out]", "-frames:v", "1"]
        args += ["-f", "rawvideo", "-pix_fmt", pix_fmt, "-"]
        done = subprocess.run(args, capture_output=True, timeout=FFMPEG_TIMEOUT, check=False)
    if done.returncode != 0:
        tail = done.stderr.decode(errors="replace").strip().splitlines()[-3:]
        raise RuntimeError(f"ffmpeg failed ({done.returncode}): {' | '.join(tail)}")
    shape = (count, h, w) if channels == 1 else (count, h, w, channels)
    expected = int(np.prod(shape))
    if len(done.stdout) != expected:
        raise RuntimeError(f"ffmpeg returned {len(done.stdout)} bytes, expected {expected}")
    return np.frombuffer(done.stdout, np.uint8).reshape(shape)


def _stack(outputs: Sequence[str]) -> str:
    if len(outputs) == 1:
        return f"{outputs[0]}null[out]"
    return f"{''.join(outputs)}vstack=inputs={len(outputs)}[out]"


def ffmpeg_alphas(
    frame: Image, key: Sequence[float], settings: Sequence[tuple[float, float]]
) -> npt.NDArray[np.uint8]:
    """FFmpeg ``chromakey`` alphas (count, h, w) uint8 for each (similarity, blend)."""
    n = len(settings)
    split = "".join(f"[s{i}]" for i in range(n))
    chains = [f"[0:v]format=yuv444p,split={n}{split}" if n > 1 else "[0:v]format=yuv444p[s0]"]
    for i, (similarity, blend) in enumerate(settings):
        chains.append(
            f"[s{i}]chromakey=color={_hex(key)}:similarity={similarity:.4f}:blend={blend:.4f},"
            f"format=yuva444p,alphaextract,format=gray[a{i}]"
        )
    chains.append(_stack([f"[a{i}]" for i in range(n)]))
    return _run_graph([frame], ";".join(chains), pix_fmt="gray", channels=1, count=n)


def ffmpeg_composites(
    frame: Image,
    background: Image,
    *,
    key: Sequence[float],
    similarity: float,
    blend: float,
    screen: str,
    despills: Sequence[tuple[float, float] | None],
) -> npt.NDArray[np.uint8]:
    """FFmpeg composites (count, h, w, 3) BGR: ``chromakey``, then ``despill`` with each
    (mix, expand) or none, then ``overlay`` on the background in RGB."""
    n = len(despills)
    keyed = "".join(f"[k{i}]" for i in range(n))
    backs = "".join(f"[b{i}]" for i in range(n))
    chains = [
        f"[0:v]format=yuv444p,chromakey=color={_hex(key)}:similarity={similarity:.4f}:"
        f"blend={blend:.4f},format=rgba,split={n}{keyed}",
        f"[1:v]format=rgba,split={n}{backs}",
    ]
    for i, despill in enumerate(despills):
        spill = (
            "null"
            if despill is None
            else f"despill=type={screen}:mix={despill[0]:.3f}:expand={despill[1]:.3f}"
        )
        chains.append(f"[k{i}]{spill}[d{i}]")
        chains.append(f"[b{i}][d{i}]overlay=format=rgb,format=bgr24[c{i}]")
    chains.append(_stack([f"[c{i}]" for i in range(n)]))
    return _run_graph([frame, background], ";".join(chains), pix_fmt="bgr24", channels=3, count=n)


def _fine(values: Sequence[float], best: float, low: float, high: float) -> list[float]:
    ordered = sorted(values)
    gaps = [b - a for a, b in itertools.pairwise(ordered)]
    i = ordered.index(best)
    step = min(gaps[max(0, i - 1)], gaps[min(len(gaps) - 1, i)]) / 3
    return sorted({round(min(high, max(low, best + k * step)), 4) for k in FINE_STEPS})


def tuned_ffmpeg(
    frame: Image,
    background: Image,
    *,
    truth_alpha: Alpha,
    truth_composite: Alpha,
    key: Sequence[float],
    screen: str,
) -> Keyed:
    """FFmpeg ``chromakey`` + ``despill`` + ``overlay`` at its best for this scene: the
    grid (coarse, then fine around the best) minimising alpha SAD, then the despill
    maximising composite PSNR."""

    def best(grid: list[tuple[float, float]]) -> tuple[float, tuple[float, float], Alpha]:
        alphas = ffmpeg_alphas(frame, key, grid)
        scored = []
        for setting, alpha in zip(grid, alphas, strict=True):
            a = alpha.astype(np.float32) * np.float32(1 / 255)
            scored.append((metrics.sad(a, truth_alpha), setting, a))
        return min(scored, key=lambda s: s[0])

    _, (sim, bl), _ = best(list(itertools.product(SIMILARITY_COARSE, BLEND_COARSE)))
    fine = itertools.product(
        _fine(SIMILARITY_COARSE, sim, 0.01, 1.0), _fine(BLEND_COARSE, bl, 0.0, 1.0)
    )
    _, (sim, bl), alpha = best(list(fine))
    despills: list[tuple[float, float] | None] = [None]
    despills += list(itertools.product(DESPILL_MIX, DESPILL_EXPAND))
    composites = ffmpeg_composites(
        frame, background, key=key, similarity=sim, blend=bl, screen=screen, despills=despills
    )
    scores = [metrics.psnr(c, truth_composite) for c in composites]
    i = int(np.argmax(scores))
    chosen = despills[i]
    spill = (
        "no despill" if chosen is None else f"despill mix {chosen[0]:.2f} expand {chosen[1]:.2f}"
    )
    return Keyed(alpha, composites[i].copy(), f"similarity {sim:.3f}, blend {bl:.3f}, {spill}")


def hsv_tutorial(frame: Image, background: Image, *, screen: str) -> Keyed:
    """The tutorial keyer: an ``inRange`` HSV mask with the usual bounds, a median blur,
    and a hard cut between frame and background."""
    low, high = HSV_BOUNDS[screen]
    hsv = cv2.cvtColor(frame, cv2.COLOR_BGR2HSV)
    mask = cv2.medianBlur(cv2.inRange(hsv, low, high), 5)
    subject = mask == 0
    composite = np.where(subject[..., None], frame, background).astype(np.uint8)
    return Keyed(subject.astype(np.float32), composite, f"H/S/V bounds {low} to {high}")


def ours(frame: Image, background: Image, *, plate: Image | None = None) -> Keyed:
    """Our keyer as a pupil gets it: auto-calibrated on the frame, default settings;
    given ``plate`` (a frame of the empty screen), calibrated with it as a teacher may."""
    with Keyer() as keyer:
        calibration = keyer.calibrate(frame, plate=plate)
        result = keyer.process(frame, background)
        alpha = result.alpha.astype(np.float32) * np.float32(1 / 255)
        return Keyed(alpha, result.composite.copy(), calibration.describe())


TRIMAP_BATCH_PIXELS = 60_000_000
"""At most this many output pixels per ffmpeg run when tuning on a trimap (big stills)."""


def _alphas_batched(
    frame: Image, key: Sequence[float], grid: Sequence[tuple[float, float]]
) -> list[Alpha]:
    per_run = max(1, TRIMAP_BATCH_PIXELS // (frame.shape[0] * frame.shape[1]))
    alphas: list[Alpha] = []
    for start in range(0, len(grid), per_run):
        batch = ffmpeg_alphas(frame, key, grid[start : start + per_run])
        alphas += [a.astype(np.float32) * np.float32(1 / 255) for a in batch]
    return alphas


@dataclass(frozen=True, slots=True)
class TrimapTuned:
    """FFmpeg tuned on a trimap: its answer, and the key colour (BGR) and settings chosen,
    to key other frames of the same clip with."""

    keyed: Keyed
    key: tuple[float, ...]
    similarity: float
    blend: float


def tuned_ffmpeg_on_trimap(
    frame: Image, trimap: npt.NDArray[np.uint8], *, screen: str
) -> TrimapTuned:
    """FFmpeg ``chromakey`` at its best for a real picture without ground truth: the key
    colour is the median of the trimap's definitely-screen pixels (0), similarity and
    blend (coarse grid, then fine) minimise holes + leftover screen (% of the trimap's
    definitely-subject 255 and definitely-screen 0 pixels, as in
    :mod:`benchmarks.trimap_metrics`), then ``despill`` (none or mix 0, 0.5, 1) is chosen
    for the least change of the subject's colour. ``composite`` holds the straight
    foreground (the keyed colour un-premultiplied), not a composite."""
    subject, backing = trimap == 255, trimap == 0
    key = tuple(float(c) for c in np.median(frame[backing], axis=0))

    def cost(alpha: Alpha) -> float:
        holes = float(np.mean(alpha[subject] < 0.95)) if subject.any() else 0.0
        left = float(np.mean(alpha[backing] > 0.05)) if backing.any() else 0.0
        return holes + left

    def best(grid: list[tuple[float, float]]) -> tuple[tuple[float, float], Alpha]:
        alphas = _alphas_batched(frame, key, grid)
        i = min(range(len(grid)), key=lambda k: cost(alphas[k]))
        return grid[i], alphas[i]

    (sim, bl), _ = best(list(itertools.product(SIMILARITY_COARSE, BLEND_COARSE)))
    fine = itertools.product(
        _fine(SIMILARITY_COARSE, sim, 0.01, 1.0), _fine(BLEND_COARSE, bl, 0.0, 1.0)
    )
    (sim, bl), alpha = best(list(fine))
    despills: list[tuple[float, float] | None] = [None, (0.0, 0.0), (0.5, 0.0), (1.0, 0.0)]
    black = np.zeros_like(frame)
    composites = ffmpeg_composites(
        frame, black, key=key, similarity=sim, blend=bl, screen=screen, despills=despills
    )
    a = np.maximum(alpha, np.float32(1 / 255))[..., None]
    foregrounds = [
        np.asarray(np.clip(c.astype(np.float32) / a + 0.5, 0, 255), np.uint8) for c in composites
    ]
    inside = subject & (alpha > 0.5)

    def shift(fg: Image) -> float:
        if not inside.any():
            return 0.0
        lab = colour.bgr8_to_lab
        return float(colour.ciede2000(lab(frame[inside]), lab(fg[inside])).mean())

    i = min(range(len(despills)), key=lambda k: shift(foregrounds[k]))
    chosen = despills[i]
    spill = "no despill" if chosen is None else f"despill mix {chosen[0]:.1f}"
    note = f"key {_hex(key)}, similarity {sim:.3f}, blend {bl:.3f}, {spill}"
    return TrimapTuned(Keyed(alpha, foregrounds[i], note), key, sim, bl)


def ffmpeg_clip_alphas(
    frames: Sequence[Image], key: Sequence[float], *, similarity: float, blend: float
) -> npt.NDArray[np.uint8]:
    """FFmpeg ``chromakey`` alphas (n, h, w) uint8 of every frame of a clip, in one run."""
    h, w = frames[0].shape[:2]
    with tempfile.TemporaryDirectory(prefix="kaizen-ffmpeg-") as folder:
        raw = Path(folder) / "clip.raw"
        with raw.open("wb") as out:
            for frame in frames:
                out.write(np.ascontiguousarray(frame).tobytes())
        args = [_ffmpeg(), "-hide_banner", "-loglevel", "error", "-nostdin"]
        args += ["-f", "rawvideo", "-pix_fmt", "bgr24", "-s", f"{w}x{h}", "-i", str(raw)]
        args += [
            "-vf",
            f"format=yuv444p,chromakey=color={_hex(key)}:similarity={similarity:.4f}:"
            f"blend={blend:.4f},format=yuva444p,alphaextract,format=gray",
        ]
        args += ["-f", "rawvideo", "-pix_fmt", "gray", "-"]
        done = subprocess.run(args, capture_output=True, timeout=FFMPEG_TIMEOUT, check=False)
    if done.returncode != 0:
        tail = done.stderr.decode(errors="replace").strip().splitlines()[-3:]
        raise RuntimeError(f"ffmpeg failed ({done.returncode}): {' | '.join(tail)}")
    expected = len(frames) * h * w
    if len(done.stdout) != expected:
        raise RuntimeError(f"ffmpeg returned {len(done.stdout)} bytes, expected {expected}")
    return np.frombuffer(done.stdout, np.uint8).reshape(len(frames), h, w)
