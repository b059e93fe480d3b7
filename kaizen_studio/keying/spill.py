"""How much of the subject's lean towards the screen colour is the screen's light, worked
out on the coarse grid once a frame for the spill removal of :mod:`keying.blend`.

Two maps, both in the camera's levels of lean (the screen's channel less the mean of the
other two):

- the **added** lean: the screen's light falls on the subject and adds to it in linear
  light. How much (a share ``k`` of the screen's light as lit now) is read off the picture
  itself: on a grey, a black or a white the whole lean is that light, so the greys of the
  solid subject give ``k`` (:func:`spill_share`). Every solid colour
  then has ``k`` times the screen's light taken off in linear light, and the lean that
  removes is the added lean (:func:`added_lean`): the blend takes it off as light, on
  purple, red and skin as on grey. No grey in the subject: ``k`` is 0 and nothing is
  taken off that way.
- the **floor**: the subject's own lean once that light is gone, which the removal never
  goes below (a green jumper's lean is its colour, not spill); the largest nearby, so a
  lean the screen's colour smeared over an edge comes off too.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from kaizen_studio.keying.frames import Matte, channel_max, channel_min
from kaizen_studio.keying.lead import FloatImage, FloatMap, largest_nearby, nearest_solid
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
LEAST_GREYS = 8
"""Solid grey coarse pixels needed before their median share is the subject's spill:
fewer is a speck of white (an eye, a catch light), not a lit surface."""
SHARE_QUANTILE = 0.25
"""Which of the greys' shares is the subject's (their lower quartile): a share too large
takes off more than the screen's light and turns skin and greys purple, more in sight
than a little green left; the quartile leaves out the greys a codec's colour error
lifts. Tuned on the colour chart's tuning shots (``python -m benchmarks.chart --tune``)."""
LEAST_RANGE = 0.5
"""Greys whose darker half is more than this share of the brighter half's brightness
are taken as all one brightness."""
LEVELS = 255.0
"""The camera's full level."""


@dataclass(frozen=True, slots=True)
class SpillMaps:
    """The coarse maps the blend's spill removal reads (see the module's description).

    floor : uint8 (h, w), levels of lean the removal keeps
    added : uint8 (h, w), levels of lean that are the screen's light, taken off as light
    light : the screen's light found on the subject
    """

    floor: Matte
    added: Matte
    light: SpillLight


def lean(colour: FloatImage, primary: int) -> FloatMap:
    """The ``primary`` channel less the mean of the other two (any units), float32."""
    a, b = others(primary)
    out: FloatMap = (colour[..., primary] - 0.5 * (colour[..., a] + colour[..., b])).astype(
        np.float32
    )
    return out


def to_linear(levels: FloatImage) -> FloatImage:
    """The camera's levels (float32, 0..255) to linear light (0..1, float32)."""
    out: FloatImage = np.power(
        np.maximum(levels, 0.0) * np.float32(1 / LEVELS), np.float32(CAMERA_GAMMA)
    )
    return out


def to_levels(light: FloatImage) -> FloatImage:
    """Linear light (0..1) back to the camera's levels (float32, 0..255)."""
    out: FloatImage = np.float32(LEVELS) * np.power(
        np.maximum(light, 0.0), np.float32(1 / CAMERA_GAMMA)
    )
    return out


def screen_share(
    colour: FloatImage,
    lit: FloatImage,
    *,
    primary: int,
    linear: tuple[FloatImage, FloatImage] | None = None,
) -> FloatMap:
    """Per pixel, the share of the screen's light (``lit``, levels) that would explain
    ``colour``'s lean (levels) in linear light, float32 (any sign); ``linear``: the two
    in linear light (:func:`to_linear`), if already worked out."""
    p, s = (to_linear(colour), to_linear(lit)) if linear is None else linear
    share: FloatMap = (lean(p, primary) / np.maximum(lean(s, primary), 1e-3)).astype(np.float32)
    return share


