"""Anti-aliased shape coverage and premultiplied "over" compositing of layers.

Shapes are drawn by OpenCV with anti-aliasing and sub-pixel coordinates into a uint8
canvas, so their edges have the fractional coverage a camera's pixel would see.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import cv2
import numpy as np
import numpy.typing as npt

Plane = npt.NDArray[np.float32]
"""float32 (h, w), coverage 0..1."""
Colours = npt.NDArray[np.float32]
"""float32 (h, w, 3) BGR 0..255, or (3,) for one colour."""
Point = tuple[float, float]

SHIFT = 4
"""Sub-pixel bits for OpenCV drawing: coordinates are given in 1/16 pixel."""
_SCALE = 1 << SHIFT


def _fixed(points: Sequence[Point] | npt.NDArray[np.float64]) -> npt.NDArray[np.int32]:
    return np.round(np.asarray(points, np.float64) * _SCALE).astype(np.int32)


Region = tuple[slice, slice]
"""Rows and columns of a frame."""


def bounds(coverage: Plane) -> Region | None:
    """The smallest region holding every non-zero pixel of ``coverage``; None if empty."""
    x, y, w, h = cv2.boundingRect((coverage > 0).view(np.uint8))
    return None if w == 0 or h == 0 else (slice(y, y + h), slice(x, x + w))


def soft(plane: Plane, sigma: float, *, border: int = cv2.BORDER_DEFAULT) -> Plane:
    """A Gaussian blur of ``sigma`` pixels; wide ones are done on a smaller copy."""
    factor = int(sigma // 4)
    if factor < 2:
        return cv2.GaussianBlur(plane, (0, 0), sigma, borderType=border)
    h, w = plane.shape
    small = cv2.resize(
        plane, (max(1, w // factor), max(1, h // factor)), interpolation=cv2.INTER_AREA
    )
    small = cv2.GaussianBlur(small, (0, 0), sigma / factor, borderType=border)
    return cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)


class Shapes:
    """A uint8 drawing canvas whose drawings are read back as coverage.

    ``w``, ``h`` is the canvas size; ``origin`` the frame position of its top left, so that
    a canvas may cover only a region of the frame while points stay in frame pixels.
    """

    def __init__(self, w: int, h: int, *, origin: tuple[int, int] = (0, 0)) -> None:
        self.w, self.h = w, h
        self.origin = origin
        self._canvas = np.zeros((h, w), np.uint8)

    def _take(self) -> Plane:
        out = self._canvas.astype(np.float32) * np.float32(1.0 / 255.0)
        self._canvas[:] = 0
        return out

    def _local(self, points: Sequence[Point] | npt.NDArray[np.float64]) -> npt.NDArray[np.int32]:
        return _fixed(np.asarray(points, np.float64) - np.asarray(self.origin, np.float64))

    def polygon(self, points: Sequence[Point]) -> Plane:
        """Coverage of a filled polygon."""
        cv2.fillPoly(self._canvas, [self._local(points)], 255, cv2.LINE_AA, SHIFT)
        return self._take()

    def ellipse(self, centre: Point, axes: Point, angle: float = 0.0) -> Plane:
        """Coverage of a filled ellipse; ``angle`` in degrees."""
        self._draw_ellipse(centre, axes, angle)
        return self._take()

    def _draw_ellipse(self, centre: Point, axes: Point, angle: float) -> None:
        c = tuple(int(v) for v in self._local([centre])[0])
        a = tuple(max(1, int(v)) for v in _fixed([axes])[0])
        cv2.ellipse(self._canvas, c, a, angle, 0, 360, 255, -1, cv2.LINE_AA, SHIFT)

    def limb(self, points: Sequence[Point], width: float) -> Plane:
        """Coverage of a thick polyline with round joints and ends (an arm, a scarf)."""
        fixed = self._local(points)
        thickness = max(1, round(width))
        for a, b in itertools.pairwise(fixed):
            cv2.line(
                self._canvas,
                tuple(map(int, a)),
                tuple(map(int, b)),
                255,
                thickness,
                cv2.LINE_AA,
                SHIFT,
            )
        return self._take()

    def strands(self, strands: Sequence[npt.NDArray[np.float64]]) -> Plane:
        """Coverage of one-pixel anti-aliased polylines (hairs)."""
        cv2.polylines(
            self._canvas, [self._local(s) for s in strands], False, 255, 1, cv2.LINE_AA, SHIFT
        )
        return self._take()


class Layers:
    """Premultiplied layers composited front over back, tracking one kind of material.

    ``alpha`` is the union coverage, ``premultiplied`` the colour times coverage, and
    ``material`` the share of each pixel's colour that comes from layers marked as the
    tracked material (the jumper): the share of it still visible in front.
    """

    def __init__(self, w: int, h: int) -> None:
        self.alpha: Plane = np.zeros((h, w), np.float32)
        self.premultiplied: Colours = np.zeros((h, w, 3), np.float32)
        self.material: Plane = np.zeros((h, w), np.float32)

    def over(self, coverage: Plane, colour: Colours, *, material: bool = False) -> None:
        """Put a frame-sized layer of ``coverage`` and straight ``colour`` (an image or
        one colour) in front; only the region it covers is touched."""
        region = bounds(coverage)
        if region is None:
            return
        cover = coverage[region]
        tint = colour[region] if colour.ndim == 3 else colour
        self.over_premultiplied(
            cover, tint * cover[..., None], cover if material else None, region=region
        )

    def over_premultiplied(
        self,
        coverage: Plane,
        premultiplied: Colours,
        material: Plane | None = None,
        *,
        region: Region = (slice(None), slice(None)),
    ) -> None:
        """Put a premultiplied layer, the size of ``region``, in front of that region;
        ``material``: its tracked-material share."""
        behind = 1.0 - coverage
        colour, alpha, share = (
            self.premultiplied[region],
            self.alpha[region],
            self.material[region],
        )
        colour *= behind[..., None]
        colour += premultiplied
        alpha *= behind
        alpha += coverage
        share *= behind
        if material is not None:
            share += material

    def straight(self) -> Colours:
        """The un-premultiplied colour; 0 where nothing covers the pixel."""
        safe = np.where(self.alpha > 1e-6, self.alpha, np.float32(1.0))
        colour = self.premultiplied / safe[..., None]
        colour[self.alpha <= 1e-6] = 0.0
        np.clip(colour, 0.0, 255.0, out=colour)
        return colour.astype(np.float32, copy=False)
