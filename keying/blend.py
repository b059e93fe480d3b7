"""The keyer's last step in one pass per pixel: take the screen away, take the spill off,
and lay the subject over the background, compiled by Numba.

The same arithmetic as a chain of OpenCV calls read and wrote the whole frame a dozen
times (the matte spread to three channels three times, the planes split and merged for the
spill); here each pixel is read once and its subject and composite written once, in
32-bit floats the compiler turns into vector instructions (twice as fast as the same in
whole numbers, whose divisions by 255 and clamps took more instructions than the
multiplies here; within a level or two of them). The kernel releases the GIL, so the
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

from keying.compiled import compiled
from keying.frames import BGRImage, Matte
from keying.tracking import GAIN_CODE
from keying.upsample import Across, mix, row_mix

LUMA = (0.114, 0.587, 0.299)
"""BT.601 weights of blue, green and red in luminance (OpenCV's)."""
GAIN_ONE = int(GAIN_CODE)
"""The gain map's code for the screen's calibrated light."""
LIGHT_MAPS = ("gain", "floor")
"""The planes of the :class:`keying.upsample.Across` a blend reads, in order."""


@compiled
def _blend_run(
    frame: np.ndarray,
    screen: np.ndarray,
    alpha: np.ndarray,
    light: np.ndarray,
    first_row: int,
    scale: int,
    first: int,
    last: int,
    background: np.ndarray,
    foreground: np.ndarray,
    composite: np.ndarray,
    primary: int,
    strength: float,
    luma: float,
) -> None:
    """The pass over rows: ``frame``, ``screen``, ``background``, ``foreground`` and
    ``composite`` are flat, 3 bytes a pixel; ``alpha`` (rows, width); ``light`` the
    :data:`LIGHT_MAPS` across the frame (see :class:`keying.upsample.Across`)."""
    zero, top, half = np.float32(0.0), np.float32(255.0), np.float32(0.5)
    per_level, per_gain = np.float32(1.0 / 255.0), np.float32(1.0 / GAIN_ONE)
    strength32, luma32 = np.float32(strength), np.float32(luma)
    rows, width = alpha.shape
    for y in range(rows):
        r0, r1, weight = row_mix(first_row + y, scale, first, last)
        w = np.float32(weight)
        gain0, gain1, floor0, floor1 = light[0, r0], light[0, r1], light[1, r0], light[1, r1]
        start, stop = 3 * y * width, 3 * (y + 1) * width
        frame_row, screen_row, alpha_row = frame[start:stop], screen[start:stop], alpha[y]
        background_row, composite_row = background[start:stop], composite[start:stop]
        foreground_row = foreground[start:stop]
        for x in range(width):
            a = np.float32(alpha_row[x])
            rest = top - a
            share = min(rest * mix(gain0[x], gain1[x], w) * per_gain, top) * per_level
            i = 3 * x
            b = min(max(np.float32(frame_row[i]) - np.float32(screen_row[i]) * share, zero), a)
            g = min(
                max(np.float32(frame_row[i + 1]) - np.float32(screen_row[i + 1]) * share, zero), a
            )
            r = min(
                max(np.float32(frame_row[i + 2]) - np.float32(screen_row[i + 2]) * share, zero), a
            )
            if primary == 1:
                lean = g - (b + r) * half
            elif primary == 0:
                lean = b - (g + r) * half
            else:
                lean = r - (b + g) * half
            spill = min(max(lean - mix(floor0[x], floor1[x], w), zero), top) * strength32
            grey = spill * luma32
            if primary == 1:
                g -= spill
            elif primary == 0:
                b -= spill
            else:
                r -= spill
            b, g, r = min(b + grey, top), min(g + grey, top), min(r + grey, top)
            foreground_row[i] = np.uint8(b + half)
            foreground_row[i + 1] = np.uint8(g + half)
            foreground_row[i + 2] = np.uint8(r + half)
            seen = rest * per_level
            composite_row[i] = np.uint8(min(b + np.float32(background_row[i]) * seen, top) + half)
            composite_row[i + 1] = np.uint8(
                min(g + np.float32(background_row[i + 1]) * seen, top) + half
            )
            composite_row[i + 2] = np.uint8(
                min(r + np.float32(background_row[i + 2]) * seen, top) + half
            )


@compiled
def _composite_run(
    frame: np.ndarray,
    screen: np.ndarray,
    alpha: np.ndarray,
    light: np.ndarray,
    first_row: int,
    scale: int,
    first: int,
    last: int,
    background: np.ndarray,
    composite: np.ndarray,
    primary: int,
    strength: float,
    luma: float,
) -> None:
    """:func:`_blend_run` without the foreground: a fifth less to write (the same
    lines, so that each loop compiles to vector code on its own)."""
    zero, top, half = np.float32(0.0), np.float32(255.0), np.float32(0.5)
    per_level, per_gain = np.float32(1.0 / 255.0), np.float32(1.0 / GAIN_ONE)
    strength32, luma32 = np.float32(strength), np.float32(luma)
    rows, width = alpha.shape
    for y in range(rows):
        r0, r1, weight = row_mix(first_row + y, scale, first, last)
        w = np.float32(weight)
        gain0, gain1, floor0, floor1 = light[0, r0], light[0, r1], light[1, r0], light[1, r1]
        start, stop = 3 * y * width, 3 * (y + 1) * width
        frame_row, screen_row, alpha_row = frame[start:stop], screen[start:stop], alpha[y]
        background_row, composite_row = background[start:stop], composite[start:stop]
        for x in range(width):
            a = np.float32(alpha_row[x])
            rest = top - a
            share = min(rest * mix(gain0[x], gain1[x], w) * per_gain, top) * per_level
            i = 3 * x
            b = min(max(np.float32(frame_row[i]) - np.float32(screen_row[i]) * share, zero), a)
            g = min(
                max(np.float32(frame_row[i + 1]) - np.float32(screen_row[i + 1]) * share, zero), a
            )
            r = min(
                max(np.float32(frame_row[i + 2]) - np.float32(screen_row[i + 2]) * share, zero), a
            )
            if primary == 1:
                lean = g - (b + r) * half
            elif primary == 0:
                lean = b - (g + r) * half
            else:
                lean = r - (b + g) * half
            spill = min(max(lean - mix(floor0[x], floor1[x], w), zero), top) * strength32
            grey = spill * luma32
            if primary == 1:
                g -= spill
            elif primary == 0:
                b -= spill
            else:
                r -= spill
            b, g, r = min(b + grey, top), min(g + grey, top), min(r + grey, top)
            seen = rest * per_level
            composite_row[i] = np.uint8(min(b + np.float32(background_row[i]) * seen, top) + half)
            composite_row[i + 1] = np.uint8(
                min(g + np.float32(background_row[i + 1]) * seen, top) + half
            )
            composite_row[i + 2] = np.uint8(
                min(r + np.float32(background_row[i + 2]) * seen, top) + half
            )


def blend(
    frame: BGRImage,
    screen: BGRImage,
    alpha: Matte,
    *,
    light: Across,
    top: int,
    background: BGRImage,
    primary: int,
    spill: float,
    foreground: BGRImage | None,
    composite: BGRImage,
) -> BGRImage:
    """Write the despilled subject premultiplied by ``alpha`` into ``foreground`` and
    the composite over ``background`` into ``composite`` (see the module's formulas), for
    frame rows ``top`` onwards (as many as ``alpha`` has).

    All images have the height and width of ``alpha`` and are C-contiguous uint8 (rows
    cut from whole frames are); ``light`` holds the coarse :data:`LIGHT_MAPS`: the
    screen's light now in 128ths and the subject's own lean towards the screen colour;
    ``spill`` 0..1 how much spill goes. ``foreground`` None: only the composite is
    wanted. Returns ``composite``.
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
    light.check(maps=len(LIGHT_MAPS), rows=slice(top, top + shape[0]), width=shape[1])
    flat, planes = (frame.reshape(-1), screen.reshape(-1)), light.planes
    grid = (top, light.scale, light.first, light.last)
    luma, behind = LUMA[primary], background.reshape(-1)
    if foreground is None:
        out = composite.reshape(-1)
        _composite_run(*flat, alpha, planes, *grid, behind, out, primary, float(spill), luma)
    else:
        both = (foreground.reshape(-1), composite.reshape(-1))
        _blend_run(*flat, alpha, planes, *grid, behind, *both, primary, float(spill), luma)
    return composite
