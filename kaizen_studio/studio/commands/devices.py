"""``studio devices``: the cameras this machine has."""

from __future__ import annotations

import argparse

from kaizen_studio.studio.sources.camera import list_cameras


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "devices", help="list the cameras", description="List the cameras this machine has."
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    cameras = list_cameras()
    if not cameras:
        print("No cameras found: the studio will use the demo presenter.")
    for camera in cameras:
        print(f"{camera.index}: {camera.name} ({camera.path})")
    return 0
