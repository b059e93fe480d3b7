"""The subject's lead about each coarse block, worked out once a frame: which solid
blocks are mixes with the screen, and the lead the ramp (:mod:`keying.ramp`) is
shifted by, carried outwards from the solid subject.

Leads are a channel's lead over the others in signed levels (-255..255); maps are float32
on the coarse grid unless said otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

from kaizen_studio.keying.frames import Matte, signed_levels

FloatMap = npt.NDArray[np.float32]
FloatImage = npt.NDArray[np.float32]
Mask = npt.NDArray[np.bool_]

LEAD_REACH = 3
"""How far (in coarse pixels) the solid subject's lead is carried outwards."""
NO_LEAD = -1000.0
MIX_MOST = 0.8
"""A colour less than this far from the screen to the solid subject's is a mix."""
MIX_OFF_LINE = 0.15
"""How far off the screen-to-subject line (a share of its length) a mix may lie."""
MIX_BRIGHT = (0.93, 1.3)
"""A block leaning towards the screen colour with a brightness in this range (shares of
the screen's there) is taken for screen seen through a blur or a veil: school greens are
darker than a lit screen; white with green spill on it is far brighter."""
LONE_COMPANY = 4
"""A solid block with fewer solid blocks than this in its 3x3 (itself included), once
the mixes are dropped..."""
LONE_BRIGHT = 0.75
"""...leaning towards the screen colour and at least this bright (a share of the
screen's there) is a mix too: the middle of a blurred sleeve, solid only for being far
from clear screen, would lend its lead to the whole blur (see :func:`drop_mixes`)."""
ALONG_OFF_LINE = 0.07
ALONG_MOST = 0.9
"""A coarse pixel within this far (a share of its length) of the line from the screen to
the most subject-like solid colour nearby, at less than ``ALONG_MOST`` of the way, is
keyed against that colour's lead (see :func:`lead_along`)."""
LUMA_WEIGHTS = np.array((0.114, 0.587, 0.299), np.float32)
INDEX_BASE = 1 << 21
"""More than the coarse pixels of an 8192x8192 frame (see :func:`drop_mixes`)."""
NO_KEY = 1e12
OWN_PEAK = 20.0
OWN_STRONG = -20.0
"""Levels of lead that tell a block that is clearly the subject (see
:func:`clearly_subject`)."""
OWN_SHARE = 0.15
"""A grey block leading by at most this share of the screen's strength there is still
clearly the subject when the whole block is (see :func:`grey_allowance`): a real camera
puts a few levels of spill and noise on greys and whites, which then lean a little
towards the screen colour (a mix of the screen and a grey that leans this little is at
least 85% grey)."""


@dataclass(frozen=True, slots=True)
class CoarseFrame:
    """One frame's samples on the coarse grid (``h`` by ``w`` blocks), as the rules of
    :mod:`keying.lead` and :mod:`keying.veils` read them.

    colour : float32 (h, w, 3), BGR levels: the camera's colour about each block's middle
    screen : float32 (h, w, 3), BGR levels: the calibrated screen behind each block
    gain : float32 (h, w): the screen's light now, a share of its calibrated light
    half : uint8 (h, w): the smoothed key at each block's middle, in the half-level
        encoding (:func:`keying.frames.signed_levels` reads it)
    peak : uint8 (h, w), the same encoding: the most screen-like key in each block and a
        pixel round it; None where a rule is to do without it
    strength : float32 (h, w): the screen's lead (levels) as lit now
    """

    colour: FloatImage
    screen: FloatImage
    gain: FloatMap
    half: Matte
    peak: Matte | None
    strength: FloatMap

    def lit(self) -> FloatImage:
        """The screen as lit now: ``screen`` times ``gain``, float32 (h, w, 3)."""
        out: FloatImage = self.screen * self.gain[..., None]
        return out


NEUTRAL_SHARE = 0.25
"""A block whose colour spreads over the channels (max less min) by at most this share of
the screen's spread there is a grey or a white: a veil of a colour over the screen comes
out grey only if that colour is the screen's opposite in just the right measure, while a
grey or white subject with a little spill or noise on it is common."""


