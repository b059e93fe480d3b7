"""Finding the backing in a picture: which channel the screen is, and where it shows.

A saturated backing first (its colour leads the others by :data:`MIN_LEAD`), else a dull
one (a dark towel, a teal board) whose colour leads surely above the camera's noise over
a large part of the picture; then the pixels of the bulk's hue, tolerant of shadow and
of a glare (:func:`find_backing`, :func:`match_colour`), and without the screen seen
through the subject's blurred edges (:func:`without_mixes`). All on a small copy of the
frame (see :mod:`keying.calibrate`).
"""

from __future__ import annotations

import cv2
import numpy as np
import numpy.typing as npt

from kaizen_studio.keying.errors import NoScreenFoundError
from kaizen_studio.keying.screen import (
    CAMERA_GAMMA,
    CHANNEL_NAMES,
    FloatImage,
    Mask,
    chromaticity,
    excess,
    screen_hue,
)

MIN_SCREEN_SHARE = 0.08
"""A screen must cover at least this share of the frame to be trusted."""
MIN_REGION_SHARE = 0.02
"""A connected part of the screen must cover at least this share of the frame."""
MIN_LEAD = 20.0
"""A saturated backing's primary channel leads the others by at least this (0-255)."""
WEAK_SIGMA = 1.5
WEAK_SNR = 3.0
WEAK_LEAD = 4.0
"""A dull screen's colour, averaged over this many working pixels (sigma), leads the
others by at least this many times the camera's noise in a pixel's lead, and at least
this many levels: surely colour, not noise, though too little for :data:`MIN_LEAD`."""
WEAK_PREFERRED = 0.3
WEAK_TIMES = 3.0
WEAK_OTHER_HUE = 0.15
"""A saturated area under this share of the picture is no screen when a dull one of a
green or blue covers this many times as much and differs in hue (shares of the primary,
medians) by more than this: a bottle-green jumper in front of a dark green towel leads
by more than the towel does, and the towel is the screen; the brightest part of a towel
has the towel's hue."""
MIX_HUE = 0.015
"""How far (in shares of the primary) a pixel's hue may be off the screen's around it
and still be screen when the subject is next to it (see :func:`_without_mixes`), at the
least: a noisier camera's own scatter of hue widens it (see :data:`MIX_NOISE`)."""
MIX_NOISE = 3.0
"""The hue's tolerance is at least this many times the median scatter of the screen's
hue about its local mean (about three standard deviations of the camera's hue noise):
noise is not a mix, and a tolerance below it ate the screen through its own speckle."""
GLARE_LEAD = 0.7
"""A glare keeps at least this share of the screen's typical coloured light (in linear
light): the screen's own falloff across a cloth stays above it (measured down to 0.6 at
the 0.5th percentile on the second truth set's tuning split), a half mix with a grey
falls below it."""
GLARE_STEP = 0.5
"""A glare fades into the screen: across its border with the screen its hue steps by at
most this share of the screen's hue tolerance (a veil's edge steps by all of it)."""
MIX_SIGMA = 6.0
MIX_STEPS = 8
MIX_ROUNDS = 3
"""The screen's hue around is taken over this many working pixels (sigma); mixes are
followed this many working pixels out from the subject."""


