"""Whole pictures made and freed on a worker thread leave no memory behind."""

from __future__ import annotations

import sys
import threading
from pathlib import Path

import numpy as np
import pytest

from kaizen_studio.core.memory import give_back_large_blocks


def resident_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024.0
    raise AssertionError("no VmRSS in /proc/self/status")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's allocator")
def test_pictures_freed_on_a_worker_thread_give_their_memory_back() -> None:
    assert give_back_large_blocks()
    first = np.ones((1080, 1920, 3), np.uint8)  # a picture freed, as in any show (without
    del first  # the fix this raises glibc's threshold: the next ones stay in the heap)
    kept: list[np.ndarray] = []
    figures: dict[str, float] = {}

    def show() -> None:  # as a worker makes pictures: each followed by something small
        pictures = []
        for i in range(24):
            picture = np.empty((1080, 1920, 3), np.uint8)
            picture.fill(i)  # written: resident
            pictures.append(picture)
            kept.append(np.full(256, i, np.uint8))  # between them in the heap
        figures["held"] = resident_mib()
        pictures.clear()
        figures["freed"] = resident_mib()

    worker = threading.Thread(target=show)
    worker.start()
    worker.join(timeout=60)
    assert not worker.is_alive()
    pictures_mib = 24 * 1080 * 1920 * 3 / 2**20  # 142 MiB
    assert figures["held"] - figures["freed"] > 0.9 * pictures_mib, figures
    with pytest.raises(ValueError, match="at least 1 byte"):
        give_back_large_blocks(0)
