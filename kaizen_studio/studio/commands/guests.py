"""``studio guests``: make, list and revoke the partner schools' guest keys.

A guest key lets one partner school publish to this server at ``live/guest-NAME`` (and
nowhere else); the keys live in the server's folder, readable by its owner only. A key
revoked is refused from the partner's next try, without restarting ``studio serve``, and
a running ``studio serve`` cuts that guest within a second if it is on air.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from kaizen_studio.broadcast.guests import GuestBook
from kaizen_studio.broadcast.nginx_config import check_port
from kaizen_studio.broadcast.stream_key import hidden
from kaizen_studio.core.errors import InputError


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "guests",
        help="make, list or revoke partner schools' guest keys",
        description=(
            "Partner schools publish to this server as guests, each with a key of its own: "
            "rtmp://HOST:RTMP_PORT/live/guest-NAME?key=KEY. 'add NAME' makes a key and shows "
            "it once (give it to that school), 'list' shows the guests, 'revoke NAME' "
            "removes a key at once (studio serve need not be restarted)."
        ),
    )
    parser.add_argument("action", choices=("add", "list", "revoke"), help="what to do")
    parser.add_argument("name", nargs="?", help="the partner school's name (add, revoke)")
    parser.add_argument(
        "--folder",
        type=Path,
        default=Path("studio-server"),
        help="the server's folder, as given to studio serve (default ./studio-server)",
    )
    parser.add_argument(
        "--host",
        default="HOST",
        help="this server's address as the partner reaches it, for the address shown",
    )
    parser.add_argument("--rtmp-port", type=int, default=1935, help="for the address shown")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.action != "list" and not args.name:
        raise InputError(
            f"studio guests {args.action} needs the partner school's name: "
            f"studio guests {args.action} NAME"
        )
    try:
        check_port(args.rtmp_port, name="--rtmp-port")
    except ValueError as error:
        raise InputError(str(error)) from None
    folder = args.folder.resolve()
    if not folder.is_dir():
        raise InputError(f"no server folder at {args.folder}: give the --folder studio serve uses")
    book = GuestBook(folder)
    if args.action == "list":
        guests = book.guests()
        if not guests:
            print(f"No guest keys in {book.path}: make one with studio guests add NAME")
        for guest in guests.values():
            print(
                f"{guest.name}: publishes to live/{guest.stream} with key "
                f"{hidden(guest.key)} (made {guest.made})"
            )
        return 0
    if args.action == "add":
        guest = book.add(args.name)
        print(
            f"Guest key for {guest.name}: {guest.key}  (shown this once; kept in {book.path}, "
            "readable only by you)"
        )
        print(
            f"{guest.name} publishes to rtmp://{args.host}:{args.rtmp_port}/live/"
            f"{guest.stream} with this key (studio live --stream that address, with "
            "KAIZEN_STREAM_KEY set to the key)"
        )
        return 0
    guest = book.revoke(args.name)
    print(f"Revoked {guest.name}'s guest key: live/{guest.stream} is refused from now on")
    return 0