def find_backing(small: FloatImage, screen: str) -> tuple[int, Mask]:
    """The screen's channel and where it shows in ``small`` (float32 BGR), for
    ``screen`` "auto" (the largest saturated area, or else a dull green or blue one),
    "green" or "blue"; a red area larger than any green or blue one is returned as red,
    for the caller to refuse.

    Raises
    ------
    NoScreenFoundError : no area of the colour covers enough of the picture
    """
    allowed = {"auto": (1, 0, 2), "green": (1,), "blue": (0,)}.get(screen)
    if allowed is None:
        raise ValueError(f"screen must be 'auto', 'green', 'blue' or a colour, got {screen!r}")
    ordered = np.sort(small, axis=2)
    lead = ordered[..., 2] - ordered[..., 1]
    saturated = (lead >= MIN_LEAD) & (lead >= 0.2 * ordered[..., 2])
    strongest = small.argmax(axis=2)
    shares = {c: float(np.mean(saturated & (strongest == c))) for c in allowed}
    primary = max(shares, key=lambda c: shares[c])
    floor = MIN_LEAD * 0.5
    screens = [c for c in allowed if c != 2]
    if max(shares[c] for c in screens) < WEAK_PREFERRED:
        # no saturated green or blue screen, or only a small one; a dull one (a dark
        # towel, a teal board) leads by less, but surely, well above the camera's noise,
        # over a large part of the picture (larger than any saturated red area: else
        # that is the picture), and is the screen when it is much larger than the
        # saturated area (that is then a jumper of a deeper green in front of it)
        smooth = cv2.GaussianBlur(small, (0, 0), WEAK_SIGMA)
        ordered = np.sort(smooth, axis=2)
        weak_floor = max(WEAK_LEAD, WEAK_SNR * _lead_noise(small))
        weak_saturated = ordered[..., 2] - ordered[..., 1] >= weak_floor
        weak_strongest = smooth.argmax(axis=2)
        weak = {c: float(np.mean(weak_saturated & (weak_strongest == c))) for c in screens}
        best = max(weak, key=lambda c: weak[c])
        saturated_best = max(shares[c] for c in screens)
        larger = saturated_best < MIN_SCREEN_SHARE or (
            weak[best] >= WEAK_TIMES * saturated_best
            and not _band_across(saturated & (strongest == best))
            and _other_hue(small, best, saturated & (strongest == best), weak_saturated)
        )
        if larger and weak[best] >= max(MIN_SCREEN_SHARE, shares.get(2, 0.0)):
            primary, shares, floor = best, weak, weak_floor
            saturated, strongest = weak_saturated, weak_strongest
    wanted = "green or blue" if screen == "auto" else screen
    if shares[primary] < MIN_SCREEN_SHARE:
        raise NoScreenFoundError(
            f"no {wanted} screen found in this frame (the largest saturated area covers "
            f"{shares[primary]:.0%}); point the camera at the screen and light it, or "
            "pick its colour with the eyedropper"
        )
    candidates = saturated & (strongest == primary)
    mask = _cluster(small, primary, candidates, floor=floor)
    if largest_regions(mask).mean() < MIN_SCREEN_SHARE:
        raise NoScreenFoundError(
            f"no {wanted} screen found in this frame: the {CHANNEL_NAMES[primary]} areas "
            "are too patchy to be a screen; pick its colour with the eyedropper"
        )
    return primary, mask


def _band_across(area: Mask) -> bool:
    """Whether ``area`` is a band across the picture: it reaches both the left and the
    right edge but not the bottom one (the sea under a pale sky, with the sand below). A
    jumper in front of a towel is worn: it goes on out of the bottom of the picture, even
    when a close shot makes it as wide as the picture (see :func:`find_backing`)."""
    return bool(area[:, 0].any() and area[:, -1].any() and not area[-1].any())


def _other_hue(small: FloatImage, primary: int, saturated: Mask, weak: Mask) -> bool:
    """Whether the ``saturated`` pixels' hue differs from the rest of the ``weak`` ones'
    by more than :data:`WEAK_OTHER_HUE` (see :func:`find_backing`)."""
    rest = weak & ~saturated
    if not saturated.any() or not rest.any():
        return False
    chroma = chromaticity(small, primary)
    apart = np.median(chroma[saturated], axis=0) - np.median(chroma[rest], axis=0)
    return bool(np.abs(apart).max() > WEAK_OTHER_HUE)


def _lead_noise(small: FloatImage) -> float:
    """The camera's noise in a colour's lead (levels): the median absolute difference of
    the largest less the middle channel from its 3x3 mean, scaled as for a normal
    spread."""
    ordered = np.sort(small, axis=2)
    lead = (ordered[..., 2] - ordered[..., 1]).astype(np.float32)
    ripple = lead - cv2.blur(lead, (3, 3))
    return float(np.median(np.abs(ripple))) * 1.4826 * 1.06


def largest_regions(mask: Mask) -> Mask:
    """The connected parts of ``mask`` large enough to make a screen: a cloth is one or a
    few big regions, a room's green books and posters are small. (Only to decide whether
    there is a screen at all: the small gaps of screen between arm and body are screen.)"""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), 8)
    areas = stats[1:, cv2.CC_STAT_AREA]
    keep = np.zeros(count, dtype=bool)
    keep[1:] = areas >= MIN_REGION_SHARE * mask.size
    kept: Mask = keep[labels]
    return kept


