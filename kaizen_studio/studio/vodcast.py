"""Making a vodcast from a take: trimmed, between a title card and an end card, its sound
brought to the podcast loudness, written as a web-ready MP4 with a thumbnail.

One pass over the take: its pictures between ``start`` and ``end`` follow the title card
(the school, the class, the title, from a :class:`Template`) and precede the end card; its
sound goes through FFmpeg's own ``loudnorm`` filter (EBU R128, to :data:`TARGET_LUFS`
with true peaks under :data:`TRUE_PEAK_DBTP`), silent under the cards. The file is H.264
(capped at :func:`max_kbps`) + AAC with its index at the front (``faststart``), written
under a temporary name and renamed only when whole, so a cancelled or failed vodcast
leaves nothing behind. Afterwards its loudness is measured again from the file itself
(FFmpeg's ``ebur128``) and reported.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np

from kaizen_studio.autocue.script import load_script
from kaizen_studio.core.draw import TextStyle, blend_bgra, render_text, wrap_text
from kaizen_studio.core.errors import InputError
from kaizen_studio.core.media import Image
from kaizen_studio.studio import captions
from kaizen_studio.studio.captions import Cue
from kaizen_studio.studio.cards import Cards, card_picture
from kaizen_studio.studio.files import atomic_output, check_output_path
from kaizen_studio.studio.imageio import write_png
from kaizen_studio.studio.loudness import (
    LOUDNESS_TOLERANCE_LU,
    SAMPLE_RATE,
    TARGET_LUFS,
    Leveller,
    Loudness,
    measure_loudness,
)
from kaizen_studio.studio.playback import open_video

log = logging.getLogger(__name__)

CARD_SECONDS = 3.0
FADE_SECONDS = 0.5
VIDEO_TIME_BASE = Fraction(1, 90000)

Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True, kw_only=True)
class VodcastReport:
    """What was written and what it measured."""

    output: Path
    thumbnail: Path
    seconds: float
    frames: int
    loudness: Loudness | None
    video_kbps: float
    captions: Path | None = None
    cues: int = 0

    @property
    def on_target(self) -> bool:
        """Whether the file's measured loudness is within the tolerance of the target."""
        if self.loudness is None:
            return True  # a silent take has no loudness to bring anywhere
        return abs(self.loudness.integrated - TARGET_LUFS) <= LOUDNESS_TOLERANCE_LU


def max_kbps(width: int, height: int) -> int:
    """The video bitrate cap: 5 Mbit/s at 1920x1080, in proportion to the picture's area
    below it (at least 1 Mbit/s)."""
    return max(1000, min(5000, round(5000 * width * height / (1920 * 1080))))


def make_vodcast(
    take: str | Path,
    output: str | Path,
    *,
    cards: Cards,
    start: float = 0.0,
    end: float | None = None,
    thumbnail_at: float | None = None,
    script: str | Path | None = None,
    burn_captions: bool = False,
    progress: Progress | None = None,
) -> VodcastReport:
    """Write the vodcast of ``take`` (its part from ``start`` to ``end`` seconds) to
    ``output`` (an .mp4), and its thumbnail beside it (``NAME-thumbnail.png``, the picture
    at ``thumbnail_at`` seconds of the take, default a third of the way in). Given the
    autocue ``script`` the take was read from, its captions are written beside it
    (``NAME.vtt``) and, with ``burn_captions``, drawn on the pictures too.

    Raises
    ------
    InputError
        A bad range, a take with no pictures or one that cannot be decoded, or an output
        that is not an .mp4 or is the take itself. Nothing is written then.
    """
    times = {"--start": start, "--end": end, "--thumbnail-at": thumbnail_at}
    for option, value in times.items():
        if value is not None and not math.isfinite(value):
            raise InputError(f"{option} {value:g}: give a number of seconds, such as 4 or 12.5")
    src, out = Path(take), check_output_path(output)
    if out.suffix.lower() != ".mp4":
        raise InputError(f"{out}: a vodcast is written as MP4; end the name with .mp4")
    if src.resolve() == out.resolve():
        raise InputError(f"{out}: is the take itself; write the vodcast to another file")
    container = open_video(src)
    try:
        length = _duration(container)
        if start < 0:
            raise InputError(f"--start {start:g}: give a time of 0 seconds or more")
        if start >= length:
            raise InputError(f"--start {start:g}: the take is only {length:.1f} s long")
        end = length if end is None else end
        if end <= start:
            raise InputError(f"--start {start:g} and --end {end:g}: the start must come first")
        end = min(end, length)
        when = start + (end - start) / 3 if thumbnail_at is None else thumbnail_at
        if not start <= when <= end:
            raise InputError(f"--thumbnail-at {when:g}: choose a time between the start and end")
        thumbnail = out.with_name(f"{out.stem}-thumbnail.png")
        cues: list[Cue] = []
        if script is not None:  # aligned before anything is written: a mismatch stops here
            spoken = captions.take_sound(src, start=start, end=end)
            found = captions.align(spoken, captions.spoken_lines(load_script(script)))
            cues = captions.shifted(found, by=CARD_SECONDS, start=0.0, end=end - start)
        with atomic_output(out) as temporary:
            frames, still = _write(
                container,
                temporary,
                cards,
                start,
                end,
                when,
                progress,
                burn=cues if burn_captions else [],
            )
            loudness = measure_loudness(temporary)
            vtt = captions.write_webvtt(cues, out.with_suffix(".vtt")) if script else None
        write_png(thumbnail, still)
    except av.FFmpegError as error:
        raise InputError(f"{src}: could not be decoded to the end ({error})") from error
    finally:
        container.close()
    seconds = (end - start) + 2 * CARD_SECONDS
    kbps = out.stat().st_size * 8 / 1000 / seconds
    log.info("vodcast %s: %.1f s, %s, %.0f kb/s", out, seconds, loudness, kbps)
    return VodcastReport(
        output=out,
        thumbnail=thumbnail,
        seconds=seconds,
        frames=frames,
        loudness=loudness,
        video_kbps=kbps,
        captions=vtt,
        cues=len(cues),
    )