def spilled_grey(
    colour: FloatImage,
    lit: FloatImage,
    *,
    primary: int,
    linear: tuple[FloatImage, FloatImage] | None = None,
) -> npt.NDArray[np.bool_]:
    """Where ``colour`` is a grey (or black, or white) with the screen's light on it.

    Parameters
    ----------
    colour : float32 (h, w, 3), BGR levels 0..255, the camera's colour per coarse pixel
    lit : float32 (h, w, 3), the screen's colour as lit now, same grid
    primary : the screen's channel
    linear : ``colour`` and ``lit`` in linear light (:func:`to_linear`), if worked out

    Returns
    -------
    bool (h, w): in linear light, the colour less the share ``k`` of the screen's colour
    that explains its lean (0 <= k <= :data:`SPILL_MOST`) is neutral within
    :data:`GREY_SPREAD` (or :data:`GREY_LEVELS`)
    """
    p, s = (to_linear(colour), to_linear(lit)) if linear is None else linear
    share = lean(p, primary) / np.maximum(lean(s, primary), np.float32(1e-3))
    k = np.clip(share, 0.0, SPILL_MOST)[..., None]
    rest = p - k * s
    high, low = channel_max(rest), channel_min(rest)
    inverse = np.float32(1 / CAMERA_GAMMA)
    levels = LEVELS * (
        np.power(np.maximum(high, 0.0), inverse) - np.power(np.maximum(low, 0.0), inverse)
    )
    grey: npt.NDArray[np.bool_] = (share <= SPILL_MOST) & (
        (high - low <= GREY_SPREAD * high) | (levels <= GREY_LEVELS)
    )
    return grey


@dataclass(frozen=True, slots=True)
class SpillLight:
    """The screen's light on the subject, in linear light, as a share of the screen's
    colour as lit now: ``added`` reaches every surface alike (flare, a glow in the air
    and the lens), ``reflected`` is thrown on the subject and reflected by it (a white
    shirt sends back much of it, a dark jumper little); both 0..:data:`SPILL_MOST`."""

    added: float = 0.0
    reflected: float = 0.0

    def without(self, colour: FloatImage, screen: FloatImage) -> FloatImage:
        """``colour`` (linear light) with this light taken off: the surface's own colour
        under the key light, ``(colour - added * screen) / (1 + reflected * screen)``."""
        rest: FloatImage = (colour - np.float32(self.added) * screen) / (
            np.float32(1.0) + np.float32(self.reflected) * screen
        )
        return rest


def spill_light(
    colour: FloatImage,
    lit: FloatImage,
    solid: Matte,
    *,
    primary: int,
    grey: npt.NDArray[np.bool_],
    linear: tuple[FloatImage, FloatImage] | None = None,
) -> SpillLight:
    """The screen's light on the subject, read off its greys.

    On a grey of brightness ``y`` (its two other channels' mean, linear), the share of
    the screen's light that explains its lean is ``added + reflected * y``. The greys
    are split at their median brightness; each half's :data:`SHARE_QUANTILE` share at
    its median brightness gives a line through the two. Greys all about as bright
    (the darker half's brightness more than :data:`LEAST_RANGE` of the brighter's)
    cannot tell the two apart: the light is taken as reflected (the smaller removal on
    the subject's darker colours).

    Parameters
    ----------
    colour, lit : float32 (h, w, 3), BGR levels: the camera's colour and the screen's as
        lit now, per coarse pixel
    solid : uint8 (h, w), the solid subject (non-zero)
    primary : the screen's channel
    grey : bool (h, w), :func:`spilled_grey` of ``colour``
    linear : ``colour`` and ``lit`` in linear light (:func:`to_linear`), if worked out

    Returns
    -------
    :class:`SpillLight`, none at all when fewer than :data:`LEAST_GREYS` solid greys show
    (nothing tells the spill from a colour).
    """
    greys = grey & (solid > 0)
    if int(greys.sum()) < LEAST_GREYS:
        return SpillLight()
    p, s = (to_linear(colour), to_linear(lit)) if linear is None else linear
    p, s = p[greys], s[greys]
    share = np.clip(
        screen_share(colour[greys], lit[greys], primary=primary, linear=(p, s)), 0.0, SPILL_MOST
    )
    a, b = others(primary)
    y = 0.5 * (p[:, a] + p[:, b])
    middle = float(np.median(y))
    dark, bright = y <= middle, y > middle
    if not dark.any() or not bright.any():
        dark = bright = np.ones_like(y, dtype=bool)
    y0, y1 = float(np.median(y[dark])), float(np.median(y[bright]))
    q0 = float(np.quantile(share[dark], SHARE_QUANTILE))
    q1 = float(np.quantile(share[bright], SHARE_QUANTILE))
    if y1 - y0 < 1e-6 or y0 > LEAST_RANGE * y1:  # one brightness: taken as reflected
        q = float(np.quantile(share, SHARE_QUANTILE))
        return SpillLight(reflected=min(q / max(float(np.median(y)), 1e-3), SPILL_MOST))
    slope = (q1 - q0) / (y1 - y0)
    if slope <= 0.0:  # no more on the brighter greys: all added
        return SpillLight(added=min(q0, q1))
    added = max(q0 - slope * y0, 0.0)
    return SpillLight(added=added, reflected=min((q1 - added) / y1, SPILL_MOST))


