"""The difference key against a picture of the empty screen (a clean plate), for where
the screen has no usable colour: a window's glare turning a cloth cyan, a dark sheet under
tungsten light; and to hold a subject of nearly the screen's colour (a green shirt).

With a plate, the keyer knows what is behind every pixel. Where the plate shows the
screen's colour well above the camera's noise, the chroma key stays in charge: it keeps
hair, shadows and spill right, where a difference key takes a moving shadow, the cloth's
sway or the light's flicker for the subject. Where the plate shows the screen without
usable colour (a glare through the cloth keeps out the channel the dye takes out, see
:func:`cloth`), the difference key decides; where the plate shows no screen at all (a
prop, a stand, the wall beside the cloth), it says nothing, and the chroma key keys what
stands there. The weight between the two is the plate's *reliability*, worked out once
per plate and frame size (:func:`plate_key`). Neither key may take away what the other is
sure of (:func:`with_plate`).

The difference is measured in YCrCb (brightness apart from colour, as the eye sees them),
a darker frame's colour brought up to the plate's brightness first, less the frame's overall
change of exposure and white balance since the plate (a median), against the cameras' own
noise measured in both pictures and the spread the two show on the empty screen itself
(:func:`measured_spread`). A darker frame counts less than a brighter one (a shadow, see
:data:`SHADOW_WEIGHT`). Where the screen has colour, the hue (blind to shadows) is compared
too (:func:`hue_alpha`). OpenCV calls on a copy about a quarter of 1080p
(:data:`WORK_HEIGHT`), a few at the frame's size: only frames keyed with a plate pay for
them.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

from kaizen_studio.keying.frames import BGRImage, Matte
from kaizen_studio.keying.matte import colour_difference
from kaizen_studio.keying.screen import CAMERA_GAMMA, chromaticity

FloatMap = npt.NDArray[np.float32]

RELIABLE = (20.0, 40.0)
"""The plate's colour difference (levels, smoothed) from which the chroma key starts to
be trusted, and from which it is trusted fully."""
RELIABLE_NOISE = (10.0, 20.0)
"""...and at least this many times the noise in the plate's colour difference (levels): a
lead ``n`` times its noise keys the clear screen with an alpha noise of about ``1 / n``,
so 10% where the trust starts, 5% (the footage benchmark's leftover) where it is full."""
RELIABLE_SIGMA = 1.0 / 120.0
"""The plate's colour difference is smoothed over this share of the frame's height: the
weight changes over a region, not from one noisy pixel to the next."""
NEAR_SIGMA = 1.5
"""Pixels (sigma) over which the plate's own colour difference bounds that trust."""
NOISE_TIMES = 4.0
NOISE_FLOOR = 8.0
"""The difference key starts this many times the two pictures' noise (levels) above it,
plus the floor (JPEG blocks, a little camera shake)."""
DIFFERENCE_SPAN = 20.0
"""Levels of difference from clear screen to a solid subject."""
DARKEST = 16.0
MOST_SCALE = 4.0
"""Brightness (Y levels) below which colours are compared as if this bright, and the most
a frame's colour is scaled to the plate's brightness: near black, colour is noise."""
RELIABLE_EXTRA = 8.0
"""Where the screen has colour, the difference key starts this much higher: a shadow or
the light's flicker there is the chroma key's to judge. Above it, the difference key
holds a subject the chroma key takes for screen (a green shirt, see :func:`with_plate`)."""
CLOTH_PASS = 0.3
"""A screen's dye takes its weakest channel out of whatever light it sends to the camera,
its own colour or a window's glare through it: in linear light that channel stays under
this share of the primary there. A grey, white or dark thing the plate shows (a prop, a
stand, the wall beside the cloth) has about as much of it as of the primary: it is not
the screen, and the plate says nothing about what is in front of it."""
MIN_COLOURED = 0.01
"""A plate with less than this share of it in the screen's colour has none: it is all
screen (a dark sheet, a wall), and the difference key keys it all."""
SHADOW_WEIGHT = 0.4
"""How much a darker frame counts against a brighter one: a shadow dims the screen and
whatever else the plate shows (the subject blocks some of the light), while most subjects
differ in colour as well."""
CHROMA_WEIGHT = 2.0
"""How much a change of colour (Cr, Cb) counts against one of brightness (Y)."""
SPREAD_TIMES = 6.0
CLEAR_LEVEL = 25
"""Alpha levels (0..255) up to which the chroma key takes a pixel for clear screen."""
SURE_GAIN = 4.0
"""A difference a quarter of the way to solid (already past the noise and the measured
spread) is sure enough that something stands there: the chroma key's alpha is kept."""
HUE_TIMES = 6.0
HUE_FLOOR = 0.05
HUE_SPAN = 0.02
"""A difference (levels) or, where the screen has colour, a hue (shares of the primary;
at least the floor) off the plate's by this many robust deviations of the empty screen's
own beyond their median starts to be a subject, and is one a span further (see
:func:`measured_spread`, :func:`hue_alpha`)."""
WORK_HEIGHT = 270
"""The difference is worked out on a copy about this many rows tall (a quarter of 1080p):
it is averaged over many pixels anyway, and a live show with a plate keeps its speed."""
BLUR_SHARE = 1.0 / 70.0
"""The difference is averaged over a box this share of the frame's height (odd, >= 3):
the cameras' noise averages out, an edge stays within a few pixels."""


@dataclass(frozen=True, eq=False)
class PlateKey:
    """A plate made ready for frames of one size.

    plate : the plate in YCrCb on the working grid (see :data:`WORK_HEIGHT`), float32
    reliable_small : 0..1 float32 on the working grid, how far the chroma key is trusted
    reliable : the same at the frame's size, uint8 0..255 (255 also where the plate does
        not show the screen, see :func:`cloth`)
    unreliable : 255 less it: the difference key's weight
    screen : where the plate shows the screen (see :func:`cloth`), uint8 0..255: the
        difference key counts only there
    screen_small : where the plate shows the screen, on the working grid, 0..1 float32
    plate_hue : the plate's hue (see :func:`keying.screen.chromaticity`) on the working
        grid, float32 (h, w, 2)
    primary : the screen's channel
    noise : the plate's noise in Y on the working grid, levels
    size : the frames' (width, height)
    """

    plate: FloatMap
    reliable_small: FloatMap
    reliable: Matte
    unreliable: Matte
    screen: Matte
    plate_hue: FloatMap
    screen_small: FloatMap
    primary: int
    noise: float
    size: tuple[int, int]


def work_size(size: tuple[int, int]) -> tuple[int, int]:
    """The working grid for frames of ``size`` (w, h): about :data:`WORK_HEIGHT` rows."""
    w, h = size
    factor = max(1, round(h / WORK_HEIGHT))
    return max(8, -(-w // factor)), max(8, -(-h // factor))


def camera_noise(image: BGRImage) -> float:
    """The standard deviation of a picture's noise in Y (levels): the median absolute
    difference from a 3x3 mean, scaled as for a normal distribution."""
    y = cv2.cvtColor(image, cv2.COLOR_BGR2YCrCb)[..., 0].astype(np.float32)
    high = y - cv2.blur(y, (3, 3))
    return float(np.median(np.abs(high[::2, ::2])) * 1.4826 * 1.06)


def plate_key(plate: BGRImage, *, primary: int, size: tuple[int, int]) -> PlateKey:
    """``plate`` (BGR uint8) made ready for frames of ``size`` (w, h): resized if it
    differs, turned into YCrCb on the working grid, with its reliability from its own
    colour difference towards ``primary`` (see :data:`RELIABLE`)."""
    h = size[1]
    if plate.shape[1::-1] != size:
        plate = cv2.resize(plate, size, interpolation=cv2.INTER_AREA)
    raw = colour_difference(plate, primary=primary).astype(np.float32)
    # smoothed over a region, but never above what the plate shows nearby: a glare
    # beside strong screen keeps no trust from it
    lead = cv2.min(
        cv2.GaussianBlur(raw, (0, 0), max(1.0, h * RELIABLE_SIGMA)),
        cv2.GaussianBlur(raw, (0, 0), NEAR_SIGMA),
    )
    # and never where the colour's lead is not well above the camera's noise in it: the
    # chroma key's alpha there is noise (a dark sheet under tungsten light)
    ripple = raw - cv2.blur(raw, (3, 3))
    lead_noise = float(np.median(np.abs(ripple[::2, ::2]))) * 1.4826 * 1.06
    low = max(RELIABLE[0], RELIABLE_NOISE[0] * lead_noise)
    high = max(RELIABLE[1], RELIABLE_NOISE[1] * lead_noise)
    reliable = np.clip((lead - low) / (high - low), 0.0, 1.0).astype(np.float32)
    # where the plate shows no screen at all, the chroma key is in charge too: a prop
    # the plate shows is still in the frame, and no difference keys it out
    small = cv2.resize(plate, work_size(size), interpolation=cv2.INTER_AREA)
    coloured = cv2.resize(reliable, work_size(size), interpolation=cv2.INTER_AREA) >= 0.5
    screen = cloth(small, primary=primary, coloured=coloured)
    screen = cv2.resize(screen, size, interpolation=cv2.INTER_LINEAR)
    reliable = 1.0 - (1.0 - reliable) * screen
    full = np.clip(reliable * 255.0 + 0.5, 0, 255).astype(np.uint8)
    return PlateKey(
        plate=cv2.cvtColor(small, cv2.COLOR_BGR2YCrCb).astype(np.float32),
        reliable_small=cv2.resize(reliable, work_size(size), interpolation=cv2.INTER_AREA),
        reliable=full,
        unreliable=255 - full,
        screen=np.clip(screen * 255.0 + 0.5, 0, 255).astype(np.uint8),
        plate_hue=chromaticity(small.astype(np.float32), primary),
        screen_small=cv2.resize(screen, work_size(size), interpolation=cv2.INTER_AREA),
        primary=primary,
        noise=camera_noise(small),
        size=size,
    )


def cloth(
    small: npt.NDArray[np.uint8] | FloatMap, *, primary: int, coloured: npt.NDArray[np.bool_]
) -> FloatMap:
    """Where a plate (BGR levels, small) shows the screen, 0..1 float32: its ``coloured``
    pixels (the screen's own colour, well above the noise) and every pixel keeping the
    channel the screen's dye takes out under :data:`CLOTH_PASS` of the primary, in linear
    light (a glare through the cloth); everywhere when almost nothing is coloured (a dark
    sheet, a wall: the plate is the screen, whatever it shows). Lightly smoothed, so the
    weight does not jump."""
    if coloured.mean() < MIN_COLOURED:
        return np.ones(small.shape[:2], np.float32)
    smooth_plate = cv2.GaussianBlur(np.asarray(small, np.float32), (0, 0), NEAR_SIGMA)
    linear = np.power(smooth_plate * np.float32(1 / 255), np.float32(CAMERA_GAMMA))
    weakest = int(np.argmin(np.median(linear[coloured], axis=0)))
    passed = linear[..., weakest] <= CLOTH_PASS * linear[..., primary]
    found = (coloured | passed).astype(np.float32)
    smooth: FloatMap = cv2.GaussianBlur(found, (0, 0), 1.0)
    return smooth


def difference_alpha(frame: BGRImage, key: PlateKey) -> FloatMap:
    """How far each pixel of ``frame`` is from the plate, as alpha 0..1 (float32) on the
    working grid: 0 up to the noise, 1 from :data:`DIFFERENCE_SPAN` levels beyond it; see
    the module's notes for the measure."""
    small = cv2.resize(frame, key.plate.shape[1::-1], interpolation=cv2.INTER_AREA)
    ycc = cv2.cvtColor(small, cv2.COLOR_BGR2YCrCb).astype(np.float32)
    y, y0 = ycc[..., 0], key.plate[..., 0]
    # where the frame is darker, its colour brought up to the plate's brightness: a shadow
    # or a dimmer exposure scales brightness and colour alike, and leaves no colour
    # difference (a brighter pixel is compared as it is: light is not taken away)
    scale = np.clip(np.maximum(y0, DARKEST) / np.maximum(y, DARKEST), 1.0, MOST_SCALE)
    change = np.empty_like(ycc)
    change[..., 0] = y - y0
    change[..., 1:] = (ycc[..., 1:] - 128.0) * scale[..., None] - (key.plate[..., 1:] - 128.0)
    # the exposure's and white balance's change since the plate: most of the picture is
    # the empty screen
    change -= np.median(change[::2, ::2].reshape(-1, 3), axis=0)
    dy, dcr, dcb = cv2.split(change)
    dy = np.where(dy < 0, dy * np.float32(SHADOW_WEIGHT), dy)
    distance = cv2.magnitude(dy, np.sqrt(CHROMA_WEIGHT * (dcr * dcr + dcb * dcb)))
    box = blur_box(small.shape[0])
    distance = cv2.blur(distance, (box, box))
    noise = float(np.hypot(key.noise, camera_noise(small)))
    low = NOISE_TIMES * max(noise, 1.0) + NOISE_FLOOR
    # or, where the two pictures disagree more on the empty screen itself than their
    # noise says (JPEG's blocks and colour, the light's flicker), beyond that spread
    low = max(low, measured_spread(distance, key.screen_small > 0.5, times=SPREAD_TIMES))
    start = low + RELIABLE_EXTRA * key.reliable_small
    alpha: FloatMap = np.clip((distance - start) / DIFFERENCE_SPAN, 0.0, 1.0).astype(np.float32)
    return alpha


def measured_spread(distance: FloatMap, where: npt.NDArray[np.bool_], *, times: float) -> float:
    """The empty screen's middle ``distance`` over ``where`` plus ``times`` its standard
    deviation, both read off the lower part of the distances (their 10th and 40th
    percentiles, as of a normal spread), which a subject covering up to half the
    picture leaves to the screen; 0 when ``where`` has under 16 pixels."""
    seen = distance[where]
    if seen.size < 16:
        return 0.0
    q10, q40 = np.percentile(seen, [10.0, 40.0])
    sigma = float(q40 - q10) / (1.2816 - 0.2533)
    return float(q40) + (0.2533 + times) * sigma


def hue_alpha(frame: BGRImage, key: PlateKey) -> FloatMap:
    """Where ``frame``'s hue (the other channels as shares of the primary, blind to a
    shadow) differs from the plate's, as alpha 0..1 (float32) on the working grid, where
    the plate shows the screen's colour (its reliability): 0 up to the spread the frame
    and the plate show on the screen itself, 1 from :data:`HUE_SPAN` beyond it; shrunk by
    the box it is averaged over, so that it holds the inside of a cloth of the screen's
    near colour (a green shirt) and leaves its edges to the chroma key.

    The spread is measured, not assumed: the hue difference's median and its robust
    deviation over the screen (most of the picture; a cloth that moved between the two
    pictures, a crease's new angle to the light and JPEG's colour all widen it). A shirt
    whose hue lies within it cannot be told from the screen, plate or none: it stays
    see-through, and :func:`keying.keyable.check_keyable` says so.
    """
    small = cv2.resize(frame, key.plate.shape[1::-1], interpolation=cv2.INTER_AREA)
    change = chromaticity(small.astype(np.float32), key.primary) - key.plate_hue
    inside = key.reliable_small > 0.5
    if inside.sum() < 16:
        return np.zeros(inside.shape, np.float32)
    change -= np.median(change[inside], axis=0)  # the white balance's change since the plate
    distance = np.abs(change).max(axis=2)
    box = blur_box(small.shape[0])
    distance = cv2.blur(distance, (box, box))
    low = max(measured_spread(distance, inside, times=HUE_TIMES), HUE_FLOOR)
    alpha = np.clip((distance - low) / HUE_SPAN, 0.0, 1.0) * key.reliable_small
    shrunk: FloatMap = cv2.erode(alpha.astype(np.float32), np.ones((box, box), np.uint8))
    return shrunk


def with_plate(alpha: Matte, frame: BGRImage, key: PlateKey, *, out: Matte) -> Matte:
    """The chroma key's ``alpha`` and the difference key ``d`` of ``frame`` against the
    plate, where the plate shows the screen, as one matte (uint8 at the frame's size),
    written into ``out`` (may be ``alpha``).

    The two are weighted by the plate's reliability ``r`` (``r a + (1 - r) d``: the
    chroma key keeps hair and shadows right where the screen has colour, the difference
    key alone knows a glare or a dark sheet), and then neither may take away what the
    other is sure of: a pixel the difference key finds unlike the plate keeps the chroma
    key's alpha up to :data:`SURE_GAIN` times the difference (a leg over the glare's dim
    border, or over a part of the screen only partly trusted), and the
    inside of what surely differs from the plate stays solid (a green shirt the chroma
    key takes for screen: the difference, starting :data:`RELIABLE_EXTRA` higher where
    the screen has colour, or the hue, :func:`hue_alpha`, shrunk by the box they are
    averaged over, so that the chroma key still draws the edges).
    """
    if frame.shape[1::-1] != key.size or alpha.shape != frame.shape[:2]:
        raise ValueError(
            f"the plate was made ready for {key.size[0]}x{key.size[1]} frames, got "
            f"{frame.shape[1]}x{frame.shape[0]}"
        )
    small = difference_alpha(frame, key)
    box = blur_box(small.shape[0])
    # what surely differs from the plate where the screen has colour: the inside of a
    # hue unlike the plate's (blind to a shadow, which the difference is not)
    kernel = np.ones((box, box), np.uint8)
    firm_small = hue_alpha(frame, key)
    # only inside a region the chroma key takes for clear screen all through: a mix of
    # the screen with hair or a blurred hand differs from the plate too, and the chroma
    # key's partial alpha there is right
    seen = cv2.resize(alpha, small.shape[1::-1], interpolation=cv2.INTER_AREA)
    clear = cv2.erode((seen <= CLEAR_LEVEL).astype(np.uint8), kernel)
    firm_small *= clear
    difference, firm = (
        cv2.resize(_levels(m), key.size, interpolation=cv2.INTER_LINEAR)
        for m in (small, firm_small)
    )
    for m in (difference, firm):
        cv2.multiply(m, key.screen, dst=m, scale=1.0 / 255.0)
    sure = cv2.min(alpha, cv2.multiply(difference, SURE_GAIN))
    weighted = cv2.multiply(difference, key.unreliable, scale=1.0 / 255.0)
    cv2.multiply(alpha, key.reliable, dst=out, scale=1.0 / 255.0)
    cv2.add(out, weighted, dst=out)
    cv2.max(out, sure, dst=out)
    return cv2.max(out, firm, dst=out)


def _levels(alpha: FloatMap) -> Matte:
    """A 0..1 float map as uint8 levels."""
    levels: Matte = np.clip(alpha * 255.0 + 0.5, 0, 255).astype(np.uint8)
    return levels


def blur_box(rows: int) -> int:
    """The box (odd, >= 3) the difference is averaged over on a working grid ``rows``
    tall (see :data:`BLUR_SHARE`)."""
    return max(3, round(rows * BLUR_SHARE) | 1)
