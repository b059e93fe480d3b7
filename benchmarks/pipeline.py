"""The whole live show on one core: file source, key, overlays, sound, one encoder for a
recording and a stream through the school's real nginx.

A loop of the demo presenter is encoded to a file first, then played by VideoFileSource
(decoding included), keyed into the newsroom with a lower third, ticker, badge and clock,
with speech-like sound, into one :class:`broadcast.BroadcastOutput` that encodes once
(libx264) for the recording and for a stream to nginx on loopback (a
:class:`broadcast.server.MediaServer`, as ``studio serve`` starts it), for ``--minutes``.
The benchmark pins itself to one core first (``os.sched_setaffinity`` on every thread:
whatever it starts afterwards, the encoder's threads, the streaming child and nginx,
inherits it). Each second it samples the show's memory, the encoder's queue, the key's
time and the show's level; at the end it reads the recording back (frames, gaps, where
the sound ends) and nginx's statistics (how much of the stream the server took), and
prints which steps down the show took and when, how much of the core the show used and
how much others took, and the machine's load at the start and the end.

Run: ``python -m benchmarks.pipeline [--minutes M | --seconds S] [--size 1920x1080]
[--fps 30] [--core N] [--no-stream] [--trace] [--profile]``. With ``--size`` only that
size runs (else 720p, then 1080p); ``--trace`` prints every sample; ``--profile`` runs
the compositor's thread under cProfile. ``--costs [--frames N]`` prints only the CPU each
piece costs a frame (:mod:`benchmarks.pipeline_costs`).
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import itertools
import math
import multiprocessing
import os
import pstats
import tempfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np
from defusedxml import ElementTree

from benchmarks import show_process as proc
from benchmarks.pipeline_causes import collections_timed, half_rate_spans, late_by_cause
from benchmarks.pipeline_clip import four_overlays, presenter_clip
from benchmarks.pipeline_costs import costs
from benchmarks.pipeline_report import report
from kaizen_studio.broadcast.output import BroadcastOutput
from kaizen_studio.broadcast.relays import fetch_stat
from kaizen_studio.broadcast.server import MediaServer, free_port
from kaizen_studio.core.clock import Clock
from kaizen_studio.core.errors import DeviceError
from kaizen_studio.core.memory import give_back_large_blocks
from kaizen_studio.keying import Keyer
from kaizen_studio.studio.backgrounds import newsroom
from kaizen_studio.studio.pipeline import Programme
from kaizen_studio.studio.sound import ShowSound
from kaizen_studio.studio.sources.video_file import VideoFileSource
from kaizen_studio.studio.step_down import ShowLevel

SAMPLE_SECONDS = 1.0
"""How often the show is sampled while it runs."""
COST_FRAMES = 60
"""Pictures each piece is timed over for the cost a frame at full quality."""
WARM_SECONDS = 60.0
"""The show's warm-up (at most a quarter of a shorter run): the encoder and the
allocator settle; memory "after warm-up" is read here and its slope from here on."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Sample:
    """The show at one moment, ``at`` seconds after it started."""

    at: float
    rss: float
    child_rss: float
    stream_rss: float
    backlog: float
    key_ms: float
    frame_ms: float
    late: int
    level: int


def profiled(programme: Programme, profile: cProfile.Profile) -> None:
    """Run the compositor's thread under ``profile``."""
    run = programme._run
    programme._run = lambda: profile.runcall(run)  # type: ignore[method-assign]


def server_took(stat_url: str) -> float:
    """Seconds of the show's stream nginx has taken (its publisher's last timestamp);
    0.0 when nginx does not know the stream."""
    try:
        root = ElementTree.fromstring(fetch_stat(stat_url))
    except (DeviceError, ElementTree.ParseError):
        return 0.0
    for stream in root.iter("stream"):
        if stream.findtext("name") == "show":
            for client in stream.iter("client"):
                if client.find("publishing") is not None:
                    return int(client.findtext("timestamp") or 0) / 1000.0
    return 0.0


