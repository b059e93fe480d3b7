"""``studio matte``: key one picture."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import cv2
import numpy as np

from kaizen_studio.core.errors import InputError
from kaizen_studio.keying import KeyProblem, calibrate, check_keyable
from kaizen_studio.studio.backdrop import VIDEO_SUFFIXES, Backdrop
from kaizen_studio.studio.files import check_output_path
from kaizen_studio.studio.imageio import read_image, write_matte16, write_png
from kaizen_studio.studio.offline import add_keying_options, key_still, parse_screen

HELP = """Key a picture taken in front of the green screen.

Writes any of: the picture keyed over a new background (-o OUT.png or .jpg with
--background); the presenter alone on a transparent background, straight colour with the
matte as its alpha channel (-o OUT.png without --background); the matte as a 16-bit grey
PNG (--matte); the presenter's own colour with the green taken out, straight, not
premultiplied, without alpha (--foreground). A background of another size is scaled, and
one of another shape cropped to fill the picture (--fit exact refuses it instead). It says
which screen it keyed; a picture with no green or blue screen is refused. Nothing is
written if anything is wrong."""


PICTURE_TYPES = (".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".webp")
"""What -o may end with (with --background; a transparent presenter is PNG only)."""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "matte",
        help="key a picture",
        description=HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("input", metavar="INPUT", help="the picture to key (PNG, JPEG, ...)")
    parser.add_argument(
        "--background",
        metavar="BG",
        help="a picture, a colour (#RRGGBB, black, ...) or a built-in background "
        "(beach, newsroom, 'outer space') to put behind",
    )
    parser.add_argument("-o", "--output", metavar="OUT", help="the keyed picture to write")
    parser.add_argument("--matte", metavar="ALPHA.png", help="write the matte (16-bit grey)")
    parser.add_argument(
        "--foreground",
        metavar="FG.png",
        help="write the presenter's colour without the green (straight)",
    )
    add_keying_options(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    outputs = [p for p in (args.output, args.matte, args.foreground) if p]
    if not outputs:
        raise InputError("nothing to write: give -o OUT, --matte ALPHA.png or --foreground FG.png")
    source = Path(args.input)
    written: set[Path] = set()
    for out in outputs:
        path = check_output_path(out)
        if path.resolve() == source.resolve():
            raise InputError(f"{path}: is the input picture itself; write to another file")
        if path.resolve() in written:
            raise InputError(f"{path}: is named for two outputs; give each its own name")
        written.add(path.resolve())
        if path.suffix.lower() != ".png" and out != args.output:
            raise InputError(f"{path}: mattes and foregrounds are written as PNG; end with .png")
    if args.output and Path(args.output).suffix.lower() not in PICTURE_TYPES:
        raise InputError(
            f"{args.output}: cannot write a picture of this kind; end the name with "
            + ", ".join(PICTURE_TYPES)
        )
    image = read_image(source)
    plate = read_image(check_plate(args.plate)) if args.plate else None
    h, w = image.shape[:2]
    background = None
    if args.background:  # the same kinds as studio key: built-in, colour, picture, video
        backdrop = Backdrop(args.background, (w, h), fit=args.fit == "cover")
        try:
            background = backdrop.at(0.0).copy()
        finally:
            backdrop.close()
    if args.output and background is None and Path(args.output).suffix.lower() != ".png":
        raise InputError(
            f"{args.output}: without --background the presenter is written with "
            "a transparent background, which needs PNG; end the name with .png"
        )
    result = key_still(
        image,
        name=str(source),
        background=background,
        plate=plate,
        plate_name=str(args.plate),
        screen=args.screen,
    )
    screen = calibrate(image, screen=parse_screen(args.screen), plate=plate)
    check = check_keyable(image, screen, plate=plate, alpha=result.alpha)
    if check.problem is not KeyProblem.NONE:
        words = check.describe(
            plate_words="take a photo of the empty screen and run again with --plate PHOTO"
        )
        print(f"{source}: before the show: {words}", file=sys.stderr)
    if args.output:
        if result.composite is not None:
            _write_picture(Path(args.output), result.composite)
        else:
            write_png(args.output, np.dstack([result.foreground, result.alpha]))
    if args.matte:
        write_matte16(args.matte, result.alpha)
    if args.foreground:
        write_png(args.foreground, result.foreground)
    print(f"keyed {source}: {result.screen}; wrote " + ", ".join(outputs), file=sys.stderr)
    return 0


def _write_picture(path: Path, image: np.ndarray) -> None:
    if path.suffix.lower() == ".png":
        write_png(path, image)
        return
    from kaizen_studio.studio.files import atomic_output

    ok, encoded = cv2.imencode(path.suffix.lower() or ".png", image)
    if not ok:
        raise InputError(f"{path}: cannot write a picture of this kind; use .png or .jpg")
    with atomic_output(path) as temporary:
        temporary.write_bytes(encoded.tobytes())


def check_plate(plate: str) -> str:
    """``plate`` (the --plate given), refused in one line when it names a video: the empty
    screen's picture is a photo, and a video read as one was called "damaged"."""
    if Path(plate).suffix.lower() in VIDEO_SUFFIXES:
        raise InputError(
            f"--plate {plate}: is a video; give a photo (PNG or JPEG) of the empty screen "
            "taken with the same camera"
        )
    return plate