def lowest_within(solid: Matte, half_small: Matte, *, reach: int) -> npt.NDArray[np.float64]:
    """Per coarse pixel, the ``solid`` one with the lowest lead (the most subject-like
    colour) within ``reach``, as its half difference times :data:`INDEX_BASE` plus its
    flat index (exact in float64); :data:`NO_KEY` where none is that near."""
    if solid.size > INDEX_BASE:
        raise ValueError(f"a coarse grid of {solid.size} pixels is too large to index")
    chosen = np.flatnonzero(solid)
    key = np.full(solid.shape, NO_KEY, np.float64)
    key.ravel()[chosen] = half_small.ravel()[chosen].astype(np.float64) * INDEX_BASE + chosen
    size = 2 * reach + 1
    best: npt.NDArray[np.float64] = cv2.erode(
        key, np.ones((size, size), np.uint8), borderType=cv2.BORDER_REPLICATE
    )
    return best


def on_line(shown: FloatImage, towards: FloatImage) -> tuple[FloatMap, FloatMap, FloatMap]:
    """Where colours lie against the lines from the screen to subject colours (both
    rows of colours less the screen's): (along, off2, length2), the dot product with
    the line, the squared distance off it and its squared length, so that the share of
    the way is along / length2 and the share off it sqrt(off2 / length2)."""
    length2 = np.maximum(np.einsum("ij,ij->i", towards, towards), 1.0)
    along = np.einsum("ij,ij->i", shown, towards)
    off2 = np.einsum("ij,ij->i", shown, shown) - along * along / length2
    return along, off2, length2


def drop_mixes(
    solid: Matte,
    grid: CoarseFrame,
    *,
    reach: int,
    most: float = MIX_MOST,
    off_line: float = MIX_OFF_LINE,
    bright: tuple[float, float] = MIX_BRIGHT,
    lowest: npt.NDArray[np.float64] | None = None,
) -> Matte:
    """``solid`` (uint8, non-zero: solid) without the coarse pixels whose colour is a mix of
    the screen (as lit now) and the most subject-like solid colour (the lowest lead)
    within ``reach``: the middle of a motion-blurred arm is far from clear screen
    but not solid.

    A pixel is a mix when its colour lies within ``off_line`` (a share of the distance
    between the two) of the line from the screen to that colour, at less than ``most``
    of the way. A white collar beside a maroon jumper is off that line and stays solid.
    A pixel that leans towards the screen colour (its lead above 0) with a brightness
    within ``bright`` (shares of the screen's there) is a mix too: a blurred hand is a
    mix of the screen and a skin that is solid nowhere. So is a block leaning towards
    the screen colour left with fewer than :data:`LONE_COMPANY` solid blocks about it
    once those mixes are gone, unless darker than :data:`LONE_BRIGHT` of the screen.
    ``lowest``: :func:`lowest_within` of ``solid`` at ``reach``, if already worked out.
    Returns a new uint8 map (``solid`` itself when there is nothing to drop).
    """
    colour, screen, gain, half_small = grid.colour, grid.screen, grid.gain, grid.half
    chosen = np.flatnonzero(solid)
    if reach <= 0 or chosen.size == 0:
        return solid
    lead = signed_levels(half_small.ravel()[chosen])
    if lowest is None:
        lowest = lowest_within(solid, half_small, reach=reach)
    best = lowest.ravel()[chosen]
    picked = best.astype(np.int64) & (INDEX_BASE - 1)
    colours = colour.reshape(-1, 3)
    lit = screen.reshape(-1, 3)[chosen] * gain.ravel()[chosen, None]
    along, off2, length2 = on_line(colours[chosen] - lit, colours[picked] - lit)
    mixed = (along < most * length2) & (off2 < off_line**2 * length2)
    # leaning towards the screen colour and about as bright as the screen there: screen
    # seen through a blur or a veil, whatever the subject behind it (a green jumper is
    # darker than the screen, a white collar with green spill far brighter)
    brightness = colours[chosen] @ LUMA_WEIGHTS
    screen_brightness = lit @ LUMA_WEIGHTS
    low, high = bright
    mixed |= (
        (lead > 0)
        & (brightness >= low * screen_brightness)
        & (brightness <= high * screen_brightness)
    )
    out = solid.copy()
    out.ravel()[chosen[mixed]] = 0
    # left alone by the mixes around it: a block leaning towards the screen colour with
    # few solid neighbours, not much darker than the screen (a green jumper is darker)
    company = cv2.boxFilter(
        (out > 0).astype(np.uint8), -1, (3, 3), normalize=False, borderType=cv2.BORDER_REPLICATE
    )
    lone = (
        ~mixed
        & (lead > 0)
        & (company.ravel()[chosen] < LONE_COMPANY)
        & (brightness >= LONE_BRIGHT * screen_brightness)
    )
    out.ravel()[chosen[lone]] = 0
    return out


