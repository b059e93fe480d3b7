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
  zeroes the screen's noise where ``a`` is 0 (``F <= 1`` times alpha); where the camera's
  screen channel was not the lowest of the three, ``F``'s is raised to the lower of the
  other two (an alpha a little too low takes too much of the screen away, and turned
  greys and skin pink or purple);
- spill, how far the screen's channel stands above the mean of the other two, less the
  ``floor`` (the subject's own lean that way there), times ``strength``, comes off in one
  of two ways (:func:`spill_off`), both taking the same off the two other channels so
  that greys stay grey. From a camera that sends colour at full resolution it
  is light the screen threw on the subject: it comes off as the screen's colour (the
  calibrated key colour, its other channels evened, scaled so that its lean is the
  spill), brightness and all, and
  the subject keeps its own luminance, not the glow's. From one that sends colour at half
  resolution (4:2:0, as webcams do), a lean at an edge is as likely the screen's colour
  smeared over the subject's edge, a colour error with the brightness (sent at full
  resolution) right: only the lean comes off the screen's channel and is given back as
  grey weighted by that channel's share of luminance, so the pixel keeps its brightness
  (``keep_brightness``). Either way, the ``added`` lean (the screen's light found on
  the subject, :mod:`keying.spill`, times ``a / 255``) comes off as light, at least
  that much even where the lean is below the floor (a purple or a red lit by the screen
  has a lean below 0 and its spill still comes off); only the rest goes the second way;
