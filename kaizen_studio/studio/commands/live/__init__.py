"""``studio live``: run a show headless from a camera or the demo presenter, recording it.

The show file's first scene is shown; ``--scene NAME`` picks another. The programme can be
recorded (``--record``), streamed to the school's media server (``--stream``, see ``studio
serve``) and shown as a camera in video calls (``--virtual-camera``; where there is none,
the show goes on and says what to install). ``--record-camera`` records the clean camera
(the green take, unkeyed) beside it, with the same time stamps and the show's sound, for
re-keying later with ``studio key``. Stops after ``--seconds``, on Ctrl+C, SIGTERM or
SIGHUP, finishing the recordings properly either way; the streaming process ends with it
whatever ends it.

A partner school joins the show with ``--guest URL`` (their stream: rtmp://... from a
server, or http://.../hls/NAME.m3u8 from their ``studio serve``), ``--guest-name`` and
``--guest-look`` (full, beside, behind: where the scenes that do not say put it); or the
show file's ``guest = { url = ..., name = ... }``. A guest that drops shows a card and
comes back by itself; the show never waits for it.

``--kidsmeet ORDER`` (a running order, .toml or .csv) runs a kidsmeet: commands typed one
a line (pick, start [N], end, break, order, status) pick the next presenter at random,
start their talk (lower third, timer) and play ``--breaks FOLDER`` (recorded
presentations; or the order's ``breaks``) in the break.

The stream key never goes on the command line (anyone can read that in the process
list): it comes from ``--key-file PATH``, or the environment variable KAIZEN_STREAM_KEY,
or is typed at a prompt; it is added to the address inside the show only. A stream the
school's server refuses twice, or whose name another show holds, stops the show (exit 2).
"""

from __future__ import annotations

import argparse
import getpass
import os
import signal
import sys
import threading
from pathlib import Path
from types import FrameType

from kaizen_studio.broadcast.recorder import take_path
from kaizen_studio.broadcast.stream_key import ENVIRONMENT, read_key_file
from kaizen_studio.broadcast.streamer import check_key, check_url, split_key, with_key
from kaizen_studio.core.errors import InputError
from kaizen_studio.studio.backdrop import VIDEO_SUFFIXES
from kaizen_studio.studio.commands.live.show import run_show
from kaizen_studio.studio.commands.matte import PICTURE_TYPES
from kaizen_studio.studio.files import check_video_output_path
from kaizen_studio.studio.guest_look import GuestLook
from kaizen_studio.studio.kidsmeet.breaks import FolderPlaylist
from kaizen_studio.studio.kidsmeet.order import read_order
from kaizen_studio.studio.show import Scene, Show, read_show

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
"""Each ends the show as Ctrl+C does: recordings finished, the stream closed."""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "live",
        help="run a show headless and record it",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--camera",
        default="demo",
        metavar="N|NAME|FILE|demo",
        help="the camera (index or name), a video file (looped, with its sound) or 'demo' "
        "(default)",
    )
    parser.add_argument("--show", metavar="SHOW.toml", help="the show file (scenes)")
    parser.add_argument("--scene", help="the scene to start with (default: the first)")
    parser.add_argument("--record", metavar="FILE.mp4", help="record the programme")
    parser.add_argument(
        "--record-camera",
        metavar="FILE.mp4",
        help="record the clean camera (unkeyed, with the sound) for re-keying with studio key",
    )
    parser.add_argument(
        "--stream",
        metavar="URL",
        help="send the programme to the school's media server (rtmp://HOST:PORT/live/NAME; "
        "studio serve prints it); the key comes from --key-file or KAIZEN_STREAM_KEY",
    )
    parser.add_argument(
        "--key-file",
        metavar="PATH",
        help="a file holding the school's stream key (else KAIZEN_STREAM_KEY, else a prompt)",
    )
    parser.add_argument(
        "--virtual-camera",
        action="store_true",
        help="show the programme as a camera in video-call programs",
    )
    parser.add_argument("--seconds", type=float, help="stop after this long (default: Ctrl+C)")
    parser.add_argument(
        "--overwrite",
        action="store_true",
        help="record over an existing file (default: the next free NAME-2.mp4)",
    )
    parser.add_argument(
        "--microphone",
        nargs="?",
        const="default",
        metavar="N|NAME",
        help="sound from a microphone (default one, or index or name); without it, or if it "
        "cannot be opened, a speech-like test sound",
    )
    add_guest_options(parser)
    parser.add_argument(
        "--kidsmeet",
        metavar="ORDER",
        help="run a kidsmeet from this running order (.toml or .csv); type commands (help)",
    )
    parser.add_argument(
        "--breaks", metavar="FOLDER", help="recorded presentations to play in the breaks"
    )
    parser.set_defaults(func=run)


def add_guest_options(parser: argparse.ArgumentParser) -> None:
    """--guest, --guest-name and --guest-look."""
    parser.add_argument(
        "--guest",
        metavar="URL",
        help="a partner school's stream in the show (rtmp://HOST:PORT/live/NAME, or "
        "http://HOST:PORT/hls/NAME.m3u8)",
    )
    parser.add_argument("--guest-name", metavar="SCHOOL", help="the partner school's name")
    parser.add_argument(
        "--guest-look",
        choices=[look.value for look in GuestLook],
        default="beside",
        help="where the guest goes in scenes that do not say (default: beside)",
    )


