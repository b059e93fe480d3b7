"""``studio serve``: the school's media server (nginx + RTMP) with the classroom page."""

from __future__ import annotations

import argparse
import signal
import threading
from pathlib import Path

from kaizen_studio.broadcast.server import MediaServer
from kaizen_studio.core.errors import InputError


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "serve",
        help="run the school's media server",
        description=(
            "Run nginx with the RTMP module as an ordinary user, from a configuration kept "
            "in --folder. The studio publishes to rtmp://HOST:RTMP_PORT/live/show?key=KEY; "
            "classrooms watch rtmp://HOST:RTMP_PORT/live/show (studio watch) or open "
            "http://HOST:HTTP_PORT/ in a browser. Ctrl+C stops it."
        ),
    )
    parser.add_argument("--key", required=True, help="the school's stream key (publishers need it)")
    parser.add_argument("--rtmp-port", type=int, default=1935, help="RTMP port (default 1935)")
    parser.add_argument("--http-port", type=int, default=8080, help="web page port (default 8080)")
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to listen on; 0.0.0.0 for the whole school"
    )
    parser.add_argument("--school", default="Our School", help="name on the off-air card")
    parser.add_argument(
        "--folder",
        type=Path,
        default=Path("studio-server"),
        help="where the server keeps its files",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        server = MediaServer(
            args.folder,
            key=args.key,
            rtmp_port=args.rtmp_port,
            http_port=args.http_port,
            host=args.host,
            school=args.school,
        )
    except ValueError as error:
        raise InputError(str(error)) from error
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    with server:
        print(f"Media server running. Publish to {server.publish_url}")
        print(f"Watch with: studio watch {server.play_url}   or open {server.page_url}")
        told = 0
        try:
            while not done.wait(0.5):
                for address in server.refused[told:]:
                    print(f"Refused a stream from {address}: wrong or missing key", flush=True)
                told = len(server.refused)
                if not server.running:
                    print("The media server stopped by itself; see", args.folder / "error.log")
                    return 1
        except KeyboardInterrupt:
            pass
    print("Media server stopped.")
    return 0
