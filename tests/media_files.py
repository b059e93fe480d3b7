"""Media the offline tests make for themselves: pictures and a short take with sound."""

from __future__ import annotations

from pathlib import Path

import av
import cv2
import numpy as np

from kaizen_studio.studio.synthetic import SceneSpec, render_scene

SIZE = (320, 180)
FPS = 15


def green_picture(path: Path, *, t: float = 0.0) -> np.ndarray:
    image = render_scene(SceneSpec(seed=1), t=t, size=SIZE).image
    cv2.imwrite(str(path), image)
    return image


def take(path: Path, *, frames: int = 15, sound: bool = True, level: float = 0.2) -> list[float]:
    """A take of the demo presenter with a 440 Hz tone of peak ``level``; returns the frame
    times."""
    spec = SceneSpec(seed=1, waving=True, talking=True)
    with av.open(str(path), "w") as container:
        video = container.add_stream("libx264", rate=FPS)
        video.width, video.height, video.pix_fmt = *SIZE, "yuv420p"
        audio = None
        if sound:
            audio = container.add_stream("aac", rate=48000)
            audio.layout = "stereo"
        for i in range(frames):
            image = render_scene(spec, t=i / FPS, size=SIZE).image
            frame = av.VideoFrame.from_ndarray(image, format="bgr24")
            frame.pts = i
            container.mux(video.encode(frame))
        container.mux(video.encode(None))
        if audio is not None:
            samples = 48000 * frames // FPS
            tone = (level * np.sin(2 * np.pi * 440 * np.arange(samples) / 48000)).astype(np.float32)
            for start in range(0, samples, 1024):
                block = np.tile(tone[start : start + 1024][None, :], (2, 1))
                chunk = av.AudioFrame.from_ndarray(block, format="fltp", layout="stereo")
                chunk.sample_rate, chunk.pts = 48000, start
                container.mux(audio.encode(chunk))
            container.mux(audio.encode(None))
    return [i / FPS for i in range(frames)]


def sound_only(path: Path) -> None:
    with av.open(str(path), "w") as container:
        audio = container.add_stream("aac", rate=48000)
        audio.layout = "mono"
        tone = np.zeros((1, 1024), np.float32)
        for i in range(10):
            chunk = av.AudioFrame.from_ndarray(tone, format="fltp", layout="mono")
            chunk.sample_rate, chunk.pts = 48000, i * 1024
            container.mux(audio.encode(chunk))
        container.mux(audio.encode(None))


def read_back(path: Path, flags: int = cv2.IMREAD_COLOR) -> np.ndarray:
    """A picture the command wrote, read back (failing the test if it is not there)."""
    image = cv2.imread(str(path), flags)
    assert image is not None, f"{path} was not written"
    return image
