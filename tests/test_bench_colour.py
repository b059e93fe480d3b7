"""The benchmarks' colour arithmetic: CIEDE2000 against Sharma, Wu and Dalal's (2005) 34
published test pairs, and the sRGB <-> linear-light round trip the mixing relies on."""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks import colour

SHARMA_PAIRS = [  # Table 1 of Sharma, Wu, Dalal, Color Res. Appl. 30(1) 2005: L1 a1 b1 L2 a2 b2 dE
    (50.0000, 2.6772, -79.7751, 50.0000, 0.0000, -82.7485, 2.0425),
    (50.0000, 3.1571, -77.2803, 50.0000, 0.0000, -82.7485, 2.8615),
    (50.0000, 2.8361, -74.0200, 50.0000, 0.0000, -82.7485, 3.4412),
    (50.0000, -1.3802, -84.2814, 50.0000, 0.0000, -82.7485, 1.0000),
    (50.0000, -1.1848, -84.8006, 50.0000, 0.0000, -82.7485, 1.0000),
    (50.0000, -0.9009, -85.5211, 50.0000, 0.0000, -82.7485, 1.0000),
    (50.0000, 0.0000, 0.0000, 50.0000, -1.0000, 2.0000, 2.3669),
    (50.0000, -1.0000, 2.0000, 50.0000, 0.0000, 0.0000, 2.3669),
    (50.0000, 2.4900, -0.0010, 50.0000, -2.4900, 0.0009, 7.1792),
    (50.0000, 2.4900, -0.0010, 50.0000, -2.4900, 0.0010, 7.1792),
    (50.0000, 2.4900, -0.0010, 50.0000, -2.4900, 0.0011, 7.2195),
    (50.0000, 2.4900, -0.0010, 50.0000, -2.4900, 0.0012, 7.2195),
    (50.0000, -0.0010, 2.4900, 50.0000, 0.0009, -2.4900, 4.8045),
    (50.0000, -0.0010, 2.4900, 50.0000, 0.0010, -2.4900, 4.8045),
    (50.0000, -0.0010, 2.4900, 50.0000, 0.0011, -2.4900, 4.7461),
    (50.0000, 2.5000, 0.0000, 50.0000, 0.0000, -2.5000, 4.3065),
    (50.0000, 2.5000, 0.0000, 73.0000, 25.0000, -18.0000, 27.1492),
    (50.0000, 2.5000, 0.0000, 61.0000, -5.0000, 29.0000, 22.8977),
    (50.0000, 2.5000, 0.0000, 56.0000, -27.0000, -3.0000, 31.9030),
    (50.0000, 2.5000, 0.0000, 58.0000, 24.0000, 15.0000, 19.4535),
    (50.0000, 2.5000, 0.0000, 50.0000, 3.1736, 0.5854, 1.0000),
    (50.0000, 2.5000, 0.0000, 50.0000, 3.2972, 0.0000, 1.0000),
    (50.0000, 2.5000, 0.0000, 50.0000, 1.8634, 0.5757, 1.0000),
    (50.0000, 2.5000, 0.0000, 50.0000, 3.2592, 0.3350, 1.0000),
    (60.2574, -34.0099, 36.2677, 60.4626, -34.1751, 39.4387, 1.2644),
    (63.0109, -31.0961, -5.8663, 62.8187, -29.7946, -4.0864, 1.2630),
    (61.2901, 3.7196, -5.3901, 61.4292, 2.2480, -4.9620, 1.8731),
    (35.0831, -44.1164, 3.7933, 35.0232, -40.0716, 1.5901, 1.8645),
    (22.7233, 20.0904, -46.6940, 23.0331, 14.9730, -42.5619, 2.0373),
    (36.4612, 47.8580, 18.3852, 36.2715, 50.5065, 21.2231, 1.4146),
    (90.8027, -2.0831, 1.4410, 91.1528, -1.6435, 0.0447, 1.4441),
    (90.9257, -0.5406, -0.9208, 88.6381, -0.8985, -0.7239, 1.5381),
    (6.7747, -0.2908, -2.4247, 5.8714, -0.0985, -2.2286, 0.6377),
    (2.0776, 0.0795, -1.1350, 0.9033, -0.0636, -0.5514, 0.9082),
]


def test_ciede2000_matches_sharmas_pairs_both_ways() -> None:
    data = np.array(SHARMA_PAIRS)
    lab1, lab2, expected = data[:, 0:3], data[:, 3:6], data[:, 6]
    np.testing.assert_allclose(colour.ciede2000(lab1, lab2), expected, atol=1e-4)
    np.testing.assert_allclose(colour.ciede2000(lab2, lab1), expected, atol=1e-4)


def test_ciede2000_of_a_colour_with_itself_is_zero() -> None:
    lab = colour.bgr8_to_lab(np.array([[0, 0, 0], [255, 255, 255], [30, 200, 90]], np.uint8))
    np.testing.assert_allclose(colour.ciede2000(lab, lab), 0.0, atol=1e-9)


def test_lab_of_white_grey_and_green_are_the_known_ones() -> None:
    lab = colour.bgr8_to_lab(np.array([[255, 255, 255], [119, 119, 119], [0, 255, 0]]))
    np.testing.assert_allclose(lab[0], [100.0, 0.0, 0.0], atol=0.01)
    assert lab[1, 0] == pytest.approx(50.0, abs=0.3)  # sRGB 119 is L* 50
    np.testing.assert_allclose(lab[1, 1:], 0.0, atol=0.01)
    np.testing.assert_allclose(lab[2], [87.73, -86.18, 83.18], atol=0.05)


def test_every_8_bit_value_survives_linear_light_and_back() -> None:
    values = np.arange(256, dtype=np.uint8)
    image = np.stack([values, values[::-1], values], axis=-1)[None]
    assert np.array_equal(colour.linear_to_bgr8(colour.bgr8_to_linear(image)), image)


def test_mixing_in_linear_light_differs_from_mixing_codes() -> None:
    black, white = np.zeros(3), np.ones(3)
    half = colour.linear_to_srgb(0.5 * colour.srgb_to_linear(black) + 0.5 * white)
    np.testing.assert_allclose(half, 0.7354, atol=1e-3)  # not 0.5: light adds, codes do not


def test_hue_difference_wraps_around_360() -> None:
    a = np.array([10.0, 5.0, -0.1])  # hue just below 360
    b = np.array([10.0, 5.0, 0.1])  # hue just above 0
    assert 0 < colour.hue_difference(a, b) < 10
