"""The live pipeline benchmark's section of RESULTS.md: its table and the issue's targets.

:func:`report` turns :func:`benchmarks.pipeline.measure`'s figures into markdown;
:func:`verdicts` says PASS or FAIL for each of issue 21's targets, with the figures.
"""

from __future__ import annotations

FLAT_MIB_PER_MINUTE = 1.0
"""Memory is flat when it grows less than this after warm-up (10 MiB in 10 minutes)."""
MEMORY_MIB = 400.0
"""The most a 1080p show may hold after warm-up (issue 21)."""

Figures = dict[str, object]


def report(
    rows: list[tuple[tuple[int, int], Figures]], *, fps: int, seconds: float, stream: bool
) -> str:
    """The markdown section for ``rows`` (each a size and its figures)."""
    lines = [
        "## Live pipeline",
        "",
        "The whole show pinned to one core by the benchmark (`os.sched_setaffinity` on "
        "every thread of its process; the encoder's threads, the streaming child and nginx "
        "inherit it): a file source (the demo presenter, decoded) keyed into the newsroom "
        "with four overlays and sound, encoded once (libx264) to the recording"
        + (" and a stream through nginx on loopback" if stream else " (no stream)")
        + f", {seconds:.0f} s per size. CPU is in cores: the show's process with its "
        "streaming child, nginx, and what else ran on that core meanwhile (other "
        "programs: the machine is shared); waited: the show's threads' time ready to run "
        "but kept off the core, per second.",
        "",
        "| size | frames made / due | late ticks | dropped | gaps | stream at nginx / "
        "recorded (s) | CPU: show / nginx / others on the core | waited | CPU ms a frame "
        "| key ms | sound vs pictures (ms) | RSS start / warm-up / end (MiB), slope "
        "(+ the children's at the end: the streaming child and multiprocessing's "
        "resource tracker) "
        "| steps | load start → end |",
        "|---|---:|---:|---:|---:|---|---|---:|---:|---:|---:|---|---:|---|",
    ]
    for (w, h), f in rows:
        n = {k: float(v) for k, v in f.items() if isinstance(v, int | float)}
        steps = f["steps"]
        assert isinstance(steps, list)
        lines.append(
            f"| {w}x{h}@{fps} | {n['frames']:.0f} / {n['ticks']:.0f} | {n['late']:.0f} | "
            f"{n['dropped'] + n['stream_dropped']:.0f} | {n['gaps']:.0f} | "
            f"{n['server_s']:.1f} / {n['video_s']:.1f} | {n['cpu']:.2f} / "
            f"{n['nginx_cpu']:.2f} / {n['others']:.2f} | {n['waited']:.2f} | "
            f"{n['cpu_ms']:.1f} | {n['key_ms']:.1f} | {n['drift_ms']:+.0f} | "
            f"{n['rss_start']:.0f} / {n['rss_warm']:.0f} / {n['rss_end']:.0f}, "
            f"{n['slope']:+.2f}/min (+{n['child_rss']:.0f}, the stream's "
            f"{n['stream_rss']:.0f}) | "
            f"{len(steps)} (level {n['level_end']:.0f} at the end) "
            f"| {f['load_start']} → {f['load_end']} |"
        )
    lines += [
        "",
        "Targets (issue 21; the issue's run is 10 minutes: `python -m benchmarks --only "
        "pipeline --minutes 10`):",
        "",
    ]
    for run_size, f in rows:
        lines += verdicts(run_size, fps, f)
    return "\n".join(lines) + "\n"


