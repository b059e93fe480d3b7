"""The keyer timed as the show runs it, for :mod:`benchmarks.speed`: on the pictures a
file source decodes (the demo presenter as an H.264 clip, colour at half resolution, as
``python -m benchmarks.pipeline --costs`` keys them) and on a real clip of the footage
fitted to the show's size, over the show's newsroom, compositing straight into a fresh
picture as the key stage does (:class:`studio.stages.KeyStage`, the presenter centred).

The synthetic frames of the speed table are drawn in 8-bit sRGB with colour at full
resolution; these are the pictures the show really gets.
"""

from __future__ import annotations

import tempfile
from itertools import islice
from pathlib import Path

import av
import cv2
import numpy as np

from benchmarks.footage import find, footage_folder
from benchmarks.pipeline_clip import presenter_clip
from benchmarks.pipeline_costs import decoded
from kaizen_studio.keying import Keyer
from kaizen_studio.keying.composite import cover_fit
from kaizen_studio.keying.frames import BGRImage

FOOTAGE_CLIP = "clip02"
"""The footage's clip of a child at a studio green screen (720x404, pillar-boxed)."""
SKIPPED = 5
"""Pictures of the presenter's clip left out at its start (the encoder's first key frame)."""


def presenter_pictures(size: tuple[int, int], count: int = 8) -> list[BGRImage]:
    """``count`` pictures of the demo presenter encoded as H.264 at ``size`` and decoded
    as the file source decodes them."""
    with tempfile.TemporaryDirectory() as folder:
        clip = Path(folder) / "presenter.mp4"
        presenter_clip(clip, size, 30, seconds=(count + SKIPPED) / 30)
        return list(islice(decoded(clip), SKIPPED, SKIPPED + count))


def footage_pictures(size: tuple[int, int], count: int = 8) -> list[BGRImage] | None:
    """The first ``count`` pictures of the footage's :data:`FOOTAGE_CLIP` cover-fitted
    to ``size`` (as the key stage fits a camera), or None without the footage."""
    path = find(footage_folder(), FOOTAGE_CLIP) if footage_folder().is_dir() else None
    if path is None:
        return None
    pictures: list[BGRImage] = []
    with av.open(str(path)) as container:
        for frame in islice(container.decode(video=0), count):
            image = np.asarray(frame.to_ndarray(format="bgr24"), np.uint8)
            pictures.append(cover_fit(image, size))
    return pictures


def show_keyer(frames: list[BGRImage], background: BGRImage) -> Keyer:
    """A one-thread keyer calibrated on ``frames[0]``, as the show's key stage makes it
    (OpenCV's own threads at one too: the whole loop on one thread)."""
    cv2.setNumThreads(1)
    keyer = Keyer(threads=1)
    keyer.calibrate(frames[0])
    keyer.set_background(background)
    return keyer


def show_key(
    keyer: Keyer, frames: list[BGRImage], background: BGRImage, counter: list[int]
) -> None:
    """Key the next of ``frames`` as the key stage does with the presenter centred: a
    fresh picture to composite into, no foreground layer."""
    image = frames[counter[0] % len(frames)]
    counter[0] += 1
    keyer.process(image, background, foreground=False, out=np.empty_like(image))
