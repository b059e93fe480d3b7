"""The built-in backgrounds, drawn by the project (no downloaded pictures).

Each is a function of the picture size returning a BGR image; :data:`BUILT_IN` names them
for show files and the gallery.
"""

from __future__ import annotations

from collections.abc import Callable

import cv2
import numpy as np

from kaizen_studio.core.draw import TextStyle, blend_bgra, render_text
from kaizen_studio.core.media import Image


def _vertical(
    size: tuple[int, int], top: tuple[int, int, int], bottom: tuple[int, int, int]
) -> np.ndarray:
    w, h = size
    rows = np.linspace(0.0, 1.0, h, dtype=np.float32)[:, None, None]
    grad = (1 - rows) * np.array(top, np.float32) + rows * np.array(bottom, np.float32)
    return np.broadcast_to(grad, (h, w, 3)).copy()


def beach(size: tuple[int, int]) -> Image:
    """A sunny beach: sky, sea with a line of surf, sand and the sun."""
    w, h = size
    picture = _vertical(size, (235, 190, 120), (250, 225, 190))
    horizon, shore = int(h * 0.55), int(h * 0.75)
    picture[horizon:shore] = np.array([170, 120, 30], np.float32)
    picture[shore:] = np.array([140, 200, 230], np.float32)
    image = np.clip(picture, 0, 255).astype(np.uint8)
    xs = np.arange(0, w + 8, 8)
    ys = shore + (np.sin(xs / w * 40) * h * 0.01).astype(int)
    cv2.polylines(
        image,
        [np.stack([xs, ys], 1).astype(np.int32)],
        False,
        (245, 245, 245),
        max(2, h // 90),
        cv2.LINE_AA,
    )
    cv2.circle(
        image, (int(w * 0.82), int(h * 0.18)), int(h * 0.08), (80, 220, 255), -1, cv2.LINE_AA
    )
    return image


def newsroom(size: tuple[int, int]) -> Image:
    """A TV newsroom: a deep blue set, a lit video wall with the school news, a desk."""
    w, h = size
    image = np.clip(_vertical(size, (90, 40, 20), (40, 15, 5)), 0, 255).astype(np.uint8)
    for i in range(1, 12):  # light panels on the back wall
        x = int(w * i / 12)
        cv2.line(image, (x, 0), (x, int(h * 0.62)), (140, 90, 50), max(1, w // 400), cv2.LINE_AA)
    wall = (int(w * 0.58), int(h * 0.12), int(w * 0.94), int(h * 0.52))
    screen = _vertical((wall[2] - wall[0], wall[3] - wall[1]), (230, 150, 60), (150, 70, 20))
    image[wall[1] : wall[3], wall[0] : wall[2]] = np.clip(screen, 0, 255).astype(np.uint8)
    cv2.rectangle(image, wall[:2], wall[2:], (230, 230, 230), max(2, h // 200), cv2.LINE_AA)
    title = render_text("SCHOOL NEWS", TextStyle(size=max(8, h // 14), bold=True))
    blend_bgra(
        image,
        title,
        wall[0] + (wall[2] - wall[0] - title.shape[1]) // 2,
        wall[1] + (wall[3] - wall[1] - title.shape[0]) // 2,
    )
    desk_top = int(h * 0.78)
    cv2.rectangle(image, (0, desk_top), (w, h), (70, 45, 30), -1)
    cv2.rectangle(image, (0, desk_top), (w, desk_top + max(3, h // 120)), (200, 170, 120), -1)
    return image


def outer_space(size: tuple[int, int]) -> Image:
    """Deep space: stars of many sizes and a ringed planet."""
    w, h = size
    image = np.clip(_vertical(size, (40, 10, 15), (10, 0, 0)), 0, 255).astype(np.uint8)
    rng = np.random.default_rng(11)
    for _ in range(max(50, w * h // 4000)):
        x, y = int(rng.uniform(0, w)), int(rng.uniform(0, h))
        cv2.circle(image, (x, y), int(rng.choice([1, 1, 1, 2])), (255, 255, 255), -1, cv2.LINE_AA)
    centre, radius = (int(w * 0.78), int(h * 0.3)), int(h * 0.16)
    cv2.circle(image, centre, radius, (80, 140, 230), -1, cv2.LINE_AA)
    cv2.ellipse(
        image,
        centre,
        (int(radius * 1.9), int(radius * 0.45)),
        -15,
        0,
        360,
        (180, 210, 240),
        max(2, h // 150),
        cv2.LINE_AA,
    )
    return image


def playground(size: tuple[int, int]) -> Image:
    """A school playground: sky, a fence, grass, a slide and a swing frame."""
    w, h = size
    image = np.clip(_vertical(size, (240, 200, 130), (250, 230, 200)), 0, 255).astype(np.uint8)
    ground = int(h * 0.7)
    image[ground:] = np.clip(_vertical((w, h - ground), (70, 170, 90), (40, 120, 60)), 0, 255)
    thick = max(2, h // 120)
    for x in range(0, w, max(8, w // 40)):  # fence posts along the back
        cv2.line(image, (x, ground - h // 10), (x, ground), (170, 200, 220), thick, cv2.LINE_AA)
    cv2.line(image, (0, ground - h // 14), (w, ground - h // 14), (170, 200, 220), thick)
    # swing frame on the left: an A-frame, a bar and two swings
    top, left, right = int(h * 0.35), int(w * 0.06), int(w * 0.3)
    for x in (left, right):
        cv2.line(image, (x, top), (x - w // 30, ground), (60, 60, 200), thick * 2, cv2.LINE_AA)
        cv2.line(image, (x, top), (x + w // 30, ground), (60, 60, 200), thick * 2, cv2.LINE_AA)
    cv2.line(image, (left, top), (right, top), (60, 60, 200), thick * 2, cv2.LINE_AA)
    for x in (int(w * 0.13), int(w * 0.23)):
        seat = int(h * 0.6)
        cv2.line(image, (x - w // 60, top), (x - w // 60, seat), (40, 40, 40), 1, cv2.LINE_AA)
        cv2.line(image, (x + w // 60, top), (x + w // 60, seat), (40, 40, 40), 1, cv2.LINE_AA)
        cv2.rectangle(
            image, (x - w // 45, seat), (x + w // 45, seat + thick * 2), (0, 160, 255), -1
        )
    # slide on the right: ladder, platform and chute
    base = int(w * 0.72)
    cv2.line(image, (base, ground), (base, int(h * 0.4)), (0, 200, 250), thick * 2, cv2.LINE_AA)
    chute = np.array([[base, int(h * 0.4)], [int(w * 0.95), ground]], np.int32)
    cv2.line(image, tuple(chute[0]), tuple(chute[1]), (30, 120, 240), thick * 4, cv2.LINE_AA)
    return image


def roller_coaster(size: tuple[int, int]) -> Image:
    """A fairground roller coaster: sunset sky, a looping track on a lattice of supports."""
    w, h = size
    image = np.clip(_vertical(size, (200, 120, 90), (120, 170, 250)), 0, 255).astype(np.uint8)
    xs = np.linspace(0, w, 200)
    ys = h * (0.55 - 0.25 * np.sin(xs / w * 2 * np.pi * 1.5) * np.exp(-xs / w))
    track = np.stack([xs, ys], 1).astype(np.int32)
    thick = max(2, h // 100)
    for x, y in track[::8]:  # supports down to the ground
        cv2.line(image, (int(x), int(y)), (int(x), h), (90, 90, 110), max(1, thick // 2))
    cv2.polylines(image, [track], False, (40, 40, 220), thick * 2, cv2.LINE_AA)
    cv2.polylines(
        image,
        [np.add(track, (0, thick * 3)).astype(np.int32)],
        False,
        (40, 40, 220),
        thick,
        cv2.LINE_AA,
    )
    centre, radius = (int(w * 0.8), int(h * 0.42)), int(h * 0.18)  # the loop
    cv2.circle(image, centre, radius, (40, 40, 220), thick * 2, cv2.LINE_AA)
    x, y = track[40]
    cv2.rectangle(
        image, (int(x) - w // 40, int(y) - h // 25), (int(x) + w // 40, int(y)), (0, 210, 255), -1
    )  # a car at the top of the first hill
    cv2.rectangle(image, (0, int(h * 0.9)), (w, h), (60, 110, 60), -1)
    return image


def weather_map(size: tuple[int, int]) -> Image:
    """A weather map: sea, a land mass, a sun, a cloud with rain and temperatures."""
    w, h = size
    image = np.clip(_vertical(size, (160, 100, 40), (120, 70, 20)), 0, 255).astype(np.uint8)
    land = np.array(
        [
            [0.42, 0.08],
            [0.6, 0.12],
            [0.66, 0.3],
            [0.62, 0.5],
            [0.72, 0.7],
            [0.64, 0.92],
            [0.48, 0.9],
            [0.4, 0.7],
            [0.46, 0.5],
            [0.38, 0.3],
        ]
    )
    polygon = (land * np.array([w, h])).astype(np.int32)
    cv2.fillPoly(image, [polygon], (90, 170, 110), cv2.LINE_AA)
    cv2.polylines(image, [polygon], True, (230, 240, 240), max(1, h // 300), cv2.LINE_AA)
    sun = (int(w * 0.5), int(h * 0.25))
    cv2.circle(image, sun, h // 18, (40, 210, 255), -1, cv2.LINE_AA)
    cloud = (int(w * 0.58), int(h * 0.62))
    for dx, r in ((-1, 0.045), (0, 0.06), (1, 0.045)):
        point = (cloud[0] + int(dx * h * 0.06), cloud[1])
        cv2.circle(image, point, int(h * r), (235, 235, 235), -1, cv2.LINE_AA)
    for dx in (-1, 0, 1):  # rain drops under the cloud
        x0 = cloud[0] + int(dx * h * 0.05)
        cv2.line(
            image,
            (x0, cloud[1] + h // 15),
            (x0 - h // 60, cloud[1] + h // 9),
            (230, 140, 40),
            max(2, h // 200),
            cv2.LINE_AA,
        )
    style = TextStyle(size=max(8, h // 16), bold=True)
    for text, (fx, fy) in (("18°", (0.44, 0.38)), ("14°", (0.5, 0.78))):
        blend_bgra(image, render_text(text, style), int(w * fx), int(h * fy))
    return image


BUILT_IN: dict[str, Callable[[tuple[int, int]], Image]] = {
    "newsroom": newsroom,
    "beach": beach,
    "outer space": outer_space,
    "playground": playground,
    "roller coaster": roller_coaster,
    "weather map": weather_map,
}
