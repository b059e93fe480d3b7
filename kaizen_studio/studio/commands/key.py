"""``studio key``: key a recorded take into a new video."""

from __future__ import annotations

import argparse
import sys
import time

from kaizen_studio.studio.backgrounds import BUILT_IN
from kaizen_studio.studio.commands.matte import check_plate
from kaizen_studio.studio.offline import add_keying_options, key_take

NAMES = ", ".join(sorted(BUILT_IN))

HELP = f"""Key a take filmed in front of the green screen, for re-keying after filming.

The new video (H.264 in MP4) has the same frame rate, timestamps and sound as the take
(sound MP4 cannot hold is turned into AAC). The screen is measured on the first frame, or
on --plate. The background is a picture, a video (looped, in time with the take), a colour
(#RRGGBB, black, ...) or a built-in one:
  {NAMES}.
One of another size is scaled, and one of another shape cropped to fill the picture
(--fit exact refuses it instead). The new video's name ends in .mp4; a picture is keyed
with studio matte. A progress bar shows on stderr; nothing is written if anything is wrong
or the run is stopped."""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "key",
        help="key a recorded take",
        description=HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("input", metavar="INPUT.mp4", help="the take to key")
    parser.add_argument(
        "--background",
        required=True,
        metavar="IMAGE|VIDEO|#colour",
        help="what goes behind the presenter",
    )
    parser.add_argument(
        "-o", "--output", required=True, metavar="OUT.mp4", help="the keyed video to write"
    )
    add_keying_options(parser)
    parser.set_defaults(func=run)


class ProgressBar:
    """A one-line text progress bar on stderr, redrawn at most every ``interval`` seconds
    (and always at the end), so a log file of a long take stays small."""

    def __init__(self, label: str, width: int = 30, interval: float = 0.2) -> None:
        self.label, self.width, self.started = label, width, time.monotonic()
        self.interval, self.drawn = interval, -interval
        self.shown = False
        self.last = (0, 0)

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic() - self.started
        self.last = (done, total)
        if now - self.drawn < self.interval and done != total:
            return
        self.drawn = now
        if total > 0:
            share = min(1.0, done / total)
            filled = round(share * self.width)
            bar = "#" * filled + "." * (self.width - filled)
            text = f"\r{self.label} [{bar}] {share:4.0%} {done}/{total} frames"
        else:
            text = f"\r{self.label} {done} frames"
        print(text, end="", file=sys.stderr, flush=True)
        self.shown = True

    def finish(self) -> None:
        """End the bar's line (after the last frame, or before an error message)."""
        if self.shown:
            self.drawn = -self.interval
            self(*self.last)  # where it really got to
            print(f"  ({time.monotonic() - self.started:.1f} s)", file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    if args.plate:
        check_plate(args.plate)
    bar = ProgressBar(f"Keying {args.input}")
    try:
        report = key_take(
            args.input,
            args.output,
            background=args.background,
            screen=args.screen,
            plate=args.plate,
            fit=args.fit == "cover",
            progress=bar,
        )
    finally:
        bar.finish()
    print(
        f"wrote {args.output}: {report.frames} frames, {report.seconds:.1f} s, sound "
        f"{report.audio}; {report.screen}",
        file=sys.stderr,
    )
    if report.cut_short:
        print(
            f"note: {args.input} ends early: {report.frames} of the {report.expected} frames "
            "it should have were there; the recording was probably cut short",
            file=sys.stderr,
        )
    return 0
