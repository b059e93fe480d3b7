"""Colour arithmetic for the measurements: sRGB <-> linear light, CIELAB (D65), CIEDE2000,
hue angles.

CIEDE2000 follows G. Sharma, W. Wu, E. N. Dalal, "The CIEDE2000 colour-difference formula:
implementation notes, supplementary test data, and mathematical observations", Color
Research and Application 30(1), 21-30, 2005 (equations 1-18 there); it is checked against
that paper's 34 test pairs in tests/test_bench_colour.py. Everything here is vectorised
numpy on float64 arrays whose last axis holds the three components.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

Float = npt.NDArray[np.float64]

_SRGB_TO_XYZ = np.array(
    [
        [0.4124564, 0.3575761, 0.1804375],
        [0.2126729, 0.7151522, 0.0721750],
        [0.0193339, 0.1191920, 0.9503041],
    ]
)
"""Linear sRGB (D65) to CIE XYZ, IEC 61966-2-1."""
_WHITE_D65 = _SRGB_TO_XYZ.sum(axis=1)


def srgb_to_linear(values: npt.ArrayLike) -> Float:
    """sRGB-encoded values 0..1 to linear light 0..1 (the IEC 61966-2-1 curve)."""
    v = np.asarray(values, np.float64)
    return np.where(v <= 0.04045, v / 12.92, ((np.maximum(v, 0) + 0.055) / 1.055) ** 2.4)


def linear_to_srgb(values: npt.ArrayLike) -> Float:
    """Linear light 0..1 to sRGB-encoded 0..1 (clipped to 0..1 first)."""
    v = np.clip(np.asarray(values, np.float64), 0.0, 1.0)
    return np.where(v <= 0.0031308, v * 12.92, 1.055 * v ** (1 / 2.4) - 0.055)


def bgr8_to_linear(image: npt.NDArray[np.uint8]) -> Float:
    """A BGR uint8 picture to linear-light RGB float64 (same shape, channels R, G, B)."""
    return srgb_to_linear(image[..., ::-1].astype(np.float64) / 255.0)


def linear_to_bgr8(linear: npt.ArrayLike) -> npt.NDArray[np.uint8]:
    """Linear-light RGB to a BGR uint8 picture (rounded, clipped)."""
    encoded = linear_to_srgb(linear)[..., ::-1]
    return np.asarray(np.round(encoded * 255.0), np.uint8)


def linear_to_lab(linear: npt.ArrayLike) -> Float:
    """Linear-light sRGB (R, G, B last) to CIELAB L*, a*, b* under D65."""
    xyz = np.asarray(linear, np.float64) @ _SRGB_TO_XYZ.T / _WHITE_D65
    eps, kappa = 216 / 24389, 24389 / 27
    f = np.where(xyz > eps, np.cbrt(xyz), (kappa * xyz + 16) / 116)
    return np.stack(
        [116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]), 200 * (f[..., 1] - f[..., 2])],
        axis=-1,
    )


def bgr8_to_lab(image: npt.ArrayLike) -> Float:
    """BGR 0..255 values (uint8 or float, last axis B, G, R) to CIELAB (D65)."""
    bgr = np.asarray(image, np.float64)
    return linear_to_lab(srgb_to_linear(bgr[..., ::-1] / 255.0))


def hue_degrees(lab: npt.ArrayLike) -> Float:
    """The CIELAB hue angle h_ab in degrees 0..360."""
    lab = np.asarray(lab, np.float64)
    return np.degrees(np.arctan2(lab[..., 2], lab[..., 1])) % 360.0


def hue_difference(lab1: npt.ArrayLike, lab2: npt.ArrayLike) -> Float:
    """Signed hue angle change from ``lab1`` to ``lab2`` in degrees, -180..180."""
    return (hue_degrees(lab2) - hue_degrees(lab1) + 180.0) % 360.0 - 180.0


def ciede2000(lab1: npt.ArrayLike, lab2: npt.ArrayLike) -> Float:
    """CIEDE2000 colour difference (kL = kC = kH = 1) between CIELAB arrays of the same
    shape (..., 3); returns shape (...)."""
    lab1, lab2 = np.asarray(lab1, np.float64), np.asarray(lab2, np.float64)
    l1, a1, b1 = lab1[..., 0], lab1[..., 1], lab1[..., 2]
    l2, a2, b2 = lab2[..., 0], lab2[..., 1], lab2[..., 2]
    # (2)-(6): a' with the G correction, C', h'
    c_mean = (np.hypot(a1, b1) + np.hypot(a2, b2)) / 2
    c7 = c_mean**7
    g = 0.5 * (1 - np.sqrt(c7 / (c7 + 25.0**7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = np.hypot(a1p, b1), np.hypot(a2p, b2)
    h1p = np.where((a1p == 0) & (b1 == 0), 0.0, np.degrees(np.arctan2(b1, a1p)) % 360)
    h2p = np.where((a2p == 0) & (b2 == 0), 0.0, np.degrees(np.arctan2(b2, a2p)) % 360)
    # (8)-(10): differences
    d_l = l2 - l1
    d_c = c2p - c1p
    zero = c1p * c2p == 0
    dh = h2p - h1p
    dh = np.where(dh > 180, dh - 360, np.where(dh < -180, dh + 360, dh))
    dh = np.where(zero, 0.0, dh)
    d_h = 2 * np.sqrt(c1p * c2p) * np.sin(np.radians(dh / 2))
    # (12)-(22): means, weights, rotation
    l_mean = (l1 + l2) / 2
    cp_mean = (c1p + c2p) / 2
    h_sum = h1p + h2p
    far = np.abs(h1p - h2p) > 180
    hp_mean = np.where(far, np.where(h_sum < 360, (h_sum + 360) / 2, (h_sum - 360) / 2), h_sum / 2)
    hp_mean = np.where(zero, h_sum, hp_mean)
    t = (
        1
        - 0.17 * np.cos(np.radians(hp_mean - 30))
        + 0.24 * np.cos(np.radians(2 * hp_mean))
        + 0.32 * np.cos(np.radians(3 * hp_mean + 6))
        - 0.20 * np.cos(np.radians(4 * hp_mean - 63))
    )
    d_theta = 30 * np.exp(-(((hp_mean - 275) / 25) ** 2))
    cp7 = cp_mean**7
    r_c = 2 * np.sqrt(cp7 / (cp7 + 25.0**7))
    l50 = (l_mean - 50) ** 2
    s_l = 1 + 0.015 * l50 / np.sqrt(20 + l50)
    s_c = 1 + 0.045 * cp_mean
    s_h = 1 + 0.015 * cp_mean * t
    r_t = -np.sin(np.radians(2 * d_theta)) * r_c
    dl, dc, dhh = d_l / s_l, d_c / s_c, d_h / s_h
    return np.asarray(np.sqrt(dl**2 + dc**2 + dhh**2 + r_t * dc * dhh), np.float64)
