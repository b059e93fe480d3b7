"""Glass-to-glass latency through the school's media server on loopback.

Programme frames at 1280x720 30 fps carry their number drawn as a 16-bit black/white code;
the time each was handed to :class:`broadcast.BroadcastOutput` (encoding once in this
process, as a show that records and streams does) is noted. nginx (started by
:class:`broadcast.MediaServer`) relays them; :class:`broadcast.StreamReader` (the code of
``studio watch``) decodes them; latency is decode time minus hand-over time, on the same
monotonic clock. ``python -m benchmarks.latency`` prints the figures (``--seconds 600``
for the soak); :func:`run` returns a markdown section.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time

import numpy as np

from kaizen_studio.broadcast import BroadcastOutput, MediaServer, StreamReader
from kaizen_studio.broadcast.server import free_port
from kaizen_studio.core.media import AudioBlock, Image, VideoFrame

W, H, FPS, BITS, CELL = 1280, 720, 30, 16, 48


def stamp(picture: Image, number: int) -> None:
    """Draw ``number`` as BITS black/white cells along the top edge (survives H.264)."""
    for bit in range(BITS):
        value = 255 if number >> bit & 1 else 0
        picture[8 : 8 + CELL, 8 + bit * CELL : 8 + (bit + 1) * CELL - 8] = value


def read_stamp(picture: Image) -> int:
    """The number drawn by :func:`stamp`."""
    number = 0
    for bit in range(BITS):
        cell = picture[16:CELL, 16 + bit * CELL : (bit + 1) * CELL - 8]
        number |= int(cell.mean() > 127) << bit
    return number


def measure(seconds: float) -> dict[str, float]:
    sent_at: dict[int, float] = {}
    latencies: list[float] = []

    def on_frame(frame: VideoFrame) -> None:
        number = read_stamp(frame.image)
        if number in sent_at:
            latencies.append(frame.pts - sent_at[number])

    with (
        tempfile.TemporaryDirectory() as folder,
        MediaServer(folder, key="bench", rtmp_port=free_port(), http_port=free_port()) as server,
    ):
        streamer = BroadcastOutput(
            stream=server.publish_url, width=W, height=H, fps=FPS, video_bitrate=4_000_000
        )
        reader = StreamReader(server.play_url, on_frame=on_frame, retry=0.2)
        streamer.start()
        reader.start()
        rng = np.random.default_rng(0)
        background = rng.integers(60, 190, (H, W, 3), np.uint8)
        silence = np.zeros((1600, 2), np.float32)
        start = time.monotonic()
        i = 0
        while time.monotonic() - start < seconds:
            picture = np.roll(background, i * 4, axis=1)  # moving picture: real work
            stamp(picture, i % (1 << BITS))
            pts = start + i / FPS
            sent_at[i % (1 << BITS)] = time.monotonic()
            streamer.send(VideoFrame(picture, pts, i))
            streamer.send_audio(AudioBlock(silence, 48000, pts))
            i += 1
            time.sleep(max(0.0, start + i / FPS - time.monotonic()))
        time.sleep(0.5)
        stats = streamer.stats()
        streamer.close()
        reader.stop()
    ordered = sorted(latencies) or [float("nan")]
    return {
        "sent": i,
        "streamed": stats.frames_sent,
        "dropped": stats.frames_dropped,
        "decoded": reader.stats.frames,
        "matched": len(latencies),
        "median_ms": statistics.median(ordered) * 1000,
        "p95_ms": ordered[int(len(ordered) * 0.95) - 1 if len(ordered) > 1 else 0] * 1000,
        "kbps": stats.bitrate_kbps,
    }


def run(*, quick: bool = False, seconds: float | None = None) -> str:
    """Measure and print; return a markdown section."""
    length = seconds if seconds is not None else (8.0 if quick else 20.0)
    r = measure(length)
    print(
        f"{W}x{H} {FPS} fps for {length:.0f} s: median {r['median_ms']:.0f} ms, "
        f"p95 {r['p95_ms']:.0f} ms; sent {r['sent']:.0f}, streamed {r['streamed']:.0f}, "
        f"dropped {r['dropped']:.0f}, decoded {r['decoded']:.0f}, {r['kbps']:.0f} kb/s",
        flush=True,
    )
    return (
        "## Glass-to-glass latency (RTMP through nginx on loopback)\n\n"
        f"{W}x{H} at {FPS} fps, x264 zerolatency 4 Mb/s encoded in the show's process (the "
        "streaming process only muxes), nginx-rtmp, "
        f"decoded by the `studio watch` reader; {length:.0f} s; load average at the end "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores.\n\n"
        "| median | p95 | frames sent | streamed | dropped | decoded |\n|---|---|---|---|---|---|\n"
        f"| {r['median_ms']:.0f} ms | {r['p95_ms']:.0f} ms | {r['sent']:.0f} | "
        f"{r['streamed']:.0f} | {r['dropped']:.0f} | {r['decoded']:.0f} |\n"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--seconds", type=float, default=20.0, help="600 for the 10-minute soak")
    run(seconds=parser.parse_args().seconds)