def _cluster(
    small: FloatImage, primary: int, candidates: Mask, *, floor: float = MIN_LEAD * 0.5
) -> Mask:
    """The pixels whose hue matches the bulk of ``candidates``: tolerant of shadow, and of
    glare where the screen's coloured light stays whole (see :func:`_glare_like`) and the
    glare fades into the screen around it (see :func:`_fading`)."""
    lead = excess(small, primary)
    typical_lead = float(np.median(lead[candidates]))
    strong = lead >= max(floor, 0.3 * typical_lead)
    chroma = chromaticity(small, primary)
    plain = _near_bulk(chroma, candidates)[0] & strong
    hue = screen_hue(small, primary)
    glare = _near_bulk(hue, candidates)[0] & _glare_like(small, primary, candidates)
    glare &= strong & ~plain
    tolerance = float(_near_bulk(chroma, candidates)[1].max())
    mask: Mask = plain | _fading(glare, plain, chroma, step=GLARE_STEP * tolerance)
    return mask


def _near_bulk(hue: FloatImage, candidates: Mask) -> tuple[Mask, npt.NDArray[np.float32]]:
    """Where ``hue`` (h, w, 2) is within three robust deviations of its median over
    ``candidates`` (held to 0.06..0.2 each), and those tolerances."""
    centre = np.median(hue[candidates], axis=0)
    mad = np.median(np.abs(hue[candidates] - centre), axis=0) * 1.4826
    tolerance = np.clip(3.0 * mad, 0.06, 0.2).astype(np.float32)
    near: Mask = np.all(np.abs(hue - centre) <= tolerance, axis=2)
    return near, tolerance


def _fading(glare: Mask, plain: Mask, chroma: FloatImage, *, step: float) -> Mask:
    """The connected parts of ``glare`` whose hue (``chroma``, lightly smoothed) steps by
    at most ``step`` (median) across their border with the ``plain`` screen: a glare's
    light fades out over many pixels, while a veil or a sheet of a colour has an edge."""
    if not glare.any() or not plain.any():
        return np.zeros(glare.shape, bool)
    count, labels = cv2.connectedComponents(glare.astype(np.uint8), connectivity=8)
    soft = cv2.GaussianBlur(chroma, (0, 0), 1.0)
    steps: list[npt.NDArray[np.float32]] = []
    owners: list[npt.NDArray[np.int32]] = []
    h, w = glare.shape
    for dy, dx in ((0, 1), (1, 0), (0, -1), (-1, 0)):
        ys, ye = max(0, -dy), h - max(0, dy)
        xs, xe = max(0, -dx), w - max(0, dx)
        here = (slice(ys, ye), slice(xs, xe))
        there = (slice(ys + dy, ye + dy), slice(xs + dx, xe + dx))
        border = glare[here] & plain[there]
        steps.append(np.abs(soft[here] - soft[there]).max(axis=2)[border])
        owners.append(labels[here][border])
    step_all, owner_all = np.concatenate(steps), np.concatenate(owners)
    keep = np.zeros(count, bool)
    for label in np.unique(owner_all):
        keep[label] = float(np.median(step_all[owner_all == label])) <= step
    keep[0] = False
    faded: Mask = keep[labels]
    return faded


def _glare_like(small: FloatImage, primary: int, screen: Mask) -> Mask:
    """Where a glare of white light on the screen could be, given where the ``screen``
    surely is: the colour's coloured part (its primary less its lowest channel, in linear
    light) keeps at least :data:`GLARE_LEAD` of the screen's typical one. A glare adds
    white light and takes none of the screen's colour away; a mix of the screen with a
    grey or a dark subject (a veil, a blurred edge) takes its share of it."""
    if not screen.any():
        return np.zeros(small.shape[:2], bool)
    linear = np.power(np.maximum(small, 0.0) / 255.0, CAMERA_GAMMA)
    coloured = linear[..., primary] - linear.min(axis=2)
    typical = float(np.median(coloured[screen]))
    glare: Mask = coloured >= GLARE_LEAD * typical
    return glare


def without_mixes(small: FloatImage, primary: int, mask: Mask) -> Mask:
    """``mask`` without the screen seen through the subject's edges: pixels reached from
    the subject through pixels whose hue is off the screen's nearby by more than
    :data:`MIX_HUE` (or the camera's own scatter, :data:`MIX_NOISE`); on glare-like
    pixels (:func:`_glare_like`) the hue blind to white light
    (:func:`keying.screen.screen_hue`). A shadow dims every channel alike and keeps the
    hue; a blurred bottle-green sleeve passes for dim screen by its hue and lead, but not
    so exactly, and taken for screen it keys as screen where it is half sleeve."""
    glare = _glare_like(small, primary, mask)
    chroma = np.where(
        glare[..., None], screen_hue(small, primary), chromaticity(small, primary)
    ).astype(np.float32)
    kept = mask
    kernel = np.ones((3, 3), np.uint8)
    for _ in range(MIX_ROUNDS):  # the hue around, again without the mixes found
        weight = kept.astype(np.float32)
        den = np.maximum(cv2.GaussianBlur(weight, (0, 0), MIX_SIGMA), 1e-6)
        off = np.zeros(mask.shape, np.float32)
        for c in range(2):
            local = cv2.GaussianBlur(chroma[..., c] * weight, (0, 0), MIX_SIGMA) / den
            np.maximum(off, np.abs(chroma[..., c] - local), out=off)
        tolerance = max(MIX_HUE, MIX_NOISE * float(np.median(off[kept])))
        suspect = (mask & (off > tolerance)).astype(np.uint8)
        reached = (~mask).astype(np.uint8)
        for _ in range(MIX_STEPS):
            grown = cv2.dilate(reached, kernel) & (suspect | reached)
            if np.array_equal(grown, reached):
                break
            reached = grown
        kept = mask & (reached == 0)
    return kept if kept.any() else mask


