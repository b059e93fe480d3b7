"""What each piece of the live pipeline costs a frame in CPU, each timed on its own.

``python -m benchmarks.pipeline --costs [--size WxH] [--frames N]`` prints it (see
:func:`costs`); the whole show under load is :mod:`benchmarks.pipeline`.
"""

from __future__ import annotations

import tempfile
import time
from collections import deque
from collections.abc import Callable, Generator, Iterable
from itertools import islice
from pathlib import Path

import av
import numpy as np

from benchmarks.pipeline_clip import four_overlays, presenter_clip
from kaizen_studio.broadcast.encoder import ProgrammeEncoder
from kaizen_studio.core.media import AudioBlock, Image, VideoFrame
from kaizen_studio.keying import Keyer
from kaizen_studio.studio import playback
from kaizen_studio.studio.backgrounds import newsroom
from kaizen_studio.studio.pipeline import Programme
from kaizen_studio.studio.sources.video_file import VideoFileSource
from kaizen_studio.studio.stages import KeyStage
from kaizen_studio.studio.step_down import ShowLevel


def costs(
    size: tuple[int, int], fps: int, frames: int = 30, *, level: ShowLevel = ShowLevel.FULL
) -> dict[str, float]:
    """CPU milliseconds per frame of each piece of the pipeline at the show's ``level``
    (:class:`studio.step_down.ShowLevel`: its key path and its encoder effort), as the
    engine runs it:
    each piece on its own over ``frames`` frames (after a warm-up), timed by the whole
    process's CPU clock, so its worker threads count (x264's and the decoder's threads
    run on after a call returns, and would be billed to whatever ran next if the pieces
    were interleaved).

    - decode: the file source's decoding to BGR (:func:`studio.playback.picture`);
    - key: the compositor's key stage (:class:`studio.stages.KeyStage`: fitting, the backdrop,
      the keyer with its default threads);
    - overlays: the compositor's copy of the keyed frame and the four overlays on it;
    - encode: the recorder's encoder (:class:`ProgrammeEncoder`, H.264 + AAC with its
      sound) with the recording's x264 options.
    """
    warm = 5
    with tempfile.TemporaryDirectory() as folder:
        clip = Path(folder) / "presenter.mp4"
        presenter_clip(clip, size, fps, seconds=(frames + warm) / fps)
        spent: dict[str, float] = {}

        def timed(name: str, work: Callable[[], object]) -> None:
            """Time ``work`` (what it makes is dropped at once, as the engine's frames
            are: keeping them all would bill fresh memory's page faults to it)."""
            began = time.process_time()
            work()
            spent[name] = (time.process_time() - began) * 1000.0 / frames

        playing = decoded(clip)
        consume(islice(playing, warm))
        timed("decode", lambda: consume(islice(playing, frames)))
        playing.close()
        pictures = list(islice(decoded(clip), warm, warm + frames))
        overlays = four_overlays()
        programme = Programme(
            VideoFileSource(clip), fps=fps, keyer=Keyer(), background=newsroom(size)
        )
        stage = programme.compositor.stage("key")
        assert isinstance(stage, KeyStage)
        stage.divisor = level.key_divisor

        def key(image: Image) -> Image:  # the key stage alone (its picture is borrowed)
            return stage.apply(VideoFrame(image, 0.0, 0)).image

        try:
            for image in pictures[:warm]:
                key(image)
            timed("key", lambda: consume(key(image) for image in pictures))
            keyed = [key(image).copy() for image in pictures]
        finally:
            programme.close()
        for overlay in overlays:
            overlay.draw(keyed[0].copy(), 0.0)  # text rendered once per size: not a frame's

        def draw(index: int, image: Image) -> Image:
            copy = image.copy()  # the compositor's one copy
            for overlay in overlays:
                overlay.draw(copy, 1.0 + index / fps)
            return copy

        timed("overlays", lambda: consume(draw(i, image) for i, image in enumerate(keyed)))
        drawn = [draw(i, image) for i, image in enumerate(keyed)]
        encoder = ProgrammeEncoder(width=size[0], height=size[1], fps=fps)
        encoder.set_effort(level.effort)
        count = round(48000 / fps)
        tone = 0.2 * np.sin(2 * np.pi * 440.0 * np.arange(count) / 48000)
        block = np.repeat(tone.astype(np.float32)[:, None], 2, axis=1)

        def encode(pictures: list[Image], first: int) -> None:
            for i, image in enumerate(pictures, start=first):
                encoder.encode(VideoFrame(image, i / fps, i))
                encoder.encode(AudioBlock(block, 48000, i / fps))

        encode(drawn[:warm], 0)  # x264 starts its threads and fills its look-ahead

        def rest() -> None:
            encode(drawn, warm)
            encoder.flush()

        timed("encode", rest)
    return spent


def decoded(clip: Path) -> Generator[Image, None, None]:
    """The pictures of ``clip`` decoded as the file source decodes them."""
    with av.open(str(clip)) as source:
        stream = source.streams.video[0]
        stream.thread_type = "AUTO"
        for frame in source.decode(stream):
            yield playback.picture(frame)


def consume(items: Iterable[object]) -> None:
    """Run through ``items``, keeping none of them."""
    deque(items, maxlen=0)
