"""Auto-calibration: find the screen in one frame, its colour, how it is lit, how noisy.

No user input is needed; a colour, an eyedropper point or box, or a clean plate of the
empty screen can be given instead. All the searching happens on a small copy of the frame;
only the noise measurement looks at full resolution.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np
import numpy.typing as npt

from kaizen_studio.keying.errors import NoScreenFoundError
from kaizen_studio.keying.frames import BGRImage, Matte, check_colour, check_frame
from kaizen_studio.keying.matte import colour_difference, denoise
from kaizen_studio.keying.plate import cloth
from kaizen_studio.keying.screen import (
    CAMERA_GAMMA,
    CHANNEL_NAMES,
    FloatImage,
    Mask,
    chromaticity,
    excess,
    fill_screen,
    full_resolution,
    screen_hue,
    working_copy,
)

WORK_WIDTH = 320
PLATE_WORK_WIDTH = 640
MIN_SCREEN_SHARE = 0.08
"""A screen must cover at least this share of the frame to be trusted."""
MIN_REGION_SHARE = 0.02
"""A connected part of the screen must cover at least this share of the frame."""
MIN_LEAD = 20.0
"""A saturated backing's primary channel leads the others by at least this (0-255)."""
MAX_DENOISE = 3
SOFT_CHROMA_RATIO = 0.7
"""Colour sent at half resolution (4:2:0) and scaled back up changes about half as much
between neighbouring pixels as between pixels two apart (0.8 to 1 for full-resolution
colour, noise and all); below this ratio the camera's colour is taken as 4:2:0."""
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
CHROMA_SAMPLE = 512
"""The middle of the frame, at most this many pixels each way, is enough to tell."""

Screen = str | tuple[int, int, int]
Sample = tuple[int, int] | tuple[int, int, int, int]


@dataclass(frozen=True, eq=False)
class Calibration:
    """What calibration learnt about the screen.

    Attributes
    ----------
    key_colour : the screen's typical colour (B, G, R)
    primary : the screen's channel, 0 blue, 1 green, 2 red
    screen_share : the share of the frame where the screen is visible, 0..1
    unevenness : spread of the screen's brightness, (p95 - p5) / median, 0..1
    noise : standard deviation of the screen's key strength relative to its mean
    spread : per denoise radius 0..3, the 99.9th percentile (or four standard deviations
        above the mean, if more) of how far screen pixels fall
        short of the local screen strength, in levels (0..255): the measured end of the
        ramp (noise is about as many levels on a dim part of the screen as on a bright
        one, so the ramp is wider where the screen is dim)
    screen_small : the screen's colour as lit everywhere, on a small grid (float32 BGR)
    frame_size : (width, height) of the frame calibrated on
    from_plate : the screen map came from a picture of the empty screen
    plate : that picture (BGR uint8, the frame's size), for the difference key where the
        screen has no usable colour (see :mod:`keying.plate`); None without one
    soft_chroma : the camera sends colour at half resolution (4:2:0, as webcams and
        MJPEG do), so colour edges are smeared over a few pixels
    """

    key_colour: tuple[int, int, int]
    primary: int
    screen_share: float
    unevenness: float
    noise: float
    spread: tuple[float, ...]
    screen_small: FloatImage = field(repr=False)
    frame_size: tuple[int, int]
    from_plate: bool = False
    soft_chroma: bool = False
    plate: BGRImage | None = field(default=None, repr=False)

    @property
    def screen_name(self) -> str:
        return CHANNEL_NAMES[self.primary]

    @property
    def key_hex(self) -> str:
        b, g, r = self.key_colour
        return f"#{r:02X}{g:02X}{b:02X}"

    def describe(self) -> str:
        """One line for people: what was found and how good it is."""
        evenness = (
            "even"
            if self.unevenness < 0.25
            else "a little uneven"
            if self.unevenness < 0.45
            else "uneven: light the screen more evenly"
        )
        source = " (from the empty-screen picture)" if self.from_plate else ""
        colour = "; colour at half resolution (4:2:0)" if self.soft_chroma else ""
        return (
            f"{self.screen_name} screen {self.key_hex}{source} fills "
            f"{self.screen_share:.0%} of the picture; light {evenness} "
            f"({self.unevenness:.0%} spread); camera noise {self.noise:.1%}{colour}"
        )

    def full_maps(self, size: tuple[int, int]) -> tuple[BGRImage, Matte]:
        """Full-size screen colour and strength maps for frames of ``size`` (w, h)."""
        return full_resolution(self.screen_small, self.primary, size)


