"""The presenter: a pupil in a school jumper, with hair, a face that talks and an arm that
waves, drawn as premultiplied layers.

Geometry is in units of the frame height, around the presenter's centre line, so the
same presenter fills any frame size alike.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

from kaizen_studio.studio.synthetic.layers import (
    Colours,
    Layers,
    Plane,
    Point,
    Region,
    Shapes,
    soft,
)
from kaizen_studio.studio.synthetic.spec import HAIR, SCARF, SCARF_OPACITY, SKIN, SceneSpec

BLUR_STEP = 1.5
"""Degrees between the sub-frames averaged for a motion-blurred forearm."""
STRANDS = 260
BLINK_EVERY = 3.2
"""Seconds between a talking presenter's blinks."""


@dataclass(frozen=True, slots=True)
class Pose:
    """Where the presenter is at one instant."""

    cx: float  # centre line, pixels
    bob: float  # head offset downwards, pixels
    mouth: float  # 0 closed .. 1 wide open
    forearm: float  # degrees from the +x axis (image y grows downwards, so -90 is up)
    eyes: float = 1.0  # 1 open .. 0 shut


def pose_at(spec: SceneSpec, t: float, w: int, h: int) -> Pose:
    """The presenter's pose at time ``t`` seconds (deterministic)."""
    cx = w / 2 + (spec.sway * w * math.sin(2 * math.pi * 0.2 * t) if spec.sway else 0.0)
    bob = 0.004 * h * math.sin(2 * math.pi * 1.1 * t) if spec.sway else 0.0
    if spec.talking:
        syllables = 0.5 + 0.5 * math.sin(2 * math.pi * 4.0 * t + 0.6)
        phrases = 0.6 + 0.4 * math.sin(2 * math.pi * 0.7 * t)
        mouth = syllables * phrases
    else:
        mouth = 0.1
    forearm = -75.0 + (22.0 * math.sin(2 * math.pi * 1.4 * t) if spec.waving else 0.0)
    # a talking presenter blinks for 0.15 s every 3.2 s
    eyes = 0.15 if spec.talking and (t % BLINK_EVERY) > BLINK_EVERY - 0.15 else 1.0
    return Pose(cx=cx, bob=bob, mouth=mouth, forearm=forearm, eyes=eyes)


def _at(cx: float, h: int, x: float, y: float) -> Point:
    return (cx + x * h, y * h)


@dataclass(frozen=True, slots=True)
class Textures:
    """The presenter's colour images (float32 BGR (h, w, 3)), as the room lights them."""

    jumper: Colours
    skin: Colours
    hair: Colours