def match_colour(small: FloatImage, key: tuple[int, int, int]) -> tuple[int, Mask]:
    key_arr = np.array(key, dtype=np.float32)
    primary = int(key_arr.argmax())
    lead = float(excess(key_arr[None, None, :], primary)[0, 0])
    if lead < MIN_LEAD:
        b, g, r = key
        raise ValueError(
            f"the colour #{r:02X}{g:02X}{b:02X} is not a screen colour: a key needs a "
            "strongly coloured backing such as green or blue"
        )
    chroma = chromaticity(small, primary)
    centre = chromaticity(key_arr[None, None, :], primary)[0, 0]
    lead_map = excess(small, primary)
    near = np.all(np.abs(chroma - centre) <= 0.15, axis=2) & (lead_map >= 0.3 * lead)
    if near.mean() < 0.01:
        b, g, r = key
        raise NoScreenFoundError(
            f"the colour #{r:02X}{g:02X}{b:02X} matches almost nothing in this frame; "
            "click on the screen itself"
        )
    return primary, _cluster(small, primary, near)


THROUGH_PASS = 0.3
"""Light through a dyed cloth (a window behind it) keeps out the channel the dye takes
out: in linear light that channel stays under this share of the primary (as
:data:`keying.plate.CLOTH_PASS`), though the cloth's colour leads no more (a green cloth
with the sky behind it turns cyan)."""
THROUGH_EDGE = 0.5
"""Where the hue changes faster than this share of the screen's hue tolerance from one
working pixel to the next, a thing's edge runs: a glare through the cloth fades."""
THROUGH_SHARE = 0.01
THROUGH_TOTAL = 0.05
"""A part of a glare through the cloth smaller than this share of the picture is left
alone, and so is the whole of it under the second share (the dark creases of a muslin
lit unevenly are no window)."""
THROUGH_LIGHT_EDGE = 0.08
"""...nor where the primary's light (log, linear) changes faster than this from one
working pixel to the next: a cyan jumper in front of a cyan glare has an edge of light."""
THROUGH_CLOSE = 7
"""Working pixels over which the glare's parts are closed up (see :func:`through_cloth`)."""
THROUGH_GROW = 4
"""Working pixels the glare is grown by into its surroundings that keep the dye's weakest
channel out (see :func:`through_cloth`)."""
THROUGH_BRIGHTER = 1.2
"""A glare adds light: over a glare through the cloth the primary is at least this many
times the screen's typical one (a teal jumper in front of the screen is no brighter)."""


