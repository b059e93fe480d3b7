"""Render a scene: the camera frame and its ground truth.

Image formation, per pixel::

    image = alpha * (foreground + spill) + (1 - alpha) * screen

then sensor noise, then (optionally) 4:2:0 chroma subsampling and JPEG, as a webcam
delivers. The shadow is part of ``screen``: it is background (alpha 0).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import cv2
import numpy as np
import numpy.typing as npt

from kaizen_studio.studio.synthetic import backing
from kaizen_studio.studio.synthetic.layers import Colours, Layers, Plane, Shapes, soft
from kaizen_studio.studio.synthetic.person import Textures, draw_person, pose_at, textures
from kaizen_studio.studio.synthetic.spec import Colour, SceneSpec

MIN_SIZE = 32
MAX_SIZE = 8192
STILL_CACHE = 3
"""Scenes whose time-independent parts are kept (about 13 frames' worth of memory each)."""
CACHE_PIXELS = 1920 * 1080
"""Larger frames are not kept: at 4K one scene's parts would take 0.4 GB."""
SPILL_GAIN = 2.0
"""Spill light relative to the screen's own light where the subject meets it, before
the subject's reflectance (its colour / 255) and the spec's ``spill``."""
GREEN_CLOTHING_COVER = 0.99
"""A pixel counts as green clothing when the jumper gives at least this share of it."""


@dataclass(frozen=True, slots=True)
class SceneFrame:
    """One rendered frame and its ground truth.

    image : uint8 (h, w, 3) BGR, the frame as the camera delivers it
    alpha : float32 (h, w), 1 = subject, 0 = backing (its shadow included)
    foreground : float32 (h, w, 3) BGR 0..255, the subject's own (un-spilled) colour,
        straight (not premultiplied); 0 where alpha is 0
    screen : float32 (h, w, 3) BGR, the backing as lit, with the subject's shadow
    spill : float32 (h, w, 3) BGR, screen light reflected on the subject (added to it)
    green_clothing : bool (h, w), pixels fully covered by green clothes (all False when
        the presenter wears no green)
    """

    spec: SceneSpec
    t: float
    image: npt.NDArray[np.uint8]
    alpha: Plane
    foreground: Colours
    screen: Colours
    spill: Colours
    green_clothing: npt.NDArray[np.bool_]

    @property
    def size(self) -> tuple[int, int]:
        """(width, height)."""
        return self.image.shape[1], self.image.shape[0]

    def composite_on(self, background: npt.NDArray[np.generic]) -> Colours:
        """The ground-truth composite ``alpha * foreground + (1 - alpha) * background``.

        ``background`` is a BGR image (uint8 or float, 0..255) of the frame's size; the
        result is float32 (h, w, 3), 0..255, unrounded.
        """
        if not isinstance(background, np.ndarray) or background.shape != self.image.shape:
            got = getattr(background, "shape", type(background).__name__)
            raise ValueError(f"expected a BGR background of shape {self.image.shape}, got {got}")
        a = self.alpha[..., None]
        return (a * self.foreground + (1.0 - a) * background.astype(np.float32)).astype(np.float32)


@dataclass(frozen=True, slots=True)
class _Still:
    """What does not change with time: the room's light, the lit backing, the textures."""

    light: Plane
    lit: Colours
    looks: Textures


def _still(
    seed: int, screen: Colour, uneven: float, creases: float, jumper: Colour, w: int, h: int
) -> _Still:
    """The time-independent parts of a scene; kept for a few scenes up to 1080p (a video
    source renders many frames of one scene), computed afresh for larger frames."""
    if w * h <= CACHE_PIXELS:
        return _cached_still(seed, screen, uneven, creases, jumper, w, h)
    return _compute_still(seed, screen, uneven, creases, jumper, w, h)


def _compute_still(
    seed: int, screen: Colour, uneven: float, creases: float, jumper: Colour, w: int, h: int
) -> _Still:
    """The time-independent parts of a scene; the arrays are read-only."""
    cloth_rng, texture_rng = (
        np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(2)
    )
    light = backing.light_map(w, h, uneven)
    folds = backing.crease_map(w, h, creases, cloth_rng)
    lit = backing.backing(
        np.asarray(screen, np.float32), light, folds, backing.weave(w, h, cloth_rng)
    )
    still = _Still(light=light, lit=lit, looks=textures(jumper, light, texture_rng))
    for array in (light, lit, still.looks.jumper, still.looks.skin, still.looks.hair):
        array.flags.writeable = False
    return still


_cached_still = lru_cache(maxsize=STILL_CACHE)(_compute_still)


def _check_size(size: object) -> tuple[int, int]:
    if (
        not isinstance(size, tuple | list)
        or len(size) != 2
        or not all(isinstance(v, int) and MIN_SIZE <= v <= MAX_SIZE for v in size)
    ):
        raise ValueError(
            f"size must be (width, height), integers {MIN_SIZE} to {MAX_SIZE}, got {size!r}"
        )
    return int(size[0]), int(size[1])


def _spill(spec: SceneSpec, alpha: Plane, lit: Colours, foreground: Colours, h: int) -> Colours:
    """Screen light bounced onto the subject, strong at its edges and a little everywhere,
    and reflected as the subject reflects any light: in proportion to its own colour
    (a dark jumper shows less spill than pale skin or a white collar)."""
    if spec.spill <= 0.0 or not spec.person:
        return np.zeros_like(lit)
    near = soft(1.0 - alpha, 0.012 * h, border=cv2.BORDER_REPLICATE)
    amount = spec.spill * SPILL_GAIN * (0.04 + 0.6 * near) * (alpha > 0)
    reflectance = foreground * np.float32(1 / 255)
    return (lit * reflectance * amount[..., None]).astype(np.float32)


def _sensor(clean: Colours, spec: SceneSpec, t: float) -> npt.NDArray[np.uint8]:
    """Noise (shot noise grows with brightness), rounding, then the webcam's chroma and JPEG."""
    image = clean
    if spec.noise > 0:
        rng = np.random.default_rng((spec.seed, 1, round(t * 1000)))
        sigma = np.float32(spec.noise) * np.sqrt(0.25 + 0.75 * clean / np.float32(128.0))
        image = clean + sigma * rng.standard_normal(clean.shape, dtype=np.float32)
    out = np.clip(image + 0.5, 0, 255).astype(np.uint8)
    if spec.chroma_420:
        ycc = cv2.cvtColor(out, cv2.COLOR_BGR2YCrCb)
        h, w = out.shape[:2]
        for c in (1, 2):
            half = cv2.resize(
                ycc[..., c], ((w + 1) // 2, (h + 1) // 2), interpolation=cv2.INTER_AREA
            )
            ycc[..., c] = cv2.resize(half, (w, h), interpolation=cv2.INTER_LINEAR)
        out = cv2.cvtColor(ycc, cv2.COLOR_YCrCb2BGR)
    if spec.jpeg_quality is not None:
        ok, data = cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, spec.jpeg_quality])
        if not ok:
            raise RuntimeError("OpenCV could not encode the frame as JPEG")
        out = cv2.imdecode(data, cv2.IMREAD_COLOR)
    return out


