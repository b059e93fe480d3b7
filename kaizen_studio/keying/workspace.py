"""The keyer's workspace for one frame size: maps, reusable buffers, and the stripes.

Everything a frame of a given size needs is allocated once here; :class:`keying.Keyer`
then writes into these buffers frame after frame. The frame is cut into horizontal
stripes worked on at once; each stripe also owns a few buffers of its own (its rows plus a
halo of neighbours, and its copy of the coarse maps interpolated across the frame), so
stripes never write to the same rows.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import cv2
import numpy as np

from kaizen_studio.keying.alpha_pass import RAMP_MAPS
from kaizen_studio.keying.blend import LIGHT_MAPS
from kaizen_studio.keying.calibrate import MAX_DENOISE, Calibration
from kaizen_studio.keying.plate import PlateKey, plate_key
from kaizen_studio.keying.ramp import LEAD_SCALE
from kaizen_studio.keying.shapes import Mattes
from kaizen_studio.keying.spill import SpillLight
from kaizen_studio.keying.upsample import Across

GRID_HEIGHT = 720
"""Frames this tall (and smaller) work on a grid :data:`keying.ramp.LEAD_SCALE` times
coarser than themselves; taller ones on a grid as much coarser again as they are taller
(see :func:`grid_scale`). 720p is where the keyer's coarse rules were tuned (the quality
benchmark's scenes)."""


def grid_scale(height: int) -> int:
    """How many times coarser than a frame ``height`` tall its coarse grid is: an even
    number, ``LEAD_SCALE`` per :data:`GRID_HEIGHT` rows and never less (8 at 720p, 12 at
    1080p, 24 at 3840x2160). The grid then covers the same part of the picture at any
    size, so that the distances the keyer works in on it (how far a solid subject's lead
    reaches, the screen seen beside an edge) mean the same in a 1080p or 4K picture as
    in the 720p one it was tuned on, and a large frame's grid costs what a 720p one
    does."""
    if height < 1:
        raise ValueError(f"a frame must be at least 1 pixel tall, got {height}")
    return max(LEAD_SCALE, 2 * round(height * LEAD_SCALE / (2 * GRID_HEIGHT)))


