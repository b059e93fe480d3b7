"""Run the benchmarks and write benchmarks/RESULTS.md.

``python -m benchmarks`` runs them all; ``--only speed quality`` some; ``--quick`` asks
each for its short form; ``--minutes M`` sets the length of the long runs (the live
pipeline's: 10 for the issue's target) in the benchmarks that take one. Each benchmark
module has ``run(*, quick: bool) -> str`` that prints its figures as it goes and returns a
markdown section. Each section is kept in benchmarks/results/NAME.md (with when and where
it was measured), and RESULTS.md is put together from all of them, so running one
benchmark again keeps the others' figures.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import os
import platform
import time
from pathlib import Path

import cv2
import numpy as np

BENCHMARKS = (
    "speed",
    "quality",
    "pipeline",
    "latency",
    "autocue_render",
    "encode_once",
    "hls_latency",
    "reconnect",
    "app_responsiveness",
    "footage",
    "chart",
    "truth2",
    "autocue_voice",
    "sound_starved",
    "channel_upload",
    "guest",
    "partners",
    "channel_screens",
    "frame_path",
)
HERE = Path(__file__).parent
RESULTS = HERE / "RESULTS.md"
SECTIONS = HERE / "results"


def machine() -> str:
    """Where the figures were measured; the processor's model, as machines change between
    runs and their speeds differ (from /proc/cpuinfo on Linux)."""
    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        models = [
            line.split(":", 1)[1].strip()
            for line in cpuinfo.read_text(encoding="utf-8", errors="replace").splitlines()
            if line.startswith("model name")
        ]
        cpu = models[0] if models else cpu
    return (
        f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, "
        f"NumPy {np.__version__}, OpenCV {cv2.__version__}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description="Run the benchmarks, write RESULTS.md.")
    parser.add_argument("--only", nargs="+", choices=BENCHMARKS, help="run only these")
    parser.add_argument("--quick", action="store_true", help="short forms of each")
    parser.add_argument(
        "--minutes", type=float, help="length of the long runs (the pipeline's) in minutes"
    )
    parser.add_argument(
        "--assemble",
        action="store_true",
        help="run nothing: put RESULTS.md together again from benchmarks/results/ "
        "(after merging branches that each measured their own)",
    )
    args = parser.parse_args()
    SECTIONS.mkdir(exist_ok=True)
    for name in [] if args.assemble else args.only or BENCHMARKS:
        print(f"== {name}", flush=True)
        module = importlib.import_module(f"benchmarks.{name}")
        started = time.perf_counter()
        options: dict[str, float | bool] = {"quick": args.quick}
        if args.minutes and "minutes" in inspect.signature(module.run).parameters:
            options["minutes"] = args.minutes
        section = module.run(**options)
        stamp = (
            f"\n_Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}"
            f"{' (quick)' if args.quick else ''} in {time.perf_counter() - started:.0f} s "
            f"on {machine()}._\n"
        )
        (SECTIONS / f"{name}.md").write_text(section + stamp, encoding="utf-8")
        print(f"== {name}: {time.perf_counter() - started:.0f} s", flush=True)
    parts = [
        (SECTIONS / f"{name}.md").read_text(encoding="utf-8")
        for name in BENCHMARKS
        if (SECTIONS / f"{name}.md").exists()
    ]
    header = (
        "# Benchmark results\n\nWritten by `python -m benchmarks`; each section says "
        "when and where it was measured. The machine is shared: compare rows measured "
        "in the same run, not runs.\n"
    )
    RESULTS.write_text(header + "\n" + "\n".join(parts), encoding="utf-8")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
