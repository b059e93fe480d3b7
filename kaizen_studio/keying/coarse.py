"""The keyer's rules on the coarse grid, once a frame: the screen's light now, where the
subject is solid, the subject's lead about each block, and the ramp, clear-screen, core and
spill-floor maps the pixel passes interpolate (see :mod:`keying.tracking`,
:mod:`keying.ramp` and :mod:`keying.veils`). Serial: about 3 ms at any frame size on a
busy shared machine (the speed benchmark's "of which the coarse grid"), since the grid
covers the same part of the picture at any size."""

from __future__ import annotations

import cv2
import numpy as np

from kaizen_studio.keying import lead as kl
from kaizen_studio.keying import ramp as kr
from kaizen_studio.keying import tracking as kt
from kaizen_studio.keying import veils as kv
from kaizen_studio.keying.calibrate import Calibration
from kaizen_studio.keying.frames import channel_max
from kaizen_studio.keying.lead import LEAD_REACH
from kaizen_studio.keying.ramp import RampEnds
from kaizen_studio.keying.spill import spill_maps
from kaizen_studio.keying.workspace import FrameWork, HeldMaps

STILL_NOISE = 2.0
"""A block whose sampled colour moved by at most this many times the screen's measured
noise (levels, in every channel) since its maps were last worked out has not moved."""
HELD_MAPS = (
    "offset_small",
    "span_small",
    "clear_small",
    "core_small",
    "floor_small",
    "added_small",
)
"""The maps :func:`hold_still` keeps where the picture does not move."""


def coarse_maps(
    st: FrameWork, *, calibration: Calibration, ends: RampEnds, core_pixels: int
) -> None:
    """Write this frame's coarse maps into ``st`` from its sampled colour, half
    difference and block peaks: ``ends`` place the ramp on the screen's strength,
    ``core_pixels`` is how far from clear screen the subject is solid (0: nowhere)."""
    st.gain_small = kt.screen_gain(
        st.sample_small,
        st.static_small,
        st.gain_small,
        primary=calibration.primary,
    )
    st.strength_small = st.static_strength * st.gain_small
    st.black_small, st.white_small = ends.ends(st.strength_small)
    st.gain_code_small = np.clip(st.gain_small * kt.GAIN_CODE + 0.5, 0, 255).astype(np.uint8)
    reach = max(2, round(core_pixels / st.scale)) if core_pixels else 0  # next to an edge: mixed
    clear = kr.clear_screen(st.peak_small, st.strength_small, black=st.black_small)
    solid = kr.solid_core(clear, reach=reach)
    grid = kl.CoarseFrame(
        colour=st.sample_small,
        screen=st.static_small,
        gain=st.gain_small,
        half=st.half_small,
        peak=st.peak_small,
        strength=st.strength_small,
    )
    lowest = kl.lowest_within(solid, st.half_small, reach=LEAD_REACH)
    solid = kl.drop_mixes(solid, grid, reach=LEAD_REACH, lowest=lowest)
    nearest = kl.nearest_solid(solid)  # for the rules that look past the solid's reach
    grey = kl.near_grey(grid)
    allowance = kl.grey_allowance(grey, st.strength_small)
    lead = kl.foreground_lead(
        st.half_small, solid, st.peak_small, labels=nearest, allowance=allowance
    )
    pale = kv.pale_subject(grid, allowance, grey=grey)
    lead = kl.lead_along(lead, grid, solid, lowest=lowest, keep=pale)
    noise = st.black_small * st.strength_small
    lead = kv.veil_lead(lead, grid, solid, noise=noise, labels=nearest, pale=pale)
    lead = kv.dark_own_lead(lead, grid)
    steep = None
    if calibration.soft_chroma and reach:
        steep = kr.hard_edges(clear, solid, st.half_small, lead, st.strength_small, reach=reach + 1)
    st.offset_small, st.span_small, st.clear_small = kr.key_maps(
        st.strength_small,
        lead,
        black=st.black_small,
        white=st.white_small,
        steep=steep,
        behind=kt.screen_behind(st.strength_small, st.half_small, clear),
    )
    # a subject more saturated than the screen (a bottle-green jumper on a dull towel),
    # keyed as clear screen by its lead, is solid: opaque, and its lean is no spill
    held = kv.saturated_subject(grid, clear)
    if held.any():
        solid = np.where(held, np.uint8(255), solid)
        nearest = kl.nearest_solid(solid)
    st.core_small = cv2.blur(solid, (3, 3))
    spill = spill_maps(
        st.sample_small,
        st.static_small * st.gain_small[..., None],
        solid,
        primary=calibration.primary,
        labels=nearest,
    )
    st.floor_small, st.added_small, st.spill_light = spill.floor, spill.added, spill.light


def hold_still(st: FrameWork, *, noise: float) -> None:
    """Keep the previous frame's maps (:data:`HELD_MAPS`) where the picture has not moved.

    A block's maps depend on the blocks within :data:`keying.lead.LEAD_REACH`; where
    none of them moved (their sampled colour within :data:`STILL_NOISE` times ``noise``
    levels of the colour their maps were worked out on), the maps worked out on a new
    frame differ only by the camera's noise, and a rule's decision flipping on noise
    makes the matte flicker where nothing moves. There the held maps stay; elsewhere the
    new ones are taken and held. ``noise`` is the screen's measured noise in levels.
    """
    held = st.held
    if held is None:
        st.held = HeldMaps(
            sample=st.sample_small.copy(),
            maps={name: getattr(st, name).copy() for name in HELD_MAPS},
        )
        return
    moved_levels = np.float32(STILL_NOISE * max(noise, 1.0))
    moved = (channel_max(np.abs(st.sample_small - held.sample)) > moved_levels).astype(np.uint8)
    size = 2 * LEAD_REACH + 1
    still = cv2.dilate(moved, np.ones((size, size), np.uint8)) == 0
    np.copyto(held.sample, st.sample_small, where=~still[..., None])
    for name in HELD_MAPS:
        fresh, kept = getattr(st, name), held.maps[name]
        np.copyto(kept, fresh, where=~still)
        setattr(st, name, kept.copy())