def calibrate(
    frame: BGRImage,
    *,
    screen: Screen = "auto",
    sample: Sample | None = None,
    plate: BGRImage | None = None,
) -> Calibration:
    """Measure the screen in ``frame``.

    Parameters
    ----------
    frame : BGR uint8 (h, w, 3), a camera frame showing the screen (with or without
        the presenter)
    screen : "auto" (largest saturated backing), "green", "blue", or a (B, G, R) colour
    sample : an eyedropper point (x, y) or box (x, y, w, h) on ``frame`` whose colour is
        the screen's; overrides ``screen``
    plate : a picture of the empty screen from the same camera and lighting (same size
        as ``frame``): the screen map is taken from it instead of being filled in

    Raises
    ------
    NoScreenFoundError
        No saturated backing covers enough of the frame, or the colour given matches
        too little of it.
    ValueError
        A bad frame, colour, sample or plate (the message names it).
    """
    check_frame(frame)
    if plate is not None:
        check_frame(plate, name="empty-screen picture")
        if plate.shape != frame.shape:
            raise ValueError(
                f"the empty-screen picture is {plate.shape[1]}x{plate.shape[0]} but the "
                f"frame is {frame.shape[1]}x{frame.shape[0]}; take it with the same camera"
            )
    source = plate if plate is not None else frame
    small = working_copy(source, width=PLATE_WORK_WIDTH if plate is not None else WORK_WIDTH)
    try:
        if sample is not None:
            key = _sampled_colour(frame, sample)
            primary, mask = _match_colour(small, key)
        elif isinstance(screen, str):
            primary, mask = _find_backing(small, screen)
        else:
            primary, mask = _match_colour(small, check_colour(screen))
        coloured = mask & (excess(small, primary) >= MIN_LEAD)
    except NoScreenFoundError:
        if plate is None:
            raise
        coloured = np.zeros(small.shape[:2], bool)
        # no coloured screen in the picture of the empty one (a dark sheet, a wall): the
        # difference key alone keys it (keying.plate), against the whole plate
        primary = int(np.argmax(np.median(small.reshape(-1, 3), axis=0)))
        mask = np.ones(small.shape[:2], bool)

    if not mask.any():
        raise NoScreenFoundError("no screen found in this frame: pick its colour on the screen")
    share = float(mask.mean())
    if plate is None:  # the map and the noise from the screen only, not the subject's blur
        mask = _without_mixes(small, primary, mask)
    b, g, r = (int(v) for v in np.median(small[mask], axis=0) + 0.5)
    key_colour = (b, g, r)
    screen_small = fill_screen(small, mask)
    if plate is not None:  # the plate shows what is behind the subject: creases, glare;
        # where it shows no screen (a prop, a stand), the screen about it is filled in
        shown = cloth(small, primary=primary, coloured=coloured)
        screen_small = fill_screen(cv2.blur(small, (3, 3)), shown >= 0.5)
    lit = screen_small[..., primary][mask]
    p5, p50, p95 = np.percentile(lit, [5, 50, 95])
    unevenness = float(min(1.0, (p95 - p5) / max(p50, 1.0)))
    # the camera's noise is measured on the empty screen when there is a picture of it
    # (the frame may hold the presenter's shadow, which the plate does not), else on the
    # screen the frame shows
    if plate is None:
        noise, spread = _measure(frame, screen_small, primary, mask)
    else:
        noise, spread = _measure(plate, screen_small, primary, mask)
    return Calibration(
        key_colour=key_colour,
        primary=primary,
        screen_share=share,
        unevenness=unevenness,
        noise=noise,
        spread=spread,
        screen_small=screen_small,
        frame_size=(frame.shape[1], frame.shape[0]),
        from_plate=plate is not None,
        soft_chroma=chroma_is_soft(frame),
        plate=None if plate is None else np.ascontiguousarray(plate).copy(),
    )


