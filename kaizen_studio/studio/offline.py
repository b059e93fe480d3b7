"""Keying pictures and recorded takes after filming (``studio matte``, ``studio key``).

A still is keyed in one go; a take is decoded with PyAV, calibrated on its first frame,
keyed frame by frame over a colour, a picture or a looping video, and encoded to H.264
with the same frame rate and timestamps, the sound carried over. Output is written under
a temporary name and renamed at the end, so a failed or interrupted run leaves nothing.
"""

from __future__ import annotations

import argparse
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import numpy as np

from kaizen_studio.broadcast.encoder import yuv420p
from kaizen_studio.core.errors import InputError
from kaizen_studio.keying import Keyer, NoScreenFoundError
from kaizen_studio.keying.calibrate import Calibration
from kaizen_studio.keying.frames import BGRImage
from kaizen_studio.studio.backdrop import Backdrop
from kaizen_studio.studio.files import atomic_output, check_video_output_path
from kaizen_studio.studio.imageio import read_colour, read_image
from kaizen_studio.studio.playback import open_video

__all__ = [
    "StillResult",
    "TakeReport",
    "add_keying_options",
    "calibrated_keyer",
    "key_still",
    "key_take",
    "parse_screen",
]

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
"""Called with (frames done, frames expected; 0 when not known)."""

MP4_AUDIO = {"aac", "mp3", "opus", "ac3", "alac", "flac"}
"""Audio codecs an MP4 holds as they are; others are turned into AAC."""


def add_keying_options(parser: argparse.ArgumentParser) -> None:
    """The options every offline keying command shares: --plate, --screen, --fit."""
    parser.add_argument(
        "--plate", metavar="PLATE", help="a picture of the empty screen from the same camera"
    )
    parser.add_argument(
        "--screen",
        default="auto",
        metavar="auto|green|blue|#RRGGBB",
        help="the screen's colour (default: found by itself)",
    )
    parser.add_argument(
        "--fit",
        choices=FITS,
        default="cover",
        help="a background of another shape: cover crops it to fill the picture (default); "
        "exact refuses it (one of the same shape is only scaled)",
    )


FITS = ("cover", "exact")
"""How a background of another shape is fitted (``--fit``): cropped to fill, or refused."""

SCREEN_COLOURS = ("green", "blue")
"""What a screen found by itself may be: a red, orange or purple area is something else."""

MIN_SCREEN_SHARE = 0.25
"""A screen found by itself covers at least this share of the picture (a quarter): less
is a patch of sky or a poster, not the backing behind a presenter."""

MIN_SCREEN_LEVEL = 48
"""A screen found by itself is lit: its strongest channel reaches at least this level
(0..255); darker is a night sky or a shadow."""


def check_screen_found(calibration: Calibration) -> None:
    """Refuse what the keyer found by itself (``--screen auto``) when it cannot be a
    screen: not green or blue, under a quarter of the picture, or unlit.

    Raises
    ------
    InputError : naming what was found and the fix (the caller adds the file's name)
    """
    b, g, r = calibration.key_colour
    found = f"the largest coloured area is {calibration.screen_name} (about RGB {r},{g},{b})"
    problem = None
    if calibration.screen_name not in SCREEN_COLOURS:
        problem = "a screen is green or blue"
    elif max(calibration.screen_share, calibration.board_share) < MIN_SCREEN_SHARE:
        problem = f"it fills only {calibration.screen_share:.0%} of the picture"
    elif max(calibration.key_colour) < MIN_SCREEN_LEVEL:
        problem = "it is too dark to be a lit screen"
    if problem is not None:
        raise InputError(
            f"no green or blue screen found: {found}, but {problem}; take the "
            "picture in front of the screen, or name its colour with --screen #RRGGBB"
        )


def screen_words(calibration: Calibration) -> str:
    """What was keyed, for people: 'the green screen (about RGB 55,170,70), 79% of the
    picture'."""
    b, g, r = calibration.key_colour
    plate = ", measured on the empty-screen picture" if calibration.from_plate else ""
    return (
        f"the {calibration.screen_name} screen (about RGB {r},{g},{b}){plate}, "
        f"{calibration.screen_share:.0%} of the picture{calibration.cut_away()}"
    )


def parse_screen(text: str) -> str | tuple[int, int, int]:
    """``auto``, ``green``, ``blue`` or a colour (``#RRGGBB``) for the keyer."""
    value = text.strip().lower()
    if value in ("auto", "green", "blue"):
        return value
    try:
        return read_colour(text)
    except InputError as error:
        raise InputError(f"--screen {text!r}: use auto, green, blue or #RRGGBB") from error


