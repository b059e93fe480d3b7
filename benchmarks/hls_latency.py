"""The classroom page's latency: programme frame to the picture in headless Chromium.

Frames at 1280x720 30 fps carry their number drawn as a black/white code (as in
:mod:`benchmarks.latency`); the time each is handed to :class:`broadcast.BroadcastOutput`
is noted. nginx (started by :class:`broadcast.MediaServer`) cuts them into 1-second HLS
fragments; the classroom page plays them in Debian's Chromium, run headless with a fresh
profile and driven over its DevTools pipe (:mod:`benchmarks.chromium`). Screenshots are
taken every half second; each one's latency is the time it was taken minus the time its
frame was handed over. ``python -m benchmarks.hls_latency [--seconds S]`` prints the
median; :func:`run` returns a markdown section.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from benchmarks.chromium import Chromium
from benchmarks.latency import BITS, CELL, read_stamp, stamp
from kaizen_studio.broadcast import BroadcastOutput, MediaServer
from kaizen_studio.broadcast.server import free_port
from kaizen_studio.core.media import AudioBlock, Image, VideoFrame

W, H, FPS = 1280, 720, 30
TARGET = 4.0


def play_stamped(
    output: BroadcastOutput,
    background: Image,
    *,
    fps: int,
    sent_at: dict[int, float],
    stop: threading.Event,
) -> None:
    """Send ``background`` sliding sideways to ``output`` at ``fps`` in real time, each
    picture stamped with its number (:func:`benchmarks.latency.stamp`), with silence, until
    ``stop``; note in ``sent_at`` when each number was sent."""
    silence = np.zeros((48000 // fps, 2), np.float32)
    start, i = time.monotonic(), 0
    while not stop.is_set():
        picture = np.roll(background, i * 4, axis=1)
        stamp(picture, i % (1 << BITS))
        pts = start + i / fps
        sent_at[i % (1 << BITS)] = time.monotonic()
        output.send(VideoFrame(picture, pts, i))
        output.send_audio(AudioBlock(silence, 48000, pts))
        i += 1
        time.sleep(max(0.0, start + i / fps - time.monotonic()))


def clean_stamp(picture: Image) -> int | None:
    """The frame number drawn in ``picture`` (scaled to 1280x720), or None when the code's
    cells are not clearly black or white (the off-air card, a half-drawn frame)."""
    if picture.shape[:2] != (H, W):
        picture = cv2.resize(picture, (W, H), interpolation=cv2.INTER_AREA)
    for bit in range(BITS):
        cell = float(picture[16:CELL, 16 + bit * CELL : (bit + 1) * CELL - 8].mean())
        if 60 < cell < 195:
            return None
    return read_stamp(picture)


def measure(seconds: float) -> dict[str, Any]:
    sent_at: dict[int, float] = {}
    latencies: list[float] = []
    unreadable = 0
    stop = threading.Event()
    with (
        tempfile.TemporaryDirectory() as folder,
        MediaServer(
            Path(folder) / "server", key="bench", rtmp_port=free_port(), http_port=free_port()
        ) as server,
    ):
        output = BroadcastOutput(
            stream=server.publish_url, width=W, height=H, fps=FPS, video_bitrate=4_000_000
        )
        output.start()

        def show() -> None:
            background = np.random.default_rng(0).integers(60, 190, (H, W, 3), np.uint8)
            play_stamped(output, background, fps=FPS, sent_at=sent_at, stop=stop)

        feeder = threading.Thread(target=show, name="show")
        feeder.start()
        browser = Chromium(Path(folder) / "profile", width=W, height=H)
        try:
            playlist = server.folder / "hls" / "show.m3u8"
            deadline = time.monotonic() + 20
            while not playlist.exists() and time.monotonic() < deadline:
                time.sleep(0.1)
            browser.open(server.page_url)
            started = time.monotonic()
            first_picture = float("nan")
            while time.monotonic() - started < seconds:
                picture, taken = browser.screenshot()
                number = clean_stamp(picture)
                if number is not None and number in sent_at:
                    if first_picture != first_picture:  # nan: the first one
                        first_picture = taken - started
                    latencies.append(taken - sent_at[number])
                else:
                    unreadable += 1
                time.sleep(0.5)
        finally:
            browser.close()
            stop.set()
            feeder.join()
            output.close()
    ordered = sorted(latencies) or [float("nan")]
    return {
        "shots": len(latencies) + unreadable,
        "read": len(latencies),
        "median": statistics.median(ordered),
        "low": ordered[0],
        "high": ordered[-1],
        "first_picture": first_picture,
        "series": latencies,
    }


def run(*, quick: bool = False, seconds: float | None = None) -> str:
    """Measure and print; return a markdown section."""
    length = seconds if seconds is not None else (20.0 if quick else 60.0)
    r = measure(length)
    verdict = "PASS" if r["median"] < TARGET else "FAIL"
    series = r["series"]
    third = max(1, len(series) // 3)
    drift = (
        f"median of the first third {statistics.median(series[:third]):.2f} s, of the last "
        f"third {statistics.median(series[-third:]):.2f} s"
        if series
        else "no picture read"
    )
    load = os.getloadavg()[0]
    print(f"{drift}; load average {load:.1f} on {os.cpu_count()} cores", flush=True)
    print(
        f"HLS page in headless Chromium, {W}x{H} {FPS} fps, {length:.0f} s: median "
        f"{r['median']:.2f} s (lowest {r['low']:.2f}, highest {r['high']:.2f}) over "
        f"{r['read']:.0f} of {r['shots']:.0f} screenshots; first picture "
        f"{r['first_picture']:.1f} s after opening the page; {verdict} (target under "
        f"{TARGET:.0f} s)",
        flush=True,
    )
    return (
        "## The classroom page's latency (HLS through nginx, headless Chromium)\n\n"
        f"{W}x{H} at {FPS} fps, encoded once at 4 Mb/s (keyframe each second), nginx-rtmp "
        "cutting 1-second HLS fragments, the classroom page (hls.js) in Debian's Chromium "
        f"run headless; a screenshot every half second for {length:.0f} s, each read back "
        "by the frame number drawn into the picture.\n\n"
        "| median | lowest | highest | screenshots read | first picture after |\n"
        "|---|---|---|---|---|\n"
        f"| {r['median']:.2f} s | {r['low']:.2f} s | {r['high']:.2f} s | "
        f"{r['read']:.0f} of {r['shots']:.0f} | {r['first_picture']:.1f} s |\n\n"
        f"Over time: {drift}. Load average at the end {load:.1f} (other work on the "
        "machine slows Chromium's decoding; the player then falls behind until hls.js "
        "catches up).\n\n"
        f"- {verdict}: median under {TARGET:.0f} s\n"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--seconds", type=float, default=60.0)
    run(seconds=parser.parse_args().seconds)