def _duration(container: av.container.InputContainer) -> float:
    video = container.streams.video[0]
    if video.duration and video.time_base:
        return float(video.duration * video.time_base)
    if container.duration:
        return container.duration / av.time_base
    raise InputError(f"{container.name}: its length is not known; is the file whole?")


def _write(
    container: av.container.InputContainer,
    path: Path,
    cards: Cards,
    start: float,
    end: float,
    when: float,
    progress: Progress | None,
    *,
    burn: list[Cue],
) -> tuple[int, Image]:
    video = container.streams.video[0]
    audio = container.streams.audio[0] if container.streams.audio else None
    rate = video.average_rate or video.guessed_rate or Fraction(25)
    width = video.codec_context.width // 2 * 2
    height = video.codec_context.height // 2 * 2
    total = round((end - start + 2 * CARD_SECONDS) * float(rate))
    cap = max_kbps(width, height)
    with av.open(str(path), "w", format="mp4", options={"movflags": "+faststart"}) as mp4:
        pictures = mp4.add_stream("libx264", rate=rate)
        pictures.width, pictures.height, pictures.pix_fmt = width, height, "yuv420p"
        pictures.time_base = pictures.codec_context.time_base = VIDEO_TIME_BASE
        pictures.options = {
            "crf": "21",
            "preset": "veryfast",
            "maxrate": f"{cap}k",
            "bufsize": f"{2 * cap}k",
        }
        sound = mp4.add_stream("aac", rate=SAMPLE_RATE)
        sound.layout, sound.bit_rate = "stereo", 128_000
        writer = _Writer(mp4, pictures, sound, float(rate), total, progress, burn)
        title, closing = (
            card_picture(cards, (width, height)),
            card_picture(cards, (width, height), end=True),
        )
        writer.card(title, fade_in=True)
        still: Image | None = None
        level = Leveller()
        streams = [video] if audio is None else [video, audio]
        for packet in container.demux(*streams):
            for frame in packet.decode():
                if frame.pts is None:
                    continue
                t = float(frame.pts * frame.time_base)
                if isinstance(frame, av.AudioFrame):
                    for block in level.push(frame, start, end):
                        writer.sound(block)
                elif start <= t < end:
                    picture = frame.to_ndarray(format="bgr24")[:height, :width]
                    if still is None and t >= when:
                        still = picture.copy()
                    writer.picture(picture, CARD_SECONDS + t - start)
        for block in level.finish():
            writer.sound(block)
        if writer.frames == 0:
            raise InputError(f"{container.name}: no pictures between the start and end")
        writer.card(closing, fade_in=False, at=CARD_SECONDS + end - start)
        writer.finish()
    return writer.frames, still if still is not None else title