def render_scene(
    spec: SceneSpec, *, t: float = 0.0, size: tuple[int, int] = (1280, 720)
) -> SceneFrame:
    """Render ``spec`` at time ``t`` seconds as a camera frame with its ground truth.

    Parameters
    ----------
    spec : the scene; its seed fixes every random detail, so equal arguments give
        equal frames
    t : time in seconds (the presenter talks, waves and sways with it; the sensor noise
        changes with it)
    size : (width, height) in pixels

    Returns
    -------
    SceneFrame

    Raises
    ------
    TypeError, ValueError : naming a bad ``spec``, ``t`` or ``size``
    """
    if not isinstance(spec, SceneSpec):
        raise TypeError(f"expected a SceneSpec, got {type(spec).__name__}")
    if not isinstance(t, int | float) or not math.isfinite(t):
        raise ValueError(f"t must be a finite number of seconds, got {t!r}")
    w, h = _check_size(size)
    still = _still(
        spec.seed, spec.screen_colour, spec.uneven, spec.creases, spec.jumper_colour, w, h
    )
    light, lit = still.light, still.lit
    if spec.person:
        hairs = np.random.default_rng(np.random.SeedSequence(spec.seed).spawn(3)[2])
        pose = pose_at(spec, t, w, h)
        layers = draw_person(spec, pose, Shapes(w, h), light, still.looks, hairs)
    else:
        layers = Layers(w, h)
    alpha = np.clip(layers.alpha, 0.0, 1.0)
    screen: Colours = lit
    if spec.shadow > 0 and spec.person:
        screen = lit * (1.0 - spec.shadow * backing.shadow_map(alpha, h=h))[..., None]
    foreground = layers.straight()
    spill = _spill(spec, alpha, lit, foreground, h)
    a = alpha[..., None]
    clean = np.clip(a * (foreground + spill) + (1.0 - a) * screen, 0.0, 255.0)
    green = (layers.material >= GREEN_CLOTHING_COVER) & spec.green_clothing
    return SceneFrame(
        spec=spec,
        t=float(t),
        image=_sensor(clean.astype(np.float32), spec, t),
        alpha=alpha,
        foreground=foreground,
        screen=screen.astype(np.float32),
        spill=spill,
        green_clothing=green,
    )
