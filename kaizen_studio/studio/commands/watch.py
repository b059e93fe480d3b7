"""``studio watch URL``: the classroom player (full screen), or a headless decode report."""

from __future__ import annotations

import argparse
import json
import sys

from kaizen_studio.broadcast.player import watch_headless
from kaizen_studio.broadcast.speaker import Speaker
from kaizen_studio.broadcast.streamer import check_url
from kaizen_studio.core.errors import InputError
from kaizen_studio.studio.app_settings import config_dir
from kaizen_studio.studio.screen_kiosk import run_screen


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "watch",
        help="watch the live show full screen",
        description=(
            "Play an RTMP show full screen with its sound, with an off-air card between "
            "shows and automatic reconnect. Escape leaves. Without a sound device it says "
            "so once and plays the pictures."
        ),
    )
    parser.add_argument("url", nargs="?", help="rtmp://SERVER:PORT/live/show")
    parser.add_argument(
        "--screen",
        metavar="URL",
        help="be one of the school channel's screens instead: open its page "
        "(http://SERVER:PORT/channel/screen/?group=GROUP&name=NAME) in Chromium, full screen",
    )
    parser.add_argument("--school", default="Our School", help="name on the off-air card")
    parser.add_argument(
        "--headless",
        action="store_true",
        help="no window: decode (playing the sound) and print a JSON report",
    )
    parser.add_argument(
        "--seconds", type=float, help="how long to decode with --headless (default 10)"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.seconds is not None and not args.headless:
        raise InputError("--seconds goes with --headless; the window plays until Escape or Ctrl+C")
    if args.screen is not None:
        if args.url is not None:
            raise InputError("give either an rtmp:// address or --screen URL, not both")
        return run_screen(args.screen, profile=config_dir() / "screen-profile")
    if args.url is None:
        raise InputError("give the show's rtmp:// address, or --screen URL to be a channel screen")
    try:
        check_url(args.url)
    except ValueError as error:
        raise InputError(str(error)) from None
    if args.headless:
        args.seconds = 10.0 if args.seconds is None else args.seconds
        if not 0 < args.seconds <= 36000:
            raise InputError(f"--seconds must be between 0 and 36000, got {args.seconds}")
        speaker = Speaker(on_problem=lambda message: print(f"watch: {message}", file=sys.stderr))
        try:
            stats = watch_headless(args.url, seconds=args.seconds, on_audio=speaker.play)
        finally:
            speaker.close()
        played = speaker.buffer.played if speaker.buffer is not None else 0
        report = {
            "frames": stats.frames,
            "audio_samples": stats.audio_samples,
            "played_samples": played,
            "sound": speaker.problem or "played",
            "connects": stats.connects,
            "last_error": stats.last_error,
        }
        print(json.dumps(report))
        return 0 if stats.frames else 1
    from PyQt6.QtWidgets import QApplication  # Qt only when a window is wanted

    from kaizen_studio.broadcast.watch_window import run_window
    from kaizen_studio.studio.ctrl_c import stop_on_ctrl_c

    app = QApplication.instance() or QApplication(sys.argv[:1])  # kept while the window runs
    with stop_on_ctrl_c(QApplication.closeAllWindows) as interrupted:
        print(f"watch: {args.url} full screen; Escape or Ctrl+C stops", file=sys.stderr, flush=True)
        code = run_window(args.url, school=args.school)
    del app
    if interrupted.is_set():
        raise KeyboardInterrupt  # the window has closed properly; studio.cli says "stopped"
    return code