def added_lean(
    colour: FloatImage,
    lit: FloatImage,
    *,
    light: SpillLight,
    primary: int,
    linear: tuple[FloatImage, FloatImage] | None = None,
) -> FloatMap:
    """The lean (levels, float32 (h, w), >= 0) that ``light`` of the screen (``lit``,
    levels) adds to ``colour`` (levels): the colour's lean less that of the colour with
    the light taken off in linear light (never below black in any channel). ``linear``:
    ``colour`` and ``lit`` in linear light, if already worked out."""
    if light.added <= 0.0 and light.reflected <= 0.0:
        return np.zeros(colour.shape[:2], np.float32)
    p, s = (to_linear(colour), to_linear(lit)) if linear is None else linear
    rest = np.maximum(light.without(p, s), 0.0)
    added: FloatMap = np.maximum(
        lean(colour, primary) - lean(to_levels(rest), primary), np.float32(0.0)
    )
    return added


def spill_maps(
    colour: FloatImage,
    lit: FloatImage,
    solid: Matte,
    *,
    primary: int,
    labels: npt.NDArray[np.int32] | None = None,
) -> SpillMaps:
    """The blend's spill maps per coarse pixel (see :class:`SpillMaps`).

    Parameters
    ----------
    colour : float32 (h, w, 3), BGR levels, the camera's colour per coarse pixel
    lit : float32 (h, w, 3), the screen's colour as lit now
    solid : uint8 (h, w), the solid subject (non-zero)
    primary : the screen's channel
    labels : :func:`keying.lead.nearest_solid` of ``solid``, if already worked out

    Returns
    -------
    :class:`SpillMaps`: the floor is the largest own lean (the camera's lean less the
    added, 0 on spilled greys) of the solid subject nearby, beyond its reach the nearest
    solid's (a thin green sleeve stays green); the added lean is the solid pixel's own,
    elsewhere its nearest solid pixel's (0 with no solid subject at all)
    """
    linear = (to_linear(colour), to_linear(lit))
    grey = spilled_grey(colour, lit, primary=primary, linear=linear)
    light = spill_light(colour, lit, solid, primary=primary, grey=grey, linear=linear)
    added = added_lean(colour, lit, light=light, primary=primary, linear=linear)
    own = lean(colour, primary) - added
    own[grey] = 0.0
    if labels is None:
        labels = nearest_solid(solid)
    floor: Matte = np.clip(largest_nearby(own, solid, far=True, labels=labels), 0, 255).astype(
        np.uint8
    )
    is_solid = solid > 0
    nearest = np.concatenate(([0.0], added[is_solid]))[labels]
    spread = np.where(is_solid, added, nearest)
    return SpillMaps(floor=floor, added=np.clip(spread + 0.5, 0, 255).astype(np.uint8), light=light)