def read_back(
    path: Path, fps: int, halved: tuple[tuple[float, float], ...] = ()
) -> dict[str, float]:
    """The recording's pictures, gaps (ticks missing between its first and last picture:
    a late tick leaves a gap, not a shift; while the show made half as many pictures a
    second, in the spans ``halved`` (seconds of the recording), a picture two ticks
    after the one before is none), and the sound's end against the pictures'."""
    times: list[float] = []
    sound_end = 0.0
    with av.open(str(path)) as container:
        for packet in container.demux():
            if packet.pts is None or packet.time_base is None:
                continue
            at = float(packet.pts * packet.time_base)
            if packet.stream.type == "video":
                times.append(at)
            elif packet.stream.type == "audio":
                sound_end = max(sound_end, at + float((packet.duration or 0) * packet.time_base))
    times.sort()
    video_end = times[-1] + 1.0 / fps if times else 0.0
    gaps = 0
    for a, b in itertools.pairwise(times):
        slow = any(start - 2 / fps <= a - times[0] <= end + 2 / fps for start, end in halved)
        gaps += max(0, round((b - a) * fps) - (2 if slow else 1))
    return {
        "recorded": len(times),
        "gaps": gaps,
        "drift_ms": (sound_end - video_end) * 1000.0,
        "video_s": video_end - (times[0] if times else 0.0),
    }


def slope(samples: list[Sample], since: float) -> float:
    """The show's memory's growth in MiB per minute from ``since`` on (least squares)."""
    kept = [(s.at / 60.0, s.rss) for s in samples if s.at >= since]
    if len(kept) < 2:
        return 0.0
    minutes, rss = np.array(kept).T
    return float(np.polyfit(minutes, rss, 1)[0])