def textures(
    jumper_colour: tuple[int, int, int], light: Plane, rng: np.random.Generator
) -> Textures:
    """Jumper (knit and folds), skin and hair (streaks) colour images for ``light``'s size."""
    h, w = light.shape
    lit = (0.55 + 0.45 * light)[..., None]  # the presenter stands nearer the lamps
    knit = rng.standard_normal((h, w)).astype(np.float32)
    knit = 1.0 + 0.05 * cv2.GaussianBlur(knit, (0, 0), 0.7)
    folds = rng.standard_normal((max(2, h // 40), max(2, w // 40))).astype(np.float32)
    knit += 0.06 * cv2.resize(folds, (w, h), interpolation=cv2.INTER_CUBIC)
    jumper = np.asarray(jumper_colour, np.float32) * (knit[..., None] * lit)
    streaks = rng.standard_normal((max(2, h // 30), w)).astype(np.float32)
    streaks = 1.0 + 0.15 * cv2.resize(streaks, (w, h), interpolation=cv2.INTER_LINEAR)
    hair = np.asarray(HAIR, np.float32) * (streaks[..., None] * lit)
    skin = np.asarray(SKIN, np.float32) * lit
    return Textures(jumper=jumper, skin=skin, hair=hair)


def _strands(pose: Pose, h: int, rng: np.random.Generator) -> list[npt.NDArray[np.float64]]:
    """Fine hairs leaving the hair's outline outwards, each a slightly curling polyline."""
    cx, cy = pose.cx, 0.29 * h + pose.bob
    ax, ay = 0.082 * h, 0.100 * h
    out = []
    for _ in range(STRANDS):
        phi = rng.uniform(-math.pi * 1.02, 0.02)  # the upper half and a little of the sides
        x, y = cx + ax * math.cos(phi) * 0.97, cy + ay * math.sin(phi) * 0.97
        heading = phi + rng.normal(0.0, 0.35)
        length = rng.uniform(0.012, 0.06) * h
        curl = rng.normal(0.0, 0.6)
        points = [(x, y)]
        for step in range(1, 7):
            heading += curl / 6
            x += math.cos(heading) * length / 6
            y += math.sin(heading) * length / 6 + 0.006 * h * step / 6  # hairs droop
            points.append((x, y))
        out.append(np.asarray(points, np.float64))
    return out


def _forearm(pose: Pose, h: int, angle: float) -> tuple[list[Point], Point]:
    """The waving forearm's sleeve polyline and the hand's centre at ``angle`` degrees."""
    ex, ey = _at(pose.cx, h, 0.36, 0.47)
    a = math.radians(angle)
    wrist = (ex + 0.17 * h * math.cos(a), ey + 0.17 * h * math.sin(a))
    hand = (ex + 0.21 * h * math.cos(a), ey + 0.21 * h * math.sin(a))
    return [(ex, ey), wrist], hand


def _blurred_forearm(
    spec: SceneSpec, pose: Pose, w: int, h: int, jumper: Colours, skin: Colours
) -> tuple[Region, Plane, Colours, Plane]:
    """The forearm averaged over the shutter's sweep, in the region it sweeps: the region,
    coverage, premultiplied colour and its jumper share. With no blur, one sub-frame."""
    ex, ey = _at(pose.cx, h, 0.36, 0.47)
    reach = 0.28 * h
    x0, y0 = max(0, int(ex - reach)), max(0, int(ey - reach))
    x1, y1 = min(w, int(ex + reach) + 1), min(h, int(ey + reach) + 1)
    region = (slice(y0, max(y0 + 1, y1)), slice(x0, max(x0 + 1, x1)))
    shapes = Shapes(region[1].stop - x0, region[0].stop - y0, origin=(x0, y0))
    jumper, skin = jumper[region], skin[region]
    steps = max(1, math.ceil(spec.motion_blur / BLUR_STEP))
    angles = np.linspace(-spec.motion_blur / 2, spec.motion_blur / 2, steps) + pose.forearm
    cover = np.zeros((shapes.h, shapes.w), np.float32)
    colour = np.zeros((shapes.h, shapes.w, 3), np.float32)
    sleeve_total = np.zeros((shapes.h, shapes.w), np.float32)
    for angle in angles:
        line, hand = _forearm(pose, h, float(angle))
        sleeve = shapes.limb(line, 0.075 * h)
        palm = shapes.ellipse(hand, (0.032 * h, 0.042 * h), float(angle) + 90) * (1 - sleeve)
        cover += sleeve + palm
        colour += jumper * sleeve[..., None] + skin * palm[..., None]
        sleeve_total += sleeve
    scale = np.float32(1.0 / steps)
    return region, cover * scale, colour * scale, sleeve_total * scale


def draw_person(
    spec: SceneSpec,
    pose: Pose,
    shapes: Shapes,
    light: Plane,
    looks: Textures,
    rng: np.random.Generator,
) -> Layers:
    """The presenter's layers, front over back, with the jumper as the tracked material."""
    w, h = shapes.w, shapes.h
    jumper, skin, hair = looks.jumper, looks.skin, looks.hair
    layers = Layers(w, h)
    cx, hy = pose.cx, 0.30 * h + pose.bob

    def at(x: float, y: float) -> Point:
        return _at(cx, h, x, y)

    # the jumper: shoulders, body to the bottom of the frame, and the upper arms
    body = [
        at(-0.06, 0.44),
        at(-0.17, 0.47),
        at(-0.215, 0.52),
        at(-0.225, 0.70),
        at(-0.235, 1.05),
        at(0.235, 1.05),
        at(0.225, 0.70),
        at(0.215, 0.52),
        at(0.17, 0.47),
        at(0.06, 0.44),
    ]
    layers.over(shapes.polygon(body), jumper, material=True)
    # left arm akimbo (a hole of screen between arm and body), right upper arm raised
    layers.over(
        shapes.limb([at(-0.19, 0.52), at(-0.35, 0.72), at(-0.23, 0.84)], 0.075 * h),
        jumper,
        material=True,
    )
    layers.over(shapes.ellipse(at(-0.225, 0.86), (0.03 * h, 0.04 * h)), skin)
    layers.over(shapes.limb([at(0.19, 0.52), at(0.36, 0.47)], 0.08 * h), jumper, material=True)
    # neck and a white shirt collar in the jumper's V
    layers.over(
        shapes.polygon([at(-0.032, 0.36), at(0.032, 0.36), at(0.036, 0.46), at(-0.036, 0.46)]), skin
    )
    collar = shapes.polygon([at(-0.06, 0.44), at(0.06, 0.44), at(0.0, 0.53)])
    layers.over(collar, np.asarray((215, 220, 225), np.float32) * light[..., None])
    # head, face and hair
    head = shapes.ellipse((cx, hy), (0.072 * h, 0.095 * h))
    shade = 1.0 - 0.25 * (1.0 - soft(head, 0.02 * h))
    layers.over(head, skin * shade[..., None])
    dark = np.asarray((40, 35, 45), np.float32)
    for side in (-1, 1):
        layers.over(
            shapes.ellipse(
                at(side * 0.028, 0.295 + pose.bob / h), (0.012 * h, 0.007 * h * pose.eyes)
            ),
            dark,
        )
    mouth = shapes.ellipse(
        at(0.0, 0.35 + pose.bob / h), (0.022 * h, (0.003 + 0.016 * pose.mouth) * h)
    )
    layers.over(mouth, np.asarray((50, 45, 120), np.float32))
    cap = shapes.ellipse((cx, hy - 0.012 * h), (0.082 * h, 0.100 * h))
    face = shapes.ellipse((cx, hy + 0.03 * h), (0.066 * h, 0.088 * h))
    layers.over(np.clip(cap - face, 0.0, 1.0), hair)
    if spec.hair_strands:
        strands = _strands(pose, h, rng)
        groups = [strands[i::3] for i in range(3)]
        for opacity, group in zip((0.35, 0.6, 0.85), groups, strict=True):
            layers.over(shapes.strands(group) * np.float32(opacity), hair * np.float32(1.25))
    if spec.scarf:
        tail = [
            at(0.05, 0.445),
            at(-0.04, 0.465),
            at(-0.13, 0.50),
            at(-0.24, 0.55),
            at(-0.33, 0.60),
            at(-0.42, 0.62),
        ]
        layers.over(
            shapes.limb(tail, 0.045 * h) * np.float32(SCARF_OPACITY),
            np.asarray(SCARF, np.float32) * light[..., None],
        )
    region, cover, premultiplied, sleeve = _blurred_forearm(spec, pose, w, h, jumper, skin)
    layers.over_premultiplied(cover, premultiplied, sleeve, region=region)
    return layers