def through_cloth(small: FloatImage, primary: int, mask: Mask) -> Mask:
    """Where the screen shows without its colour, lit through from behind (a window's
    glare turning a green cloth cyan): pixels outside ``mask`` (the screen's coloured
    pixels) keeping the dye's weakest channel out (:data:`THROUGH_PASS`), in connected
    parts with no edge inside (:data:`THROUGH_EDGE`) that fade into the screen (their
    hue steps little across their border with it, :func:`_fading`) and are large
    (:data:`THROUGH_SHARE`). A cyan jumper in front of the screen has an edge all round.
    Empty when the screen's dye lets its weakest channel through (nothing to tell by)."""
    none = np.zeros(mask.shape, bool)
    if not mask.any():
        return none
    linear = np.power(np.maximum(small, 0.0) / 255.0, CAMERA_GAMMA)
    weakest = int(np.argmin(np.median(linear[mask], axis=0)))
    if weakest == primary:
        return none
    passed = (linear[..., weakest] <= THROUGH_PASS * linear[..., primary]) & ~mask
    chroma = chromaticity(small, primary)
    tolerance = float(_near_bulk(chroma, mask)[1].max())
    soft = cv2.GaussianBlur(chroma, (0, 0), 1.0)
    light = np.log(np.maximum(cv2.GaussianBlur(linear[..., primary], (0, 0), 1.0), 1e-4))
    smooth = passed & (_slope(soft) <= THROUGH_EDGE * tolerance)
    smooth &= _slope(light[..., None]) <= THROUGH_LIGHT_EDGE
    faded = _fading(smooth, mask, chroma, step=GLARE_STEP * tolerance)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(faded.astype(np.uint8), 8)
    typical = float(np.median(linear[..., primary][mask]))
    keep = np.zeros(count, bool)
    for label in range(1, count):
        part = labels == label
        keep[label] = (
            stats[label, cv2.CC_STAT_AREA] >= THROUGH_SHARE * mask.size
            and float(np.median(linear[..., primary][part])) >= THROUGH_BRIGHTER * typical
        )
    # the weave's speckle of light cut it up: closed over it, as far as the dye holds
    closing = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (THROUGH_CLOSE, THROUGH_CLOSE))
    closed = cv2.morphologyEx(keep[labels].astype(np.uint8), cv2.MORPH_CLOSE, closing)
    found = closed.astype(bool) & passed
    if found.mean() < THROUGH_TOTAL:
        return none
    # and out to the subject's edge, as far as the dye holds, over the edges of light
    # that cut it off there (a crease's shadow, the subject's own shade on the cloth)
    kernel = np.ones((3, 3), np.uint8)
    for _ in range(THROUGH_GROW):
        found = (cv2.dilate(found.astype(np.uint8), kernel) > 0) & passed
    return found


def _slope(image: FloatImage) -> npt.NDArray[np.float32]:
    """The largest change of any channel of ``image`` (h, w, c) to a 4-neighbour."""
    slope = np.zeros(image.shape[:2], np.float32)
    for axis in (0, 1):
        step = np.abs(np.diff(image, axis=axis)).max(axis=2)
        for pad in ((0, 1), (1, 0)):
            widths = [(0, 0), (0, 0)]
            widths[axis] = pad
            np.maximum(slope, np.pad(step, widths), out=slope)
    return slope


THING_EDGE = 0.05
"""A hue (shares of the primary, lightly smoothed) changing by more than this from one
working pixel to the next is an edge between two things (see :func:`without_things`)."""
THING_SHARE = 0.01
THING_TIMES = 3.0
THING_RING = 6
THING_RING_PIXELS = 50
"""A part of the screen's pixels cut off from its bulk by hue edges, at least this share
of the picture, whose hue lies more than this many robust deviations of the bulk's own
off the bulk's around it (within this many working pixels; at least this many of them),
is a thing in front of the screen."""


def without_things(small: FloatImage, primary: int, mask: Mask) -> Mask:
    """``mask`` without the things of nearly the screen's colour standing in front of it:
    a bottle-green jumper in front of a dark green towel leads by as much as the towel
    and passes its hue tolerance, which a glare on the towel widens; but the jumper has
    an edge all round and one hue of its own, off the towel's (:data:`THING_TIMES`),
    while the screen's shadows, glare and falloff fade into one another."""
    chroma = chromaticity(small, primary)
    soft = cv2.GaussianBlur(chroma, (0, 0), 1.0)
    parts = (mask & (_slope(soft) <= THING_EDGE)).astype(np.uint8)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(parts, connectivity=4)
    if count <= 2:
        return mask
    areas = stats[1:, cv2.CC_STAT_AREA]
    bulk = labels == 1 + int(np.argmax(areas))
    around = np.ones((2 * THING_RING + 1, 2 * THING_RING + 1), np.uint8)
    things = np.zeros(count, bool)
    for label in np.flatnonzero(areas >= THING_SHARE * mask.size) + 1:
        part = labels == label
        ring = (cv2.dilate(part.astype(np.uint8), around) > 0) & bulk
        if ring.sum() < THING_RING_PIXELS:  # the bulk itself, or nothing around to judge by
            continue
        own = chroma[ring]
        centre = np.median(own, axis=0)
        spread = np.maximum(np.median(np.abs(own - centre), axis=0) * 1.4826, 0.01)
        hue = np.median(chroma[part], axis=0)
        things[label] = bool(np.any(np.abs(hue - centre) > THING_TIMES * spread))
    if not things.any():
        return mask
    # with their edges: the pixels of the mask next to them that the edge cut off
    found = cv2.dilate(things[labels].astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
    kept: Mask = mask & ~found
    return kept
