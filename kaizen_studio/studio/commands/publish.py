"""``studio publish``: send a finished vodcast (MP4, captions, thumbnail) to the school's
channel, signed in by the account's upload token.

The token is made on the channel's Vodcasts page and given once to ``--save-token``, which
reads it from the keyboard (never the command line, where other users and the shell's
history would see it) and keeps it in ``upload-tokens.json`` in the studio's settings
folder, readable by its owner only (0600), one per server.
"""

from __future__ import annotations

import argparse
import getpass
import http.client
import json
import secrets
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

from kaizen_studio.core.errors import InputError, MissingFileError
from kaizen_studio.studio.app_settings import config_dir, write_private

TOKENS = "upload-tokens.json"
CHUNK = 1024 * 1024

HELP = """Publish a vodcast to the school's channel (a teacher approves it before anyone
else can see it, unless you are a teacher).

Once, with the token from the channel's Vodcasts page (you paste it when asked):
  studio publish --save-token --server http://school-server
Then, for each vodcast made by studio vodcast (its .vtt and -thumbnail.png beside it):
  studio publish fractions.mp4 --server http://school-server --series "Year 5 maths" \\
      --title "Adding fractions" --class "Year 5" --credits "Amir (Year 5), Bea (Year 5)"

Credits are first names only (and the class): the channel refuses anything like a surname."""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "publish",
        help="send a vodcast to the school's channel",
        description=HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "vodcast", nargs="?", metavar="VODCAST.mp4", help="the vodcast studio vodcast made"
    )
    parser.add_argument("--server", required=True, metavar="URL", help="the school's server")
    parser.add_argument("--save-token", action="store_true", help="keep this server's token")
    parser.add_argument("--series", help="the podcast it belongs to, e.g. 'Year 5 maths'")
    parser.add_argument("--title", help="its title, on its page and in the feed")
    parser.add_argument(
        "--class", dest="class_name", metavar="CLASS", default="", help='e.g. "Year 5"'
    )
    parser.add_argument("--description", default="", help="a sentence or two for its page")
    parser.add_argument("--credits", default="", help='first names, e.g. "Amir (Year 5), Bea"')
    parser.add_argument("--captions", metavar="VTT", help="default: VODCAST.vtt")
    parser.add_argument("--thumbnail", metavar="PNG", help="default: VODCAST-thumbnail.png")
    parser.set_defaults(func=run)


def server_of(url: str) -> str:
    """``http://host:port`` of ``url``; refuses anything else with the fix."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(f"--server {url!r} is not a web address: give e.g. http://school-server")
    return f"{parts.scheme}://{parts.netloc}"


def save_token(server: str, token: str, folder: Path | None = None) -> Path:
    folder = folder or config_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / TOKENS
    tokens = json.loads(path.read_text()) if path.is_file() else {}
    tokens[server] = token
    write_private(path, json.dumps(tokens, indent=2))
    return path


def load_token(server: str, folder: Path | None = None) -> str:
    path = (folder or config_dir()) / TOKENS
    tokens = json.loads(path.read_text()) if path.is_file() else {}
    if server not in tokens:
        raise InputError(
            f"no upload token for {server}: make one on its Vodcasts page, then run "
            f"studio publish --save-token --server {server}"
        )
    return str(tokens[server])


def run(args: argparse.Namespace) -> int:
    server = server_of(args.server)
    if args.save_token:
        prompt = "Paste the upload token from the channel's Vodcasts page: "
        token = getpass.getpass(prompt) if sys.stdin.isatty() else sys.stdin.readline()
        if not token.strip():
            raise InputError("no token given: copy it from the channel's Vodcasts page")
        path = save_token(server, token.strip())
        print(f"saved the token for {server} in {path} (only you can read it)", file=sys.stderr)
        return 0
    missing = [
        name
        for name, given in (
            ("VODCAST.mp4", args.vodcast),
            ("--series", args.series),
            ("--title", args.title),
        )
        if not given
    ]
    if missing:
        raise InputError(f"give {' and '.join(missing)} too (or --save-token, to keep a token)")
    film = Path(args.vodcast)
    captions = Path(args.captions or film.with_suffix(".vtt"))
    thumbnail = Path(args.thumbnail or film.with_name(f"{film.stem}-thumbnail.png"))
    for path, option in (
        (film, "VODCAST.mp4"),
        (captions, "--captions"),
        (thumbnail, "--thumbnail"),
    ):
        if not path.is_file():
            raise MissingFileError(f"{path} does not exist: give {option}")
    fields = {
        "title": args.title,
        "series": args.series,
        "class_name": args.class_name,
        "description": args.description,
        "credits": args.credits,
    }
    status, answer = send(
        server,
        load_token(server),
        fields,
        {"film": film, "captions": captions, "thumbnail": thumbnail},
    )
    if status == 413:  # nginx's client_max_body_size, before the channel sees it
        raise InputError(
            f"{film.name} is larger than the school's server takes: make the vodcast "
            "shorter (studio vodcast --start/--end) and publish that"
        )
    if status != 200:
        raise InputError(f"the channel refused the vodcast: {answer.get('error', status)}")
    then = "is public once converted" if answer["approved"] else "waits for a teacher's approval"
    print(
        f"{film.name} sent (vodcast {answer['id']}): the channel converts it now; it {then}",
        file=sys.stderr,
    )
    return 0


def send(
    server: str, token: str, fields: dict[str, str], files: dict[str, Path]
) -> tuple[int, dict[str, object]]:
    """POST the fields and files to the channel as multipart/form-data, streamed from the
    files in pieces; the answer's status and JSON."""
    boundary = "kaizen" + secrets.token_hex(12)
    heads = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in fields.items()
    ]
    parts = [
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{path.name}"\r\nContent-Type: application/octet-stream\r\n\r\n'
        ).encode()
        for name, path in files.items()
    ]
    tail = f"--{boundary}--\r\n".encode()
    length = sum(map(len, heads)) + len(tail)
    sizes = (path.stat().st_size for path in files.values())
    length += sum(len(head) + size + 2 for head, size in zip(parts, sizes, strict=True))

    def body() -> Iterator[bytes]:
        yield from heads
        for head, path in zip(parts, files.values(), strict=True):
            yield head
            with open(path, "rb") as file:
                while piece := file.read(CHUNK):
                    yield piece
            yield b"\r\n"
        yield tail

    where = urlsplit(server)
    kind = http.client.HTTPSConnection if where.scheme == "https" else http.client.HTTPConnection
    connection = kind(where.netloc, timeout=600)
    try:
        connection.putrequest("POST", "/channel/vodcasts/publish/")
        connection.putheader("Authorization", f"Bearer {token}")
        connection.putheader("Content-Type", f"multipart/form-data; boundary={boundary}")
        connection.putheader("Content-Length", str(length))
        connection.putheader("Accept", "application/json")
        connection.endheaders()
        for piece in body():
            connection.send(piece)
        response = connection.getresponse()
        text = response.read().decode("utf-8", "replace")
    except OSError as error:
        raise InputError(f"cannot reach {server} ({error}): is the server on?") from None
    finally:
        connection.close()
    try:
        return response.status, json.loads(text)
    except json.JSONDecodeError:
        return response.status, {"error": f"the server said {response.status}"}
