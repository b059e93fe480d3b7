"""``studio devices``: the cameras and the H.264 encoders this machine has."""

from __future__ import annotations

import argparse

from kaizen_studio.broadcast.h264 import choose_h264, probe_all
from kaizen_studio.studio.sources.camera import list_cameras


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "devices",
        help="list the cameras and video encoders",
        description="List the cameras this machine has, and the H.264 encoders that work "
        "on it (a hardware encoder saves the processor for the keyer).",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    cameras = list_cameras()
    if not cameras:
        print("No cameras found: the studio will use the demo presenter.")
    for camera in cameras:
        print(f"{camera.index}: {camera.name} ({camera.path})")
    print("H.264 encoders:")
    for probe in probe_all():
        print(f"  {probe.describe()}")
    print(f"In use: {choose_h264().summary()}")
    return 0
