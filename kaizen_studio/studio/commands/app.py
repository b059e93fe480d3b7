"""``studio app`` (and ``studio`` with no command): open the studio window."""

from __future__ import annotations

import argparse


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
    from kaizen_studio.studio.app.main import run_app

    return run_app(camera=getattr(args, "camera", None), show_file=getattr(args, "show", None))