def halo_rows(scale: int) -> int:
    """Rows each stripe reads beyond its own: for the denoise and the block peaks."""
    return max(MAX_DENOISE, scale // 2)


class FrameWork:
    """Maps and buffers for one frame size, and the stripes the work is cut into."""

    def __init__(self, calibration: Calibration, mattes: Mattes, w: int, h: int, n: int):
        self.size = (w, h)
        self.scale = scale = grid_scale(h)
        self.halo_rows = halo_rows(scale)
        # the most screen-like pixel of each block: a block and a pixel round it
        self.peak_kernel = np.ones((scale + 1, scale + 1), np.uint8)
        self.screen, self.strength = calibration.full_maps((w, h))
        cw, ch = -(-w // scale), -(-h // scale)
        # the calibrated screen on the coarse grid, and its light now (see keying.tracking)
        self.static_small = cv2.resize(self.screen, (cw, ch), interpolation=cv2.INTER_AREA)
        self.static_small = self.static_small.astype(np.float32)
        self.static_strength = cv2.resize(
            self.strength, (cw, ch), interpolation=cv2.INTER_AREA
        ).astype(np.float32)
        self.gain_small = np.ones((ch, cw), np.float32)
        self.sample_small = np.empty((ch, cw, 3), np.float32)
        self.strength_small = self.static_strength
        self.black_small = self.white_small = self.strength_small  # set by Keyer._place_ends
        self.half_small = np.empty((ch, cw), np.uint8)
        self.peak_small = np.empty((ch, cw), np.uint8)
        # set by Keyer._ramp_maps:
        self.offset_small = self.span_small = self.core_small = self.floor_small = self.half_small
        self.clear_small = self.half_small  # where the smoothed key says clear screen
        self.added_small = self.half_small  # the screen's light on the subject (keying.spill)
        self.spill_light = SpillLight()
        self.held: HeldMaps | None = None  # set by keying.coarse.hold_still
        self.gain_code_small = self.half_small
        # the coarse grid samples the middle pixel of each block
        self.sample_rows = np.minimum(np.arange(ch) * scale + scale // 2, h - 1)
        self.sample_cols = np.minimum(np.arange(cw) * scale + scale // 2, w - 1)
        self.garbage, self.holdout = mattes.masks((w, h))
        # and the automatic garbage matte: black bars, beyond a board (keying.extent)
        auto, _ = Mattes(garbage=calibration.keep).masks((w, h))
        if auto is not None:
            self.garbage = auto if self.garbage is None else cv2.min(self.garbage, auto)
        # the picture of the empty screen, for the difference key (keying.plate), and
        # where the screen has no usable colour on the coarse grid (no spill taken off)
        self.plate: PlateKey | None = None
        self.unreliable_small: np.ndarray | None = None
        if calibration.plate is not None:
            self.plate = plate_key(calibration.plate, primary=calibration.primary, size=(w, h))
            reliable = cv2.resize(self.plate.reliable, (cw, ch), interpolation=cv2.INTER_AREA)
            self.unreliable_small = 255 - reliable  # uint8 less uint8, never below 0
        self.alpha = np.empty((h, w), np.uint8)
        self.foreground, self.composite = (np.empty((h, w, 3), np.uint8) for _ in range(2))
        bounds = np.linspace(0, h, n + 1).round().astype(int)
        self.stripes = [slice(int(a), int(b)) for a, b in itertools.pairwise(bounds) if b > a]
        self.work = {
            r.start: StripeWork(r, w, cw, ch, self.sample_rows, scale) for r in self.stripes
        }

    def composite_buffer(self, out: np.ndarray | None) -> np.ndarray:
        """Where a frame's composite goes: the caller's ``out`` (checked: C-contiguous
        uint8 of the frame's shape; the programme keeps it, no copy), else the
        workspace's own, reused."""
        if out is None:
            return self.composite
        if out.shape != self.composite.shape or out.dtype != np.uint8:
            raise ValueError(
                f"out must be uint8 {self.composite.shape}, got {out.dtype} {out.shape}"
            )
        if not out.flags.c_contiguous:
            raise ValueError("out must be C-contiguous (np.empty makes one)")
        return out


@dataclass(slots=True)
class HeldMaps:
    """Coarse maps kept from earlier frames where the picture has not moved
    (:func:`keying.coarse.hold_still`): the colour they were worked out on, float32 BGR
    (h, w, 3), and the maps by their :class:`FrameWork` names."""

    sample: np.ndarray
    maps: dict[str, np.ndarray]


class StripeWork:
    """Buffers of one stripe, so stripes never share rows: its rows plus a halo of
    neighbours (half difference, smoothed, block peaks), the coarse rows it
    samples, and the coarse rows its pixels mix, interpolated across the frame (the
    ramp, clear screen and core; the light and the subject's lean for the composite)."""

    def __init__(
        self, rows: slice, w: int, cw: int, ch: int, sample_rows: np.ndarray, scale: int
    ) -> None:
        tall = rows.stop - rows.start + 2 * halo_rows(scale)
        self.halo = [np.empty((tall, w), np.uint8) for _ in range(3)]
        inside = np.flatnonzero((sample_rows >= rows.start) & (sample_rows < rows.stop))
        self.coarse = slice(int(inside[0]), int(inside[-1]) + 1) if inside.size else slice(0, 0)
        # the coarse rows this stripe's pixels mix (keying.upsample.row_mix), with one
        # to spare, interpolated across the frame: for the alpha pass
        # (keying.alpha_pass.RAMP_MAPS) and the composite (keying.blend.LIGHT_MAPS)
        self.c0 = max(0, rows.start // scale - 1)
        self.c1 = min(ch, (rows.stop - 1) // scale + 2)
        self.ramp, self.light = (
            Across(
                np.empty((len(names), self.c1 - self.c0, cw * scale), np.uint8),
                self.c0,
                ch - 1,
                scale,
            )
            for names in (RAMP_MAPS, LIGHT_MAPS)
        )
