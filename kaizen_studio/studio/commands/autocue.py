"""``studio autocue``: open the prompter on its own, so a pupil can rehearse."""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from pathlib import Path

from kaizen_studio.autocue.script import MAX_SCRIPT_CHARACTERS
from kaizen_studio.core.errors import InputError, StudioError

HELP = """Show a script on the autocue, full screen.

Keys: Space start/pause, Up/Down faster/slower, PageUp/PageDown previous/next marker
(what a presentation clicker sends), Home/End, + and - text size, M mirror, R reverse,
Escape closes. With --remote, a classmate can drive it from a tablet: open the address
shown and type the code. SCRIPT is a file, or the name of a built-in script (--list)."""

FORMAT = f"""How to write a script (a .txt or .md file; see the built-in ones with --list):

  # Scene 1: The newsroom          a heading: PageUp/PageDown jump to it
  [SARAH walks in]                 a stage direction, small and grey, not read out
  SARAH: Have you seen the desk?   a speaker's line, in the speaker's own colour
  TOM: It wasn't me!               (the name in capitals, then a colon and a space;
                                   each speaker line is one line of the file)
  The bell rings at nine.          plain text; lines next to each other join up
  ---                              a marker: PageUp/PageDown stop here too
  @cue sport                       a marker with a word shown on it

Leave an empty line between paragraphs. **bold** and *italic* marks are taken off. A
script may be up to {MAX_SCRIPT_CHARACTERS:,} characters (over an hour of reading).

Examples:
  studio autocue soap                       the built-in starter soap
  studio autocue my-script.md --speed 100
  studio autocue --list                     the built-in scripts and where they are"""

THEMES = {"white": "WHITE_ON_BLACK", "yellow": "YELLOW_ON_BLACK"}
MIRRORS = ("none", "horizontal", "vertical", "both")


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "autocue",
        help="show a script on the autocue",
        description=HELP,
        epilog=FORMAT,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "script",
        nargs="?",
        metavar="SCRIPT",
        help="the script (.txt or .md), or a built-in script's name such as soap",
    )
    parser.add_argument(
        "--list", action="store_true", help="list the built-in scripts and where they are"
    )
    parser.add_argument(
        "--mirror",
        nargs="?",
        const="horizontal",
        default="none",
        choices=MIRRORS,
        help="flip for beam-splitter glass (default horizontal)",
    )
    parser.add_argument(
        "--speed",
        type=float,
        default=120.0,
        metavar="WPM",
        help="reading speed in words per minute (10-600, default 120)",
    )
    parser.add_argument(
        "--fit",
        type=float,
        metavar="MINUTES",
        help="set the speed so the script takes this many minutes",
    )
    parser.add_argument(
        "--screen",
        action="append",
        metavar="N[:MIRROR]",
        help="a screen to fill (0 is the first), optionally with its own mirroring, such as "
        "1:horizontal; repeat for several prompter screens scrolling together",
    )
    parser.add_argument("--size", type=int, default=96, metavar="PX", help="text size (16-400)")
    parser.add_argument(
        "--theme",
        choices=sorted(THEMES),
        default="white",
        help="the text's colour on black (default white)",
    )
    parser.add_argument("--remote", action="store_true", help="serve the tablet remote")
    parser.add_argument(
        "--remote-address",
        default="127.0.0.1",
        metavar="HOST",
        help="address the remote listens on: this computer only (default), 0.0.0.0 for "
        "every network, or one network address of this computer",
    )
    parser.add_argument(
        "--remote-port",
        type=int,
        default=8765,
        metavar="PORT",
        help="port the remote listens on (default 8765; 0 picks a free one)",
    )
    parser.add_argument(
        "--voice",
        action="store_true",
        help="follow the reader's voice through the microphone (offline); the keys or the "
        "remote take over at once, V follows the voice again",
    )
    parser.add_argument("--windowed", action="store_true", help="a window, not full screen")
    parser.set_defaults(func=handler)


