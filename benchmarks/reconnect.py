"""Reconnect time: the school's server is killed and restarted mid-show.

The show (1280x720 30 fps with sound) is recorded and streamed by one
:class:`broadcast.BroadcastOutput` to nginx (:class:`broadcast.MediaServer`) on loopback,
while a classroom player (:class:`broadcast.StreamReader`, the code of ``studio watch``)
watches. nginx is killed (SIGKILL, as a crash) and started again after outages of
different lengths; for each, the seconds from the server's return until the stream is
live again and until the player shows pictures again. At the end the recording is
checked for gaps. ``python -m benchmarks.reconnect`` prints the figures; :func:`run`
returns a markdown section.
"""

from __future__ import annotations

import argparse
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import av
import numpy as np

from kaizen_studio.broadcast import BroadcastOutput, MediaServer, StreamReader
from kaizen_studio.broadcast.server import free_port
from kaizen_studio.core.media import AudioBlock, VideoFrame

W, H, FPS = 1280, 720, 30
TARGET = 5.0


def seconds_until(condition: Callable[[], bool], since: float, timeout: float = 30.0) -> float:
    """Seconds from ``since`` until ``condition()`` is true (polled every 20 ms), or nan
    if it is not within ``timeout``."""
    while time.monotonic() - since < timeout:
        if condition():
            return time.monotonic() - since
        time.sleep(0.02)
    return float("nan")


def measure(outages: tuple[float, ...]) -> dict[str, object]:
    rows: list[tuple[float, float, float]] = []
    stop = threading.Event()
    decoded: list[float] = []
    with tempfile.TemporaryDirectory() as folder:
        server = MediaServer(
            Path(folder) / "server", key="bench", rtmp_port=free_port(), http_port=free_port()
        )
        server.start()
        take = Path(folder) / "take.mp4"
        output = BroadcastOutput(record=take, stream=server.publish_url, width=W, height=H, fps=FPS)
        reader = StreamReader(server.play_url, on_frame=lambda f: decoded.append(f.pts), retry=0.2)
        output.start()
        reader.start()

        def show() -> None:
            background = np.random.default_rng(0).integers(60, 190, (H, W, 3), np.uint8)
            tone = (np.sin(np.arange(1600) * 2 * np.pi * 300 / 48000) * 0.2).astype(np.float32)
            sound = np.stack([tone, tone], 1)
            start, i = time.monotonic(), 0
            while not stop.is_set():
                pts = start + i / FPS
                output.send(VideoFrame(np.roll(background, i * 4, axis=1), pts, i))
                output.send_audio(AudioBlock(sound, 48000, pts))
                i += 1
                time.sleep(max(0.0, start + i / FPS - time.monotonic()))

        feeder = threading.Thread(target=show, name="show")
        feeder.start()
        try:
            seconds_until(lambda: len(decoded) > FPS, time.monotonic(), 15)
            for outage in outages:
                time.sleep(2.0)  # steady before the crash
                reconnects = output.stream_stats().reconnects
                server.kill()
                time.sleep(outage)
                server.start()
                back = time.monotonic()

                def live_again(before: int = reconnects) -> bool:
                    return output.stream_stats().reconnects > before

                def pictures_again(since: float = back) -> bool:
                    return bool(decoded) and decoded[-1] > since

                live = seconds_until(live_again, back)
                seen = seconds_until(pictures_again, back)
                rows.append((outage, live, seen))
                print(
                    f"server away {outage:.0f} s: stream live again {live:.2f} s after its "
                    f"return, pictures in the player {seen:.2f} s after",
                    flush=True,
                )
        finally:
            stop.set()
            feeder.join()
            reader.stop()
            output.close()
            server.stop()
        stats = output.recording_stats()
        with av.open(str(take)) as container:
            stamps = np.array([float(f.time) for f in container.decode(video=0)])
    steps = np.diff(stamps)[1:]  # the first step is the MP4 edit list (AAC priming)
    return {
        "rows": rows,
        "recorded": stats.frames_sent,
        "in_file": len(stamps),
        "largest_step_ms": float(steps.max()) * 1000 if steps.size else float("nan"),
        "dropped_stream": output.stream_stats().frames_dropped,
    }


def run(*, quick: bool = False, outages: tuple[float, ...] | None = None) -> str:
    """Measure and print; return a markdown section."""
    chosen = outages or ((1.0, 6.0) if quick else (1.0, 4.0, 12.0))
    r = measure(chosen)
    rows = r["rows"]
    assert isinstance(rows, list)
    worst = max(live for _, live, _ in rows)
    verdict = "PASS" if worst < TARGET else "FAIL"  # nan (never back) fails too
    step = float(r["largest_step_ms"])  # type: ignore[arg-type]
    gap = "no gap" if step < 1500 / FPS else "A GAP"
    print(
        f"recording: {r['recorded']} frames encoded, {r['in_file']} in the file, largest "
        f"step between frames {r['largest_step_ms']:.1f} ms (a frame is "
        f"{1000 / FPS:.1f} ms: {gap}); {verdict}: stream back within {TARGET:.0f} s",
        flush=True,
    )
    table = "\n".join(
        f"| {outage:.0f} s | {live:.2f} s | {seen:.2f} s |" for outage, live, seen in rows
    )
    return (
        "## Reconnect after the server is killed and restarted\n\n"
        f"{W}x{H} at {FPS} fps with sound, recorded and streamed by one encoder to nginx on "
        "loopback; nginx killed (SIGKILL) and started again after each outage; the player "
        "is the `studio watch` reader. Times from the server's return.\n\n"
        "| server away | stream live again | pictures in the player |\n|---|---|---|\n"
        f"{table}\n\n"
        f"Recording meanwhile: {r['recorded']} frames encoded, {r['in_file']} in the file, "
        f"largest step between frames {step:.1f} ms ({gap}).\n\n"
        f"- {verdict}: stream back within {TARGET:.0f} s of the server's return\n"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--outages", type=float, nargs="+", default=[1.0, 4.0, 12.0], help="seconds away"
    )
    run(outages=tuple(parser.parse_args().outages))
