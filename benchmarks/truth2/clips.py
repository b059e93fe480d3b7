"""Moving tuning clips for the keyer's flicker, made like the second truth set's scenes:
a tuning scene's presenter slides 2 pixels a frame for half the clip and then stands
still, over the same screen, with the camera's noise and compression fresh each frame;
flicker (:func:`benchmarks.trimap_metrics.flicker`) of our keyer without and with a
plate of the empty screen. Tuning scenes only (see :data:`benchmarks.truth2.TUNE`).

Run: ``python -m benchmarks.truth2.clips [SCENE ...]`` (default: 2 4 20).
"""

from __future__ import annotations

import sys

import cv2
import numpy as np
import numpy.typing as npt

from benchmarks import trimap_metrics
from benchmarks.footage import footage_folder
from benchmarks.truth2 import TUNE
from benchmarks.truth2.camera import mix, shoot
from benchmarks.truth2.scenes import draw_subject, scene_recipe, screen_for
from kaizen_studio.keying import Keyer

Image = npt.NDArray[np.uint8]
CLIP_SIZE = (320, 180)
FRAMES = 24
STEP = 2
"""pixels the presenter moves a frame over the first half of the clip"""


def clip(index: int) -> tuple[list[Image], Image, str]:
    """Tuning scene ``index`` as a moving clip: its frames, a plate of the empty screen
    shot by the same camera, and the screen's name."""
    if index not in TUNE:
        raise ValueError(f"scene {index} is not in the tuning split {TUNE}")
    folder = footage_folder()
    recipe = scene_recipe(index)
    rng = np.random.default_rng(index)
    alpha, fore = draw_subject(
        rng,
        CLIP_SIZE,
        recipe.clothes,
        glasses=recipe.glasses,
        veil=recipe.veil,
        patch=recipe.patch,
    )
    screen, name = screen_for(recipe.screen, rng, CLIP_SIZE, folder if folder.is_dir() else None)
    frames = []
    for f in range(FRAMES):
        move = np.array([[1, 0, STEP * min(f, FRAMES // 2)], [0, 1, 0]], np.float32)
        a = cv2.warpAffine(alpha, move, CLIP_SIZE)
        g = cv2.warpAffine(fore, move, CLIP_SIZE)
        frames.append(shoot(mix(g, a, screen), recipe.camera, seed=index * 1000 + f))
    return frames, shoot(screen, recipe.camera, seed=index * 1000 + 999), name


def main() -> None:
    for index in [int(a) for a in sys.argv[1:]] or [2, 4, 20]:
        frames, plate, name = clip(index)
        for given in (None, plate):
            with Keyer(threads=1) as keyer:
                keyer.calibrate(frames[0], plate=given)
                alphas = [keyer.process(f, f, foreground=False).alpha.copy() for f in frames]
            change, still = trimap_metrics.flicker(frames, alphas)
            print(
                f"scene {index} on {name}, {'with' if given is not None else 'no'} plate: "
                f"flicker {change:.3f}% ({still:.0f}% of pixels still)",
                flush=True,
            )


if __name__ == "__main__":
    main()
