"""The second truth set's scenes: procedurally drawn subjects with a known alpha, over
rendered or photographed screens, mixed in linear light (then :mod:`camera` shoots them).

Shares no code with ``kaizen_studio.studio.synthetic``. A subject is a stack of layers
(torso, neck, head, hair cap, hair strands, glasses, a grey patch, a translucent veil),
each a coverage mask drawn at SUPER times the size and a colour field in linear light;
they are stacked premultiplied, then averaged down to the picture's size, so edges and
hair strands get their true fractional alpha from supersampled coverage.

Screens: cloth rendered with falloff, a hot spot of glare, folds and weave, in linear
light; or a clean plate from ../shared/footage (still03p, still04p) when it is there.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import numpy.typing as npt

from benchmarks import colour
from benchmarks.truth2.camera import Camera, Linear, from_picture

SUPER = 4
SIZE = (640, 360)
CLOTHES = {  # sRGB of the fabric, and whether it is checked
    "checked shirt": ((170, 60, 50), (235, 225, 210)),
    "pale off-white shirt": ((236, 232, 222), None),
    "teal jumper": ((20, 120, 120), None),
    "olive jacket": ((110, 112, 50), None),
    "khaki shirt": ((190, 172, 140), None),
    "bottle-green jumper": ((16, 80, 52), None),
}
SKINS = ((224, 172, 140), (198, 134, 96), (141, 85, 55), (90, 56, 40))
HAIRS = ((40, 28, 20), (120, 80, 40), (215, 190, 140), (150, 60, 30))
SCREENS = ("green cloth", "blue cloth", "dark green towel", "teal board", "still04p", "still03p")
SCREEN_SRGB = {
    "green cloth": (60, 170, 70),
    "blue cloth": (40, 90, 170),
    "dark green towel": (44, 76, 56),
    "teal board": (55, 125, 100),
}
SCREEN_KIND = {
    "green cloth": "green",
    "blue cloth": "blue",
    "dark green towel": "green",
    "teal board": "green",
    "still04p": "green",
    "still03p": "blue",
}
PLATE_FALLBACK = {"still04p": "green cloth", "still03p": "blue cloth"}
PLATE_CROPS = {"still04p": (180, 0, 530, 190), "still03p": (20, 60, 620, 400)}
"""The cloth alone in each plate (x0, y0, x1, y1), without the cylinder, tripod or shelf,
which are not screen (their true alpha would not be 0)."""


@dataclass(frozen=True, slots=True)
class Truth:
    """One scene: the camera's picture and what is true of it.

    image : BGR uint8, what the keyer gets
    alpha : float32 (h, w) 0..1, the subject's coverage
    foreground : linear RGB float32, the subject's own colour (no spill)
    screen_kind : "green" or "blue"
    description : what was drawn
    """

    image: npt.NDArray[np.uint8]
    alpha: npt.NDArray[np.float32]
    foreground: Linear
    screen_kind: str
    description: str


def _lin(srgb: tuple[int, int, int]) -> npt.NDArray[np.float32]:
    return np.asarray(colour.srgb_to_linear(np.array(srgb) / 255.0), np.float32)


class _Canvas:
    """Premultiplied layers at SUPER times the size."""

    def __init__(self, size: tuple[int, int]) -> None:
        self.w, self.h = size[0] * SUPER, size[1] * SUPER
        self.colour = np.zeros((self.h, self.w, 3), np.float32)
        self.alpha = np.zeros((self.h, self.w), np.float32)

    def mask(self) -> npt.NDArray[np.uint8]:
        return np.zeros((self.h, self.w), np.uint8)

    def add(self, mask: npt.NDArray[np.uint8], fill: Linear, opacity: float = 1.0) -> None:
        m = (mask > 0).astype(np.float32) * np.float32(opacity)
        keep = 1 - m
        self.colour = self.colour * keep[..., None] + fill * m[..., None]
        self.alpha = self.alpha * keep + m

    def down(self) -> tuple[npt.NDArray[np.float32], Linear]:
        size = (self.w // SUPER, self.h // SUPER)
        alpha = cv2.resize(self.alpha, size, interpolation=cv2.INTER_AREA)
        premult = cv2.resize(self.colour, size, interpolation=cv2.INTER_AREA)
        straight = premult / np.maximum(alpha, 1e-6)[..., None]
        return np.clip(alpha, 0, 1).astype(np.float32), np.asarray(straight, np.float32)


def _fabric(shape: tuple[int, int], base: Linear, rng: np.random.Generator) -> Linear:
    """A fabric colour field: soft light from one side and a fine weave."""
    h, w = shape
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    angle = rng.uniform(0, 2 * math.pi)
    light = 0.8 + 0.25 * ((x * math.cos(angle) + y * math.sin(angle)) / max(h, w))
    weave = 1 + 0.04 * np.sin(x * 0.9) * np.sin(y * 0.9)
    return np.asarray(base * (light * weave)[..., None], np.float32)


def _checks(shape: tuple[int, int], a: Linear, b: Linear, period: int) -> Linear:
    y, x = np.mgrid[0 : shape[0], 0 : shape[1]]
    stripes = ((x // period) % 2 == 0).astype(np.float32) + ((y // period) % 2 == 0)
    t = (stripes / 2)[..., None]  # 0, 0.5, 1: a plaid's three tones
    return np.asarray(a * t + b * (1 - t), np.float32)


def draw_subject(
    rng: np.random.Generator,
    size: tuple[int, int],
    clothes: str,
    *,
    glasses: bool,
    veil: bool,
    patch: bool,
) -> tuple[npt.NDArray[np.float32], Linear]:
    """Alpha and straight linear foreground of one procedurally drawn presenter."""
    cv = _Canvas(size)
    w, h, s = cv.w, cv.h, SUPER
    cx = int(w * rng.uniform(0.38, 0.62))
    shoulders = int(h * rng.uniform(0.58, 0.68))
    half = int(w * rng.uniform(0.16, 0.22))
    body = cv.mask()
    pts = np.array(
        [
            [cx - half, h + 4],
            [cx - half, shoulders + 60 * s],
            [cx - half + 40 * s, shoulders],
            [cx + half - 40 * s, shoulders],
            [cx + half, shoulders + 60 * s],
            [cx + half, h + 4],
        ],
        np.int32,
    )
    cv2.fillPoly(body, [pts], 255)
    base, check = CLOTHES[clothes]
    fill = _fabric((h, w), _lin(base), rng)
    if check is not None:
        fill = _checks((h, w), _lin(base), _lin(check), period=int(6 * s)) * (fill / _lin(base))
    cv.add(body, fill)
    skin = _lin(SKINS[rng.integers(len(SKINS))])
    head_r = int(h * rng.uniform(0.13, 0.16))
    head_c = (cx + int(rng.integers(-10, 10)) * s, shoulders - int(head_r * 1.25))
    neck = cv.mask()
    cv2.rectangle(
        neck, (cx - head_r // 2, head_c[1]), (cx + head_r // 2, shoulders + 10 * s), 255, -1
    )
    cv.add(neck, _fabric((h, w), skin * 0.85, rng))
    head = cv.mask()
    cv2.ellipse(head, head_c, (int(head_r * 0.82), head_r), 0, 0, 360, 255, -1)
    cv.add(head, _fabric((h, w), skin, rng))
    hair_colour = _lin(HAIRS[rng.integers(len(HAIRS))])
    cap = cv.mask()
    cv2.ellipse(
        cap,
        (head_c[0], head_c[1] - head_r // 5),
        (int(head_r * 0.9), int(head_r * 0.9)),
        0,
        180,
        360,
        255,
        -1,
    )
    cv.add(cap, _fabric((h, w), hair_colour, rng))
    strands = cv.mask()
    for _ in range(int(rng.integers(60, 140))):  # thin curved strands out of the hair
        a0 = rng.uniform(math.pi * 1.05, math.pi * 1.95)
        r0 = head_r * 0.85
        length = head_r * rng.uniform(0.2, 0.7)
        bend = rng.uniform(-0.6, 0.6)
        t = np.linspace(0, 1, 12)
        ang = a0 + bend * t
        rr = r0 + length * t
        xs = head_c[0] + rr * np.cos(ang)
        ys = head_c[1] - head_r // 5 + rr * np.sin(ang)
        line = np.stack([xs, ys], axis=1).astype(np.int32)
        cv2.polylines(
            strands, [line], False, 255, thickness=int(rng.integers(2, 5)), lineType=cv2.LINE_AA
        )
    cv.add(strands, hair_colour)
    if glasses:
        frames = cv.mask()
        ey = head_c[1] - head_r // 8
        for dx in (-1, 1):
            cv2.ellipse(
                frames,
                (head_c[0] + dx * head_r * 2 // 5, ey),
                (head_r // 3, head_r // 4),
                0,
                0,
                360,
                255,
                3 * s,
            )
        cv2.line(
            frames,
            (head_c[0] - head_r * 3 // 4, ey),
            (head_c[0] - head_r * 13 // 10, ey - s * 3),
            255,
            2 * s,
        )
        cv2.line(
            frames,
            (head_c[0] + head_r * 3 // 4, ey),
            (head_c[0] + head_r * 13 // 10, ey - s * 3),
            255,
            2 * s,
        )
        cv.add(frames, _lin((30, 30, 34)))
    if patch:  # a grey card held out beside the body, half over the screen
        card = cv.mask()
        px = cx + half - 20 * s
        py = shoulders + int(rng.uniform(20, 60)) * s
        cv2.rectangle(card, (px, py), (px + 70 * s, py + 50 * s), 255, -1)
        cv.add(card, _lin((128, 128, 128)))
    if veil:  # a translucent olive scarf over the screen at one side
        scarf = cv.mask()
        vx = cx - half - 90 * s
        cv2.ellipse(scarf, (vx, shoulders + 30 * s), (60 * s, 90 * s), 20, 0, 360, 255, -1)
        cv.add(scarf, _lin((120, 118, 40)), opacity=float(rng.uniform(0.4, 0.65)))
    return cv.down()


def render_cloth(
    rng: np.random.Generator, size: tuple[int, int], base: tuple[int, int, int]
) -> Linear:
    """A hung cloth in linear light: falloff, a hot spot of glare, folds and a weave."""
    w, h = size
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    angle = rng.uniform(0, 2 * math.pi)
    ramp = (x * math.cos(angle) + y * math.sin(angle)) / max(w, h)
    falloff = 1.0 + rng.uniform(0.3, 0.8) * (ramp - ramp.mean())
    folds = np.ones((h, w), np.float32)
    for _ in range(int(rng.integers(3, 8))):
        a = rng.uniform(-0.5, 0.5) + math.pi / 2
        phase = rng.uniform(0, 2 * math.pi)
        period = rng.uniform(40, 160)
        u = (x * math.cos(a) + y * math.sin(a)) / period * 2 * math.pi + phase
        folds *= 1 - rng.uniform(0.05, 0.25) * np.abs(np.sin(u)) ** 3
    weave = 1 + 0.03 * rng.standard_normal((h, w)).astype(np.float32)
    cloth = _lin(base) * (falloff * folds * weave)[..., None]
    hx, hy = rng.uniform(0.1, 0.9) * w, rng.uniform(0.1, 0.6) * h
    spot = np.exp(-((x - hx) ** 2 + (y - hy) ** 2) / (2 * (rng.uniform(0.08, 0.2) * w) ** 2))
    glare = rng.uniform(0.05, 0.35) * spot  # white light off the cloth's sheen
    return np.asarray(cloth + glare[..., None], np.float32)


def screen_for(
    name: str, rng: np.random.Generator, size: tuple[int, int], footage: Path | None
) -> tuple[Linear, str]:
    """The screen's light and what it is ("still04p (footage)" or a rendered cloth)."""
    if name in PLATE_FALLBACK:
        found = sorted(footage.glob(f"{name}_*")) if footage is not None else []
        if found:
            picture = cv2.imdecode(np.fromfile(found[0], np.uint8), cv2.IMREAD_COLOR)
            if picture is None:
                raise ValueError(f"{found[0]}: is not a picture OpenCV can read")
            x0, y0, x1, y1 = PLATE_CROPS[name]
            picture = picture[y0:y1, x0:x1]
            ph, pw = picture.shape[:2]
            scale = max(size[0] / pw, size[1] / ph)
            resized = cv2.resize(
                picture,
                (math.ceil(pw * scale), math.ceil(ph * scale)),
                interpolation=cv2.INTER_AREA,
            )
            oy, ox = (resized.shape[0] - size[1]) // 2, (resized.shape[1] - size[0]) // 2
            crop = np.ascontiguousarray(resized[oy : oy + size[1], ox : ox + size[0]])
            return from_picture(crop), f"{name} (footage plate)"
        name = PLATE_FALLBACK[name]
    return render_cloth(rng, size, SCREEN_SRGB[name]), name


