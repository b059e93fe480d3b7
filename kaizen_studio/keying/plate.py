"""The difference key against a picture of the empty screen (a clean plate), for where
the screen has no usable colour: a window's glare turning a cloth cyan, a dark sheet under
tungsten light, anything in the picture that is not the screen's colour.

With a plate, the keyer knows what is behind every pixel. Where the plate shows the
screen's colour strongly (its colour difference well above the noise), the chroma key
stays in charge: it keeps hair, shadows and spill right, where a difference key takes a
moving shadow, the cloth's sway or the light's flicker for the subject (tried: on the
synthetic benchmark's scenes, the larger of the two keyed 40 times the alpha error).
Where the plate has no usable colour, the difference key alone decides. The weight
between the two is the plate's *reliability*, worked out once per plate and frame size
(:func:`plate_key`).

The difference is measured in YCrCb (brightness apart from colour, as the eye sees them),
a darker frame's colour brought up to the plate's brightness first, less the frame's overall
change of exposure and white balance since the plate (a median), against the
cameras' own noise measured in both pictures. A darker frame counts less than a brighter
one (a shadow, see :data:`SHADOW_WEIGHT`). OpenCV calls on a copy about a quarter of 1080p
(:data:`WORK_HEIGHT`), four at the frame's size: only frames keyed with a plate pay for
them (about 16 ms of CPU at 1080p on this machine, busy).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

from kaizen_studio.keying.frames import BGRImage, Matte
from kaizen_studio.keying.matte import colour_difference

FloatMap = npt.NDArray[np.float32]

RELIABLE = (20.0, 40.0)
"""The plate's colour difference (levels, smoothed) from which the chroma key starts to
be trusted, and from which it is trusted fully."""
RELIABLE_SIGMA = 1.0 / 120.0
"""The plate's colour difference is smoothed over this share of the frame's height: the
weight changes over a region, not from one noisy pixel to the next."""
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
the light's flicker there is the chroma key's to judge."""
SHADOW_WEIGHT = 0.4
"""How much a darker frame counts against a brighter one: a shadow dims the screen and
whatever else the plate shows (the subject blocks some of the light), while most subjects
differ in colour as well."""
CHROMA_WEIGHT = 2.0
"""How much a change of colour (Cr, Cb) counts against one of brightness (Y)."""
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
    reliable : the same at the frame's size, uint8 0..255
    unreliable : 255 less it
    noise : the plate's noise in Y on the working grid, levels
    size : the frames' (width, height)
    """

    plate: FloatMap
    reliable_small: FloatMap
    reliable: Matte
    unreliable: Matte
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
    lead = colour_difference(plate, primary=primary).astype(np.float32)
    lead = cv2.GaussianBlur(lead, (0, 0), max(1.0, h * RELIABLE_SIGMA))
    low, high = RELIABLE
    reliable = np.clip((lead - low) / (high - low), 0.0, 1.0).astype(np.float32)
    small = cv2.resize(plate, work_size(size), interpolation=cv2.INTER_AREA)
    full = np.clip(reliable * 255.0 + 0.5, 0, 255).astype(np.uint8)
    return PlateKey(
        plate=cv2.cvtColor(small, cv2.COLOR_BGR2YCrCb).astype(np.float32),
        reliable_small=cv2.resize(reliable, work_size(size), interpolation=cv2.INTER_AREA),
        reliable=full,
        unreliable=255 - full,
        noise=camera_noise(small),
        size=size,
    )


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
    box = max(3, round(small.shape[0] * BLUR_SHARE) | 1)
    distance = cv2.blur(distance, (box, box))
    noise = float(np.hypot(key.noise, camera_noise(small)))
    low = NOISE_TIMES * max(noise, 1.0) + NOISE_FLOOR + RELIABLE_EXTRA * key.reliable_small
    alpha: FloatMap = np.clip((distance - low) / DIFFERENCE_SPAN, 0.0, 1.0).astype(np.float32)
    return alpha


def with_plate(alpha: Matte, frame: BGRImage, key: PlateKey, *, out: Matte) -> Matte:
    """The chroma key's ``alpha`` where the plate is reliable, the difference key of
    ``frame`` where it is not, weighted by the reliability in between (``r a + (1 - r)
    d``, in uint8 at the frame's size). Written into ``out`` (may be ``alpha``)."""
    if frame.shape[1::-1] != key.size or alpha.shape != frame.shape[:2]:
        raise ValueError(
            f"the plate was made ready for {key.size[0]}x{key.size[1]} frames, got "
            f"{frame.shape[1]}x{frame.shape[0]}"
        )
    small = np.clip(difference_alpha(frame, key) * 255.0 + 0.5, 0, 255).astype(np.uint8)
    difference = cv2.resize(small, key.size, interpolation=cv2.INTER_LINEAR)
    cv2.multiply(difference, key.unreliable, dst=difference, scale=1.0 / 255.0)
    cv2.multiply(alpha, key.reliable, dst=out, scale=1.0 / 255.0)
    return cv2.add(out, difference, dst=out)
