"""``studio serve --demo``: the school channel filled with demo content at once.

The films are made here, on the fly (drawn cards with a title, a moving picture and a
little tune; nothing downloaded, nothing recorded), encoded as the library's own films are
(H.264 + AAC, index at the front), then handed to the channel's ``channel_demo`` command,
which makes them library items and fills the timetable and the widgets around them.
"""

from __future__ import annotations

import json
import logging
import math
from pathlib import Path

import av
import cv2
import numpy as np

from kaizen_studio.channel.site.process import Channel, manage, prepare
from kaizen_studio.core.draw import TextStyle, blend_bgra, render_text
from kaizen_studio.core.media import Image

log = logging.getLogger(__name__)

SIZE = (640, 360)
FPS = 25
FILMS = (
    ("Good morning, everyone!", "Year 6", (74, 42, 27), 6.0),
    ("Our farm trip", "Year 3", (60, 140, 40), 6.0),
    ("Viking longboats", "Year 4", (140, 70, 30), 6.0),
    ("Minibeasts in the garden", "Year 1", (40, 120, 160), 6.0),
    ("Our space poems", "Year 5", (110, 40, 90), 6.0),
    ("See you tomorrow!", "Reception", (30, 100, 200), 6.0),
)
"""Title, class, background colour (BGR) and seconds of each demo film."""


def _frame(title: str, form: str, colour: tuple[int, int, int], t: float) -> Image:
    w, h = SIZE
    image = np.empty((h, w, 3), np.uint8)
    image[:] = colour
    x = int(w / 2 + w / 3 * math.sin(t * 1.3))
    y = int(h * 0.68 + h / 10 * math.cos(t * 2.1))
    cv2.circle(image, (x, y), 34, (80, 200, 250), -1, cv2.LINE_AA)
    cv2.rectangle(image, (0, h - 12), (int(w * (t % 6.0) / 6.0), h), (255, 255, 255), -1)
    for text, size, top in ((title, 40, 70), (form, 26, 130)):
        tile = render_text(text, TextStyle(size=size, bold=size > 30, outline=2))
        blend_bgra(image, tile, (w - tile.shape[1]) // 2, top)
    return image


def _film(path: Path, title: str, form: str, colour: tuple[int, int, int], seconds: float) -> None:
    frames = round(seconds * FPS)
    with av.open(str(path), "w", options={"movflags": "+faststart"}) as container:
        video = container.add_stream("libx264", rate=FPS)
        video.width, video.height, video.pix_fmt = *SIZE, "yuv420p"
        video.options = {"preset": "veryfast", "crf": "26"}
        audio = container.add_stream("aac", rate=48000)
        audio.layout = "stereo"
        for i in range(frames):
            picture = av.VideoFrame.from_ndarray(
                _frame(title, form, colour, i / FPS), format="bgr24"
            )
            picture.pts = i
            container.mux(video.encode(picture))
        container.mux(video.encode(None))
        samples = int(seconds * 48000)
        steps = np.arange(samples) / 48000
        notes = np.array([262.0, 330.0, 392.0, 523.0])[(steps * 2).astype(int) % 4]
        tune = (0.15 * np.sin(2 * np.pi * notes * steps)).astype(np.float32)
        for start in range(0, samples, 1024):
            block = np.tile(tune[start : start + 1024][None, :], (2, 1))
            chunk = av.AudioFrame.from_ndarray(block, format="fltp", layout="stereo")
            chunk.sample_rate, chunk.pts = 48000, start
            container.mux(audio.encode(chunk))
        container.mux(audio.encode(None))


def make_demo_films(folder: Path) -> Path:
    """Write the demo films, their thumbnails and ``manifest.json`` into ``folder``
    (made); the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    listed = []
    for number, (title, form, colour, seconds) in enumerate(FILMS, 1):
        film, thumbnail = f"demo-{number}.mp4", f"demo-{number}.jpg"
        _film(folder / film, title, form, colour, seconds)
        cv2.imwrite(str(folder / thumbnail), _frame(title, form, colour, 1.0))
        listed.append(
            {
                "file": film,
                "thumbnail": thumbnail,
                "title": title,
                "class": form,
                "duration": seconds,
                "width": SIZE[0],
                "height": SIZE[1],
            }
        )
    (folder / "manifest.json").write_text(json.dumps(listed, indent=1), "utf-8")
    return folder


def fill_demo(channel: Channel) -> str:
    """Make the demo films (once) and fill ``channel`` with them and a timetable and
    widgets, unless it has content already; what the channel said."""
    folder = channel.folder / "demo-films"
    if not (folder / "manifest.json").exists():
        make_demo_films(folder)
    prepare(channel)
    return manage(channel, "channel_demo", str(folder)).strip()
