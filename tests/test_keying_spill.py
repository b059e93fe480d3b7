"""keying.spill: which coarse colours are a grey with the screen's light on it, how much
of the screen's light the greys show, and the maps the spill removal reads."""

from __future__ import annotations

import numpy as np

from kaizen_studio.keying.screen import CAMERA_GAMMA
from kaizen_studio.keying.spill import spill_maps, spilled_grey

SCREEN = np.array((70.0, 170.0, 60.0), np.float32)  # B, G, R: a lit green cloth


def shot(linear: np.ndarray) -> np.ndarray:
    """Linear BGR 0..1 to the camera's levels."""
    return np.asarray(255.0 * np.power(np.clip(linear, 0, 1), 1 / CAMERA_GAMMA), np.float32)


def linear(levels: tuple[float, float, float]) -> np.ndarray:
    return np.power(np.array(levels, np.float32) / 255.0, CAMERA_GAMMA)


def with_spill(levels: tuple[float, float, float], share: float) -> np.ndarray:
    """A colour with ``share`` of the screen's light added in linear light."""
    return shot(linear(levels) + share * linear(tuple(SCREEN)))


def lean(bgr: np.ndarray) -> float:
    return float(bgr[1] - (bgr[0] + bgr[2]) / 2)


def test_greys_and_black_with_spill_are_told_from_dark_and_pale_greens() -> None:
    colours = np.stack(
        [
            with_spill((52, 52, 52), 0.06),  # black
            with_spill((122, 122, 121), 0.08),  # mid grey
            with_spill((243, 243, 242), 0.04),  # white
            with_spill((52, 80, 16), 0.0),  # bottle green (BGR)
            with_spill((200, 235, 200), 0.0),  # pale mint
            with_spill((68, 82, 115), 0.06),  # dark skin (BGR)
        ]
    )[None]
    lit = np.broadcast_to(SCREEN, colours.shape).astype(np.float32)
    grey = spilled_grey(colours, lit, primary=1)[0]
    assert grey.tolist() == [True, True, True, False, False, False]


def test_the_floor_is_zero_on_a_spilled_grey_and_the_lean_of_a_green_jumper() -> None:
    h, w = 6, 12
    colours = np.empty((h, w, 3), np.float32)
    colours[:, :6] = with_spill((85, 85, 85), 0.06)  # grey card
    colours[:, 6:] = with_spill((52, 80, 16), 0.0)  # bottle-green jumper
    lit = np.broadcast_to(SCREEN, colours.shape).astype(np.float32)
    solid = np.full((h, w), 255, np.uint8)
    maps = spill_maps(colours, lit, solid, primary=1)
    jumper = colours[0, 11]
    assert maps.floor[:, :2].max() == 0  # the card's lean is spill: it all comes off
    own = lean(jumper) - float(maps.added[0, 11])
    assert abs(int(maps.floor[0, 11]) - own) <= 2


def test_the_screen_light_the_greys_show_is_taken_off_a_purple_too() -> None:
    """Greys of three brightnesses with the same share added: the share is found as
    added light, and a purple beside them (its lean below 0) loses the lean that light
    gave it, as light."""
    h, w = 8, 16
    colours = np.empty((h, w, 3), np.float32)
    for i, level in enumerate((60, 130, 230)):
        colours[:, 4 * i : 4 * i + 4] = with_spill((level, level, level), 0.06)
    purple = (108, 60, 94)  # BGR
    colours[:, 12:] = with_spill(purple, 0.06)
    lit = np.broadcast_to(SCREEN, colours.shape).astype(np.float32)
    maps = spill_maps(colours, lit, np.full((h, w), 255, np.uint8), primary=1)
    assert 0.045 <= maps.light.added <= 0.065
    assert maps.light.reflected < 0.02
    true_lean = lean(np.array(purple, np.float32))
    assert abs(lean(colours[0, 14]) - float(maps.added[0, 14]) - true_lean) <= 1.5


def test_no_greys_no_spill_taken_as_light() -> None:
    h, w = 6, 12
    colours = np.empty((h, w, 3), np.float32)
    colours[...] = with_spill((68, 82, 115), 0.06)  # skin only: nothing says what is spill
    lit = np.broadcast_to(SCREEN, colours.shape).astype(np.float32)
    maps = spill_maps(colours, lit, np.full((h, w), 255, np.uint8), primary=1)
    assert maps.added.max() == 0
    assert maps.light.added == maps.light.reflected == 0.0
