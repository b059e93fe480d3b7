"""``studio serve``: the school's media server (nginx + RTMP) with the classroom page,
and the school channel's staff site (gunicorn behind the same nginx, under /channel/).

It says where it keeps its files; takes the stream key from a file, the environment or a
key it makes once (never from the command line, where ``ps`` shows it to everyone); names
a taken port before starting; starts nginx again when it stops by itself (a few times,
waiting longer each time: :mod:`studio.server_restarts`), and the channel's app server
likewise; and stops both on Ctrl+C, SIGTERM or SIGHUP. What it says on the screen also
goes to FOLDER/serve.log.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import threading
from pathlib import Path

from kaizen_studio.broadcast.channel_site import ChannelSite
from kaizen_studio.broadcast.guests import GuestBook
from kaizen_studio.broadcast.nginx_config import (
    check_host,
    check_port,
    check_server_folder,
    url_host,
)
from kaizen_studio.broadcast.partners import PARTNERS_FILE, SHOW, read_partners
from kaizen_studio.broadcast.server import MediaServer, PortBusyError
from kaizen_studio.broadcast.stream_key import (
    ENVIRONMENT,
    KEY_FILE_NAME,
    Refusal,
    ServerKey,
    Verdict,
    hidden,
    readable_by_others,
    server_key,
    shown_stream,
)
from kaizen_studio.channel.site.environment import colours
from kaizen_studio.channel.site.process import AppServer, Channel
from kaizen_studio.core.errors import DeviceError, InputError
from kaizen_studio.studio.channel_admin import add_admin
from kaizen_studio.studio.channel_demo import fill_demo
from kaizen_studio.studio.files import hold_folder
from kaizen_studio.studio.relay_status import RelayWatch
from kaizen_studio.studio.server_restarts import RestartPolicy, restart_app, restart_server

log = logging.getLogger(__name__)

SLOWED_QUIET = 10.0
"""Seconds between two lines about the same address being slowed (a guesser may knock
many times a second)."""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "serve",
        help="run the school's media server",
        description=(
            "Run nginx with the RTMP module as an ordinary user, from a configuration kept "
            "in --folder. Studios publish to rtmp://HOST:RTMP_PORT/live/show with the "
            "school's stream key; classrooms watch rtmp://HOST:RTMP_PORT/live/show (studio "
            "watch) or open http://HOST:HTTP_PORT/ in a browser. The key comes from "
            f"--key-file, else the environment variable {ENVIRONMENT}, else studio serve "
            f"makes one the first time, keeps it in FOLDER/{KEY_FILE_NAME} and shows it "
            "once. Ctrl+C stops it."
        ),
    )
    parser.add_argument(
        "--key-file",
        type=Path,
        metavar="PATH",
        help=f"file whose first line is the school's stream key (or set {ENVIRONMENT})",
    )
    parser.add_argument("--key", help=argparse.SUPPRESS)  # refused in words, see run
    parser.add_argument("--rtmp-port", type=int, default=1935, help="RTMP port (default 1935)")
    parser.add_argument("--http-port", type=int, default=8080, help="web page port (default 8080)")
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="IP address to listen on (default 127.0.0.1, this machine only; ::1 for IPv6; "
        "0.0.0.0 for the whole school)",
    )
    parser.add_argument(
        "--school", default="Our School", help="name on the off-air card and the channel"
    )
    parser.add_argument(
        "--colours",
        default="",
        metavar="#MAIN,#ACCENT",
        help="the school's colours on the channel's pages, e.g. #1d3557,#f4a261",
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="fill an empty school channel with demo films, a timetable and widgets first",
    )
    parser.add_argument(
        "--add-admin",
        metavar="NAME",
        help="make an administrator account on the school channel (asks for its password), "
        "then exit; the first administrator is made this way",
    )
    parser.add_argument(
        "--folder",
        type=Path,
        default=Path("studio-server"),
        help="where the server keeps its files (default ./studio-server, made if missing)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.key is not None:
        raise InputError(
            "the stream key is not taken from the command line (every user can read it "
            f"there with ps): use --key-file PATH or the {ENVIRONMENT} environment variable"
        )
    try:
        check_port(args.rtmp_port, name="--rtmp-port")
        check_port(args.http_port, name="--http-port")
        check_host(args.host)
        check_server_folder(args.folder.resolve())
    except ValueError as error:
        raise InputError(str(error)) from error
    try:
        colours(args.colours)
    except ValueError:
        raise InputError(
            f"--colours {args.colours!r}: give the school's two colours as #RRGGBB,#RRGGBB, "
            "such as #1d3557,#f4a261"
        ) from None
    folder = _check_folder(args.folder)
    channel = Channel(folder=folder, school=args.school, colours=args.colours)
    if args.add_admin is not None:
        _make_folder(folder, args.folder)
        return add_admin(channel, args.add_admin)
    environment = dict(os.environ)
    # a key given is checked before anything is made; a key to make needs the folder
    given = args.key_file is not None or bool(environment.get(ENVIRONMENT))
    key = server_key(folder, key_file=args.key_file, environment=environment) if given else None
    _make_folder(folder, args.folder)
    taken = (
        "another studio serve{pid} is using the folder "
        f"{args.folder}: stop it first, or give this one another --folder"
    )
    with hold_folder(folder, lock=LOCK_FILE, taken=taken):
        if key is None:
            key = server_key(folder, key_file=None, environment=environment)
        return _run_server(folder, key, channel, args)


def _run_server(folder: Path, key: ServerKey, channel: Channel, args: argparse.Namespace) -> int:
    partners = read_partners(folder)  # refused (exit 2) before anything starts if unsafe
    GuestBook(folder).guests()
    if args.demo:
        _say("Making the channel's demo films and timetable (once; a minute or so)...")
        _say(fill_demo(channel))
    app = AppServer(channel)
    try:
        server = MediaServer(
            folder,
            key=key.key,
            rtmp_port=args.rtmp_port,
            http_port=args.http_port,
            host=args.host,
            school=args.school,
            channel=ChannelSite(upstream=app.address, static=channel.static, media=channel.media),
            partners=partners,
        )
    except ValueError as error:
        raise InputError(str(error)) from error
    handler = logging.FileHandler(folder / "serve.log", encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    package = logging.getLogger("kaizen_studio")
    package.addHandler(handler)
    package.setLevel(logging.INFO)
    try:
        return _serve(server, app, key, args)
    finally:
        package.removeHandler(handler)
        handler.close()


LOCK_FILE = "serve.lock"
"""Held by the one ``studio serve`` using the folder (a second server there would take
over the first one's channel socket and leave its staff pages broken)."""


def _check_folder(folder: Path) -> Path:
    """``folder`` resolved; InputError in one line if it names a file."""
    where = folder.resolve()
    if where.exists() and not where.is_dir():
        raise InputError(
            f"--folder {folder} is a file, not a folder: give the name of a folder "
            "(studio serve keeps its files there)"
        )
    return where


def _make_folder(where: Path, folder: Path) -> None:
    """Make ``where`` if missing; InputError in one line if it cannot be or cannot be
    written in."""
    try:
        where.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise InputError(f"cannot make the folder {folder}: {error.strerror}") from None
    if not os.access(where, os.W_OK):
        raise InputError(f"cannot write in the folder {folder}: choose another with --folder")


def _say(line: str) -> None:
    print(line, flush=True)
    log.info("%s", line)


def _serve(server: MediaServer, app: AppServer, key: ServerKey, args: argparse.Namespace) -> int:
    _say(
        f"studio serve keeps its files in {server.folder} (the stream key if it made one, "
        "nginx's configuration, the logs, the classroom page's video)"
    )
    if key.made_now:
        print(
            f"Made a stream key: {key.key}  (shown this once; kept in {key.source}, "
            "readable only by you; give it to the studios)",
            flush=True,
        )
        log.info("made a stream key %s, kept in %s", hidden(key.key), key.source)
    else:
        _say(f"Stream key from {key.source}: {hidden(key.key)}")
        if args.key_file is not None and readable_by_others(args.key_file):
            _say(f"Note: other users can read {args.key_file}: chmod 600 {args.key_file}")
    done = threading.Event()
    stopping = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
    before = {number: signal.signal(number, lambda *_: done.set()) for number in stopping}
    started = False
    try:
        server.check_ports()  # a taken port said at once, not after the migrations
        _say("Starting the school channel (database migrations first)...")
        app.start()
        server.start()
        started = True
        _say(
            f"Media server running. Studios publish to rtmp://{url_host(args.host)}:"
            f"{server.rtmp_port}"
            f"/live/show with the stream key ({hidden(key.key)})"
        )
        _say(f"Watch with: studio watch {server.play_url}   or open {server.page_url}")
        _say(f"The school channel's staff page: {server.page_url}channel/")
        _say_partners(server)
        return _watch(server, app, done)
    except PortBusyError as error:
        flag = "--" + error.option.replace("_", "-")
        raise DeviceError(
            f"port {error.port} is in use (another studio serve?): stop it or choose {flag}"
        ) from None
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl+C cannot cut the stop
        server.stop()
        app.close()
        if started:
            _say("Media server stopped.")
        for number, handler in before.items():
            signal.signal(number, handler)


def _watch(server: MediaServer, app: AppServer, done: threading.Event) -> int:
    """Tell the refusals, restart nginx or the app server when one stops by itself; until
    ``done`` is set (0) or one will not stay up (1)."""
    policy, app_policy = RestartPolicy(), RestartPolicy()
    told, slowed_told = 0, dict[str, float]()
    relays = RelayWatch(server, _say)
    while not done.wait(0.5):
        relays.poll()
        server.note_log_refusals()
        new = server.refusals[told:]  # the key check may add one meanwhile: told next time
        for refusal in new:
            _tell(refusal, slowed_told, server.guard.clock())
        told += len(new)
        if not server.running and not restart_server(server, policy, done, _say):
            return 1
        if not app.running and not restart_app(app, app_policy, done, _say):
            return 1
    return 0


def _tell(refusal: Refusal, slowed_told: dict[str, float], now: float) -> None:
    address = refusal.address
    if refusal.verdict is Verdict.SLOWED:
        if now - slowed_told.get(address, -SLOWED_QUIET) < SLOWED_QUIET:
            return
        slowed_told[address] = now
        _say(
            f"Refused a stream from {address} without checking its key: too many wrong "
            f"keys lately (it may try again in {refusal.wait:.0f} s)"
        )
        return
    if refusal.verdict is Verdict.BAD_NAME:
        _say(
            f"Refused a stream from {address} to live/{shown_stream(refusal.stream)}: not a "
            "stream name this server takes (use letters, digits and - _ ~, e.g. live/show)"
        )
        return
    then = f"; it must wait {refusal.wait:.0f} s before its next try" if refusal.wait else ""
    stream = "" if refusal.stream == SHOW else f" for live/{shown_stream(refusal.stream)}"
    _say(f"Refused a stream from {address}: wrong or missing key{stream}{then}")


def _say_partners(server: MediaServer) -> None:
    """Which partner schools nginx relays the show to, and where guests publish."""
    if server.partners:
        names = ", ".join(partner.name for partner in server.partners)
        schools = "school" if len(server.partners) == 1 else "schools"
        _say(f"Relaying to {len(server.partners)} partner {schools}: {names}")
    else:
        _say(f"No partner schools to relay the show to ({server.folder / PARTNERS_FILE})")
    guests = server.guests.guests()
    if guests:
        _say(
            "Guests may publish to live/guest-NAME with their keys: "
            + ", ".join(guest.name for guest in guests.values())
        )
