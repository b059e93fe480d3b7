"""The school channel as the tests drive it: the real app server (gunicorn) behind the real
nginx of ``studio serve``, and a small browser (cookies, CSRF token, forms, uploads) that
speaks HTTP to it on loopback. Used by the ``channel`` fixture in conftest.py."""

from __future__ import annotations

import http.client
import os
import pwd
import re
import secrets
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, HTTPRedirectHandler, Request, build_opener

from kaizen_studio.broadcast.channel_site import ChannelSite
from kaizen_studio.broadcast.server import MediaServer, free_port
from kaizen_studio.channel.site.process import AppServer, Channel
from tests.channel_django import ChannelDjango
from tests.conditions import wait_until

PASSWORD = "correct-horse-battery-7"
"""Every test account's password."""


@dataclass
class Answer:
    status: int
    text: str
    headers: dict[str, str]
    body: bytes = b""


class _Stay(HTTPRedirectHandler):
    """Redirects are answers to look at, not to follow."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


@dataclass
class Browser:
    """One person's browser: a cookie jar on the channel at ``base`` (``http://host:port``)."""

    base: str
    jar: CookieJar = field(default_factory=CookieJar)

    def __post_init__(self) -> None:
        self._opener = build_opener(HTTPCookieProcessor(self.jar), _Stay())

    def request(
        self, path: str, *, data: bytes | None = None, headers: dict[str, str] | None = None
    ) -> Answer:
        request = Request(self.base + path, data=data, headers=headers or {})
        try:
            with self._opener.open(request, timeout=120) as response:
                body = response.read()
                return Answer(
                    response.status, body.decode("utf-8", "replace"), dict(response.headers), body
                )
        except HTTPError as error:
            body = error.read()
            return Answer(error.code, body.decode("utf-8", "replace"), dict(error.headers), body)

    def get(self, path: str) -> Answer:
        return self.request(path)

    def token(self) -> str:
        """The CSRF token (from the cookie Django set on an earlier page)."""
        for cookie in self.jar:
            if cookie.name == "channel_csrftoken" and cookie.value:
                return cookie.value
        self.get("/channel/accounts/sign-in/")
        return next(c.value for c in self.jar if c.name == "channel_csrftoken" and c.value)

    def post(self, path: str, fields: dict[str, str], *, csrf: bool = True) -> Answer:
        data = dict(fields)
        if csrf:
            data["csrfmiddlewaretoken"] = self.token()
        return self.request(
            path,
            data=urlencode(data).encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )

    def sign_in(self, name: str, password: str = PASSWORD) -> Answer:
        return self.post("/channel/accounts/sign-in/", {"username": name, "password": password})

    def upload(self, file: Path, *, title: str, name: str | None = None, **fields: str) -> Answer:
        """Send ``file`` (as ``name``) through the library's upload form; the answer's JSON
        has the new item's id."""
        parts = {"title": title, "csrfmiddlewaretoken": self.token(), **fields}
        boundary, body = multipart(parts, "file", name or file.name, [file.read_bytes()])
        return self.request(
            "/channel/library/upload/",
            data=b"".join(body),
            headers={
                "Content-Type": f"multipart/form-data; boundary={boundary}",
                "Accept": "application/json",
            },
        )


def multipart(
    fields: dict[str, str], file_field: str, file_name: str, chunks: Iterable[bytes]
) -> tuple[str, Iterator[bytes]]:
    """A multipart/form-data body as a stream of pieces (the file's ``chunks`` in the
    middle, never joined by this function); returns the boundary and the pieces."""
    boundary = "kaizen" + secrets.token_hex(12)

    def pieces() -> Iterator[bytes]:
        for key, value in fields.items():
            yield (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'
            ).encode()
        yield (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; '
            f'filename="{file_name}"\r\nContent-Type: application/octet-stream\r\n\r\n'
        ).encode()
        yield from chunks
        yield f"\r\n--{boundary}--\r\n".encode()

    return boundary, pieces()


def item_id(answer: Answer) -> int:
    found = re.search(r'"id":\s*(\d+)', answer.text)
    assert found is not None, f"no item id in the upload's answer ({answer.status}): {answer.text}"
    return int(found.group(1))


