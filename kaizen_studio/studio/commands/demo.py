"""``studio demo``: the whole show on the built-in demo presenter, no camera, no screen.

The demo presenter (drawn by the project) is keyed live into the newsroom with a lower
third, a ticker, the LIVE badge and the clock, with speech-like sound, and recorded to an
MP4 through the same programme and recorder a real show uses. Writes the recording, a
contact sheet and the first frame's matte to the output folder, prints the show's figures,
and succeeds only if the recording decodes back with every frame it was sent and its sound.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import av
import cv2
import numpy as np

from kaizen_studio.broadcast.recorder import Recorder
from kaizen_studio.core.clock import Clock
from kaizen_studio.core.errors import InputError
from kaizen_studio.keying import Keyer
from kaizen_studio.studio.backgrounds import newsroom
from kaizen_studio.studio.commands.live.show import FIRST_PICTURE_WAIT
from kaizen_studio.studio.files import hold_folder
from kaizen_studio.studio.imageio import write_matte16, write_png
from kaizen_studio.studio.overlays import ClockOverlay, LowerThird, Overlay, Ticker
from kaizen_studio.studio.pipeline import Programme
from kaizen_studio.studio.sound import ShowSound
from kaizen_studio.studio.sources.demo import DemoPresenterSource

HEADLINES = [
    "Sports day moves to Friday",
    "Year 6 win the county quiz",
    "The library has 200 new books",
    "Choir practice at lunchtime",
]


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "demo",
        help="run the whole show on the demo presenter",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--seconds", type=float, default=20.0, help="how long the show runs (20)")
    parser.add_argument("--output", default="out", help="folder for the results (out)")
    parser.add_argument("--size", default="1280x720", help="picture size WxH (1280x720)")
    parser.add_argument(
        "--fps", type=int, default=25, choices=(25, 30), help="frames per second (25)"
    )
    parser.set_defaults(func=run)


def parse_size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError as error:
        raise InputError(f"--size {text!r}: give it as WIDTHxHEIGHT, such as 1280x720") from error
    if not (64 <= w <= 3840 and 64 <= h <= 2160 and w % 2 == 0 and h % 2 == 0):
        raise InputError(f"--size {text}: width and height must be even, 64x64 to 3840x2160")
    return w, h


def output_folder(text: str) -> Path:
    """The folder for the results, made if missing.

    Raises
    ------
    InputError : it is a file, or it cannot be made
    """
    out = Path(text)
    if out.exists() and not out.is_dir():
        raise InputError(
            f"--output {out}: is a file, not a folder; give a folder for the results "
            "(it is made if it does not exist)"
        )
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise InputError(f"--output {out}: the folder cannot be made ({error.strerror})") from error
    if not os.access(out, os.W_OK):
        raise InputError(f"--output {out}: the folder is not writable; give another")
    return out


def say(text: str) -> None:
    print(f"demo: {text}", file=sys.stderr, flush=True)


def run(args: argparse.Namespace) -> int:
    size = parse_size(args.size)
    if not 1 <= args.seconds <= 600:
        raise InputError(f"--seconds {args.seconds}: choose 1 to 600 seconds")
    out = output_folder(args.output)
    taken = (
        f"--output {args.output}: another studio demo{{pid}} is writing there now; wait "
        "for it to finish, or give another --output"
    )
    with hold_folder(out, lock=".demo.lock", taken=taken, remove=True):
        return _run_show(args, size, out)


def _run_show(args: argparse.Namespace, size: tuple[int, int], out: Path) -> int:
    clock = Clock()
    presenter = DemoPresenterSource(size=size, fps=args.fps, loop_seconds=2.0, clock=clock)
    presenter.start()
    while not presenter.ready:  # draw the presenter's loop before going live
        say(f"drawing the demo presenter {presenter.drawn}/{presenter.loop_frames}")
        time.sleep(1.0)
    keyer = Keyer()
    overlays: list[Overlay] = [
        LowerThird("Zoë Ångström", "Year 5 · School News", shown_at=clock.now() + 1),
        Ticker(HEADLINES),
        ClockOverlay(),
    ]
    sound = ShowSound(clock=clock)
    programme = Programme(
        presenter,
        fps=args.fps,
        keyer=keyer,
        background=newsroom(size),
        overlays=overlays,
        clock=clock,
        sound=sound,
    )
    recording = out / "demo-show.mp4"
    recorder = Recorder(recording, width=size[0], height=size[1], fps=args.fps)
    programme.add_output(recorder, mode="buffered")
    programme.start()
    say(f"sound: {sound.status}")
    waited = time.monotonic()  # --seconds counts from the first picture made, however busy
    while programme.stats().frames == 0 and time.monotonic() - waited < FIRST_PICTURE_WAIT:
        time.sleep(0.05)
    began = time.monotonic()
    while (elapsed := time.monotonic() - began) < args.seconds:
        time.sleep(min(1.0, args.seconds - elapsed))
        stats = programme.stats()
        say(
            f"live {min(elapsed + 1, args.seconds):.0f}/{args.seconds:.0f} s: "
            f"{stats.frames} frames, CPU {stats.cpu:.0%}, sound {sound.level_db:.0f} dBFS; "
            f"{stats.timings}"
        )
    programme.close()
    show, rec = programme.stats(), recorder.stats()
    say(show.message)
    say(
        f"programme: {show.frames} frames, {show.late} late ticks, {show.repeated} repeated "
        f"camera frames; recorder: {rec.frames_sent} frames sent, {rec.frames_dropped} "
        f"dropped, {rec.bitrate_kbps:.0f} kb/s, {rec.message}"
    )
    return check(
        recording,
        expected=rec.frames_sent,
        out=out,
        presenter=presenter,
    )


def contact_pictures(recording: Path, expected: int) -> tuple[int, list[np.ndarray]]:
    """Decode ``recording``'s pictures one at a time: (how many there are, the four for the
    contact sheet: the first, the last and two between, as ``expected`` frames would
    place them). Only those four are kept, so memory does not grow with the show's length.
    """
    wanted = {round(i * (max(expected, 1) - 1) / 3) for i in range(4)}
    picks: list[np.ndarray] = []
    decoded = 0
    last: av.VideoFrame | None = None
    with av.open(str(recording)) as container:
        for frame in container.decode(video=0):
            if decoded in wanted:
                picks.append(frame.to_ndarray(format="bgr24"))
            last, decoded = frame, decoded + 1
    if last is not None and decoded - 1 not in wanted:  # fewer frames than sent
        picks.append(last.to_ndarray(format="bgr24"))
    return decoded, picks[:4]


def recording_lengths(recording: Path) -> tuple[float, float]:
    """(seconds of pictures, seconds of sound) in ``recording``, the pictures' from their
    timestamps: a show on a busy machine records at a variable frame rate, so its frame
    count over the nominal rate is not its length."""
    start, end = float("inf"), 0.0
    with av.open(str(recording)) as container:
        video = container.streams.video[0]
        base = video.time_base
        for packet in container.demux(video):
            if packet.pts is None or base is None:
                continue
            start = min(start, float(packet.pts * base))
            end = max(end, float((packet.pts + (packet.duration or 0)) * base))
    with av.open(str(recording)) as container:
        sound = sum(f.samples / f.sample_rate for f in container.decode(audio=0))
    return max(0.0, end - start), sound


SOUND_SLACK = 0.3
"""How far (in seconds) the sound's length may be from the pictures' in a good recording."""


def recording_problems(recording: Path, *, decoded: int, sent: int) -> list[str]:
    """What is wrong with ``recording`` (empty when nothing): the frames decoded back
    against the frames the programme sent to the recorder, and the sound's length against
    the pictures' (from the timestamps)."""
    problems = []
    if decoded != sent or decoded == 0:
        problems.append(f"{decoded} frames decoded back of the {sent} sent to the recorder")
    pictures, sound = recording_lengths(recording)
    if abs(sound - pictures) > SOUND_SLACK:
        problems.append(f"{sound:.2f} s of sound for {pictures:.2f} s of pictures")
    return problems