- the composite: ``F + (255 - a) B / 255``.
"""

from __future__ import annotations

import numpy as np

from kaizen_studio.keying.compiled import compiled
from kaizen_studio.keying.frames import BGRImage, Matte
from kaizen_studio.keying.tracking import GAIN_CODE
from kaizen_studio.keying.upsample import Across, mix, row_mix

LUMA = (0.114, 0.587, 0.299)
"""BT.601 weights of blue, green and red in luminance (OpenCV's)."""
GAIN_ONE = int(GAIN_CODE)
"""The gain map's code for the screen's calibrated light."""
LIGHT_MAPS = ("gain", "floor", "added")
"""The planes of the :class:`keying.upsample.Across` a blend reads, in order."""
RUN = 32
"""Bytes of a matte's row :func:`clear_ends` looks at together."""
LEAST_SCREEN_LEAN = 16.0
"""The screen's lean towards its own channel is taken as at least this many levels when
the spill is scaled to the screen's colour: a dark corner of the map must not turn a
little spill into a lot of light taken off."""


@compiled
def clear_ends(alpha_row: np.ndarray) -> tuple[int, int]:
    """The columns ``lo, hi`` of a matte's row outside which it is all 0 (``lo == hi``
    when all of it is), looked at :data:`RUN` bytes at once (one vector instruction)
    before the last run is looked at byte by byte."""
    width = alpha_row.shape[0]
    lo, hi = 0, width
    while lo + RUN <= hi:
        seen = np.uint8(0)
        for j in range(RUN):
            seen |= alpha_row[lo + j]
        if seen:
            break
        lo += RUN
    while lo < hi and alpha_row[lo] == 0:
        lo += 1
    while hi - RUN >= lo:
        seen = np.uint8(0)
        for j in range(RUN):
            seen |= alpha_row[hi - RUN + j]
        if seen:
            break
        hi -= RUN
    while hi > lo and alpha_row[hi - 1] == 0:
        hi -= 1
    return lo, hi


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
    spill_off: tuple[float, float, float],
    light_off: tuple[float, float, float],
) -> None:
    """The pass over rows: ``frame``, ``screen``, ``background``, ``foreground`` and
    ``composite`` are flat, 3 bytes a pixel; ``alpha`` (rows, width); ``light`` the
    :data:`LIGHT_MAPS` across the frame (see :class:`keying.upsample.Across`)."""
    zero, top, half = np.float32(0.0), np.float32(255.0), np.float32(0.5)
    per_level, per_gain = np.float32(1.0 / 255.0), np.float32(1.0 / GAIN_ONE)
    strength32 = np.float32(strength)
    off_b, off_g, off_r = (
        np.float32(spill_off[0]),
        np.float32(spill_off[1]),
        np.float32(spill_off[2]),
    )
    light_b, light_g, light_r = (
        np.float32(light_off[0]),
        np.float32(light_off[1]),
        np.float32(light_off[2]),
    )
    rows, width = alpha.shape
    for y in range(rows):
        r0, r1, weight = row_mix(first_row + y, scale, first, last)
        w = np.float32(weight)
        gain0, gain1, floor0, floor1 = light[0, r0], light[0, r1], light[1, r0], light[1, r1]
        added0, added1 = light[2, r0], light[2, r1]
        start, stop = 3 * y * width, 3 * (y + 1) * width
        frame_row, screen_row, alpha_row = frame[start:stop], screen[start:stop], alpha[y]
        background_row, composite_row = background[start:stop], composite[start:stop]
        foreground_row = foreground[start:stop]
        # clear screen at either end of the row: left as :func:`blend` laid it, the
        # background as it is (the arithmetic below gives exactly that where alpha is 0)
        lo, hi = clear_ends(alpha_row)
        n = hi - lo
        frame_row, screen_row = frame_row[3 * lo : 3 * hi], screen_row[3 * lo : 3 * hi]
        alpha_row = alpha_row[lo:hi]
        background_row = background_row[3 * lo : 3 * hi]
        composite_row = composite_row[3 * lo : 3 * hi]
        foreground_row = foreground_row[3 * lo : 3 * hi]
        gain0, gain1, floor0, floor1 = gain0[lo:hi], gain1[lo:hi], floor0[lo:hi], floor1[lo:hi]
        added0, added1 = added0[lo:hi], added1[lo:hi]
        for x in range(n):
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
            # taking the screen away never leaves the screen's channel the lowest where the
            # camera's was not (a grey or skin keyed a little too see-through turned pink)
            fb, fg, fr = (
                np.float32(frame_row[i]),
                np.float32(frame_row[i + 1]),
                np.float32(frame_row[i + 2]),
            )
            if primary == 1:
                g = max(g, min(b, r) if fg >= min(fb, fr) else zero)
                lean = g - (b + r) * half
            elif primary == 0:
                b = max(b, min(g, r) if fb >= min(fg, fr) else zero)
                lean = b - (g + r) * half
            else:
                r = max(r, min(b, g) if fr >= min(fb, fg) else zero)
                lean = r - (b + g) * half
            # the screen's light on the subject (premultiplied, as the colour is) comes
            # off as light, even below the floor; the rest of the lean above the floor
            # comes off as spill_off says
            added = mix(added0[x], added1[x], w) * a * per_level * strength32
            spill = min(max(lean - mix(floor0[x], floor1[x], w), zero), top) * strength32
            spill = max(spill, added)
            more = spill - added
            b = min(max(b - added * light_b - more * off_b, zero), top)
            g = min(max(g - added * light_g - more * off_g, zero), top)
            r = min(max(r - added * light_r - more * off_r, zero), top)
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
    spill_off: tuple[float, float, float],
    light_off: tuple[float, float, float],
) -> None:
    """:func:`_blend_run` without the foreground: a fifth less to write (the same
    lines, so that each loop compiles to vector code on its own)."""
    zero, top, half = np.float32(0.0), np.float32(255.0), np.float32(0.5)
    per_level, per_gain = np.float32(1.0 / 255.0), np.float32(1.0 / GAIN_ONE)
    strength32 = np.float32(strength)
    off_b, off_g, off_r = (
        np.float32(spill_off[0]),
        np.float32(spill_off[1]),
        np.float32(spill_off[2]),
    )
    light_b, light_g, light_r = (
        np.float32(light_off[0]),
        np.float32(light_off[1]),
        np.float32(light_off[2]),
    )
    rows, width = alpha.shape
    for y in range(rows):
        r0, r1, weight = row_mix(first_row + y, scale, first, last)
        w = np.float32(weight)
        gain0, gain1, floor0, floor1 = light[0, r0], light[0, r1], light[1, r0], light[1, r1]
        added0, added1 = light[2, r0], light[2, r1]
        start, stop = 3 * y * width, 3 * (y + 1) * width
        frame_row, screen_row, alpha_row = frame[start:stop], screen[start:stop], alpha[y]
        background_row, composite_row = background[start:stop], composite[start:stop]
        # clear screen at either end of the row: left as :func:`blend` laid it, the
        # background as it is (the arithmetic below gives exactly that where alpha is 0)
        lo, hi = clear_ends(alpha_row)
        n = hi - lo
        frame_row, screen_row = frame_row[3 * lo : 3 * hi], screen_row[3 * lo : 3 * hi]
        alpha_row = alpha_row[lo:hi]
        background_row = background_row[3 * lo : 3 * hi]
        composite_row = composite_row[3 * lo : 3 * hi]
        gain0, gain1, floor0, floor1 = gain0[lo:hi], gain1[lo:hi], floor0[lo:hi], floor1[lo:hi]
        added0, added1 = added0[lo:hi], added1[lo:hi]
        for x in range(n):
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
            # taking the screen away never leaves the screen's channel the lowest where the
            # camera's was not (a grey or skin keyed a little too see-through turned pink)
            fb, fg, fr = (
                np.float32(frame_row[i]),
                np.float32(frame_row[i + 1]),
                np.float32(frame_row[i + 2]),
            )
            if primary == 1:
                g = max(g, min(b, r) if fg >= min(fb, fr) else zero)
                lean = g - (b + r) * half
            elif primary == 0:
                b = max(b, min(g, r) if fb >= min(fg, fr) else zero)
                lean = b - (g + r) * half
            else:
                r = max(r, min(b, g) if fr >= min(fb, fg) else zero)
                lean = r - (b + g) * half
            # the screen's light on the subject (premultiplied, as the colour is) comes
            # off as light, even below the floor; the rest of the lean above the floor
            # comes off as spill_off says
            added = mix(added0[x], added1[x], w) * a * per_level * strength32
            spill = min(max(lean - mix(floor0[x], floor1[x], w), zero), top) * strength32
            spill = max(spill, added)
            more = spill - added
            b = min(max(b - added * light_b - more * off_b, zero), top)
            g = min(max(g - added * light_g - more * off_g, zero), top)
            r = min(max(r - added * light_r - more * off_r, zero), top)
            seen = rest * per_level
            composite_row[i] = np.uint8(min(b + np.float32(background_row[i]) * seen, top) + half)
            composite_row[i + 1] = np.uint8(
                min(g + np.float32(background_row[i + 1]) * seen, top) + half
            )
            composite_row[i + 2] = np.uint8(
                min(r + np.float32(background_row[i + 2]) * seen, top) + half
            )


