"""Garbage and holdout mattes: shapes drawn once, applied to every frame.

Points are in normalised frame coordinates (0..1 across and down), so a shape drawn on
the preview fits the camera at any resolution.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from kaizen_studio.keying.frames import Matte

Point = tuple[float, float]
Polygon = tuple[Point, ...]


def rectangle(x0: float, y0: float, x1: float, y1: float) -> Polygon:
    """A rectangle as a polygon, from two corners in normalised coordinates."""
    return ((x0, y0), (x1, y0), (x1, y1), (x0, y1))


def _polygon(points: Sequence[Sequence[float]]) -> Polygon:
    if len(points) < 3:
        raise ValueError(f"a matte shape needs at least 3 points, got {len(points)}")
    out = []
    for point in points:
        if len(point) != 2 or not all(-0.5 <= float(v) <= 1.5 for v in point):
            raise ValueError(
                f"matte points are (x, y) from 0 to 1 across and down the frame, got {point!r}"
            )
        out.append((float(point[0]), float(point[1])))
    return tuple(out)


@dataclass(frozen=True, slots=True)
class Mattes:
    """Shapes that override the key.

    garbage : polygons the subject stays within; outside all of them is always background
        (no polygons: no garbage matte)
    holdout : polygons that are always subject (a desk, a prop that is green)
    """

    garbage: tuple[Polygon, ...] = ()
    holdout: tuple[Polygon, ...] = ()

    @classmethod
    def of(
        cls,
        *,
        garbage: Sequence[Sequence[Sequence[float]]] = (),
        holdout: Sequence[Sequence[Sequence[float]]] = (),
    ) -> Mattes:
        """Checked shapes from lists of [x, y] points."""
        return cls(tuple(map(_polygon, garbage)), tuple(map(_polygon, holdout)))

    def masks(self, size: tuple[int, int]) -> tuple[Matte | None, Matte | None]:
        """(garbage, holdout) masks for frames of ``size`` (width, height); None where
        there are no shapes. Garbage is 255 inside its polygons, holdout 255 inside."""
        return _raster(self.garbage, size), _raster(self.holdout, size)


def _raster(polygons: tuple[Polygon, ...], size: tuple[int, int]) -> Matte | None:
    if not polygons:
        return None
    width, height = size
    mask = np.zeros((height, width), np.uint8)
    # 0 and 1 are the frame's outer edges (half a pixel beyond the first and last pixel
    # centres), in 1/16 pixel steps, so a shape over the whole frame covers every pixel
    scale = np.array([width, height], dtype=np.float64)
    contours = [np.round((np.array(p) * scale - 0.5) * 16).astype(np.int32) for p in polygons]
    cv2.fillPoly(mask, contours, 255, lineType=cv2.LINE_AA, shift=4)
    return mask
