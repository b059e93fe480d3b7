"""The frame's alpha in one compiled pass: the ramp of the raw key, its two gates and the
solid core, with the coarse maps interpolated on the way (:mod:`keying.upsample`).

Per pixel, with ``d`` the raw half difference and ``s`` the smoothed one (see
:mod:`keying.matte`) and the coarse maps ``offset``, ``span``, ``clear`` and ``core``
interpolated to it: the ramp ``255 - 255 (d - offset) / span`` held to 0..255; 255 where
``s <= offset`` (the solid subject); 0 where ``s >= clear`` (the clear screen); never below
``core``. In 32-bit floats, which the compiler turns into vector instructions.
"""

from __future__ import annotations

import numpy as np

from kaizen_studio.keying.compiled import compiled
from kaizen_studio.keying.frames import Matte
from kaizen_studio.keying.upsample import Across, mix, row_mix

RAMP_MAPS = ("offset", "span", "clear", "core")
"""The planes of the :class:`keying.upsample.Across` an alpha pass reads, in order."""


@compiled
def _alpha_rows(
    raw: np.ndarray,
    smoothed: np.ndarray,
    planes: np.ndarray,
    top: int,
    scale: int,
    first: int,
    last: int,
    out: np.ndarray,
) -> None:
    rows, width = out.shape
    zero, one, full, half = np.float32(0.0), np.float32(1.0), np.float32(255.0), np.float32(0.5)
    for y in range(rows):
        r0, r1, weight = row_mix(top + y, scale, first, last)
        w = np.float32(weight)
        offset0, offset1 = planes[0, r0], planes[0, r1]
        span0, span1 = planes[1, r0], planes[1, r1]
        clear0, clear1 = planes[2, r0], planes[2, r1]
        core0, core1 = planes[3, r0], planes[3, r1]
        raw_row, smoothed_row, out_row = raw[y], smoothed[y], out[y]
        for x in range(width):
            offset = mix(offset0[x], offset1[x], w)
            span = max(mix(span0[x], span1[x], w), one)
            clear = mix(clear0[x], clear1[x], w)
            core = mix(core0[x], core1[x], w)
            share = (np.float32(raw_row[x]) - offset) * full / span
            value = full - min(max(share, zero), full)
            still = np.float32(smoothed_row[x])
            value = full if still <= offset else value
            value = zero if still >= clear else value
            out_row[x] = np.uint8(max(value, core) + half)


def alpha_pass(raw: Matte, smoothed: Matte, *, ramp: Across, top: int, out: Matte) -> Matte:
    """The alpha of frame rows ``top`` onwards (as many as ``out`` has) from their raw and
    smoothed half differences (uint8, the shape of ``out``) and ``ramp``, the coarse
    :data:`RAMP_MAPS` across the frame (see the module's formulas). Returns ``out``."""
    for name, array in (("raw", raw), ("smoothed", smoothed), ("out", out)):
        if array.shape != out.shape or array.dtype != np.uint8 or array.ndim != 2:
            raise ValueError(f"{name} must be uint8 {out.shape}, got {array.dtype} {array.shape}")
        if not array.flags.c_contiguous:
            raise ValueError(f"{name} must be C-contiguous rows")
    ramp.check(maps=len(RAMP_MAPS), rows=slice(top, top + out.shape[0]), width=out.shape[1])
    _alpha_rows(raw, smoothed, ramp.planes, top, ramp.scale, ramp.first, ramp.last, out)
    return out
