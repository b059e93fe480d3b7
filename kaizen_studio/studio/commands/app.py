"""``studio app`` (and ``studio`` with no command): open the studio window."""

from __future__ import annotations

import argparse
from pathlib import Path

from kaizen_studio.core.errors import MissingFileError
from kaizen_studio.studio.backdrop import VIDEO_SUFFIXES
from kaizen_studio.studio.commands.live import check_camera
from kaizen_studio.studio.show import read_show


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "app",
        help="open the studio window (the default when no command is given)",
        description="Open the studio window: the first camera, or the demo presenter when "
        "there is none.",
    )
    parser.add_argument(
        "--camera", metavar="N|NAME|demo", help="the camera (default: the first, else demo)"
    )
    parser.add_argument("--show", metavar="SHOW.toml", help="the show file (default: the last)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    camera, show = getattr(args, "camera", None), getattr(args, "show", None)
    # what was typed is checked here, in one line, before the window opens (a show
    # remembered from last time that has gone is said in the window instead)
    if show is not None:
        read_show(show)
    if camera is not None:
        check_camera(camera)
        if Path(camera).suffix.lower() in VIDEO_SUFFIXES and not Path(camera).is_file():
            raise MissingFileError(f"--camera {camera}: no such video file; check the name")
    from kaizen_studio.studio.app.main import run_app

    return run_app(camera=camera, show_file=show)