def calibrated_keyer(
    frame: BGRImage,
    *,
    screen: str = "auto",
    plate: BGRImage | None = None,
    name: str,
    plate_name: str = "the empty-screen picture",
) -> Keyer:
    """A keyer calibrated on ``frame``; keyer errors become errors naming ``name``."""
    colour = parse_screen(screen)
    if plate is not None and plate.shape != frame.shape:
        ph, pw, fh, fw = *plate.shape[:2], *frame.shape[:2]
        raise InputError(
            f"{plate_name}: the empty-screen picture is {pw}x{ph} but {name} is {fw}x{fh}; "
            "take it with the same camera at the same size"
        )
    keyer = Keyer()
    try:
        keyer.calibrate(frame, screen=colour, plate=plate)
        if colour == "auto" and plate is None and keyer.calibration is not None:
            check_screen_found(keyer.calibration)
    except NoScreenFoundError as error:
        keyer.close()
        raise InputError(f"{name}: {error}") from error
    except ValueError as error:
        keyer.close()
        raise InputError(f"{name}: {error}") from error
    return keyer


@dataclass(frozen=True)
class StillResult:
    alpha: np.ndarray
    """uint8 (h, w) matte, 255 subject"""
    foreground: BGRImage
    """the despilled subject colour, straight (not premultiplied)"""
    composite: BGRImage | None
    """over the background, when one was given"""
    screen: str
    """what was keyed, in words (see :func:`screen_words`)"""


def key_still(
    image: BGRImage,
    *,
    name: str,
    background: BGRImage | None = None,
    plate: BGRImage | None = None,
    plate_name: str = "the empty-screen picture",
    screen: str = "auto",
) -> StillResult:
    """Key one picture (see :class:`StillResult`)."""
    from kaizen_studio.keying import straight_foreground

    keyer = calibrated_keyer(image, screen=screen, plate=plate, name=name, plate_name=plate_name)
    with keyer:
        assert keyer.calibration is not None  # calibrated_keyer calibrates
        result = keyer.process(image, background if background is not None else image)
        assert result.foreground is not None  # asked for by default
        return StillResult(
            alpha=result.alpha.copy(),
            foreground=straight_foreground(result.foreground, result.alpha),
            composite=result.composite.copy() if background is not None else None,
            screen=screen_words(keyer.calibration),
        )


@dataclass(frozen=True)
class TakeReport:
    frames: int
    seconds: float
    audio: str
    """'copied', 'converted to AAC' or 'none'"""
    screen: str
    expected: int = 0
    """frames the file's header promised (0 when it does not say)"""

    @property
    def cut_short(self) -> bool:
        """Whether the take ended well before its header said (a recording cut short)."""
        return self.expected > 0 and self.frames < self.expected - 1


def key_take(
    source: str | os.PathLike[str],
    output: str | os.PathLike[str],
    *,
    background: str,
    screen: str = "auto",
    plate: str | None = None,
    fit: bool = False,
    progress: Progress | None = None,
) -> TakeReport:
    """Key a recorded take into a new MP4 (see the module's docstring)."""
    src, out = Path(source), check_video_output_path(output)
    parse_screen(screen)  # a wrong --screen is named before any work
    if src.resolve() == out.resolve():
        raise InputError(f"{out}: is the take itself; write to another file")
    container = open_video(src)
    if container.format.name == "image2" or container.format.name.endswith("_pipe"):
        container.close()
        raise InputError(
            f"{src}: is a picture, not a video; key a picture with "
            f"'studio matte {src} -o OUT.png' (add --background to put one behind)"
        )
    try:
        with atomic_output(out) as temporary:
            return _key_into(
                container,
                src,
                temporary,
                background=background,
                screen=screen,
                plate=plate,
                fit=fit,
                progress=progress,
            )
    except av.FFmpegError as error:
        log.info("%s: decoding failed: %s", src, error)
        raise InputError(
            f"{src}: the video is damaged or was cut short, so it cannot be keyed to the "
            "end; nothing was written (play it to check, or record the take again)"
        ) from error
    finally:
        container.close()


