"""The ramp from colour difference to alpha, shifted by the local foreground's own lead.

The plain colour-difference key assumes the subject itself does not lean towards the
screen colour (its lead ``d_F`` is 0). Skin leads green by about -50, so a half-and-half
edge pixel reads as two-thirds opaque and keeps a green fringe. With ``d_F`` measured from
the solid subject nearby, ``alpha = (d_S - d) / (d_S - d_F)`` is exact for a linear mix of
the subject and the screen: skin edges, dark hair and a green jumper (``d_F > 0``) alike.

All of this works on a grid :data:`LEAD_SCALE` times coarser than the frame; the frame
itself costs one subtraction and one division per pixel, in uint8, on the *half
difference* ``d' = (d + 255) / 2``, which keeps the sign of the lead in eight bits.
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

LEAD_SCALE = 8
"""How many times coarser than the frame the subject's lead and the ramp are worked out."""
OPAQUE_EASE = 0.035
"""The raw key's ramp reaches full opacity this far above the clipped ramp's white end
(see :func:`key_maps`)."""
EDGE_INSIDE = 0.15
"""On the subject's side of its outline, a block whose middle is this close to the
subject's own colour difference (a share of the way to the screen's) is outline."""
EDGE_STEEPEN = 3.0
"""How many times narrower the ramp is on the subject's outline when the camera sends
colour at half resolution (4:2:0): there the colour difference is smeared over two or
three pixels each side of an edge the brightness shows sharp, so a hard outline keys
soft (too opaque outside, see-through inside) unless its ramp is steeper."""


BLACK_MOST = 0.6
"""The ramp's black end (clear screen) is at most this share of the screen's strength: a
pixel keeping 40% of the screen's lead is never keyed clear, however noisy the screen."""
LEAST_BAND = 0.05
"""The ramp's white end stays at least this share of the strength above its black end,
whatever "Solid presenter" asks: a ramp of no width would key every edge hard."""
SUBJECT_LEAD_MOST = 0.8
"""The subject's lead used in the ramp is at most this share of the screen's strength: a
subject leading as much as the screen itself would leave the ramp no width."""


@dataclass(frozen=True, slots=True)
class RampEnds:
    """Where the ramp starts and stops, before it is placed on the screen map.

    spread : the screen's measured noise in levels (see ``Calibration.spread``)
    margin : extra share of the screen strength keyed out beyond the noise
    cleanup, solidity : the user's "Clean background" and "Solid presenter"
    min_band : the top of the ramp stays at least this far below full strength
    """

    spread: float
    margin: float
    cleanup: float
    solidity: float
    min_band: float

    def ends(self, strength: FloatMap) -> tuple[FloatMap, FloatMap]:
        """(clip black, clip white) as shares of the screen strength, per pixel."""
        black = np.minimum(
            BLACK_MOST, (self.spread + 1.0) / np.maximum(strength, 1.0) + self.margin + self.cleanup
        )
        white = 1.0 - np.maximum(self.min_band, black)
        white = np.maximum(white - self.solidity, black + LEAST_BAND)
        return black.astype(np.float32), np.minimum(white, 1.0).astype(np.float32)


def clear_screen(peak_small: Matte, strength_small: FloatMap, *, black: FloatMap) -> Mask:
    """The coarse pixels showing clear screen: their most screen-like half difference
    comes within twice the ramp's black end of the local screen strength."""
    peak = signed_levels(peak_small)
    clear: Mask = peak >= (1.0 - 2.0 * black) * strength_small
    return clear


