"""Pictures to moving frames: each picture fills a 16:9 frame and drifts with a gentle pan
and zoom (the "Ken Burns" move), with a short cross-fade into the next.

Pure functions: arrays in, arrays out (BGR uint8), no file I/O.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import cv2
import numpy as np
import numpy.typing as npt

Image = npt.NDArray[np.uint8]

ZOOM = 0.12
"""How much closer the end of a picture's move is than its start (12 %)."""
FADE = 0.6
"""Seconds of cross-fade between two pictures."""


def fit(picture: Image, *, width: int, height: int) -> Image:
    """``picture`` made no larger than twice the frame (INTER_AREA), so every later move
    resamples a small image; a picture smaller than that is kept as it is."""
    most = 2 * max(width, height)
    scale = most / max(picture.shape[:2])
    if scale >= 1.0:
        return picture
    size = (max(1, round(picture.shape[1] * scale)), max(1, round(picture.shape[0] * scale)))
    return np.ascontiguousarray(cv2.resize(picture, size, interpolation=cv2.INTER_AREA))


def moved(picture: Image, *, progress: float, index: int, width: int, height: int) -> Image:
    """One frame of ``picture``'s move, ``progress`` from 0 to 1; even-numbered pictures
    zoom in and drift right, odd ones zoom out and drift left (so a story does not keep
    moving one way). Returns a ``height`` x ``width`` x 3 uint8 frame."""
    rows, cols = picture.shape[:2]
    # the largest 16:9 window of the picture, then a smaller one as the zoom goes in
    cover = min(cols / width, rows / height)
    u = progress if index % 2 == 0 else 1.0 - progress
    u = u * u * (3.0 - 2.0 * u)  # ease in and out
    scale = cover / (1.0 + ZOOM * u)
    window_w, window_h = width * scale, height * scale
    spare_x, spare_y = cols - window_w, rows - window_h
    x0 = spare_x * (0.3 + 0.4 * u)
    y0 = spare_y * (0.5 - 0.1 * u)
    matrix = np.array([[scale, 0.0, x0], [0.0, scale, y0]], dtype=np.float64)
    frame = cv2.warpAffine(
        picture,
        matrix,
        (width, height),
        flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
        borderMode=cv2.BORDER_REFLECT,
    )
    return np.asarray(frame, dtype=np.uint8)


def frames(
    pictures: Sequence[Image], *, seconds: float, fps: int, width: int, height: int
) -> Iterator[Image]:
    """All frames of a slideshow of ``pictures`` lasting ``seconds`` (each picture an equal
    share), cross-faded over :data:`FADE` seconds. ValueError if there is no picture or no
    time."""
    if not pictures:
        raise ValueError("a slideshow needs at least one picture, got none")
    if seconds <= 0 or fps <= 0:
        raise ValueError(f"a slideshow needs seconds > 0 and fps > 0, got {seconds}, {fps}")
    total = max(1, round(seconds * fps))
    share = total / len(pictures)
    fade = min(FADE * fps, share / 3)
    for n in range(total):
        index = min(len(pictures) - 1, int(n / share))
        start = index * share
        progress = (n - start) / share
        frame = moved(pictures[index], progress=progress, index=index, width=width, height=height)
        into_next = n - (start + share - fade)
        if index + 1 < len(pictures) and into_next > 0:
            following = moved(
                pictures[index + 1], progress=0.0, index=index + 1, width=width, height=height
            )
            weight = into_next / fade
            frame = cv2.addWeighted(frame, 1.0 - weight, following, weight, 0.0)
        yield frame
