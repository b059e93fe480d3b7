"""Whole pictures given back to the system when freed, so a show's memory stays flat.

glibc's ``malloc`` serves a large block from its heap once a block that large has been
freed (its mmap threshold rises to the largest block freed, up to 32 MiB), and keeps
freed heap memory for reuse by the thread's arena. A show makes and frees several 6 MB
pictures a frame at 1080p on several threads (decoder, compositor, encoder), so each
arena keeps the high-water mark of its pictures for good: in the pipeline benchmark
(1080p, 20 s) 530 MiB resident at the end besides the encoder's queue, against 280 MiB
with the threshold fixed, at no cost that the frame-path benchmark's CPU clock can see
(a picture's pages are faulted in as it is written, either way).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import sys

log = logging.getLogger(__name__)

LARGE_BYTES = 1 << 20
"""Blocks this large and larger get a mapping of their own, unmapped when freed (a
1280x720 BGR picture is 2.6 MiB; the keyer's coarse maps are well under)."""
M_MMAP_THRESHOLD = -3
"""glibc's ``mallopt`` parameter (malloc.h)."""


def give_back_large_blocks(threshold: int = LARGE_BYTES) -> bool:
    """Fix glibc's mmap threshold at ``threshold`` bytes (which also stops it rising)
    and give back what the heap holds free now. Linux with glibc only: False elsewhere,
    or when the C library refuses (said in the log)."""
    if threshold < 1:
        raise ValueError(f"threshold must be at least 1 byte, got {threshold}")
    if not sys.platform.startswith("linux"):
        return False
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name or "libc.so.6")
        mallopt, trim = libc.mallopt, libc.malloc_trim
    except (OSError, AttributeError) as error:  # musl and others: no mallopt
        log.info("the C library's allocator cannot be tuned here: %s", error)
        return False
    if not mallopt(M_MMAP_THRESHOLD, ctypes.c_int(threshold)):
        log.warning("the C library refused an mmap threshold of %d bytes", threshold)
        return False
    trim(ctypes.c_size_t(0))
    return True