def foreground_lead(
    half_small: Matte,
    solid: Matte,
    peak_small: Matte | None = None,
    *,
    labels: npt.NDArray[np.int32] | None = None,
    allowance: FloatMap | None = None,
) -> FloatMap:
    """The lead of the solid subject near each coarse pixel.

    The *largest* lead among the ``solid`` pixels (a green jumper's too) within
    :data:`LEAD_REACH` coarse pixels: a solid white collar beside a maroon jumper must not
    read as a maroon-and-green mix, so where solid colours differ the key leans towards
    the plain colour difference, which never makes a solid colour see-through. Further
    out (a scarf's end, a blurred hand), the lead of the nearest solid pixel: a wide
    semi-transparent region is most likely the colour of the subject it leaves; but a
    small part of the subject that is clearly not the screen (a hand too small to be
    solid core) keeps its own lead (see :func:`clearly_subject`; ``peak_small``, the most
    screen-like half difference in each block, tells a whole block of subject from the
    edge of a blur). Softened over a coarse pixel; 0 (the plain key) when nothing is
    solid. ``allowance``: see :func:`clearly_subject`; a grey block (allowance above 0)
    clearly the subject keeps at least its own lead within the reach too.
    """
    lead = signed_levels(half_small)
    own = clearly_subject(lead, peak_small, allowance=allowance)
    near_own = None
    if allowance is not None:  # a grey (see grey_allowance) keeps its own lead even here
        near_own = np.where(allowance > 0, own, np.float32(NO_LEAD)).astype(np.float32)
    return largest_nearby(lead, solid, far=True, own=own, labels=labels, near_own=near_own)


def lead_along(
    lead: FloatMap,
    grid: CoarseFrame,
    solid: Matte,
    *,
    reach: int = LEAD_REACH,
    off_line: float = ALONG_OFF_LINE,
    most: float = ALONG_MOST,
    lowest: npt.NDArray[np.float64] | None = None,
    keep: Mask | None = None,
) -> FloatMap:
    """``lead``, lowered to the lead of the most subject-like solid colour (the lowest
    lead) within ``reach`` where a coarse pixel's colour lies within ``off_line`` (a
    share of its length) of the line from the screen (as lit now) to that colour,
    between it and less than ``most`` of the way: such a pixel is a mix of the screen
    and that colour, keyed exactly by its lead. :func:`foreground_lead` takes the
    largest lead nearby so that a white collar beside a maroon jumper stays solid; but in
    a wide motion blur the solid core holds mixes too (the blur's middle, far from clear
    screen), and their leads keyed the whole blur too opaque. A collar's edge lies off
    the maroon's line and keeps the largest lead; a block holding the subject's own
    colour lies at the end of the line, not short of it. ``lowest``: :func:`lowest_within`
    of the core before :func:`drop_mixes` (no mix holds the lowest lead near it).
    ``keep``: blocks left as they are (see :func:`keying.veils.pale_subject`). Returns a
    new float32 map."""
    colour, screen, gain, half_small = grid.colour, grid.screen, grid.gain, grid.half
    best = lowest_within(solid, half_small, reach=reach) if lowest is None else lowest
    low = (np.floor(best * (1.0 / INDEX_BASE)) * 2.0 - 255.0).astype(np.float32)
    # inside the solid core (solid all about) the core keys the block, whatever its lead
    inside = cv2.erode(solid, np.ones((3, 3), np.uint8), borderType=cv2.BORDER_REPLICATE)
    candidates = (low < lead) & (inside == 0)
    if keep is not None:
        candidates &= ~keep
    blocks = np.flatnonzero(candidates)
    picked = best.ravel()[blocks].astype(np.int64) & (INDEX_BASE - 1)
    colours = colour.reshape(-1, 3)
    lit = screen.reshape(-1, 3)[blocks] * gain.ravel()[blocks, None]
    along, off2, length2 = on_line(colours[blocks] - lit, colours[picked] - lit)
    mixed = (along > 0) & (along < most * length2) & (off2 < off_line**2 * length2)
    out = lead.copy()
    out.ravel()[blocks[mixed]] = low.ravel()[blocks[mixed]]
    return out


def clearly_subject(
    lead: FloatMap, peak_small: Matte | None = None, *, allowance: FloatMap | None = None
) -> FloatMap:
    """The lead of coarse pixels that are clearly the subject's own colour, NO_LEAD
    elsewhere: the middle leans away from the screen colour (lead at most 0, or at most
    ``allowance`` where given, see :func:`grey_allowance`) and, given ``peak_small``,
    either the block's most screen-like pixel leads by at most :data:`OWN_PEAK` levels
    (or the allowance above its middle: the whole block is subject, not the edge of a
    blur) or the middle leans away by :data:`OWN_STRONG` levels or more."""
    top = np.float32(0.0) if allowance is None else allowance
    own = lead <= top
    if peak_small is not None:
        peak = signed_levels(peak_small)
        own &= (peak <= np.maximum(OWN_PEAK, lead + top)) | (lead <= OWN_STRONG)
    clearly: FloatMap = np.where(own, lead, NO_LEAD).astype(np.float32)
    return clearly