@dataclass(frozen=True, slots=True)
class Recipe:
    """What one scene shows and how it is shot."""

    clothes: str
    screen: str
    glasses: bool
    veil: bool
    patch: bool
    camera: Camera
    spill: float
    """share of the screen's (blurred) light added to the subject near its edges"""


EXTRA_TUNING = {
    20: ("bottle-green jumper", "dark green towel"),
    21: ("bottle-green jumper", "teal board"),
    22: ("khaki shirt", "still04p"),
    23: ("olive jacket", "dark green towel"),
    24: ("bottle-green jumper", "green cloth"),
    25: ("khaki shirt", "teal board"),
}
"""Tuning scenes added for kinds the first ten lack (clothes, screen): a dark green
jumper on a dark green towel or a teal board; numbered past the report split."""


def scene_recipe(index: int) -> Recipe:
    """What scene ``index`` shows, chosen from lists by its number and seed (or, for the
    added tuning scenes, :data:`EXTRA_TUNING`)."""
    rng = np.random.default_rng(1000 + index)
    clothes = list(CLOTHES)[index % len(CLOTHES)]
    screen = SCREENS[(index * 5 + index // 6) % len(SCREENS)]
    if index in EXTRA_TUNING:
        clothes, screen = EXTRA_TUNING[index]
    return Recipe(
        clothes=clothes,
        screen=screen,
        glasses=index % 3 == 0,
        veil=index % 4 == 1,
        patch=index % 4 == 2,
        camera=Camera(
            exposure=float(rng.uniform(0.8, 1.2)),
            gamma=float(rng.uniform(2.0, 2.4)),
            sharpen=float(rng.uniform(0.3, 1.0)),
            codec="h264" if index % 2 else "jpeg",
            quality=int(rng.integers(20, 28)) if index % 2 else int(rng.integers(75, 92)),
        ),
        spill=float(rng.uniform(0.03, 0.12)),
    )
