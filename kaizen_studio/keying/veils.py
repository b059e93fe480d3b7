"""The subject's lead where no solid subject vouches for it: veils, blurs and dark colours.

:func:`keying.lead.foreground_lead` takes a pixel's own lead from the solid subject
nearby. Three things fool it, and these rules, on the same coarse grid, put them right:

- a veil or blur of a colour solid nowhere near (a chiffon scarf's end over the screen
  beyond a green jumper, a waving hand) keys as the least opaque explanation of its
  colour (:func:`veil_lead`), not opaque against the nearest solid's lead;
- a block that is all one dark colour leaning towards the screen's (a bottle-green
  jumper's thin shoulder) keys against its own colour (:func:`dark_own_lead`);
- a subject more saturated than the screen behind it leads by more than a dull screen
  (a bottle-green jumper on a dark green towel) and keys as clear screen: it is held
  solid (:func:`saturated_subject`).
"""

from __future__ import annotations

import cv2
import numpy as np
import numpy.typing as npt

from kaizen_studio.keying.frames import Matte, channel_max, signed_levels
from kaizen_studio.keying.lead import (
    INDEX_BASE,
    LEAD_REACH,
    LUMA_WEIGHTS,
    NEUTRAL_SHARE,
    NO_LEAD,
    OWN_PEAK,
    OWN_STRONG,
    CoarseFrame,
    FloatImage,
    FloatMap,
    Mask,
    channel_spread,
    clearly_subject,
    lowest_within,
    nearest_solid,
    on_line,
)

VEIL_MARGIN = 10.0
"""Levels of lead a block must fall below the subject's lead chosen for it to be taken
for a veil or blur of another colour (see :func:`veil_lead`)."""
VEIL_FAINT = 0.5
"""...and its least alpha must be below this: solid colours need more (skin 0.7)."""
VEIL_OFF_LINE = 0.5
VEIL_OFF_COLOUR = 0.4
"""How far off the line from the screen to the nearest solid colour (a share of its
length) an even block must lie to be a veil of another colour when the lead chosen for
it leans away from the screen colour (see :func:`veil_lead`)."""
NOISE_OFF = 3.0
"""How many times the screen's noise (levels) a colour must lie off a line to be off it."""
VEIL_EVEN = 10.0
"""Levels within which an even block's most screen-like pixel lies of its middle: a veil
spreads evenly over a block, the edge of a hand or a blur does not."""
OWN_EDGE = 0.0
"""A block not solid whose most screen-like pixel leans away from the screen colour by
at least this (levels), so its own colour all over, or a block leaning away as much
beside one, on the line from the screen to it, is never a veil (see
:func:`own_or_its_edge`). A veil thin enough to key see-through keeps the screen's
colour somewhere in a block; a thin bare arm or strap, solid nowhere, is its own colour
all over, and its edge a mix of that colour and the screen. On a dim or fallen-off
screen any colour brighter than the screen is explained by a small share of a bright,
saturated colour (:func:`least_alpha` of skin over a screen at a third of its light is
0.4): such arms keyed 0.4-0.9, and their edges, unmixed against that colour, pink."""
EDGE_OFF_LINE = 0.15
"""How far off the line from the screen to such a colour (a share of its length) its
edge may lie: as far as :data:`keying.lead.MIX_OFF_LINE` lets a mix lie."""


