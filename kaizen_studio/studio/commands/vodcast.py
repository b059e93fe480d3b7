"""``studio vodcast``: a take made into a micro-lesson vodcast for the class blog."""

from __future__ import annotations

import argparse
import contextlib
import signal
import sys
from collections.abc import Iterator

from kaizen_studio.studio.cards import TEMPLATES, Cards
from kaizen_studio.studio.commands.key import ProgressBar
from kaizen_studio.studio.loudness import TARGET_LUFS
from kaizen_studio.studio.vodcast import make_vodcast, thumbnail_strip

HELP = f"""Make a vodcast from a take: trimmed, with a title card and an end card, its sound
brought to {TARGET_LUFS:g} LUFS (the podcast norm), written as an MP4 that plays on the class
blog, a phone and the school's screens (H.264 at most 5 Mbit/s, AAC, index at the front),
with a thumbnail picture beside it (NAME-thumbnail.png).

First look where to trim:
  studio vodcast take.mp4 --strip strip.png
Then make it:
  studio vodcast take.mp4 -o fractions.mp4 --title "Adding fractions" \\
      --class "Year 5" --school "Hillside Primary" --start 4 --end 150

Ctrl+C stops it and leaves nothing half-written (so does closing the terminal)."""

STOPS = (signal.SIGTERM, signal.SIGHUP)
"""Signals that stop the work as Ctrl+C does: the terminal closed, the computer shutting
down. Without this they would end the process at once and leave a hidden half-written
file beside the vodcast."""


@contextlib.contextmanager
def stopped_like_ctrl_c() -> Iterator[None]:
    """While inside, :data:`STOPS` raise ``KeyboardInterrupt`` as Ctrl+C does, so the
    half-written file is removed on the way out; the previous handlers come back after."""

    def stop(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    before = {number: signal.signal(number, stop) for number in STOPS}
    try:
        yield
    finally:
        for number, handler in before.items():
            signal.signal(number, handler)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "vodcast",
        help="make a take into a vodcast for the class blog",
        description=HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("take", metavar="TAKE.mp4", help="the recorded take")
    parser.add_argument("-o", "--output", metavar="OUT.mp4", help="the vodcast to write")
    parser.add_argument("--title", help="the title on the first card")
    parser.add_argument("--class", dest="class_name", metavar="CLASS", help='e.g. "Year 5"')
    parser.add_argument("--school", help="the school's name, on both cards")
    parser.add_argument(
        "--template",
        choices=sorted(TEMPLATES),
        default="classic",
        help="the cards' design (default: classic)",
    )
    parser.add_argument(
        "--start", type=float, default=0.0, metavar="SECONDS", help="where the take starts"
    )
    parser.add_argument(
        "--end", type=float, metavar="SECONDS", help="where it ends (default: the end)"
    )
    parser.add_argument(
        "--thumbnail-at",
        type=float,
        metavar="SECONDS",
        help="the picture of the take used as the thumbnail (default: a third of the way)",
    )
    parser.add_argument(
        "--script",
        metavar="SCRIPT",
        help="the autocue script read in the take: its words become captions (NAME.vtt)",
    )
    parser.add_argument(
        "--burn-captions",
        action="store_true",
        help="draw the captions on the pictures too (needs --script)",
    )
    parser.add_argument(
        "--strip",
        metavar="STRIP.png",
        help="only write a strip of thumbnails with their times, to choose where to trim",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.strip:
        path = thumbnail_strip(args.take, args.strip)
        print(f"wrote {path}: thumbnails across {args.take} with their times", file=sys.stderr)
        return 0
    missing = [
        f"--{name}"
        for name in ("output", "title", "class_name", "school")
        if not getattr(args, name)
    ]
    if missing:
        names = ", ".join(m.replace("class_name", "class").replace("_", "-") for m in missing)
        print(f"studio vodcast: error: give {names} (or --strip to look first)", file=sys.stderr)
        return 2
    if args.burn_captions and not args.script:
        print("studio vodcast: error: --burn-captions needs --script", file=sys.stderr)
        return 2
    cards = Cards(
        school=args.school,
        class_name=args.class_name,
        title=args.title,
        template=TEMPLATES[args.template],
    )
    bar = ProgressBar(f"Making {args.output}")
    try:
        with stopped_like_ctrl_c():
            report = make_vodcast(
                args.take,
                args.output,
                cards=cards,
                start=args.start,
                end=args.end,
                thumbnail_at=args.thumbnail_at,
                script=args.script,
                burn_captions=args.burn_captions,
                progress=bar,
            )
    finally:
        bar.finish()
    level = report.loudness
    loud = (
        "no sound"
        if level is None
        else f"sound {level.integrated:.1f} LUFS, peaks {level.true_peak:.1f} dBTP"
    )
    print(
        f"saved {report.output}: {report.seconds:.1f} s, {report.frames} pictures, "
        f"{report.video_kbps:.0f} kb/s, {loud}; thumbnail {report.thumbnail}"
        + (f"; {report.cues} captions in {report.captions}" if report.captions else ""),
        file=sys.stderr,
    )
    if level is not None and not report.on_target:
        print(
            f"note: the sound measured {level.integrated:.1f} LUFS, not "
            f"{TARGET_LUFS:g}: a take this short or quiet cannot be levelled exactly",
            file=sys.stderr,
        )
    return 0