def chroma_is_soft(frame: BGRImage) -> bool:
    """Whether ``frame``'s colour was sent at half resolution (4:2:0) and scaled back up:
    its chroma changes about half as much between neighbours as between pixels two apart
    (see :data:`SOFT_CHROMA_RATIO`). Looks at the middle of the frame only."""
    h, w = frame.shape[:2]
    y0, x0 = max(0, (h - CHROMA_SAMPLE) // 2), max(0, (w - CHROMA_SAMPLE) // 2)
    middle = frame[y0 : y0 + CHROMA_SAMPLE, x0 : x0 + CHROMA_SAMPLE]
    if min(middle.shape[:2]) < 4:
        return False
    chroma = cv2.cvtColor(middle, cv2.COLOR_BGR2YCrCb)[..., 1:].astype(np.float32)
    near = np.abs(np.diff(chroma, axis=0)).mean() + np.abs(np.diff(chroma, axis=1)).mean()
    two = chroma[2:] - chroma[:-2]
    apart = np.abs(two).mean() + np.abs(chroma[:, 2:] - chroma[:, :-2]).mean()
    return bool(apart > 0 and near / apart < SOFT_CHROMA_RATIO)


def _find_backing(small: FloatImage, screen: str) -> tuple[int, Mask]:
    allowed = {"auto": (1, 0, 2), "green": (1,), "blue": (0,)}.get(screen)
    if allowed is None:
        raise ValueError(f"screen must be 'auto', 'green', 'blue' or a colour, got {screen!r}")
    ordered = np.sort(small, axis=2)
    lead = ordered[..., 2] - ordered[..., 1]
    saturated = (lead >= MIN_LEAD) & (lead >= 0.2 * ordered[..., 2])
    strongest = small.argmax(axis=2)
    shares = {c: float(np.mean(saturated & (strongest == c))) for c in allowed}
    primary = max(shares, key=lambda c: shares[c])
    wanted = "green or blue" if screen == "auto" else screen
    if shares[primary] < MIN_SCREEN_SHARE:
        raise NoScreenFoundError(
            f"no {wanted} screen found in this frame (the largest saturated area covers "
            f"{shares[primary]:.0%}); point the camera at the screen and light it, or "
            "pick its colour with the eyedropper"
        )
    candidates = saturated & (strongest == primary)
    mask = _cluster(small, primary, candidates)
    if _largest_regions(mask).mean() < MIN_SCREEN_SHARE:
        raise NoScreenFoundError(
            f"no {wanted} screen found in this frame: the {CHANNEL_NAMES[primary]} areas "
            "are too patchy to be a screen; pick its colour with the eyedropper"
        )
    return primary, mask


def _largest_regions(mask: Mask) -> Mask:
    """The connected parts of ``mask`` large enough to make a screen: a cloth is one or a
    few big regions, a room's green books and posters are small. (Only to decide whether
    there is a screen at all: the small gaps of screen between arm and body are screen.)"""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), 8)
    areas = stats[1:, cv2.CC_STAT_AREA]
    keep = np.zeros(count, dtype=bool)
    keep[1:] = areas >= MIN_REGION_SHARE * mask.size
    kept: Mask = keep[labels]
    return kept


def _cluster(small: FloatImage, primary: int, candidates: Mask) -> Mask:
    """The pixels whose hue matches the bulk of ``candidates``: tolerant of shadow, and of
    glare where the screen's coloured light stays whole (see :func:`_glare_like`) and the
    glare fades into the screen around it (see :func:`_fading`)."""
    lead = excess(small, primary)
    typical_lead = float(np.median(lead[candidates]))
    strong = lead >= max(MIN_LEAD * 0.5, 0.3 * typical_lead)
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


def _without_mixes(small: FloatImage, primary: int, mask: Mask) -> Mask:
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


def _match_colour(small: FloatImage, key: tuple[int, int, int]) -> tuple[int, Mask]:
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


def _sampled_colour(frame: BGRImage, sample: Sample) -> tuple[int, int, int]:
    h, w = frame.shape[:2]
    if len(sample) == 2:
        x, y = sample
        box = (x - 2, y - 2, 5, 5)
    elif len(sample) == 4:
        box = sample
    else:
        raise ValueError(f"sample must be a point (x, y) or a box (x, y, w, h), got {sample!r}")
    x, y, bw, bh = (int(v) for v in box)
    if not (0 <= sample[0] < w and 0 <= sample[1] < h) or bw <= 0 or bh <= 0:
        raise ValueError(f"sample {sample!r} is outside the {w}x{h} frame")
    patch = frame[max(y, 0) : min(y + bh, h), max(x, 0) : min(x + bw, w)]
    b, g, r = (int(v) for v in np.median(patch.reshape(-1, 3), axis=0))
    return b, g, r


def _measure(
    frame: BGRImage, screen_small: FloatImage, primary: int, mask: Mask
) -> tuple[float, tuple[float, ...]]:
    """Relative noise of the key strength on the screen, and the ramp's measured end per
    denoise radius (see :class:`Calibration`)."""
    h, w = frame.shape[:2]
    _, strength = full_resolution(screen_small, primary, (w, h))
    screen_core = cv2.erode(mask.astype(np.uint8), np.ones((5, 5), np.uint8))
    if screen_core.sum() < 50:
        screen_core = mask.astype(np.uint8)
    difference = colour_difference(frame, primary=primary)
    spread = []
    noise = 0.0
    for radius in range(MAX_DENOISE + 1):
        smoothed = denoise(difference, radius=radius)
        shortfall = _sample(strength.astype(np.float32) - smoothed, screen_core)
        if radius == 0:
            noise = float(shortfall.std() / max(1.0, float(np.median(strength))))
        # integer levels make far tails lumpy: at least four standard deviations
        tail = float(shortfall.mean() + 4.0 * shortfall.std())
        spread.append(max(float(np.percentile(shortfall, 99.9)), tail))
    return noise, tuple(spread)


def _sample(values: np.ndarray, small_mask: np.ndarray, limit: int = 200_000) -> np.ndarray:
    """Up to about ``limit`` values of a full-size array where a small mask is set."""
    h, w = values.shape
    inside = cv2.resize(small_mask, (w, h), interpolation=cv2.INTER_NEAREST).astype(bool)
    step = max(1, int(np.sqrt(inside.sum() / limit)))
    picked: np.ndarray = values[::step, ::step][inside[::step, ::step]].astype(np.float32)
    return picked
