"""The subject's own lean towards the screen colour, which the spill removal keeps (the
floor of :mod:`keying.blend`), worked out on the coarse grid once a frame.

The blend takes off the screen channel's lead over the other two (the spill) down to a
floor: a green jumper's lean is its colour, not spill. The floor is the lean of the solid
subject nearby, except where that subject is a grey or a black with the screen's light
on it: in linear light such a colour is a neutral plus a small share of the screen's
colour, and its lean is spill, so its floor is 0 and the spill comes off (a grey card or a
black jumper beside the screen keeps its true colour, not a green cast).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from kaizen_studio.keying.frames import Matte
from kaizen_studio.keying.lead import FloatImage, FloatMap, largest_nearby
from kaizen_studio.keying.screen import CAMERA_GAMMA, others

SPILL_MOST = 0.2
"""The largest share of the screen's light (in linear light) taken for spill on a grey:
more than a screen throws on a subject standing in front of it, less than a pale green
shirt holds."""
GREY_SPREAD = 0.12
"""A colour whose channels, in linear light, spread (max less min) by at most this share
of the largest is a grey (about 5% in the camera's levels)."""
GREY_LEVELS = 8.0
"""...or by at most this many of the camera's levels: the noise and compression of a
small block's colour (four pixels of it) on a dark grey or a black."""


def lean(colour: FloatImage, primary: int) -> FloatMap:
    """The ``primary`` channel less the mean of the other two (any units), float32."""
    a, b = others(primary)
    out: FloatMap = (colour[..., primary] - 0.5 * (colour[..., a] + colour[..., b])).astype(
        np.float32
    )
    return out


def spilled_grey(colour: FloatImage, lit: FloatImage, *, primary: int) -> npt.NDArray[np.bool_]:
    """Where ``colour`` is a grey (or black, or white) with the screen's light on it.

    Parameters
    ----------
    colour : float32 (h, w, 3), BGR levels 0..255, the camera's colour per coarse pixel
    lit : float32 (h, w, 3), the screen's colour as lit now, same grid
    primary : the screen's channel

    Returns
    -------
    bool (h, w): in linear light, the colour less the share ``k`` of the screen's colour
    that explains its lean (0 <= k <= :data:`SPILL_MOST`) is neutral within
    :data:`GREY_SPREAD` (or :data:`GREY_LEVELS`)
    """
    scale = np.float32(1 / 255)
    p = np.power(np.maximum(colour, 0.0) * scale, np.float32(CAMERA_GAMMA))
    s = np.power(np.maximum(lit, 0.0) * scale, np.float32(CAMERA_GAMMA))
    share = lean(p, primary) / np.maximum(lean(s, primary), np.float32(1e-3))
    k = np.clip(share, 0.0, SPILL_MOST)[..., None]
    rest = p - k * s
    high, low = rest.max(axis=2), rest.min(axis=2)
    inverse = np.float32(1 / CAMERA_GAMMA)
    levels = 255 * (
        np.power(np.maximum(high, 0.0), inverse) - np.power(np.maximum(low, 0.0), inverse)
    )
    grey: npt.NDArray[np.bool_] = (share <= SPILL_MOST) & (
        (high - low <= GREY_SPREAD * high) | (levels <= GREY_LEVELS)
    )
    return grey


def own_lean_floor(
    colour: FloatImage,
    lit: FloatImage,
    solid: Matte,
    *,
    primary: int,
    labels: npt.NDArray[np.int32] | None = None,
) -> Matte:
    """The floor of the spill removal per coarse pixel, uint8 levels.

    Parameters
    ----------
    colour : float32 (h, w, 3), BGR levels, the camera's colour per coarse pixel
    lit : float32 (h, w, 3), the screen's colour as lit now
    solid : uint8 (h, w), the solid subject (non-zero)
    primary : the screen's channel
    labels : :func:`keying.lead.nearest_solid` of ``solid``, if already worked out

    Returns
    -------
    uint8 (h, w): the largest own lean (the camera's lean, 0 on spilled greys) of the
    solid subject nearby; beyond its reach, the nearest solid's (a thin green sleeve
    stays green)
    """
    own = lean(colour, primary)
    own[spilled_grey(colour, lit, primary=primary)] = 0.0
    floor: Matte = np.clip(largest_nearby(own, solid, far=True, labels=labels), 0, 255).astype(
        np.uint8
    )
    return floor
