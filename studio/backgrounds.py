"""The built-in backgrounds, drawn by the project (no downloaded pictures).

Each is a function of the picture size returning a BGR image; :data:`BUILT_IN` names them
for show files and the gallery.
"""

from __future__ import annotations

from collections.abc import Callable

import cv2
import numpy as np

from studio.draw import TextStyle, blend_bgra, render_text
from studio.media import Image


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


BUILT_IN: dict[str, Callable[[tuple[int, int]], Image]] = {
    "newsroom": newsroom,
    "beach": beach,
    "outer space": outer_space,
}
