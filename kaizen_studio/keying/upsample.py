"""The coarse maps brought up to the frame's size on the way, never stored full size.

The keyer works out its ramp, gates and light on a grid ``scale`` times coarser than the
frame (:func:`keying.workspace.grid_scale`). Its passes over the pixels need those maps
at every pixel, bilinearly interpolated (half-pixel centres, edges held, as
``cv2.resize`` by exactly ``scale``). Upsampling each map to a full-size buffer cost a
write and a read of the whole frame per map; instead the interpolation is split:

- :func:`across`: along each coarse row, to the frame's width, into a small buffer of
  coarse rows (OpenCV, to the nearest level);
- down: the passes mix the two coarse rows about each frame row themselves
  (:func:`row_mix`), a multiply-add per map and pixel on rows the cache holds.

:func:`upsampled` does both at once, for tests and for anything that wants a map full
size.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from kaizen_studio.keying.compiled import compiled
from kaizen_studio.keying.frames import Matte


@dataclass(frozen=True, slots=True)
class Across:
    """Coarse maps interpolated along their rows (:func:`across`): ``planes`` (maps,
    rows, ``scale`` times the coarse width) uint8 hold coarse rows ``first`` onwards of
    a grid ``scale`` times coarser than the frame whose last row is ``last``."""

    planes: np.ndarray
    first: int
    last: int
    scale: int

    def check(self, *, maps: int, rows: slice, width: int) -> None:
        """Refuse planes that are not ``maps`` uint8 planes at least ``width`` wide
        holding every coarse row that frame ``rows`` mix."""
        p = self.planes
        if p.ndim != 3 or p.shape[0] != maps or p.dtype != np.uint8:
            raise ValueError(f"need {maps} uint8 planes, got {p.dtype} {p.shape}")
        if not p.flags.c_contiguous or p.shape[2] < width:
            raise ValueError(f"planes must be C-contiguous and {width} wide, got {p.shape}")
        if rows.stop > rows.start:
            low = row_mix(rows.start, self.scale, self.first, self.last)[0]
            high = row_mix(rows.stop - 1, self.scale, self.first, self.last)[1]
            if low < 0 or high >= p.shape[1]:
                raise ValueError(
                    f"coarse rows {self.first}..{self.first + p.shape[1] - 1} do not "
                    f"cover frame rows {rows.start}..{rows.stop - 1}"
                )


def across(coarse: Matte, out: Matte, *, scale: int) -> Matte:
    """``coarse`` (uint8, rows by coarse columns) interpolated along its rows to
    ``scale`` times its width (to the nearest level), into ``out`` (uint8). Returns
    ``out``."""
    rows, cw = coarse.shape
    want = (rows, cw * scale)
    if coarse.dtype != np.uint8:
        raise ValueError(f"coarse must be uint8, got {coarse.dtype}")
    if out.shape != want or out.dtype != np.uint8 or not out.flags.c_contiguous:
        raise ValueError(f"out must be C-contiguous uint8 {want}, got {out.dtype} {out.shape}")
    if rows and cw:
        cv2.resize(coarse, want[::-1], dst=out, interpolation=cv2.INTER_LINEAR)
    return out


@compiled
def row_mix(y: int, scale: int, first: int, last: int) -> tuple[int, int, float]:
    """For frame row ``y``: the two rows of an across buffer holding coarse rows
    ``first`` onwards to mix, and the second one's weight (the coarse row at ``y`` is
    ``(y + 0.5) / scale - 0.5``, held within ``0..last``)."""
    place = (y + 0.5) / scale - 0.5
    r0 = math.floor(place)
    weight = place - r0
    r1 = min(r0 + 1, last)
    r0 = min(max(r0, 0), last)
    return r0 - first, r1 - first, weight


@compiled
def mix(top: np.uint8, bottom: np.uint8, weight: np.float32) -> np.float32:
    """``top`` and ``bottom`` levels mixed, ``weight`` of the second, to the nearest
    level (as the maps were when upsampled whole: in the alpha pass a pixel's smoothed
    key at the clear screen's level is clear screen)."""
    low = np.float32(top)
    return np.floor(low + (np.float32(bottom) - low) * weight + np.float32(0.5))


def upsampled(coarse: Matte, size: tuple[int, int], *, scale: int) -> np.ndarray:
    """``coarse`` (uint8) bilinearly interpolated to ``size`` (width, height), float32,
    as the keyer's passes see it before :func:`mix` rounds it to the level."""
    w, h = size
    rows = np.empty((coarse.shape[0], coarse.shape[1] * scale), np.uint8)
    across(np.ascontiguousarray(coarse), rows, scale=scale)
    out = np.empty((h, w), np.float32)
    for y in range(h):
        r0, r1, weight = row_mix(y, scale, 0, coarse.shape[0] - 1)
        top, bottom = rows[r0, :w].astype(np.float32), rows[r1, :w].astype(np.float32)
        out[y] = top + (bottom - top) * np.float32(weight)
    return out
