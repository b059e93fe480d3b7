"""Checks at the keyer's boundary: what a frame and a colour must be."""

from __future__ import annotations

from typing import TypeVar

import numpy as np
import numpy.typing as npt

BGRImage = npt.NDArray[np.uint8]
"""A BGR uint8 image of shape (height, width, 3)."""
Matte = npt.NDArray[np.uint8]
"""A uint8 alpha matte of shape (height, width): 0 background, 255 subject."""
Scalar = TypeVar("Scalar", bound=np.generic)


def check_frame(frame: object, *, name: str = "frame", smallest: int = 8) -> BGRImage:
    """Return ``frame`` if it is a BGR uint8 image at least ``smallest`` pixels each way,
    else raise naming what it is."""
    if not isinstance(frame, np.ndarray):
        raise TypeError(f"expected the {name} as a numpy array, got {type(frame).__name__}")
    if frame.dtype != np.uint8 or frame.ndim != 3 or frame.shape[2] != 3:
        raise ValueError(
            f"expected the {name} as a BGR uint8 image (height, width, 3), "
            f"got {frame.dtype} {'x'.join(map(str, frame.shape))}"
        )
    if frame.shape[0] < smallest or frame.shape[1] < smallest:
        raise ValueError(f"the {name} is too small: {frame.shape[1]}x{frame.shape[0]}")
    return frame


def check_colour(colour: object) -> tuple[int, int, int]:
    """Return a (B, G, R) tuple of ints 0-255, or raise naming the bad value."""
    if (
        not isinstance(colour, tuple | list)
        or len(colour) != 3
        or not all(isinstance(c, int | np.integer) and 0 <= c <= 255 for c in colour)
    ):
        raise ValueError(f"expected a colour as three integers 0-255 (B, G, R), got {colour!r}")
    b, g, r = (int(c) for c in colour)
    return b, g, r


def signed_levels(half: npt.NDArray[np.uint8]) -> npt.NDArray[np.float32]:
    """A signed colour difference (-255 to 255 levels) back from the half-level encoding
    the keyer keeps its coarse maps in, ``(d + 255) / 2`` in uint8
    (:func:`kaizen_studio.keying.matte.colour_difference` with ``signed``).

    Parameters
    ----------
    half : uint8 array of any shape

    Returns
    -------
    float32 array of the same shape, ``half * 2 - 255``
    """
    return half.astype(np.float32) * 2.0 - 255.0


def channel_max(image: npt.NDArray[Scalar]) -> npt.NDArray[Scalar]:
    """The largest of each pixel's three channels (the last axis): what
    ``image.max(axis=-1)`` gives, an elementwise maximum of the three planes, which
    costs a twentieth of NumPy's reduction over so short an axis (on the coarse grid
    once a frame, that reduction took a millisecond)."""
    if image.shape[-1] != 3:
        raise ValueError(f"expected three channels last, got shape {image.shape}")
    most: npt.NDArray[Scalar] = np.maximum(np.maximum(image[..., 0], image[..., 1]), image[..., 2])
    return most


def channel_min(image: npt.NDArray[Scalar]) -> npt.NDArray[Scalar]:
    """The smallest of each pixel's three channels (see :func:`channel_max`)."""
    if image.shape[-1] != 3:
        raise ValueError(f"expected three channels last, got shape {image.shape}")
    least: npt.NDArray[Scalar] = np.minimum(np.minimum(image[..., 0], image[..., 1]), image[..., 2])
    return least