def measure(
    size: tuple[int, int],
    fps: int,
    seconds: float,
    *,
    core: int,
    stream: bool = True,
    trace: bool = False,
    profile: cProfile.Profile | None = None,
) -> dict[str, object]:
    give_back_large_blocks()  # as `studio` does first
    with tempfile.TemporaryDirectory() as folder:
        clip, out = Path(folder) / "presenter.mp4", Path(folder) / "show.mp4"
        # drawn in a process of its own: the drawing's caches (116 MiB at 1080p) are not
        # the show's memory
        spawn = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(1, mp_context=spawn) as drawing:
            drawing.submit(presenter_clip, clip, size, fps).result()
        proc.pin(core)  # this process and all it starts from now on
        server = MediaServer(
            Path(folder) / "server", key="bench", rtmp_port=free_port(), http_port=free_port()
        )
        if stream:
            server.start()
        clock = Clock()
        overlays = four_overlays()
        programme = Programme(
            VideoFileSource(clip, clock=clock),
            fps=fps,
            keyer=Keyer(),
            background=newsroom(size),
            overlays=overlays,
            clock=clock,
            sound=ShowSound(clock=clock),
        )
        if profile is not None:
            profiled(programme, profile)
        output = BroadcastOutput(
            record=out,
            stream=server.publish_url if stream else None,
            width=size[0],
            height=size[1],
            fps=fps,
        )
        programme.add_output(output)
        me, nginx = os.getpid(), server.pid
        load_start, rss_start = proc.load(), proc.rss_mib()
        busy_start, waited_start = proc.core_busy_seconds(core), proc.waited_seconds()
        family = [pid for pid in proc.descendants(me) if pid != nginx]
        cpu_start = sum(proc.cpu_seconds(pid) for pid in [me, *family])
        nginx_start = proc.cpu_seconds(nginx) if nginx else 0.0
        pauses: list[tuple[float, float]] = []  # the garbage collector's (the GIL held)
        collected = collections_timed(pauses, clock.now)
        gc.callbacks.append(collected)
        began = clock.now()
        programme.start()
        warm = min(WARM_SECONDS, seconds / 4)
        samples: list[Sample] = []
        family_seen: set[int] = set()
        cpu_ended = 0.0  # CPU of children that ended during the run (a restarted one)
        cpu_family: dict[int, float] = {}
        while clock.now() - began < seconds:
            at = clock.now() - began  # the next whole sample (none caught up in a burst)
            clock.sleep_until(began + (math.floor(at / SAMPLE_SECONDS) + 1) * SAMPLE_SECONDS)
            children = [pid for pid in proc.descendants(me) if pid != nginx]
            for pid in family_seen - set(children):
                cpu_ended += cpu_family.pop(pid, 0.0)
            family_seen = set(children)
            for pid in children:
                cpu_family[pid] = proc.cpu_seconds(pid)
            stats = programme.stats()
            streamer = output.streamer
            sample = Sample(
                at=clock.now() - began,
                rss=proc.rss_mib(),
                child_rss=sum(proc.rss_mib(pid) for pid in children),
                stream_rss=proc.rss_mib(streamer.pid) if streamer and streamer.pid else 0.0,
                backlog=output.encoding.backlog,
                key_ms=stats.key_ms,
                frame_ms=stats.frame_ms,
                late=stats.late,
                level=int(stats.level),
            )
            samples.append(sample)
            if trace or round(sample.at) % 60 == 0:
                print(
                    f"  {sample.at:6.1f} s: RSS {sample.rss:.0f} MiB (+{sample.child_rss:.0f} "
                    f"children, the stream's {sample.stream_rss:.0f}), queue "
                    f"{sample.backlog:.2f}, key {sample.key_ms:.1f} ms, frame "
                    f"{sample.frame_ms:.1f} ms, late {sample.late}, level {sample.level}",
                    flush=True,
                )
        wall = clock.now() - began
        anon, files = proc.rss_mib(part="RssAnon"), proc.rss_mib(part="RssFile")
        cpu = proc.cpu_seconds(me) + sum(cpu_family.values()) + cpu_ended - cpu_start
        nginx_cpu = (proc.cpu_seconds(nginx) - nginx_start) if nginx else 0.0
        others = proc.core_busy_seconds(core) - busy_start - cpu - nginx_cpu
        waited = proc.waited_seconds() - waited_start
        took = server_took(server.stat_url) if stream else 0.0
        programme.close()
        sent = output.stream_stats()  # with the recording's: the same pictures counted
        output.close()
        server.close()
        stats, rec = programme.stats(), output.recording_stats()
        steps = [(step.at - began, step.words) for step in programme.levels.steps]
        pacer = programme._pacer
        first = (pacer.start or began) - began if pacer is not None else 0.0
        halved = half_rate_spans(programme.levels.steps, began + first, wall)
        figures = read_back(out, fps, tuple(halved))
        gc.callbacks.remove(collected)
        # from the first tick on (the show's start collects what the set-up left, once)
        pauses = [(at - began, ms) for at, ms in pauses if at - began >= first]
    rss_warm = next((s.rss for s in samples if s.at >= warm), samples[-1].rss)
    return {
        "seconds": seconds,
        "ticks": seconds * fps,
        "frames": stats.frames,
        "late": stats.late,
        "dropped": rec.frames_dropped,
        "stream_dropped": sent.frames_dropped - rec.frames_dropped if stream else 0,
        "stream_sent": sent.frames_sent,
        "reconnects": sent.reconnects,
        "server_s": took,
        **figures,
        "cpu": cpu / wall,
        "cpu_ms": cpu * 1000.0 / max(stats.frames, 1),
        "nginx_cpu": nginx_cpu / wall,
        "others": max(0.0, others) / wall,
        "waited": waited / wall,
        "key_ms": float(np.mean([s.key_ms for s in samples if s.at >= warm] or [0.0])),
        "rss_start": rss_start,
        "rss_warm": rss_warm,
        "rss_end": samples[-1].rss,
        "rss_max": max(s.rss for s in samples),
        "child_rss": samples[-1].child_rss,
        "stream_rss": samples[-1].stream_rss,
        "rss_anon_end": anon,
        "rss_file_end": files,
        "slope": slope(samples, warm),
        "level_end": stats.level,
        "half_rate_s": sum(end - start for start, end in halved),
        "gc_longest_ms": max((ms for _, ms in pauses), default=0.0),
        "gc_over_10ms": sum(ms > 10.0 for _, ms in pauses),
        **late_by_cause(
            [(x.at, x.late) for x in samples],
            [at for at, _ in steps],
            pauses,
        ),
        "steps": steps,
        "first_tick": first,
        "load_start": load_start,
        "load_end": proc.load(),
        "core": core,
        "stream": stream,
    }


