"""Drawing the hand-made trimaps of ../shared/footage (the stills and a frame of each clip)
to PNGs: 255 definitely subject, 0 definitely screen, 128 unknown.

Every shape (:mod:`benchmarks.trimaps.stills`, :mod:`benchmarks.trimaps.clips`) was
placed by looking at the picture (upright, its EXIF orientation applied) on a grid of its
own pixel coordinates, then checked overlaid on it. Subject and screen areas are kept well
inside; much is left unknown on purpose (hair, fur, strings, edges, clutter, shadows,
markers, tape). Shapes are drawn in order, each over the last: ``(value, shape)`` with
shapes ``("poly", points)``, ``("rect", x0, y0, x1, y1)``, ``("ellipse", cx, cy, rx, ry,
degrees)`` and ``("line", points, thickness)``, all in the full picture's pixels. The PNGs
are written at a reduced size (longest side at most 640; the benchmark scales them back
with nearest-neighbour).

Run: ``python -m benchmarks.trimaps.draw`` (writes benchmarks/trimaps/NAME.png).
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import numpy.typing as npt

from benchmarks.trimaps.clips import CLIPS
from benchmarks.trimaps.stills import STILLS
from benchmarks.trimaps.values import UNKNOWN, Trimap

HERE = Path(__file__).parent
MAX_SIDE = 640

TRIMAPS: dict[str, Trimap] = {**STILLS, **CLIPS}
"""Every trimap by name: the stills' (:mod:`benchmarks.trimaps.stills`) and the clips'
(:mod:`benchmarks.trimaps.clips`)."""


def render(name: str) -> npt.NDArray[np.uint8]:
    """The trimap ``name`` at its reduced size, uint8 (h, w) of 0, 128 and 255."""
    (width, height), shapes = TRIMAPS[name]
    scale = min(1.0, MAX_SIDE / max(width, height))
    size = (round(width * scale), round(height * scale))
    canvas = np.full((size[1], size[0]), UNKNOWN, np.uint8)
    for value, shape in shapes:
        kind = shape[0]
        if kind == "poly":
            points = np.round(np.array(shape[1], np.float64) * scale).astype(np.int32)
            cv2.fillPoly(canvas, [points], value)
        elif kind == "rect":
            x0, y0, x1, y1 = (round(v * scale) for v in shape[1:])
            canvas[y0 : y1 + 1, x0 : x1 + 1] = value
        elif kind == "ellipse":
            cx, cy, rx, ry, angle = shape[1:]
            centre = (round(cx * scale), round(cy * scale))
            axes = (round(rx * scale), round(ry * scale))
            cv2.ellipse(canvas, centre, axes, angle, 0, 360, value, thickness=-1)
        elif kind == "line":
            points = np.round(np.array(shape[1], np.float64) * scale).astype(np.int32)
            thickness = max(1, round(shape[2] * scale))
            cv2.polylines(canvas, [points], False, value, thickness=thickness)
        else:
            raise ValueError(f"{name}: unknown shape {kind!r}")
    return canvas


def main() -> None:
    for name in TRIMAPS:
        path = HERE / f"{name}.png"
        cv2.imwrite(str(path), render(name))
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