def _key_into(
    container: av.container.InputContainer,
    src: Path,
    temporary: Path,
    *,
    background: str,
    screen: str,
    plate: str | None,
    fit: bool,
    progress: Progress | None,
) -> TakeReport:
    video = container.streams.video[0]
    audio = container.streams.audio[0] if container.streams.audio else None
    rate = video.average_rate or video.guessed_rate or Fraction(25)
    total = int(video.frames or 0)
    if not total and video.duration and video.time_base:
        total = round(float(video.duration * video.time_base) * float(rate))
    if not total and container.duration:  # MKV and WebM give only the file's duration
        total = round(container.duration / av.time_base * float(rate))
    full = (video.codec_context.width, video.codec_context.height)
    width, height = full[0] // 2 * 2, full[1] // 2 * 2  # H.264 in 4:2:0 needs even sizes
    plate_image = None if plate is None else read_image(plate)
    if plate_image is not None and plate_image.shape[1::-1] == full:
        plate_image = plate_image[:height, :width]
    backdrop = Backdrop(background, (width, height), fit=fit)  # checked before any work
    keyer: Keyer | None = None
    done, seconds, calibration = 0, 0.0, ""
    first: float | None = None  # the take's first frame time
    try:
        with av.open(str(temporary), "w", format="mp4") as output:
            encoder = output.add_stream("libx264", rate=rate)
            encoder.width, encoder.height, encoder.pix_fmt = width, height, "yuv420p"
            encoder.time_base = encoder.codec_context.time_base = video.time_base
            encoder.options = {"crf": "18", "preset": "veryfast"}
            sound, audio_mode = _audio_stream(output, audio)
            streams = [video] if audio is None else [video, audio]
            for packet in container.demux(*streams):
                if packet.stream is audio:
                    _carry_audio(packet, sound, audio_mode, output)
                    continue
                for frame in packet.decode():
                    if frame.pts is None:
                        continue
                    picture = frame.to_ndarray(format="bgr24")[:height, :width]
                    if keyer is None:
                        keyer = calibrated_keyer(
                            picture,
                            screen=screen,
                            plate=plate_image,
                            name=str(src),
                            plate_name=str(plate),
                        )
                        calibration = keyer.calibration.describe() if keyer.calibration else ""
                    seconds = float(frame.pts * frame.time_base)
                    first = seconds if first is None else first
                    try:
                        behind = backdrop.at(seconds - first)
                    except av.FFmpegError as error:  # not the take's fault: say whose
                        raise InputError(
                            f"{background}: the background video is damaged or was cut "
                            "short; nothing was written (use another background)"
                        ) from error
                    keyed = keyer.process(picture, behind, foreground=False).composite
                    out_frame = av.VideoFrame.from_ndarray(yuv420p(keyed), format="yuv420p")
                    out_frame.pts, out_frame.time_base = frame.pts, frame.time_base
                    output.mux(encoder.encode(out_frame))
                    done += 1
                    if progress is not None:
                        progress(done, total)
            if done == 0:
                raise InputError(f"{src}: has no pictures that could be decoded")
            output.mux(encoder.encode(None))
            if sound is not None and audio_mode == "converted to AAC":
                output.mux(sound.encode(None))
    finally:
        if keyer is not None:
            keyer.close()
        backdrop.close()
    return TakeReport(
        frames=done, seconds=seconds, audio=audio_mode, screen=calibration, expected=total
    )


def _audio_stream(
    output: av.container.OutputContainer, audio: av.audio.stream.AudioStream | None
) -> tuple[Any, str]:
    if audio is None:
        return None, "none"
    if audio.codec_context.name in MP4_AUDIO:
        return output.add_stream_from_template(audio), "copied"
    stream = output.add_stream("aac", rate=audio.codec_context.sample_rate or 48000)
    stream.layout = _aac_layout(audio.codec_context.layout)
    return stream, "converted to AAC"


DEFAULT_LAYOUTS = {1: "mono", 2: "stereo", 3: "2.1", 4: "quad", 5: "5.0", 6: "5.1", 8: "7.1"}
"""The layout AAC is given for a channel count when the take names none (PCM in MKV)."""


def _aac_layout(layout: av.AudioLayout | None) -> str:
    """A layout the AAC encoder accepts: the take's own if its channels are named."""
    if layout is None:
        return "stereo"
    if all(channel.name != "NONE" for channel in layout.channels) and layout.nb_channels <= 8:
        return str(layout.name)
    return DEFAULT_LAYOUTS.get(layout.nb_channels, "stereo")


def _carry_audio(
    packet: av.Packet, sound: Any, mode: str, output: av.container.OutputContainer
) -> None:
    if sound is None or packet.dts is None:
        return
    if mode == "copied":
        packet.stream = sound
        output.mux(packet)
        return
    for frame in packet.decode():
        output.mux(sound.encode(frame))