def own_or_its_edge(
    grid: CoarseFrame, solid: Matte, *, off_line: float = EDGE_OFF_LINE, pale: Mask | None = None
) -> Mask:
    """The coarse pixels (bool (h, w)) that are a part of the subject solid nowhere but
    its own colour all over (even the most screen-like pixel, the grid's ``peak``,
    leads by at most :data:`OWN_EDGE`) or about its middle (leaning away from the screen
    colour by :data:`keying.lead.OWN_STRONG` levels or more: a thin arm's blocks all
    hold some of its edge), and the blocks beside one whose middle leads as
    little and lies within ``off_line`` (a share of its length) of the line from the
    screen (as lit now) to its colour, short of it: its edge, a mix of it and the
    screen. Given ``pale`` (:func:`pale_subject`), a block leaning away as little beside
    a pale one is the subject too, on the line or not: the thin rim of a thing on a pale
    or grey subject (a roll of tape's cardboard core), which keyed as a veil lent its
    veil's lead to the grey beside it (keyed 0.6). Needs the grid's ``peak``."""
    if grid.peak is None:
        raise ValueError("own_or_its_edge needs the grid's peak map")
    middle = signed_levels(grid.half)
    own: Mask = (solid == 0) & ((signed_levels(grid.peak) <= OWN_EDGE) | (middle <= OWN_STRONG))
    out: Mask = own.copy()
    if pale is not None and pale.any():
        by_pale = cv2.dilate(pale.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
        out |= by_pale & (solid == 0) & (middle <= OWN_EDGE)
    if not own.any():
        return out
    beside = (cv2.dilate(own.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0) & ~own
    beside &= middle <= OWN_EDGE
    if not beside.any():
        return out
    blocks = np.flatnonzero(beside)
    best = lowest_within(own.astype(np.uint8), grid.half, reach=1).ravel()[blocks]
    picked = best.astype(np.int64) & (INDEX_BASE - 1)
    colours = grid.colour.reshape(-1, 3)
    lit = grid.lit().reshape(-1, 3)[blocks]
    along, off2, length2 = on_line(colours[blocks] - lit, colours[picked] - lit)
    edge = (along > 0) & (along < length2) & (off2 < off_line**2 * length2)
    out.ravel()[blocks[edge]] = True
    return out


def least_alpha(colour: FloatImage, screen: FloatImage) -> FloatMap:
    """The smallest alpha that explains ``colour`` as a mix of ``screen`` and a subject
    colour within 0..255 (BGR float, the channels last): every channel that moved away
    from the screen's moved at most as far as it could."""
    up = (colour - screen) / np.maximum(255.0 - screen, 1.0)
    down = (screen - colour) / np.maximum(screen, 1.0)
    least: FloatMap = np.clip(channel_max(np.maximum(up, down)), 0.0, 1.0).astype(np.float32)
    return least


def most_within(
    solid: Matte, half_small: Matte, at: npt.NDArray[np.intp], *, reach: int = LEAD_REACH
) -> npt.NDArray[np.intp]:
    """For the coarse pixels ``at`` (flat indices), the flat index of the ``solid`` one
    with the largest lead (the colour :func:`keying.lead.foreground_lead` keys it
    against) within ``reach``; the pixel's own index where none is that near."""
    h, w = solid.shape
    offsets = np.arange(-reach, reach + 1)
    rows = np.clip(at[:, None] // w + offsets, 0, h - 1)  # (n, size)
    cols = np.clip(at[:, None] % w + offsets, 0, w - 1)
    window = (rows[:, :, None] * w + cols[:, None, :]).reshape(at.size, -1)
    # the largest half difference among the solid ones: others rank below every solid
    rank = np.where(solid.ravel()[window] > 0, half_small.ravel()[window].astype(np.int16), -1)
    best = window[np.arange(at.size), rank.argmax(axis=1)]
    index: npt.NDArray[np.intp] = np.where(rank.max(axis=1) >= 0, best, at)
    return index


def veil_lead(
    lead: FloatMap,
    grid: CoarseFrame,
    solid: Matte,
    *,
    margin: float = VEIL_MARGIN,
    faint: float = VEIL_FAINT,
    off_line: float = VEIL_OFF_LINE,
    off_colour: float = VEIL_OFF_COLOUR,
    noise: FloatMap | None = None,
    labels: npt.NDArray[np.int32] | None = None,
    pale: Mask | None = None,
) -> FloatMap:
    """``lead``, lowered where a block further than :data:`LEAD_REACH` from the solid
    subject is a veil or a blur of a colour that is solid nowhere near (a chiffon
    scarf's end over the screen beside a green jumper, a blurred hand beyond a green
    sleeve), which the nearest solid's lead keys opaque: a faint share of a subject
    could give its colour (:func:`least_alpha` below ``faint``), and either it leans
    away from the screen colour more than a mix of the screen and that lead can (by
    ``margin`` levels), or that lead leans towards the screen colour (a green jumper,
    whose steep ramp makes any other colour nearly opaque) and the block lies off the
    line from the screen to the nearest solid colour by more than ``off_line`` of its
    length. A block close to grey (see :data:`NEUTRAL_SHARE`) is never a veil. Given
    ``peak_small`` (each block's most screen-like half difference), an
    even block (see :data:`VEIL_EVEN`) off that line by more than ``off_colour`` is a
    veil too whatever the solid's lead: a pink scarf beyond a maroon jumper mixes with
    the screen to a lead the maroon's could give, at a brightness it could not. There
    the subject's lead is taken as that of the least opaque explanation of the block's
    colour: the lead that keys the block's middle at that alpha. Given the grid's
    ``peak`` (each block's most screen-like key; None: the evenness rule is off), see
    above. Returns a new float32 map.

    Within :data:`LEAD_REACH` of a solid colour leaning towards the screen's (a green
    jumper, whose lead the block's would take), a block that is not solid is checked
    alike when a smaller share of a subject over the screen explains its colour than
    over that solid colour: a scarf's end over the screen right beside a green sleeve
    keyed opaque, where the scarf over the jumper itself is better explained as the
    jumper under a veil and stays as it was.

    The grid's ``strength`` is the screen's lead now. Given ``noise``, the screen's noise
    in levels per coarse pixel (the ramp's black end there), a colour lies off a line
    only if further than :data:`NOISE_OFF` times that too: beside a green jumper over its
    own shadow the line from the dim screen to the jumper is short, and the camera's
    noise put the jumper's edge off it (a veil: keyed see-through). ``labels``:
    :func:`nearest_solid` of ``solid``, if already worked out.
    """
    colour, screen, gain, half_small = grid.colour, grid.screen, grid.gain, grid.half
    strength, peak_small = grid.strength, grid.peak
    middle = signed_levels(half_small)
    size = 2 * LEAD_REACH + 1
    near = cv2.dilate(solid, np.ones((size, size), np.uint8)) > 0
    # within reach of a solid colour leaning towards the screen's (a green jumper): a
    # block that is not solid itself, a veil over the screen if a smaller share of a
    # subject over the screen explains its colour than over that solid colour
    beside = near & (lead > 0) & (solid == 0)
    maybe = (~near | beside) & (middle < strength - margin)  # within the margin: the screen
    if peak_small is not None:  # the subject's own colour, solid nowhere, or its edge
        maybe &= ~own_or_its_edge(grid, solid, pale=pale)
    blocks = np.flatnonzero(maybe)
    lit = screen.reshape(-1, 3)[blocks] * gain.ravel()[blocks, None]
    shown = colour.reshape(-1, 3)[blocks]
    least = np.maximum(least_alpha(shown, lit), 0.05)
    faint_enough = least < faint
    faint_enough &= channel_spread(shown) > NEUTRAL_SHARE * channel_spread(lit)  # not grey
    chosen = np.flatnonzero(solid)
    close = beside.ravel()[blocks]
    if close.any():
        over = least_alpha(
            shown[close], colour.reshape(-1, 3)[most_within(solid, half_small, blocks[close])]
        )
        faint_enough[close] &= least[close] < over
    blocks, least = blocks[faint_enough], least[faint_enough]
    lit, shown = lit[faint_enough], shown[faint_enough]
    alone = middle.ravel()[blocks] < lead.ravel()[blocks] - margin
    towards_screen = lead.ravel()[blocks] > 0
    check = ~alone & towards_screen
    if peak_small is not None and off_colour > 0:
        spread = signed_levels(peak_small.ravel()[blocks])
        check |= ~alone & (spread - middle.ravel()[blocks] <= VEIL_EVEN)
    if off_line > 0 and chosen.size and check.any():
        if labels is None:
            labels = nearest_solid(solid)
        at = blocks[check]
        nearest = chosen[np.clip(labels.ravel()[at] - 1, 0, chosen.size - 1)]
        towards = colour.reshape(-1, 3)[nearest] - lit[check]
        away = shown[check] - lit[check]
        length2 = np.maximum(np.einsum("ij,ij->i", towards, towards), 1.0)
        along = np.clip(np.einsum("ij,ij->i", away, towards) / length2, 0.0, 1.0)
        off = away - along[:, None] * towards
        limit = np.where(towards_screen[check], off_line, off_colour)
        far = limit * limit * length2
        if noise is not None:  # a short line: off it by the noise is still on it
            far = np.maximum(far, (NOISE_OFF * noise.ravel()[at]) ** 2)
        alone[check] = np.einsum("ij,ij->i", off, off) > far
    blocks, least = blocks[alone], least[alone]
    top, seen = strength.ravel()[blocks], middle.ravel()[blocks]
    out = lead.copy()
    out.ravel()[blocks] = np.minimum(lead.ravel()[blocks], top - (top - seen) / least)
    return out


OWN_DARK = 0.6
"""A whole block leaning towards the screen colour and darker than this share of the
screen's brightness is a dark green subject, not screen seen through a blur or a veil."""


def dark_own_lead(
    lead: FloatMap,
    grid: CoarseFrame,
    *,
    dark: float = OWN_DARK,
    margin: float = VEIL_MARGIN,
) -> FloatMap:
    """``lead``, raised to a block's own where the whole block (its most screen-like
    pixel within :data:`OWN_PEAK` of its middle) leans towards the screen colour and is
    darker than ``dark`` of the screen there: a green jumper's strip too thin to be
    solid keys against its own lead, not a solid colour's further off. The grid's
    ``strength`` is the screen's lead now: blocks within ``margin`` of it are the screen.
    Needs the grid's ``peak``. Returns ``lead`` itself when nothing changes, else a new
    float32 map."""
    if grid.peak is None:
        raise ValueError("dark_own_lead needs the grid's peak map")
    colour, screen, gain, half_small = grid.colour, grid.screen, grid.gain, grid.half
    peak_small, strength = grid.peak, grid.strength
    middle = signed_levels(half_small)
    peak = signed_levels(peak_small)
    candidates = (middle > lead) & (middle > 0) & (middle < strength - margin)
    candidates &= peak - middle <= OWN_PEAK
    blocks = np.flatnonzero(candidates)
    if blocks.size == 0:
        return lead
    lit = screen.reshape(-1, 3)[blocks] * gain.ravel()[blocks, None]
    shown = colour.reshape(-1, 3)[blocks]
    darker = shown @ LUMA_WEIGHTS < dark * (lit @ LUMA_WEIGHTS)
    own = np.full(lead.shape, NO_LEAD, np.float32)
    own.ravel()[blocks[darker]] = middle.ravel()[blocks[darker]]
    out: FloatMap = np.maximum(lead, cv2.dilate(own, np.ones((3, 3), np.uint8)))
    return out


PALE_LEAST = 0.6
"""A block clearly the subject's own colour that no mix of the screen with less than
this share of any colour could give is the subject, solid: see :func:`pale_subject`."""


def pale_subject(
    grid: CoarseFrame,
    allowance: FloatMap,
    *,
    grey: Mask | None = None,
    least: float = PALE_LEAST,
) -> Mask:
    """The coarse pixels that are a pale or bright subject, never a mix with the screen:
    clearly the subject's own colour all over the block (see
    :func:`keying.lead.clearly_subject`, with its ``allowance`` and the grid's ``peak``)
    and explained as a mix of the screen (as lit now) and any colour only
    with at least ``least`` of that colour (:func:`least_alpha`), or given ``grey``
    (see :func:`keying.lead.near_grey`), a grey: a mix of the screen and a grey keeps
    some of the screen's colour, and a grey mixed from the screen and its opposite is
    rare where a grey or white shirt in shadow is common.

    On a dim or washed-out screen (a dark towel, a webcam's cloth), the shaded folds of a
    pale shirt lie on the line from the screen to the shirt's brightest part, and were
    keyed as mixes of the two: round see-through holes. A real mix of a dim screen and a
    pale colour lies there too, but it is a blur or an edge, whose block holds a
    screen-like pixel somewhere (not clearly the subject). Returns bool (h, w)."""
    colour, screen, gain, half_small = grid.colour, grid.screen, grid.gain, grid.half
    peak_small = grid.peak
    lead = signed_levels(half_small)
    own = clearly_subject(lead, peak_small, allowance=allowance) > NO_LEAD
    blocks = np.flatnonzero(own)
    lit = screen.reshape(-1, 3)[blocks] * gain.ravel()[blocks, None]
    pale = np.zeros(lead.shape, bool)
    pale.ravel()[blocks] = least_alpha(colour.reshape(-1, 3)[blocks], lit) >= least
    if grey is not None:
        pale |= own & grey
    return pale


HOLD_SATURATION = 1.4
"""A whole block leaning towards the screen colour whose saturation (channel spread over
the largest channel) is more than this many times the screen's behind it (as lit now) is
a saturated subject, not screen: a shadow or a fold keeps the screen's saturation, a mix
of the screen and a grey or a skin lowers it (see :func:`saturated_subject`)."""
HOLD_BLOCKS = 40
"""...when it is one of at least this many such blocks side by side (of the coarse grid's
3600 or so), still there once opened by a block: a jumper is hundreds; a speckle of
noise on a dark screen, or the small shadow under a paper aeroplane's tail on a blue
board (more saturated than the lit board; 21 blocks), is not..."""
HOLD_PLAIN = 1.25
HOLD_EDGED = 0.75
"""...and with an edge all round: at least ``HOLD_EDGED`` of the blocks just past its
edge saturated at most ``HOLD_PLAIN`` times the screen there, or not leaning towards the
screen colour at all: a soft shadow fades out through blocks between."""


def saturated_subject(
    grid: CoarseFrame,
    clear: Mask,
    *,
    ratio: float = HOLD_SATURATION,
    blocks: int = HOLD_BLOCKS,
) -> Mask:
    """The coarse pixels (bool (h, w)) of a solid subject of the screen's own colour
    family but clearly more saturated than the screen behind it: a bottle-green jumper
    before a dull dark green towel leads by more than the towel, so every lead-based
    rule calls it screen. Whole blocks (the most screen-like pixel within
    :data:`keying.lead.OWN_PEAK` of the middle) leaning towards the screen colour,
    saturated more than ``ratio`` times the screen as lit now, in regions of at least
    ``blocks`` blocks that survive an opening by one block with an edge all round (see
    :data:`HOLD_EDGED`), and the blocks beside them whose middle is as saturated
    (their edge); only among the ``clear`` ones
    (:func:`keying.ramp.clear_screen`): a saturated subject the lead already keys
    (an olive jacket on a teal board) is left to its ramp, whose edge is sharper. A
    green shirt of the screen's own hue, only darker, has the screen's saturation (a
    shadow, physically) and stays see-through. Needs the grid's ``peak``."""
    if grid.peak is None:
        raise ValueError("saturated_subject needs the grid's peak map")
    colour, lit = grid.colour, grid.lit()
    saturation = channel_spread(colour) / np.maximum(channel_max(colour), 1.0)
    screen_saturation = channel_spread(lit) / np.maximum(channel_max(lit), 1.0)
    middle = signed_levels(grid.half)
    whole = signed_levels(grid.peak) - middle <= OWN_PEAK
    edge = clear & (middle > 0) & (saturation > ratio * screen_saturation)
    held = edge & whole
    if not held.any():
        return held
    kernel = np.ones((3, 3), np.uint8)
    opened = cv2.morphologyEx(held.astype(np.uint8), cv2.MORPH_OPEN, kernel)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(opened, connectivity=8)
    # the ring of blocks just past its edge: the screen's own saturation, or another
    # colour (the subject's skin); a soft shadow fades through half-saturated blocks
    plain = (middle <= 0) | (saturation <= HOLD_PLAIN * screen_saturation)
    out: Mask = np.zeros(held.shape, bool)
    for label in range(1, count):
        if stats[label, cv2.CC_STAT_AREA] < blocks:
            continue
        region = (labels == label).astype(np.uint8)
        near = cv2.dilate(region, kernel) > 0
        ring = (cv2.dilate(region, np.ones((5, 5), np.uint8)) > 0) & ~near & ~edge
        if ring.any() and plain[ring].mean() >= HOLD_EDGED:
            out |= near
    # its edge: the blocks beside it whose middle is as saturated (a block half screen)
    out &= (labels > 0) | edge
    return out
