"""The keyer's last step in one pass per pixel: take the screen away, take the spill off,
and lay the subject over the background, compiled by Numba.

The same arithmetic as a chain of OpenCV calls read and wrote the whole frame a dozen
times (the matte spread to three channels three times, the planes split and merged for the
spill); here each pixel is read once and its subject and composite written once, in whole
numbers the compiler turns into vector instructions. The kernel releases the GIL, so the
keyer's stripes run it at the same time.

With ``a`` the matte, ``I`` the camera, ``S`` the screen map, ``g`` the screen's light now,
``B`` the background (all 0..255):

- the subject premultiplied by its alpha: ``F = min(I - (255 - a) g S / 255, a)``, which
  zeroes the screen's noise where ``a`` is 0 (``F <= 1`` times alpha);
- spill, how far the screen's channel stands above the mean of the other two, less the
  ``floor`` (the subject's own lean that way there), times ``strength``, comes off that
  channel and is given back as grey weighted by the channel's share of luminance, so the
  subject keeps its brightness;
- the composite: ``F + (255 - a) B / 255``.
"""

from __future__ import annotations

import numpy as np

from keying.compiled import compiled, div255, within
from keying.frames import BGRImage, Matte
from keying.tracking import GAIN_CODE

LUMA = (0.114, 0.587, 0.299)
"""BT.601 weights of blue, green and red in luminance (OpenCV's)."""
GAIN_ONE = int(GAIN_CODE)
"""The gain map's code for the screen's calibrated light."""