def near_grey(grid: CoarseFrame) -> Mask:
    """The coarse pixels (bool (h, w)) whose colour is a grey or a white: its channels
    spread by at most :data:`NEUTRAL_SHARE` of the spread of the screen's as lit now."""
    grey: Mask = channel_spread(grid.colour) <= NEUTRAL_SHARE * channel_spread(grid.lit())
    return grey


def channel_spread(colour: FloatImage) -> FloatMap:
    """The largest of the three channels (the last axis) less the smallest (np.ptp along
    a last axis of three is a slow strided reduce: a few ms on a 1080p frame's grid)."""
    a, b, c = colour[..., 0], colour[..., 1], colour[..., 2]
    spread: FloatMap = np.maximum(np.maximum(a, b), c) - np.minimum(np.minimum(a, b), c)
    return spread


def grey_allowance(grey: Mask, strength: FloatMap) -> FloatMap:
    """How far a block may lead and still be clearly the subject (see
    :func:`clearly_subject`): :data:`OWN_SHARE` of the screen's ``strength`` on
    :func:`near_grey` blocks, 0 elsewhere."""
    allowance: FloatMap = np.where(grey, OWN_SHARE * np.maximum(strength, 0.0), 0.0).astype(
        np.float32
    )
    return allowance


def nearest_solid(solid: Matte) -> npt.NDArray[np.int32]:
    """Per coarse pixel, which ``solid`` one is nearest: they are numbered in raster
    order from 1 (OpenCV's labels), 0 where there is none at all. Worked out once a frame
    and handed to the rules that look that far (see :func:`largest_nearby`)."""
    _, labels = cv2.distanceTransformWithLabels(
        cv2.bitwise_not(solid), cv2.DIST_L2, 3, labelType=cv2.DIST_LABEL_PIXEL
    )
    nearest: npt.NDArray[np.int32] = labels
    return nearest


def largest_nearby(
    values: FloatMap,
    solid: Matte,
    *,
    far: bool = False,
    own: FloatMap | None = None,
    labels: npt.NDArray[np.int32] | None = None,
    near_own: FloatMap | None = None,
) -> FloatMap:
    """The largest of ``values`` on ``solid`` coarse pixels within :data:`LEAD_REACH`,
    softened over a coarse pixel. Where no solid pixel is that near: 0, or with ``far``
    the value of the nearest solid pixel (0 if there is none at all), or the largest of
    ``own`` (NO_LEAD where none) within a coarse pixel if that is larger. The largest of
    ``near_own`` (NO_LEAD where none) within a coarse pixel is taken everywhere when it is
    larger: a small grey or dark part clearly the subject (a key's metal, a buckle)
    beside a solid red was keyed against the red's lead, a quarter see-through. (Taking
    every colour's own lead so would key the middle of a motion blur, whose blocks look
    whole, too opaque.)"""
    is_solid = solid > 0
    masked = np.where(is_solid, values, NO_LEAD).astype(np.float32)
    size = 2 * LEAD_REACH + 1
    nearest = cv2.dilate(masked, np.ones((size, size), np.uint8))
    missing = nearest <= NO_LEAD
    if near_own is not None:  # a grey block clearly the subject: at least its own lead
        cv2.max(nearest, cv2.dilate(near_own, np.ones((3, 3), np.uint8)), dst=nearest)
    if not (far and is_solid.any() and missing.any()):
        local: FloatMap = cv2.blur(np.where(missing, 0.0, nearest).astype(np.float32), (3, 3))
        return local
    if labels is None:
        labels = nearest_solid(solid)
    # labels number the solid pixels in raster order from 1: the nearest one's value
    far_values = np.concatenate(([NO_LEAD], values[is_solid]))[labels].astype(np.float32)
    if own is not None:  # something clearly not the screen here is its own colour
        cv2.max(far_values, cv2.dilate(own, np.ones((3, 3), np.uint8)), dst=far_values)
    # softening across the edge of the reach never pulls the lead below the plain key's
    local = cv2.blur(np.where(missing, far_values, nearest), (3, 3))
    np.copyto(local, far_values, where=missing)
    return local