def verdicts(size: tuple[int, int], fps: int, f: Figures) -> list[str]:
    """The issue's targets for one run, each PASS or FAIL with its figures."""
    n = {k: float(v) for k, v in f.items() if isinstance(v, int | float)}
    w, h = size
    name = f"{w}x{h}@{fps}"
    missing = max(0.0, n["frames"] - n["recorded"] - n["dropped"])  # lost after the queue
    lost = n["dropped"] + n["stream_dropped"] + missing
    steps = f["steps"]
    assert isinstance(steps, list)
    stepped = (
        f"; the first picture {n['first_tick']:.1f} s after the show was started; it stepped "
        "down: " + "; ".join(f"at {at:.1f} s, {words}" for at, words in steps)
        if steps
        else "; it never stepped down"
    )
    if n["half_rate_s"]:
        # degrading to half the pictures is better than dropping, but it is not @fps
        stepped += (
            f"; {n['half_rate_s']:.0f} s at half as many pictures a second "
            f"({fps // 2} a second, not {fps}: counted as a failure of this target)"
        )
    stepped += (
        f"; the garbage collector's longest pause {n['gc_longest_ms']:.0f} ms, "
        f"{n['gc_over_10ms']:.0f} over 10 ms; late ticks in the second of a step or the "
        f"one after {n['late_at_steps']:.0f}, of a collection over 10 ms "
        f"{n['late_at_gc']:.0f}, of neither {n['late_other']:.0f}"
    )
    ok = lost == 0 and n["gaps"] == 0 and n["half_rate_s"] == 0
    lines = [
        f"- {'PASS' if ok else 'FAIL'}: {name}, 0 frames dropped and 0 gaps ({lost:.0f} "
        f"dropped: {n['dropped']:.0f} before the encoder, {n['stream_dropped']:.0f} on the "
        f"way to nginx, {missing:.0f} more missing from the recording; "
        f"{n['gaps']:.0f} gaps; {n['late']:.0f} late ticks){stepped}",
        f"- {'PASS' if abs(n['drift_ms']) < 1000 / fps else 'FAIL'}: {name} sound within "
        f"a frame of the pictures at the end ({n['drift_ms']:+.0f} ms)",
    ]
    if f["stream"]:
        whole = n["reconnects"] == 0 and abs(n["server_s"] - n["video_s"]) < 1.0
        lines.append(
            f"- {'PASS' if whole else 'FAIL'}: {name} stream: nginx took "
            f"{n['server_s']:.1f} s of it for {n['video_s']:.1f} s recorded, "
            f"{n['reconnects']:.0f} reconnects"
        )
    if (w, h) == (1280, 720):  # half a core only counts for a whole show
        cpu = n["cpu"] + n["nginx_cpu"]
        half = cpu < 0.5 and ok and n["late"] == 0
        lines.append(
            f"- {'PASS' if half else 'FAIL'}: {name} under half a core, every picture made "
            f"({cpu:.2f}: the show {n['cpu']:.2f} with its streaming child, nginx "
            f"{n['nginx_cpu']:.2f}; {n['ticks'] - n['frames']:.0f} pictures not made)"
        )
    if "full_ms" in n:
        lines.append(
            f"- {name} on a core of its own at full quality (`--costs`, CPU time, the same "
            f"run): {f['costs']}: {n['full_ms'] * fps / 1000:.2f} of a core"
        )
    if (w, h) == (1920, 1080):
        memory = n["rss_warm"] < MEMORY_MIB and abs(n["slope"]) < FLAT_MIB_PER_MINUTE
        lines.append(
            f"- {'PASS' if memory else 'FAIL'}: {name} memory under {MEMORY_MIB:.0f} MiB "
            f"after warm-up and flat ({n['rss_warm']:.0f} MiB after warm-up, "
            f"{n['slope']:+.2f} MiB a minute after it; within ±{FLAT_MIB_PER_MINUTE:.0f}); "
            f"at the end {n['rss_anon_end']:.0f} MiB its own (heap, pictures, encoder) and "
            f"{n['rss_file_end']:.0f} mapped from files (libraries' code)"
            + (f"; the streaming child {n['stream_rss']:.0f} MiB" if f["stream"] else "")
        )
    lines.append(
        f"- The machine during the {name} run: core {n['core']:.0f} shared, other programs "
        f"took {n['others']:.2f} of it and the show {n['cpu']:.2f}; the show's threads "
        f"waited {n['waited']:.2f} s a second for it; load {f['load_start']} at the start, "
        f"{f['load_end']} at the end"
    )
    return lines