def check(
    recording: Path,
    *,
    expected: int,
    out: Path,
    presenter: DemoPresenterSource,
) -> int:
    """Decode the recording back; write the contact sheet and the matte."""
    if not recording.exists():
        say(f"FAILED: {recording} was not written")
        return 1
    decoded, picks = contact_pictures(recording, expected)
    problems = recording_problems(recording, decoded=decoded, sent=expected)
    if picks:
        picks += [picks[-1]] * (4 - len(picks))  # a recording shorter than it should be
        h, w = picks[0].shape[:2]
        sheet = np.vstack([np.hstack(picks[:2]), np.hstack(picks[2:])])
        write_png(out / "demo-contact-sheet.png", cv2.resize(sheet, (w, h), cv2.INTER_AREA))
    first = presenter.first_picture()
    with Keyer() as keyer:
        keyer.calibrate(first)
        write_matte16(out / "demo-matte.png", keyer.matte(first))
    if problems:
        say("FAILED: " + "; ".join(problems))
        return 1
    pictures, sound = recording_lengths(recording)
    say(
        f"{recording} decodes back: {decoded} frames, {pictures:.2f} s of pictures, "
        f"{sound:.2f} s of sound; "
        f"contact sheet {out / 'demo-contact-sheet.png'}"
    )
    return 0
