"""The one way the keyer compiles a per-pixel loop: Numba, cached on disk, without the GIL.

A loop written over uint8 buffers (flat, or rows of them) in 32-bit numbers, with no Python
objects inside, is turned by LLVM into vector instructions; the keyer's stripes run it on
several threads at once because it releases the GIL. Keep each loop straight: a flag
tested per pixel, or a helper returning several values inside the loop, has cost the
vector code before (8 -> 33-60 ms at 1080p).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

import numba

F = TypeVar("F", bound=Callable[..., Any])


def compiled(function: F) -> F:
    """Compile ``function`` on first use (cached beside its module), without the GIL;
    Numba itself has no type hints."""
    return cast(F, numba.njit(cache=True, nogil=True, boundscheck=False)(function))
