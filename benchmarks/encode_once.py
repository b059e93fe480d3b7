"""CPU of recording + streaming: two encoders (the old way) against encode-once.

The old way: :class:`broadcast.Recorder` encodes for the file, :class:`broadcast.
RtmpStreamer` sends raw frames to its child process, which encodes again. Encode-once:
:class:`broadcast.BroadcastOutput` encodes in the show's process and hands the packets to
a child that only muxes FLV. Each is fed the same moving picture with sound at the show's
pace for the same time, streaming to the real nginx on loopback; CPU is this process plus
the streaming children (waited for, so counted), less the cost of making the frames
(measured alone in the same run). ``python -m benchmarks.encode_once [--seconds S]``;
``--soak --seconds 600`` runs encode-once alone at 1080p (the issue's 10-minute target).
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from kaizen_studio.broadcast import BroadcastOutput, MediaServer, Recorder, RtmpStreamer
from kaizen_studio.broadcast.server import free_port
from kaizen_studio.core.media import AudioBlock, VideoFrame

SIZES = ((1280, 720), (1920, 1080))
FPS = 30
BITRATE = 4_000_000


def cpu_seconds() -> float:
    me = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


def feed(
    send: Callable[[VideoFrame, AudioBlock], None], size: tuple[int, int], seconds: float
) -> int:
    """Moving frames and a tone at FPS for ``seconds``; return how many were sent."""
    w, h = size
    background = np.random.default_rng(0).integers(60, 190, (h, w, 3), np.uint8)
    tone = (np.sin(np.arange(1600) * 2 * np.pi * 440 / 48000) * 0.2).astype(np.float32)
    sound = np.stack([tone, tone], 1)
    start = time.monotonic()
    i = 0
    while time.monotonic() - start < seconds:
        pts = start + i / FPS
        picture = np.roll(background, i * 4, axis=1)
        send(VideoFrame(picture, pts, i), AudioBlock(sound, 48000, pts))
        i += 1
        time.sleep(max(0.0, start + i / FPS - time.monotonic()))
    return i


def measure(
    server: MediaServer, folder: Path, size: tuple[int, int], seconds: float
) -> dict[str, dict[str, float]]:
    w, h = size
    results: dict[str, dict[str, float]] = {}
    before = cpu_seconds()
    feed(lambda frame, block: None, size, seconds)
    frames_only = cpu_seconds() - before
    results["frames only"] = {"cores": frames_only / seconds, "dropped": 0}

    before = cpu_seconds()
    recorder = Recorder(folder / "old.mp4", width=w, height=h, fps=FPS)
    streamer = RtmpStreamer(server.publish_url, width=w, height=h, fps=FPS, video_bitrate=BITRATE)
    recorder.start()
    streamer.start()

    def both(frame: VideoFrame, block: AudioBlock) -> None:
        for output in (recorder, streamer):
            output.send(frame)
            output.send_audio(block)

    sent = feed(both, size, seconds)
    streamer.stop()
    recorder.stop()
    spent = cpu_seconds() - before - frames_only
    old_rec, old_stream = recorder.stats(), streamer.stats()
    streamer.close()
    results["two encoders"] = {
        "cores": spent / seconds,
        "dropped": old_rec.frames_dropped + old_stream.frames_dropped,
        "sent": sent,
        "streamed": old_stream.frames_sent,
        "recorded": old_rec.frames_sent,
    }
    time.sleep(1.0)  # nginx lets the old publisher go

    before = cpu_seconds()
    output = BroadcastOutput(
        record=folder / "new.mp4",
        stream=server.publish_url,
        width=w,
        height=h,
        fps=FPS,
        video_bitrate=BITRATE,
    )
    output.start()

    def once(frame: VideoFrame, block: AudioBlock) -> None:
        output.send(frame)
        output.send_audio(block)

    sent = feed(once, size, seconds)
    output.stop()
    spent = cpu_seconds() - before - frames_only
    new_stream, new_rec = output.stream_stats(), output.recording_stats()
    output.close()
    results["encode once"] = {
        "cores": spent / seconds,
        "dropped": new_stream.frames_dropped + new_rec.frames_dropped,
        "sent": sent,
        "streamed": new_stream.frames_sent,
        "recorded": new_rec.frames_sent,
    }
    time.sleep(1.0)
    return results


def run(*, quick: bool = False, seconds: float | None = None) -> str:
    """Measure and print; return a markdown section."""
    length = seconds if seconds is not None else (8.0 if quick else 20.0)
    rows = []
    load = os.getloadavg()[0]
    print(f"load average at the start: {load:.1f} (2 cores: other work competes)", flush=True)
    with (
        tempfile.TemporaryDirectory() as tmp,
        MediaServer(
            Path(tmp) / "server", key="bench", rtmp_port=free_port(), http_port=free_port()
        ) as server,
    ):
        for size in SIZES:
            results = measure(server, Path(tmp), size, length)
            for way in ("two encoders", "encode once"):
                r = results[way]
                label = f"{size[0]}x{size[1]}@{FPS}"
                print(
                    f"{label} {way}: {r['cores']:.2f} cores (frames alone "
                    f"{results['frames only']['cores']:.2f}, not counted); sent {r['sent']:.0f}, "
                    f"recorded {r['recorded']:.0f}, streamed {r['streamed']:.0f}, "
                    f"dropped {r['dropped']:.0f}",
                    flush=True,
                )
                rows.append(
                    f"| {label} | {way} | {r['cores']:.2f} | {r['sent']:.0f} | "
                    f"{r['recorded']:.0f} | {r['streamed']:.0f} | {r['dropped']:.0f} |"
                )
    return (
        "## Recording + streaming: two encoders against encode-once\n\n"
        f"Moving picture with a tone at {FPS} fps for {length:.0f} s per row, recorded to MP4 and "
        f"streamed at {BITRATE // 1_000_000} Mb/s to nginx on loopback. CPU in cores: this "
        "process and the streaming child (CPU-seconds per second of show, the encoders' "
        "catching up at the end included), less the cost of making the frames. The "
        f"machine's load average at the start: {load:.1f}.\n\n"
        "| size | way | CPU (cores) | frames sent | recorded | streamed | dropped |\n"
        "|---|---|---:|---:|---:|---:|---:|\n" + "\n".join(rows) + "\n"
    )


def soak(seconds: float) -> None:
    """Encode-once alone at 1920x1080 30 fps, 4 Mb/s, recording and streaming, for
    ``seconds`` (the issue's target: nothing dropped over 10 minutes)."""
    with (
        tempfile.TemporaryDirectory() as tmp,
        MediaServer(
            Path(tmp) / "server", key="bench", rtmp_port=free_port(), http_port=free_port()
        ) as server,
    ):
        output = BroadcastOutput(
            record=Path(tmp) / "soak.mp4",
            stream=server.publish_url,
            width=1920,
            height=1080,
            fps=FPS,
            video_bitrate=BITRATE,
        )
        before = cpu_seconds()
        output.start()

        def once(frame: VideoFrame, block: AudioBlock) -> None:
            output.send(frame)
            output.send_audio(block)

        sent = feed(once, (1920, 1080), seconds)
        output.stop()
        cores = (cpu_seconds() - before) / seconds
        stream, rec = output.stream_stats(), output.recording_stats()
        output.close()
    print(
        f"soak 1920x1080@{FPS} encode once for {seconds:.0f} s: sent {sent}, recorded "
        f"{rec.frames_sent}, streamed {stream.frames_sent}, dropped {stream.frames_dropped} "
        f"(stream) {rec.frames_dropped} (recording), {stream.reconnects} reconnects, "
        f"{cores:.2f} cores with the frames; recording {rec.state}",
        flush=True,
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--seconds", type=float, default=20.0, help="per row")
    parser.add_argument(
        "--soak", action="store_true", help="encode-once alone at 1080p for --seconds (600)"
    )
    args = parser.parse_args()
    if args.soak:
        soak(args.seconds)
    else:
        run(seconds=args.seconds)