def hard_edges(
    clear: Mask,
    solid: Matte,
    half_small: Matte,
    lead_small: FloatMap,
    strength_small: FloatMap,
    *,
    reach: int,
    inside: float = EDGE_INSIDE,
) -> Mask:
    """The coarse pixels on the subject's outline: within ``reach`` of the solid subject,
    and either clear screen right beside (3x3) a block whose middle is within ``inside``
    (a share of the way from the subject to the screen) of the subject's lead, or such a
    block itself on the subject's side, not solid. The middle of a blur, a scarf's end
    and hair are neither; nor is a motion blur's clear fringe, where the key falls off
    over several blocks (steepened, it keyed see-through)."""
    size = 2 * reach + 1
    near = cv2.dilate(solid, np.ones((size, size), np.uint8)) > 0
    middle = signed_levels(half_small)
    subject = middle <= lead_small + inside * (strength_small - lead_small)
    beside = cv2.dilate(subject.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
    edges: Mask = near & ((clear & beside) | (subject & (solid == 0)))
    return edges


def solid_core(clear: Mask, *, reach: int) -> Matte:
    """255 on coarse pixels further than ``reach`` from any ``clear`` screen (see
    :func:`clear_screen`), else 0. ``reach`` 0 (no solid core) gives all zeros."""
    if reach <= 0:
        return np.zeros(clear.shape, np.uint8)
    size = 2 * reach + 1
    return cv2.erode(
        np.where(clear, 0, 255).astype(np.uint8),
        np.ones((size, size), np.uint8),
        borderType=cv2.BORDER_REPLICATE,
    )


def ramp_maps(
    strength_small: FloatMap,
    lead_small: FloatMap,
    *,
    black: FloatMap,
    white: FloatMap,
    steep: Mask | None = None,
    factor: float = EDGE_STEEPEN,
) -> tuple[Matte, Matte]:
    """Coarse (offset, span) in half-difference units for :mod:`keying.alpha_pass`.

    alpha = clamp(((d_S - d) / (d_S - d_F) - (1 - white)) / (white - black)) written as
    ``255 - 255 (d' - offset) / span`` with d' the half difference. Where ``steep`` is
    set, the ramp is ``factor`` times narrower about the same middle (see
    :data:`EDGE_STEEPEN`).
    """
    lead_small = np.minimum(lead_small, SUBJECT_LEAD_MOST * strength_small)
    base = np.maximum(strength_small - lead_small, 1.0)
    offset = lead_small + (1.0 - white) * base
    span = (white - black) * base
    if steep is not None:
        narrow = np.where(steep, np.float32(1.0 / factor), np.float32(1.0))
        offset += span * (1.0 - narrow) / 2.0
        span *= narrow
    return (
        np.clip((offset + 255.0) / 2.0 + 0.5, 0, 255).astype(np.uint8),
        np.clip(span / 2.0 + 0.5, 1, 255).astype(np.uint8),
    )


def key_maps(
    strength_small: FloatMap,
    lead_small: FloatMap,
    *,
    black: FloatMap,
    white: FloatMap,
    steep: Mask | None = None,
    ease: float = OPAQUE_EASE,
    behind: FloatMap | None = None,
) -> tuple[Matte, Matte, Matte]:
    """Coarse (offset, span, clear) in half-difference units: the ramp for the raw key
    and where the smoothed key shows clear screen.

    The ramp runs straight from the screen (alpha 0) to ``ease`` above the white end
    (255), capped at the subject's own lead: a mix keys as the share of the subject it
    holds, where a ramp clipped at both ends would make faint hair, a blur's tail and
    the thin side of an edge see-through and their thick side solid. The measured noise
    is kept off by ``clear`` instead, the black end of the clipped ramp (see
    :func:`ramp_maps`; steepened alike): a pixel whose *smoothed* key reaches it is
    clear screen, whatever its raw key says. ``behind``, the screen's strength behind
    the subject's edges where it is known better (see
    :func:`keying.tracking.screen_behind`), sets the ramp's screen end instead.
    """
    offset, span = ramp_maps(strength_small, lead_small, black=black, white=white, steep=steep)
    clear = cv2.add(offset, span)
    top = np.minimum(white + np.float32(ease), np.float32(1.0))
    zero = np.zeros_like(black)
    screen = strength_small if behind is None else behind
    offset, span = ramp_maps(screen, lead_small, black=zero, white=top, steep=steep)
    return offset, span, clear
