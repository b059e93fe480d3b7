"""Media the tests make for themselves: pictures, a short take with sound, a numbered clip
(each picture readable back as its number), and a show paced at its frame rate."""

from __future__ import annotations

import struct
import threading
import time
import zlib
from collections.abc import Callable
from pathlib import Path

import av
import cv2
import numpy as np

from kaizen_studio.core.media import AudioBlock, Image, VideoFrame
from kaizen_studio.studio.synthetic import SceneSpec, render_scene
from tests.conditions import wait_until

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


TONE = 1000.0  # Hz: far from the test sound's voice


def numbered_clip(
    path: Path, *, frames: int, fps: int = 25, size: tuple[int, int] = (64, 48)
) -> None:
    """Frame i is the grey level 10 * i (its number, readable back); a 1 kHz tone."""
    w, h = size
    with av.open(str(path), "w") as container:
        video = container.add_stream("libx264", rate=fps)
        video.width, video.height, video.pix_fmt = w, h, "yuv420p"
        audio = container.add_stream("aac", rate=48000)
        audio.layout = "stereo"
        for i in range(frames):
            frame = av.VideoFrame.from_ndarray(np.full((h, w, 3), 10 * i, np.uint8), format="bgr24")
            frame.pts = i
            container.mux(video.encode(frame))
        container.mux(video.encode(None))
        samples = 48000 * frames // fps
        tone = (0.3 * np.sin(2 * np.pi * TONE * np.arange(samples) / 48000)).astype(np.float32)
        for start in range(0, samples, 1024):
            chunk = av.AudioFrame.from_ndarray(
                np.tile(tone[start : start + 1024][None, :], (2, 1)), format="fltp", layout="stereo"
            )
            chunk.sample_rate, chunk.pts = 48000, start
            container.mux(audio.encode(chunk))
        container.mux(audio.encode(None))


def number(image: Image) -> int:
    return round(float(image[8:24, 8:40].mean()) / 10)


def huge_png(path: Path, width: int, height: int) -> Path:
    """A small PNG whose header says it is ``width`` x ``height`` (its pixels are not)."""
    data = bytearray(cv2.imencode(".png", np.zeros((4, 4, 3), np.uint8))[1].tobytes())
    header = struct.pack(">II", width, height) + bytes(data[24:29])
    data[16:29] = header
    data[29:33] = struct.pack(">I", zlib.crc32(b"IHDR" + header))
    path.write_bytes(bytes(data))
    return path


def play_show(
    outputs: list[object],
    seconds: float,
    stop: threading.Event | None = None,
    *,
    size: tuple[int, int] = (320, 240),
    fps: int = 25,
    sound: bool = True,
) -> int:
    """Send numbered frames and a 440 Hz tone (none without ``sound``) to each output at
    the show's pace (the frames' stamps on the monotonic clock) for ``seconds``, or until
    ``stop`` is set; the number of frames sent."""
    w, h = size
    start = time.monotonic()
    i = 0
    block = 48000 // fps
    tone = (np.sin(np.arange(block) * 2 * np.pi * 440 / 48000) * 0.3).astype(np.float32)
    while time.monotonic() - start < seconds and not (stop and stop.is_set()):
        pts = start + i / fps
        picture = np.full((h, w, 3), (i * 7) % 256, np.uint8)
        for output in outputs:
            output.send(VideoFrame(picture, pts, i))  # type: ignore[attr-defined]
            if sound:
                output.send_audio(AudioBlock(np.stack([tone, tone], 1), 48000, pts))  # type: ignore[attr-defined]
        i += 1
        time.sleep(max(0.0, start + i / fps - time.monotonic()))  # the pace, not a wait
    return i


def play_show_until(
    outputs: list[object],
    condition: Callable[[], bool],
    *,
    what: str,
    seconds: float = 0.0,
    sound: bool = True,
) -> int:
    """:func:`play_show` (in a thread) for at least ``seconds`` and until ``condition()``
    holds (bounded: :func:`tests.conditions.wait_until`); the number of frames sent."""
    stop = threading.Event()
    sent: list[int] = []
    show = threading.Thread(
        target=lambda: sent.append(play_show(outputs, 24 * 3600, stop, sound=sound))
    )
    began = time.monotonic()
    show.start()
    try:
        wait_until(lambda: time.monotonic() - began >= seconds and condition(), what=what)
    finally:
        stop.set()
        show.join()
    return sent[0]


LIVE_SHOW = """\
title = "Assembly"
fps = 25
size = "320x180"

[[scene]]
name = "Hall"
background = "playground"
live_badge = true
"""
"""A show file for ``studio live``: 320x180 at 25 fps, one scene with the LIVE badge."""
