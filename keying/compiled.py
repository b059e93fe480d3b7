"""The one way the keyer compiles a per-pixel loop: Numba, cached on disk, without the
GIL, and the whole-number helpers its loops share.

A loop written over flat uint8 buffers in 32-bit whole numbers, with no Python objects
inside, is turned by LLVM into vector instructions; the keyer's stripes run it on several
threads at once because it releases the GIL.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

import numba
import numpy as np

F = TypeVar("F", bound=Callable[..., Any])

Level = int | np.int32
"""A colour level or a product of two, worked in 32-bit whole numbers."""


def compiled(function: F) -> F:
    """Compile ``function`` on first use (cached beside its module), without the GIL;
    Numba itself has no type hints."""
    return cast(F, numba.njit(cache=True, nogil=True, boundscheck=False)(function))


@compiled
def div255(value: Level) -> Level:
    """``round(value / 255)`` for 0 <= value <= 255 * 255, exactly, in whole numbers."""
    value += 128
    return (value + (value >> 8)) >> 8


@compiled
def within(value: Level, low: Level, high: Level) -> Level:
    """``value`` held between ``low`` and ``high``."""
    return low if value < low else (high if value > high else value)