@compiled
def _blend_run(
    frame: np.ndarray,
    screen: np.ndarray,
    alpha: np.ndarray,
    gain: np.ndarray,
    floor: np.ndarray,
    background: np.ndarray,
    foreground: np.ndarray,
    composite: np.ndarray,
    primary: int,
    strength: int,
    luma: int,
) -> None:
    """The pass over flat buffers: ``frame``, ``screen``, ``background``, ``foreground``
    and ``composite`` hold 3 bytes a pixel, the others 1; ``strength`` and ``luma`` are
    in 256ths."""
    for x in range(alpha.shape[0]):
        a = np.int32(alpha[x])
        rest = 255 - a
        share = within((rest * np.int32(gain[x]) + GAIN_ONE // 2) // GAIN_ONE, 0, 255)
        i = 3 * x
        b = within(np.int32(frame[i]) - div255(np.int32(screen[i]) * share), 0, a)
        g = within(np.int32(frame[i + 1]) - div255(np.int32(screen[i + 1]) * share), 0, a)
        r = within(np.int32(frame[i + 2]) - div255(np.int32(screen[i + 2]) * share), 0, a)
        if primary == 1:
            lean = g - ((b + r + 1) >> 1)
        elif primary == 0:
            lean = b - ((g + r + 1) >> 1)
        else:
            lean = r - ((b + g + 1) >> 1)
        spill = (within(lean - np.int32(floor[x]), 0, 255) * strength + 128) >> 8
        grey = (spill * luma + 128) >> 8
        if primary == 1:
            g -= spill
        elif primary == 0:
            b -= spill
        else:
            r -= spill
        b, g, r = within(b + grey, 0, 255), within(g + grey, 0, 255), within(r + grey, 0, 255)
        foreground[i], foreground[i + 1], foreground[i + 2] = b, g, r
        composite[i] = within(b + div255(np.int32(background[i]) * rest), 0, 255)
        composite[i + 1] = within(g + div255(np.int32(background[i + 1]) * rest), 0, 255)
        composite[i + 2] = within(r + div255(np.int32(background[i + 2]) * rest), 0, 255)


@compiled
def _composite_run(
    frame: np.ndarray,
    screen: np.ndarray,
    alpha: np.ndarray,
    gain: np.ndarray,
    floor: np.ndarray,
    background: np.ndarray,
    composite: np.ndarray,
    primary: int,
    strength: int,
    luma: int,
) -> None:
    """:func:`_blend_run` without the foreground: a fifth less to write (the same
    lines, so that each loop compiles to vector code on its own)."""
    for x in range(alpha.shape[0]):
        a = np.int32(alpha[x])
        rest = 255 - a
        share = within((rest * np.int32(gain[x]) + GAIN_ONE // 2) // GAIN_ONE, 0, 255)
        i = 3 * x
        b = within(np.int32(frame[i]) - div255(np.int32(screen[i]) * share), 0, a)
        g = within(np.int32(frame[i + 1]) - div255(np.int32(screen[i + 1]) * share), 0, a)
        r = within(np.int32(frame[i + 2]) - div255(np.int32(screen[i + 2]) * share), 0, a)
        if primary == 1:
            lean = g - ((b + r + 1) >> 1)
        elif primary == 0:
            lean = b - ((g + r + 1) >> 1)
        else:
            lean = r - ((b + g + 1) >> 1)
        spill = (within(lean - np.int32(floor[x]), 0, 255) * strength + 128) >> 8
        grey = (spill * luma + 128) >> 8
        if primary == 1:
            g -= spill
        elif primary == 0:
            b -= spill
        else:
            r -= spill
        b, g, r = within(b + grey, 0, 255), within(g + grey, 0, 255), within(r + grey, 0, 255)
        composite[i] = within(b + div255(np.int32(background[i]) * rest), 0, 255)
        composite[i + 1] = within(g + div255(np.int32(background[i + 1]) * rest), 0, 255)
        composite[i + 2] = within(r + div255(np.int32(background[i + 2]) * rest), 0, 255)


def blend(
    frame: BGRImage,
    screen: BGRImage,
    alpha: Matte,
    *,
    gain: Matte,
    floor: Matte,
    background: BGRImage,
    primary: int,
    spill: float,
    foreground: BGRImage | None,
    composite: BGRImage,
) -> BGRImage:
    """Write the despilled subject premultiplied by ``alpha`` into ``foreground`` and
    the composite over ``background`` into ``composite`` (see the module's formulas).

    All arrays have the same height and width and are C-contiguous uint8 (rows cut from
    whole frames are); ``gain`` is the screen's light now in 128ths; ``floor`` the
    subject's own lean towards the screen colour; ``spill`` 0..1 how much spill goes.
    ``foreground`` None: only the composite is wanted. Returns ``composite``.
    """
    if primary not in (0, 1, 2):
        raise ValueError(f"primary must be 0, 1 or 2 (blue, green, red), got {primary}")
    if not 0.0 <= spill <= 1.0:
        raise ValueError(f"spill must be 0 to 1, got {spill}")
    shape = alpha.shape
    for name, array, channels in (
        ("frame", frame, 3),
        ("alpha", alpha, 1),
        ("screen", screen, 3),
        ("gain", gain, 1),
        ("floor", floor, 1),
        ("background", background, 3),
        ("foreground", foreground, 3),
        ("composite", composite, 3),
    ):
        if array is None:  # only the foreground may be
            continue
        want = shape if channels == 1 else (*shape, 3)
        if array.shape != want or array.dtype != np.uint8:
            raise ValueError(f"{name} must be uint8 {want}, got {array.dtype} {array.shape}")
        if not array.flags.c_contiguous:
            raise ValueError(f"{name} must be C-contiguous (copy it with np.ascontiguousarray)")
    flat = (frame.reshape(-1), screen.reshape(-1), alpha.reshape(-1), gain.reshape(-1))
    rest = (floor.reshape(-1), background.reshape(-1))
    weights = (primary, round(spill * 256), round(LUMA[primary] * 256))
    if foreground is None:
        _composite_run(*flat, *rest, composite.reshape(-1), *weights)
    else:
        _blend_run(*flat, *rest, foreground.reshape(-1), composite.reshape(-1), *weights)
    return composite
