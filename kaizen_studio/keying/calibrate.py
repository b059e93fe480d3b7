"""Auto-calibration: find the screen in one frame, its colour, how it is lit, how noisy.

No user input is needed; a colour, an eyedropper point or box, or a clean plate of the
empty screen can be given instead. All the searching happens on a small copy of the frame;
only the noise measurement looks at full resolution.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

from kaizen_studio.keying.backing import (
    MIN_LEAD,
    find_backing,
    largest_regions,
    match_colour,
    through_cloth,
    without_mixes,
    without_things,
)
from kaizen_studio.keying.errors import NoScreenFoundError
from kaizen_studio.keying.extent import board_outline, keep_within, outline_share
from kaizen_studio.keying.frames import BGRImage, Matte, check_colour, check_frame
from kaizen_studio.keying.matte import colour_difference, denoise
from kaizen_studio.keying.plate import cloth
from kaizen_studio.keying.screen import (
    CHANNEL_NAMES,
    FloatImage,
    Mask,
    excess,
    fill_screen,
    full_resolution,
    working_copy,
)
from kaizen_studio.keying.shapes import Polygon

WORK_WIDTH = 320
PLATE_WORK_WIDTH = 640
MAX_DENOISE = 3
SOFT_CHROMA_RATIO = 0.7
"""Colour sent at half resolution (4:2:0) and scaled back up changes about half as much
between neighbouring pixels as between pixels two apart (0.8 to 1 for full-resolution
colour, noise and all); below this ratio the camera's colour is taken as 4:2:0."""
NOT_SCREEN_GREY = 128
"""The level a frame's own plate is painted where it shows no screen (see :func:`_own_plate`)."""
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
        screen has no usable colour (see :mod:`keying.plate`); without one, where the
        frame shows a glare through the cloth, the frame itself there (see
        :func:`_own_plate`); else None
    soft_chroma : the camera sends colour at half resolution (4:2:0, as webcams and
        MJPEG do), so colour edges are smeared over a few pixels
    keep : the automatic garbage matte (see :mod:`keying.extent`): polygons, normalised,
        the subject stays within; empty when the whole frame may hold it
    board_share : when the screen is a board covering part of the picture, the share of
        the picture within its outline (the subject in front included); 0 otherwise
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
    keep: tuple[Polygon, ...] = ()
    board_share: float = 0.0

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
            f"{self.cut_away()}"
        )

    def cut_away(self) -> str:
        """What the automatic garbage matte cuts away, in words ('' when nothing)."""
        if self.board_share > 0:
            return (
                f"; the screen is a board over {self.board_share:.0%} of the picture: "
                "everything beside and above it is cut away (whoever stands there too), "
                "as there is no screen behind it to key against; below it, what stands "
                "there stays"
            )
        if self.keep:
            return "; the black bars at the picture's edges are cut away"
        return ""

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
            primary, mask = match_colour(small, key)
        elif isinstance(screen, str):
            primary, mask = find_backing(small, screen)
        else:
            primary, mask = match_colour(small, check_colour(screen))
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
    # what is never subject, or cannot be told from it: black bars, beyond a board
    # (a board's outline from the frame only: a plate shows no subject to place)
    regions = largest_regions(mask) if plate is None else None
    keep = keep_within(frame, regions)
    board = 0.0
    if regions is not None and board_outline(regions) is not None:
        board = outline_share(regions)
    through = np.zeros(mask.shape, bool)
    if plate is None:  # the map and the noise from the screen only, not the subject's blur
        # nor the things of nearly its colour in front of it
        mask = without_things(small, primary, without_mixes(small, primary, mask))
        through = through_cloth(small, primary, mask)
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
        plate=_own_plate(frame, mask, through)
        if plate is None
        else np.ascontiguousarray(plate).copy(),
        keep=keep,
        board_share=board,
    )


def _own_plate(frame: BGRImage, mask: Mask, through: Mask) -> BGRImage | None:
    """The calibration frame as its own clean plate where it shows a glare through the
    cloth (``through``, see :func:`keying.backing.through_cloth`), which has no colour to
    key by: the difference key then keys it against what the screen looked like there,
    and keys whoever steps in front of it later. The frame's screen (``mask``) stays as
    it is, so that the plate knows which is the screen's colour; the rest (the subject,
    whom the plate must not key out) is painted a neutral grey, which the plate takes for
    no screen at all (see :func:`keying.plate.cloth`): the chroma key keys it. None when
    there is no such glare."""
    if not through.any():
        return None
    h, w = frame.shape[:2]
    shown = (mask | through).astype(np.uint8) * 255
    screen = cv2.resize(shown, (w, h), interpolation=cv2.INTER_LINEAR) >= 128
    own = np.ascontiguousarray(frame).copy()
    own[~screen] = NOT_SCREEN_GREY
    return own


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
