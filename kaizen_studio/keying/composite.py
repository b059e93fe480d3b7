"""Fitting backgrounds, compositing a premultiplied subject, light wrap, straight colour.

The camera sees ``I = a F + (1 - a) S`` where ``S`` is the screen as lit at that pixel
(the screen map). Taking ``(1 - a) S`` away leaves the subject's colour premultiplied by
its alpha, ``a F`` (done with the spill in one pass by :mod:`keying.blend`), so hair,
motion blur and a thin scarf keep the subject's colour and not green; the composite is
then ``a F + (1 - a) B``. :func:`straight_foreground` divides once for people who want
straight colour.
"""

from __future__ import annotations

import cv2
import numpy as np

from kaizen_studio.keying.frames import BGRImage, Matte, check_frame
from kaizen_studio.keying.screen import FloatImage


def cover_fit(image: BGRImage, size: tuple[int, int]) -> BGRImage:
    """Scale ``image`` to cover ``size`` (width, height) and crop the middle: no bars,
    no stretching. Returns ``image`` itself when it already has that size."""
    check_frame(image, name="background", smallest=1)
    width, height = size
    ih, iw = image.shape[:2]
    if (iw, ih) == (width, height):
        return image
    scale = max(width / iw, height / ih)
    sw, sh = max(width, round(iw * scale)), max(height, round(ih * scale))
    method = cv2.INTER_AREA if scale < 1.0 else cv2.INTER_LINEAR
    scaled = cv2.resize(image, (sw, sh), interpolation=method)
    x0, y0 = (sw - width) // 2, (sh - height) // 2
    return np.ascontiguousarray(scaled[y0 : y0 + height, x0 : x0 + width])


def add_background(
    foreground: BGRImage, background: BGRImage, inverse3: BGRImage, *, out: BGRImage
) -> BGRImage:
    """``foreground + (1 - a) * background``: the composite of a premultiplied subject."""
    cv2.multiply(background, inverse3, dst=out, scale=1.0 / 255.0)
    cv2.add(out, foreground, dst=out)
    return out


def light_wrap(
    composite: BGRImage,
    background: BGRImage,
    alpha: Matte,
    *,
    strength: float,
    radius: int,
) -> BGRImage:
    """Let the background's light spill over the subject's edge, in place.

    The background, blurred over ``radius`` pixels where the subject is not, is added to
    the subject's edge (``a (1 - blurred a)``) with ``strength`` in 0..1. Worked on a
    quarter-size copy, so it costs little at any resolution.
    """
    if strength <= 0.0:
        return composite
    h, w = alpha.shape
    small = (max(1, w // 4), max(1, h // 4))
    inverse = cv2.resize(cv2.bitwise_not(alpha), small, interpolation=cv2.INTER_AREA)
    light = cv2.resize(background, small, interpolation=cv2.INTER_AREA).astype(np.float32)
    weight = inverse.astype(np.float32) / 255.0
    sigma = max(1.0, radius / 4.0)
    light = cv2.GaussianBlur(light * weight[..., None], (0, 0), sigma)
    reach = cv2.GaussianBlur(weight, (0, 0), sigma)
    edge = (1.0 - weight) * reach * strength
    glow = cv2.resize(light / np.maximum(reach, 1e-3)[..., None] * edge[..., None], (w, h))
    np.clip(glow, 0, 255, out=glow)
    cv2.add(composite, glow.astype(np.uint8), dst=composite)
    return composite


def straight_foreground(foreground: BGRImage, alpha: Matte) -> BGRImage:
    """Un-premultiply: the subject's own colour where it is at all visible, 0 elsewhere."""
    a = alpha.astype(np.float32)[..., None]
    straight: FloatImage = np.where(
        a > 0, foreground.astype(np.float32) * 255.0 / np.maximum(a, 1.0), 0.0
    ).astype(np.float32)
    return np.clip(straight + 0.5, 0, 255).astype(np.uint8)
