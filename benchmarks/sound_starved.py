"""The show's sound when the machine is starved: a recording's sound against its length.

A show like ``studio live --camera take.mp4 --record show.mp4 --stream``: a green-screen
video file as the camera (with its own sound), keyed over a backdrop, the test sound mixed
in, all encoded once by one :class:`broadcast.BroadcastOutput` for the recording and a
stream to the school's nginx on loopback, while CPU-bound processes (one per core, at
the show's own priority) run beside it. The show's length is from its first tick to the
end of its last frame; the recording's pictures from its first to the end of its last;
its sound is the samples decoded from the file. The sound must cover the pictures, to
within one AAC frame (21 ms), whatever the load did to the pictures.
``python -m benchmarks.sound_starved`` prints the figures; :func:`run` returns a markdown
section.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import av
import numpy as np

from kaizen_studio.broadcast import BroadcastOutput
from kaizen_studio.broadcast.server import MediaServer, free_port
from kaizen_studio.core.clock import Clock
from kaizen_studio.core.media import VideoFrame
from kaizen_studio.keying import Keyer
from kaizen_studio.studio.pipeline import Programme
from kaizen_studio.studio.scenes import look_for
from kaizen_studio.studio.show import Scene
from kaizen_studio.studio.sound import ShowSound
from kaizen_studio.studio.sources import VideoFileSource
from kaizen_studio.studio.synthetic import SceneSpec, render_scene

SIZE, FPS, RATE = (640, 360), 25, 48000
TOLERANCE = 1024 / RATE  # one AAC frame
HOG = "while True: pass"


def make_clip(path: Path, seconds: float = 2.0) -> None:
    """A green-screen take of the demo presenter with a 440 Hz tone."""
    spec = SceneSpec(seed=1, waving=True, talking=True)
    frames = round(seconds * FPS)
    with av.open(str(path), "w") as container:
        video = container.add_stream("libx264", rate=FPS)
        video.width, video.height, video.pix_fmt = *SIZE, "yuv420p"
        audio = container.add_stream("aac", rate=RATE)
        audio.layout = "stereo"
        for i in range(frames):
            frame = av.VideoFrame.from_ndarray(
                render_scene(spec, t=i / FPS, size=SIZE).image, format="bgr24"
            )
            frame.pts = i
            container.mux(video.encode(frame))
        container.mux(video.encode(None))
        samples = RATE * frames // FPS
        tone = (0.2 * np.sin(2 * np.pi * 440 * np.arange(samples) / RATE)).astype(np.float32)
        for start in range(0, samples, 1024):
            chunk = av.AudioFrame.from_ndarray(
                np.tile(tone[start : start + 1024][None, :], (2, 1)), format="fltp", layout="stereo"
            )
            chunk.sample_rate, chunk.pts = RATE, start
            container.mux(audio.encode(chunk))
        container.mux(audio.encode(None))


def one_show(
    folder: Path, clip: Path, seconds: float, hogs: int, server: MediaServer
) -> dict[str, float]:
    """Run one recorded and streamed show of ``seconds`` (from its first frame) beside
    ``hogs`` CPU-bound processes; its figures."""
    procs = [
        subprocess.Popen([sys.executable, "-c", HOG], stdout=subprocess.DEVNULL)
        for _ in range(hogs)
    ]
    try:
        clock = Clock()
        sound = ShowSound(clock=clock)
        programme = Programme(
            VideoFileSource(clip, clock=clock),
            fps=FPS,
            keyer=Keyer(),
            size=SIZE,
            clock=clock,
            sound=sound,
        )
        programme.show_look(look_for(Scene("News", "newsroom"), SIZE, now=clock.now()))
        out = folder / f"show-{hogs}.mp4"
        recorder = BroadcastOutput(
            record=out, stream=server.publish_url, width=SIZE[0], height=SIZE[1], fps=FPS
        )
        programme.add_output(recorder)
        ticks: list[float] = []

        def seen(frame: VideoFrame) -> None:
            ticks.append(frame.pts)

        programme.on_frame = seen
        programme.start()
        deadline = time.monotonic() + 60.0
        while not ticks and time.monotonic() < deadline:
            time.sleep(0.01)
        first = time.monotonic()
        while time.monotonic() - first < seconds:
            time.sleep(0.05)
        programme.close()
        recorder.close()
        stats, rec = programme.stats(), recorder.recording_stats()
        streamed = recorder.stream_stats()
    finally:
        for proc in procs:
            proc.kill()
            proc.wait()
    with av.open(str(out)) as take:
        times = [float(f.time) for f in take.decode(video=0) if f.time is not None]
    with av.open(str(out)) as take:
        samples = sum(f.samples for f in take.decode(audio=0))
    pictures = times[-1] - times[0] + 1 / FPS if times else 0.0
    return {
        "hogs": hogs,
        "show": ticks[-1] - ticks[0] + 1 / FPS if ticks else 0.0,
        "frames": stats.frames,
        "late": stats.late,
        "dropped": rec.frames_dropped,
        "in_file": len(times),
        "pictures": pictures,
        "sound": samples / RATE,
        "filled_ms": sound.filled / RATE * 1000,
        "streamed": streamed.frames_sent,
        "sound_faults": rec.sound_faults,
    }


def measure(seconds: float, loads: tuple[int, ...]) -> list[dict[str, float]]:
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        clip = folder / "take.mp4"
        make_clip(clip)
        rows = []
        server = MediaServer(
            folder / "server", key="bench", rtmp_port=free_port(), http_port=free_port()
        )
        with server:
            for hogs in loads:
                rows.append(one_show(folder, clip, seconds, hogs, server))
        for row in rows:
            print(
                f"{hogs} hogs: show {row['show']:.2f} s ({row['frames']:.0f} frames, "
                f"{row['late']:.0f} late); recording: pictures {row['pictures']:.2f} s "
                f"({row['in_file']:.0f} frames, {row['dropped']:.0f} dropped), sound "
                f"{row['sound']:.3f} s ({(row['sound'] - row['pictures']) * 1000:+.0f} ms); "
                f"{row['streamed']:.0f} frames reached nginx, {row['sound_faults']:.0f} "
                "blocks of sound misplaced",
                flush=True,
            )
        return rows


def run(*, quick: bool = False) -> str:
    """Measure and print; return a markdown section."""
    cores = os.cpu_count() or 2
    seconds = 6.0 if quick else 30.0
    rows = measure(seconds, (cores,) if quick else (0, cores))
    ok = all(0 <= r["sound"] - r["pictures"] <= TOLERANCE for r in rows)
    whole = all(r["sound_faults"] == 0 for r in rows)
    verdict = "PASS" if ok else "FAIL"
    table = "\n".join(
        f"| {r['hogs']:.0f} | {r['show']:.2f} s | {r['frames']:.0f} ({r['late']:.0f} late) | "
        f"{r['pictures']:.2f} s ({r['in_file']:.0f} frames, {r['dropped']:.0f} dropped) | "
        f"{r['sound']:.3f} s | {(r['sound'] - r['pictures']) * 1000:+.0f} ms | "
        f"{r['filled_ms']:.0f} ms | {r['streamed']:.0f} | {r['sound_faults']:.0f} |"
        for r in rows
    )
    return (
        "## The show's sound on a starved machine\n\n"
        f"A green-screen video file (with a tone) as the camera, keyed at {SIZE[0]}x{SIZE[1]} "
        f"{FPS} fps over the newsroom, the test sound mixed in, encoded once for the "
        f"recording and a stream through nginx on loopback; {seconds:.0f} s from "
        "the first frame, beside CPU-bound processes at the show's priority (one per core). "
        "Sound minus pictures is the recording's sound length less its pictures' length.\n\n"
        "| CPU hogs | show | frames made | recording's pictures | its sound | sound - "
        "pictures | silence filled in | frames that reached nginx | sound blocks "
        "misplaced |\n|---|---|---|---|---|---|---|---|---|\n"
        f"{table}\n\n"
        f"- {verdict}: the sound covers the pictures to within one AAC frame "
        f"({TOLERANCE * 1000:.0f} ms), never short\n"
        f"- {'PASS' if whole else 'FAIL'}: no block of the show's sound left out as "
        "misplaced (a starved sound thread's late blocks are kept, not replaced by silence)\n"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    print(run(quick=parser.parse_args().quick))