def run(
    *,
    quick: bool = False,
    minutes: float | None = None,
    seconds: float | None = None,
    size: tuple[int, int] | None = None,
    fps: int = 30,
    core: int = 0,
    stream: bool = True,
    trace: bool = False,
    profile: bool = False,
) -> str:
    """Measure, print and return the markdown section for RESULTS.md."""
    seconds = seconds or ((minutes * 60.0) if minutes else (10.0 if quick else 60.0))
    rows = []
    sizes = [size] if size else [(1280, 720)] if quick else [(1280, 720), (1920, 1080)]
    for run_size in sizes:
        profiler = cProfile.Profile() if profile else None
        print(f"{run_size[0]}x{run_size[1]}@{fps}, {seconds:.0f} s on core {core}", flush=True)
        figures = measure(
            run_size, fps, seconds, core=core, stream=stream, trace=trace, profile=profiler
        )
        if profiler is not None:
            text = io.StringIO()
            pstats.Stats(profiler, stream=text).sort_stats("tottime").print_stats(25)
            print(text.getvalue(), flush=True)
        rows.append((run_size, figures))
    for run_size, figures in rows:  # after every show: their memory is not the costs'
        spent = costs(run_size, fps, frames=COST_FRAMES)  # what a core of its own would need
        figures["full_ms"] = sum(spent.values())
        figures["costs"] = ", ".join(f"{k} {v:.1f}" for k, v in spent.items()) + " ms a frame"
        print("  " + ", ".join(f"{k} {v}" for k, v in figures.items()), flush=True)
    return report(rows, fps=fps, seconds=seconds, stream=stream)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, help="length of each run (default 1)")
    parser.add_argument("--seconds", type=float, help="length of each run in seconds")
    parser.add_argument("--quick", action="store_true", help="720p only, 10 s")
    parser.add_argument("--size", help="only this size, WxH (default 1280x720 then 1920x1080)")
    parser.add_argument("--fps", type=int, default=30, help="frames per second (30)")
    parser.add_argument("--core", type=int, default=0, help="the core to pin the show to (0)")
    parser.add_argument("--no-stream", action="store_true", help="record only, no nginx")
    parser.add_argument("--trace", action="store_true", help="print every second's sample")
    parser.add_argument(
        "--profile", action="store_true", help="profile the compositor's thread (cProfile)"
    )
    parser.add_argument(
        "--costs", action="store_true", help="only the CPU cost of each piece, per frame"
    )
    parser.add_argument(
        "--frames",
        type=int,
        default=30,
        help="frames each piece is timed over with --costs (30; x264's start-up and "
        "flush weigh less with more)",
    )
    parser.add_argument(
        "--level",
        type=int,
        default=0,
        choices=[int(level) for level in ShowLevel],
        help="with --costs: the show's level (0 full quality, "
        + ", ".join(f"{int(v)} {v.words}" for v in list(ShowLevel)[1:])
        + ")",
    )
    args = parser.parse_args()
    size = None
    if args.size:
        width, height = (int(v) for v in args.size.lower().split("x"))
        size = (width, height)
    if args.costs:
        level = ShowLevel(args.level)
        for each in [size] if size else [(1280, 720), (1920, 1080)]:
            spent = costs(each, args.fps, frames=args.frames, level=level)
            total = sum(spent.values())
            print(
                f"{each[0]}x{each[1]} at {level.words}: CPU ms per frame: "
                + ", ".join(f"{k} {v:.1f}" for k, v in spent.items())
                + f"; total {total:.1f} (2 cores: at most {2000 / total:.0f} fps)",
                flush=True,
            )
        return
    print(
        run(
            quick=args.quick,
            minutes=args.minutes,
            seconds=args.seconds,
            size=size,
            fps=args.fps,
            core=args.core,
            stream=not args.no_stream,
            trace=args.trace,
            profile=args.profile,
        )
    )


if __name__ == "__main__":
    main()