def spill_off(
    key_colour: tuple[int, int, int], primary: int, *, keep_brightness: bool
) -> tuple[float, float, float]:
    """How much comes off blue, green and red per level of spill (see the module's
    formulas). As light: the screen's colour scaled so that its lean is one level, with
    its two other channels taken as their mean (the grey under the screen's colour), so
    that a grey or white with spill on it comes out grey, never tinted towards the
    screen's opposite (a lime screen's red share would leave greys blue-purple). As a
    lean with the brightness kept: one level off the screen's channel, given back to all
    three as grey by that channel's share of luminance. Either way the two other
    channels lose the same, and the lean falls by exactly the spill: the screen's
    channel is never pushed below the mean of the others plus the subject's own lean
    (no pink, purple or magenta from the spill's removal)."""
    if keep_brightness:
        luma = LUMA[primary]
        b, g, r = (1.0 - luma if c == primary else -luma for c in range(3))
        return b, g, r
    grey = sum(float(key_colour[c]) for c in range(3) if c != primary) / 2.0
    lean = max(float(key_colour[primary]) - grey, LEAST_SCREEN_LEAN)
    b, g, r = (float(key_colour[c] if c == primary else grey) / lean for c in range(3))
    return b, g, r


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
    key_colour: tuple[int, int, int],
    keep_brightness: bool,
    foreground: BGRImage | None,
    composite: BGRImage,
) -> BGRImage:
    """Write the despilled subject premultiplied by ``alpha`` into ``foreground`` and
    the composite over ``background`` into ``composite`` (see the module's formulas), for
    frame rows ``top`` onwards (as many as ``alpha`` has).

    All images have the height and width of ``alpha`` and are C-contiguous uint8 (rows
    cut from whole frames are); ``light`` holds the coarse :data:`LIGHT_MAPS`: the
    screen's light now in 128ths and the subject's own lean towards the screen colour;
    ``spill`` 0..1 how much spill goes; ``key_colour`` the screen's colour (BGR) and
    ``keep_brightness`` True when the camera sends colour at half resolution (see
    :func:`spill_off`). ``foreground`` None: only the
    composite is wanted. Returns ``composite``.
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
    offs = (
        spill_off(key_colour, primary, keep_brightness=keep_brightness),
        spill_off(key_colour, primary, keep_brightness=False),
    )
    behind = background.reshape(-1)
    # the clear screen the passes skip (see :func:`clear_ends`): a copy of the background
    # and a subject of nothing, laid whole, costs less than the arithmetic there
    np.copyto(composite, background)
    if foreground is not None:
        foreground.fill(0)
    if foreground is None:
        out = composite.reshape(-1)
        _composite_run(*flat, alpha, planes, *grid, behind, out, primary, float(spill), *offs)
    else:
        both = (foreground.reshape(-1), composite.reshape(-1))
        _blend_run(*flat, alpha, planes, *grid, behind, *both, primary, float(spill), *offs)
    return composite
