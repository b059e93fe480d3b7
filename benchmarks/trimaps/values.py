"""The three values of a trimap and the shapes they are drawn with (see
:mod:`benchmarks.trimaps.draw`)."""

from __future__ import annotations

from typing import Any

SCREEN, UNKNOWN, SUBJECT = 0, 128, 255
"""Definitely screen, unknown, definitely subject."""

Shape = tuple[Any, ...]
"""``("poly", points)``, ``("rect", x0, y0, x1, y1)``, ``("ellipse", cx, cy, rx, ry,
degrees)`` or ``("line", points, thickness)``, in the full picture's pixels."""

Trimap = tuple[tuple[int, int], list[tuple[int, Shape]]]
"""A picture's (width, height) upright and its ``(value, shape)`` list, drawn in order."""
