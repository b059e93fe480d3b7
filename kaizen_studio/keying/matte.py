"""Matte kernels: pure functions on uint8 arrays, handed to OpenCV (no Python pixel loops).

The matte is a colour-difference key (Vlahos): a pixel's screen strength, the primary
channel's lead over the larger of the other two, compared with the strength of the screen
*at that point* as lit (the screen map). A dark bottle-green jumper leads by little, so it
scores low even though its hue matches a bright screen; a shadowed part of the screen is
compared with the shadowed screen, not the bright one. The ramp (:mod:`keying.ramp`) has
ends from the measured screen noise and allows for the subject's own lead; then a solid
core keeps pixels far from any clear screen opaque.

Every kernel takes an optional ``out`` buffer so the hot loop allocates nothing.
"""

from __future__ import annotations

import cv2
import numpy as np

from kaizen_studio.keying.compiled import compiled
from kaizen_studio.keying.frames import BGRImage, Matte
from kaizen_studio.keying.screen import others


def colour_difference(
    frame: BGRImage,
    *,
    primary: int,
    signed: bool = False,
    out: Matte | None = None,
    planes: list[Matte] | None = None,
) -> Matte:
    """The primary channel's lead d over the larger other channel, as uint8.

    Unsigned (the default): d saturated to 0..255. ``signed``: the *half difference*
    ``(d + 255) / 2``, which keeps how far a subject leans away from the screen colour
    (skin: about -50) in eight bits (see :mod:`keying.ramp`).

    Parameters
    ----------
    frame : BGR uint8 (h, w, 3)
    primary : 0, 1 or 2, the screen's channel (1 for green, 0 for blue)
    out : optional uint8 (h, w) buffer for the result
    planes : optional list of three uint8 (h, w) scratch buffers for the unsigned
        difference (overwritten); the signed one is one compiled pass, ``frame`` and
        ``out`` C-contiguous
    """
    h, w = frame.shape[:2]
    if signed:  # one compiled pass over the frame's bytes
        half = out if out is not None else np.empty((h, w), np.uint8)
        if not (frame.flags.c_contiguous and half.flags.c_contiguous):
            raise ValueError("colour_difference(signed=True) needs C-contiguous frame and out")
        _half_difference(frame.reshape(-1), half.reshape(-1), primary)
        return half
    if planes is None:
        planes = [np.empty((h, w), np.uint8) for _ in range(3)]
    cv2.split(frame, planes)
    a, b = others(primary)
    cv2.max(planes[a], planes[b], dst=planes[a])
    result = out if out is not None else np.empty((h, w), np.uint8)
    cv2.subtract(planes[primary], planes[a], dst=result)
    return result


@compiled
def _half_difference(frame: np.ndarray, out: np.ndarray, primary: int) -> None:
    """``(d + 255) / 2`` rounded half up, for the BGR bytes of ``frame`` (flat)."""
    for x in range(out.shape[0]):
        i = 3 * x
        b, g, r = np.int32(frame[i]), np.int32(frame[i + 1]), np.int32(frame[i + 2])
        if primary == 1:
            lead = g - max(b, r)
        elif primary == 0:
            lead = b - max(g, r)
        else:
            lead = r - max(b, g)
        out[x] = (lead + 256) >> 1


def denoise(difference: Matte, *, radius: int, out: Matte | None = None) -> Matte:
    """Average over a (2r+1)² box: calms sensor noise and 4:2:0 chroma steps (0: copy)."""
    if radius <= 0:
        if out is None:
            return difference.copy()
        np.copyto(out, difference)
        return out
    size = 2 * radius + 1
    return cv2.blur(difference, (size, size), dst=out)


def shrink_grow(alpha: Matte, *, pixels: int, out: Matte | None = None) -> Matte:
    """Erode (positive ``pixels``) or dilate (negative) the matte, a min/max filter."""
    if pixels == 0:
        return alpha if out is None else _copy(alpha, out)
    size = 2 * abs(pixels) + 1
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size, size))
    op = cv2.erode if pixels > 0 else cv2.dilate
    return op(alpha, kernel, dst=out)


def soften(alpha: Matte, *, pixels: int, out: Matte | None = None) -> Matte:
    """Gaussian blur of the matte with sigma ``pixels / 2`` (0: unchanged)."""
    if pixels <= 0:
        return alpha if out is None else _copy(alpha, out)
    return cv2.GaussianBlur(alpha, (0, 0), pixels / 2.0, dst=out)


def despeckle(alpha: Matte, *, pixels: int, out: Matte | None = None) -> Matte:
    """Remove solid specks in the background and holes in the subject smaller than
    ``pixels`` across (a morphological open then close)."""
    if pixels <= 0:
        return alpha if out is None else _copy(alpha, out)
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (pixels + 1, pixels + 1))
    opened = cv2.morphologyEx(alpha, cv2.MORPH_OPEN, kernel)
    return cv2.morphologyEx(opened, cv2.MORPH_CLOSE, kernel, dst=out)


def _copy(src: Matte, out: Matte) -> Matte:
    np.copyto(out, src)
    return out
