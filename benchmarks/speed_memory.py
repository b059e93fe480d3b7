"""Memory of the keying loop, for :mod:`benchmarks.speed`: its peak RSS and what it
allocates per frame once warm (tracemalloc sees numpy's)."""

from __future__ import annotations

import resource
import tracemalloc
from pathlib import Path

from kaizen_studio.keying import Keyer
from kaizen_studio.keying.frames import BGRImage


def _rss_mib(field: str) -> float:
    """VmRSS or VmHWM of this process in MiB (Linux), from /proc/self/status."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024.0
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _reset_peak() -> bool:
    """Start a new peak-RSS measurement (Linux 4.0+); False where that is not possible."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def memory(
    frames: list[BGRImage], background: BGRImage, count: int = 120
) -> tuple[float, float, float]:
    """(peak RSS of the keying loop in MiB, net memory growth in bytes per frame once warm,
    largest short-lived allocation during a frame in KiB), for the default keyer."""
    keyer = Keyer()
    keyer.calibrate(frames[0])
    keyer.set_background(background)
    _reset_peak()
    for i in range(30):
        keyer.process(frames[i % len(frames)])
    tracemalloc.start()
    start = tracemalloc.get_traced_memory()[0]
    for i in range(count):  # the first frames traced leave a fixed overhead behind
        keyer.process(frames[i % len(frames)])
    before = tracemalloc.get_traced_memory()[0]
    for i in range(count):
        keyer.process(frames[i % len(frames)])
    after, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    keyer.close()
    return _rss_mib("VmHWM"), (after - before) / count, (peak - start) / 1024.0