@dataclass
class RunningChannel:
    """nginx + gunicorn serving a channel from ``folder``; ``base`` is nginx's address."""

    channel: Channel
    app: AppServer
    nginx: MediaServer
    django: ChannelDjango

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.nginx.http_port}"

    @property
    def folder(self) -> Path:
        return self.channel.folder

    def browser(self) -> Browser:
        return Browser(self.base)

    def account(self, name: str, role: str, password: str = PASSWORD) -> None:
        self.django.manage("channel_add_user", name, "--role", role, stdin=password + "\n")

    def shell(self, code: str) -> str:
        """Run Python in a Django shell of this channel (for reading the database); what
        it printed."""
        return self.django.shell(code).strip()


@contextmanager
def running_channel(
    folder: Path, *, environment: dict[str, str] | None = None
) -> Iterator[RunningChannel]:
    """Start the channel in ``folder`` (SQLite there, or the database ``environment``
    names) behind nginx on free loopback ports; stop both after."""
    folder.mkdir(parents=True, exist_ok=True)
    channel = Channel(
        folder=folder, school="Hillside Primary", colours="#0b6e4f,#f2c14e", extra=environment or {}
    )
    with AppServer(channel) as app:
        site = ChannelSite(upstream=app.address, static=channel.static, media=channel.media)
        with MediaServer(
            folder, key="tulip42", rtmp_port=free_port(), http_port=free_port(), channel=site
        ) as nginx:
            django = ChannelDjango(channel)
            try:
                yield RunningChannel(channel=channel, app=app, nginx=nginx, django=django)
            finally:
                django.close()


def raw_post(
    base: str, path: str, headers: dict[str, str], body: Iterable[bytes], length: int
) -> tuple[int, str]:
    """POST a body of ``length`` bytes given as pieces (never held whole in memory)."""
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=600)
    try:
        connection.putrequest("POST", path)
        for key, value in {**headers, "Content-Length": str(length)}.items():
            connection.putheader(key, value)
        connection.endheaders()
        for piece in body:
            connection.send(piece)
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        connection.close()


POSTGRES_BINARIES = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
"""Debian's PostgreSQL (package ``postgresql``), newest last."""


@contextmanager
def postgresql() -> Iterator[str]:
    """A PostgreSQL server of its own in a temporary folder on a free loopback port (as the
    ``postgres`` user when run as root, which initdb refuses), with a password-protected
    role and an empty database; yields its ``postgresql://`` address; removes it after."""
    binaries = POSTGRES_BINARIES[-1].parent
    folder = Path(tempfile.mkdtemp(prefix="kaizen-pg-"))  # not under root's 0700 pytest folder
    run_as: list[str] = []
    if os.geteuid() == 0:
        owner = pwd.getpwnam("postgres")
        os.chown(folder, owner.pw_uid, owner.pw_gid)
        run_as = ["runuser", "-u", "postgres", "--"]
    password = secrets.token_hex(12)
    port = free_port()
    secret = folder / "password"
    secret.write_text(password + "\n")
    if run_as:
        os.chown(secret, pwd.getpwnam("postgres").pw_uid, -1)
    subprocess.run(
        [*run_as, str(binaries / "initdb"), "-D", str(folder / "data"), "-U", "kaizen",
         "--auth=scram-sha-256", f"--pwfile={secret}", "-E", "UTF8", "--locale=C.UTF-8"],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    server = subprocess.Popen(
        [*run_as, str(binaries / "postgres"), "-D", str(folder / "data"), "-h", "127.0.0.1",
         "-p", str(port), "-k", str(folder)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, process_group=0,
    )  # fmt: skip
    environment = {**os.environ, "PGPASSWORD": password}
    try:
        ready = [str(binaries / "pg_isready"), "-h", "127.0.0.1", "-p", str(port), "-q"]
        wait_until(
            lambda: subprocess.run(ready, check=False, timeout=30).returncode == 0,
            what="PostgreSQL to accept connections",
        )
        subprocess.run(
            [str(binaries / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "kaizen",
             "channel"],
            check=True, env=environment, timeout=60,
        )  # fmt: skip
        yield f"postgresql://kaizen:{password}@127.0.0.1:{port}/channel"
    finally:
        os.killpg(server.pid, signal.SIGTERM)  # "smart" shutdown would wait for clients
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        shutil.rmtree(folder, ignore_errors=True)