class _Writer:
    """Encodes pictures (stamped in seconds) and sound (in order, with silence where none
    came) into the open MP4."""

    def __init__(
        self,
        mp4: av.container.OutputContainer,
        pictures: av.VideoStream,
        sound: av.AudioStream,
        fps: float,
        total: int,
        progress: Progress | None,
        burn: list[Cue],
    ) -> None:
        self.mp4, self.pictures, self.audio, self.fps = mp4, pictures, sound, fps
        self.total, self.progress = total, progress
        self.burn, self.tiles = burn, dict[str, Image]()
        self.frames, self.samples, self.last_pts = 0, 0, -1

    def picture(self, picture: Image, seconds: float) -> None:
        pts = round(seconds / VIDEO_TIME_BASE)
        if pts <= self.last_pts:
            return
        self.last_pts = pts
        cue = next((c for c in self.burn if c.start <= seconds < c.end), None)
        if cue is not None:
            picture = self._caption(picture.copy(), cue.text)
        planes = cv2.cvtColor(picture, cv2.COLOR_BGR2YUV_I420)
        frame = av.VideoFrame.from_ndarray(planes, format="yuv420p")
        frame.pts, frame.time_base = pts, VIDEO_TIME_BASE
        self.mp4.mux(self.pictures.encode(frame))
        self.frames += 1
        if self.progress is not None:
            self.progress(self.frames, self.total)

    def _caption(self, picture: Image, text: str) -> Image:
        """``picture`` with ``text`` drawn as a caption: white, outlined, bottom centre."""
        height, width = picture.shape[:2]
        if text not in self.tiles:
            look = TextStyle(size=max(10, height // 18), outline=max(1, height // 240))
            rows = [render_text(row, look) for row in wrap_text(text, look, width * 9 // 10)]
            tile = np.zeros((sum(r.shape[0] for r in rows), max(r.shape[1] for r in rows), 4))
            y = 0
            for row in rows:
                x = (tile.shape[1] - row.shape[1]) // 2
                tile[y : y + row.shape[0], x : x + row.shape[1]] = row
                y += row.shape[0]
            self.tiles[text] = tile.astype(np.uint8)
        tile = self.tiles[text]
        blend_bgra(picture, tile, (width - tile.shape[1]) // 2, height * 19 // 20 - tile.shape[0])
        return picture

    def card(self, picture: Image, *, fade_in: bool, at: float = 0.0) -> None:
        count = round(CARD_SECONDS * self.fps)
        for i in range(count):
            t = i / self.fps
            share = min(1.0, (t if fade_in else CARD_SECONDS - t) / FADE_SECONDS)
            shown = picture if share >= 1 else (picture * share).astype(np.uint8)
            self.picture(shown, at + t)
        self.silence_until(at + CARD_SECONDS)

    def sound(self, block: np.ndarray) -> None:
        """Append ``block`` (samples x 2, float32) after the sound so far, first filling
        with silence up to the pictures already written when the take's sound is late."""
        if self.samples == 0:
            self.silence_until(CARD_SECONDS)
        self._encode(block)

    def silence_until(self, seconds: float) -> None:
        missing = round(seconds * SAMPLE_RATE) - self.samples
        while missing > 0:
            chunk = min(missing, SAMPLE_RATE)
            self._encode(np.zeros((chunk, 2), np.float32))
            missing -= chunk

    def _encode(self, block: np.ndarray) -> None:
        planar = np.ascontiguousarray(block.T, dtype=np.float32)
        frame = av.AudioFrame.from_ndarray(planar, format="fltp", layout="stereo")
        frame.sample_rate = SAMPLE_RATE
        frame.pts, frame.time_base = self.samples, Fraction(1, SAMPLE_RATE)
        self.samples += block.shape[0]
        self.mp4.mux(self.audio.encode(frame))

    def finish(self) -> None:
        self.silence_until(self.last_pts * float(VIDEO_TIME_BASE) + 1 / self.fps)
        self.mp4.mux(self.pictures.encode(None))
        self.mp4.mux(self.audio.encode(None))


def thumbnail_strip(
    take: str | Path, output: str | Path, *, count: int = 8, height: int = 120
) -> Path:
    """A PNG strip of ``count`` thumbnails across ``take``, each with its time, for choosing
    where to trim."""
    if not 2 <= count <= 40:
        raise InputError(f"--strip-count {count}: choose 2 to 40 thumbnails")
    container = open_video(Path(take))
    try:
        length = _duration(container)
        times = [length * (i + 0.5) / count for i in range(count)]
        tiles: list[Image] = []
        stream = container.streams.video[0]
        for t in times:
            container.seek(round(t / float(stream.time_base)), stream=stream)
            frame = next(container.decode(stream), None)
            if frame is None:
                continue
            picture = frame.to_ndarray(format="bgr24")
            width = round(picture.shape[1] * height / picture.shape[0])
            tile = cv2.resize(picture, (width, height), interpolation=cv2.INTER_AREA)
            label = render_text(f"{t:.1f} s", TextStyle(size=max(10, height // 7), outline=2))
            blend_bgra(tile, label, 4, 4)
            tiles.append(tile)
    except av.FFmpegError as error:
        raise InputError(f"{take}: could not be decoded ({error})") from error
    finally:
        container.close()
    if not tiles:
        raise InputError(f"{take}: has no pictures that could be decoded")
    return write_png(output, np.hstack(tiles))