def default_show() -> Show:
    return Show(
        title="Kaizen Studio",
        fps=25,
        size=(1280, 720),
        scenes=(Scene(name="Newsroom", background="newsroom", live_badge=True, clock=True),),
    )


def stream_address(url: str, key_file: str | None) -> str:
    """``url`` with the school's stream key (from ``key_file``, KAIZEN_STREAM_KEY or a
    prompt) added, inside this process only; InputError naming the fix otherwise."""
    try:
        check_url(url)
    except ValueError:
        raise InputError(
            "--stream: give the server's rtmp:// address (studio serve prints it)"
        ) from None
    if split_key(url)[1]:
        raise InputError(
            "--stream: the stream key does not go on the command line (anyone can read it "
            f"in the process list): put it in a file for --key-file PATH, or set {ENVIRONMENT}"
        )
    if key_file:
        # the one reader of key files: a folder, an empty file... each named in words
        key, where = read_key_file(Path(key_file)), f"--key-file {key_file}"
    elif ENVIRONMENT in os.environ:
        # read once, and kept from the processes the show starts
        key, where = os.environ.pop(ENVIRONMENT).strip(), ENVIRONMENT
    elif sys.stdin.isatty():
        key, where = getpass.getpass("The school's stream key: ").strip(), "the key typed"
    else:
        raise InputError(
            "--stream needs the school's stream key: put it in a file and give --key-file "
            f"PATH, or set {ENVIRONMENT} (studio serve prints the key)"
        )
    try:
        return with_key(url, check_key(key))
    except ValueError as error:
        raise InputError(f"{where}: {error}") from None


def check_camera(camera: str) -> None:
    """Refuse a --camera that names a folder or a file that is not a video, in words (a
    camera's name never holds a slash or a dot-ending).

    Raises
    ------
    InputError : naming the file and what to give instead
    """
    path = Path(camera)
    instead = "give a video file (.mp4, .mov...), a camera's number or name, or 'demo'"
    if path.is_dir():
        raise InputError(f"--camera {camera}: is a folder, not a camera or a video; {instead}")
    if path.suffix.lower() in VIDEO_SUFFIXES:
        return
    if path.suffix.lower() in PICTURE_TYPES:
        raise InputError(
            f"--camera {camera}: is a picture, not a video; {instead} (a picture is keyed "
            f"with 'studio matte {camera} -o OUT.png')"
        )
    if path.is_file():
        raise InputError(f"--camera {camera}: is a file but not a video; {instead}")


def run(args: argparse.Namespace) -> int:
    show = read_show(args.show) if args.show else default_show()
    scene = show.scenes[0]
    if args.scene:
        names = {s.name.lower(): s for s in show.scenes}
        if args.scene.lower() not in names:
            raise InputError(
                f"no scene called {args.scene!r}; the show has "
                + ", ".join(s.name for s in show.scenes)
            )
        scene = names[args.scene.lower()]
    check_camera(args.camera)
    if args.seconds is not None and not 1 <= args.seconds <= 24 * 3600:
        raise InputError(f"--seconds {args.seconds}: choose 1 second to a day")
    for path in (args.record, args.record_camera):
        if path:
            check_video_output_path(path)
    both = (args.record, args.record_camera)
    if all(both) and Path(args.record).resolve() == Path(args.record_camera).resolve():
        raise InputError(
            f"--record and --record-camera are both {args.record_camera}: give the clean "
            f"camera a name of its own, such as {Path(args.record_camera).stem}-camera.mp4"
        )
    if args.guest_name and not args.guest:
        raise InputError("--guest-name: give the guest's stream too, with --guest URL")
    if args.breaks and not args.kidsmeet:
        raise InputError("--breaks: the breaks are a kidsmeet's; give --kidsmeet ORDER too")
    args.order = read_order(args.kidsmeet) if args.kidsmeet else None
    args.playlist = FolderPlaylist(args.breaks) if args.breaks else None
    stream = stream_address(args.stream, args.key_file) if args.stream else None
    # every check passed: now the takes' names (no take written over, none lost to a crash)
    for option in ("record", "record_camera"):
        if getattr(args, option):
            take = take_path(getattr(args, option), overwrite=args.overwrite)
            setattr(args, option, str(take.path))
            for note in take.notes:
                print(f"live: {note}", file=sys.stderr)
    if args.record and args.record_camera and Path(args.record) == Path(args.record_camera):
        raise InputError(
            f"--record-camera {args.record_camera}: the programme is recorded to that file "
            "(its own name was taken); give --record-camera another name"
        )
    finished = threading.Event()

    def stop(signum: int, frame: FrameType | None) -> None:
        finished.set()

    previous = {number: signal.signal(number, stop) for number in STOP_SIGNALS}
    try:
        return run_show(args, show, scene, stream, finished)
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
