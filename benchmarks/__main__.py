"""Run the benchmarks and write benchmarks/RESULTS.md.

``python -m benchmarks`` runs them all; ``--only speed quality`` some; ``--quick`` asks
each for its short form. Each benchmark module has ``run(*, quick: bool) -> str`` that
prints its figures as it goes and returns a markdown section.
"""

from __future__ import annotations

import argparse
import importlib
import os
import platform
import time
from pathlib import Path

import cv2
import numpy as np

BENCHMARKS = ("speed", "quality", "pipeline")
RESULTS = Path(__file__).with_name("RESULTS.md")


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    return (
        f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, "
        f"NumPy {np.__version__}, OpenCV {cv2.__version__}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description="Run the benchmarks, write RESULTS.md.")
    parser.add_argument("--only", nargs="+", choices=BENCHMARKS, help="run only these")
    parser.add_argument("--quick", action="store_true", help="short forms of each")
    args = parser.parse_args()
    names = args.only or BENCHMARKS
    sections = []
    for name in names:
        print(f"== {name}", flush=True)
        module = importlib.import_module(f"benchmarks.{name}")
        started = time.perf_counter()
        sections.append(module.run(quick=args.quick))
        print(f"== {name}: {time.perf_counter() - started:.0f} s", flush=True)
    header = (
        f"# Benchmark results\n\nWritten by `python -m benchmarks` "
        f"({'quick, ' if args.quick else ''}{', '.join(names)}) on "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; machine: {machine()}.\n"
        "The machine is shared: compare rows measured in the same run, not runs.\n"
    )
    RESULTS.write_text(header + "\n" + "\n".join(sections), encoding="utf-8")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
