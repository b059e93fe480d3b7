"""Exceptions of the keyer (each also a built-in, so callers may catch either)."""

from __future__ import annotations


class NoScreenFoundError(ValueError):
    """Calibration found no green, blue or other saturated backing in the frame."""


class NotCalibratedError(RuntimeError):
    """The keyer was asked to key before it knew what the screen looks like."""