def handler(args: argparse.Namespace) -> int:
    from kaizen_studio.autocue.render import Look, Mirror, Theme
    from kaizen_studio.autocue.script import built_in_scripts, load_script
    from kaizen_studio.autocue.voice import voice_following_unavailable_reason

    built_in = built_in_scripts()
    if args.list:
        for name, path in built_in.items():
            print(f"{name}: {path}")
        return 0
    if args.script is None:
        raise InputError(
            "give a script file, or a built-in script: " + ", ".join(built_in) + " (--list)"
        )
    if not Path(args.script).exists() and args.script in built_in:
        args.script = str(built_in[args.script])

    if not 10 <= args.speed <= 600:
        raise InputError(f"--speed {args.speed}: use 10 to 600 words per minute (120 is usual)")
    if not 16 <= args.size <= 400:
        raise InputError(f"--size {args.size}: use 16 to 400 pixels")
    if args.fit is not None and args.fit <= 0:
        raise InputError(f"--fit {args.fit}: the number of minutes must be more than 0")
    if not 0 <= args.remote_port <= 65535:
        raise InputError(f"--remote-port {args.remote_port}: use 0 to 65535 (0 picks a free port)")
    if args.voice and (reason := voice_following_unavailable_reason()) is not None:
        raise InputError(f"--voice: {reason}")
    script = load_script(args.script)
    seconds = round(script.reading_seconds(words_per_minute=args.speed))
    print(
        f"{args.script}: {script.words} words, about {seconds // 60}:{seconds % 60:02d} "
        f"to read at {args.speed:g} words per minute"
    )
    look = Look(text_size=args.size, theme=Theme[THEMES[args.theme]], mirror=Mirror(args.mirror))
    return _run_window(script, args, look)


def parse_screens(values: list[str] | None, default: str) -> list[tuple[int, str | None]]:
    """``--screen`` values as (screen index, its own mirroring or None)."""
    screens: list[tuple[int, str | None]] = []
    for value in values or ["0"]:
        number, _, mirror = value.partition(":")
        if not number.isdigit():
            raise InputError(f"--screen {value!r}: give a screen number, such as 1 or 1:horizontal")
        if mirror and mirror not in MIRRORS:
            raise InputError(f"--screen {value!r}: mirroring is one of {', '.join(MIRRORS)}")
        screens.append((int(number), mirror or None))
    if len(screens) > 1:  # several windows: each flips its own copy
        screens = [(number, mirror or default) for number, mirror in screens]
    return screens


def _run_window(script: object, args: argparse.Namespace, look: object) -> int:
    from PyQt6.QtWidgets import QApplication

    from kaizen_studio.autocue.prompter import Prompter
    from kaizen_studio.autocue.remote import RemoteServer
    from kaizen_studio.autocue.render import Look, Mirror
    from kaizen_studio.autocue.script import Script
    from kaizen_studio.autocue.window import PrompterWindow, pick_screen
    from kaizen_studio.studio.ctrl_c import stop_on_ctrl_c

    assert isinstance(script, Script) and isinstance(look, Look)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    wanted = parse_screens(args.screen, args.mirror)
    screens = [(pick_screen(number), mirror) for number, mirror in wanted]
    size = screens[0][0].geometry()
    if wanted[0][1] is not None:  # windows mirror their own copies of an unmirrored prompter
        look = dataclasses.replace(look, mirror=Mirror.NONE)
    prompter = Prompter(
        script, width=size.width(), height=size.height(), words_per_minute=args.speed, look=look
    )
    if args.voice:
        from kaizen_studio.autocue.voice import VoiceFollowing

        try:
            voice = VoiceFollowing(prompter.renderer.layout)
        except StudioError as error:
            raise InputError(f"--voice: {error}") from error
        prompter.follow_voice(voice, time.monotonic())
        print("voice: following the reader's voice (V hands over to the keys and back)")
    remote = None
    if args.remote:
        remote = RemoteServer(args.remote_address, args.remote_port)
        remote.start()
        print(
            f"remote: open {remote.url} on the tablet and type the code {remote.code}, or "
            f"open {remote.link} (no code needed); {remote.reach}",
            flush=True,
        )
        print(remote.qr_code(), flush=True)
    windows = [
        PrompterWindow(
            prompter,
            remote=remote if i == 0 else None,
            mirror=None if mirror is None else Mirror(mirror),
        )
        for i, (_, mirror) in enumerate(screens)
    ]
    if args.fit is not None:
        prompter.model.fit_to_time(windows[0].now(), args.fit * 60)
    try:
        for window, (screen, _) in zip(windows, screens, strict=True):
            window.show_on(screen, full_screen=not args.windowed)
        with stop_on_ctrl_c(QApplication.closeAllWindows) as interrupted:
            print("autocue: Escape or Ctrl+C stops", file=sys.stderr, flush=True)
            app.exec()
    finally:
        if remote is not None:
            remote.stop()
        if prompter.voice is not None:
            prompter.voice.close()
    if interrupted.is_set():
        raise KeyboardInterrupt  # the windows have closed; studio.cli says "stopped"
    return 0
