"""The autocue remote: a small web page with big buttons that a classmate drives from a tablet.

Standard library ``http.server`` in a thread: a handful of requests a second from one or
two tablets needs no framework. It listens on loopback unless told an address. Every
control call carries the pairing token from the link the tablet opens (128 bits, in
:attr:`RemoteServer.link`, also drawn as a QR code for the tablet's camera), or the
session code typed by hand (6 digits); a wrong one gets HTTP 403, and wrong ones from one
client lock it out for longer and longer (:mod:`autocue.remote_guard`, HTTP 429). A
request whose Host or Origin is not an address this server serves is refused (a web page
elsewhere cannot drive it). Commands go to the prompter through a bounded queue, drained
each frame (within 1/60 s of arrival).
"""

from __future__ import annotations

import hmac
import io
import json
import queue
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import qrcode  # type: ignore[import-untyped]

from kaizen_studio.autocue.remote_guard import Guard, host_names, lan_address
from kaizen_studio.core.errors import DeviceError

COMMANDS = ("start", "pause", "toggle", "faster", "slower", "next", "previous", "home", "end")


@dataclass(frozen=True, slots=True)
class RemoteStatus:
    """What the remote page shows: the line at the reading line and whether it is moving."""

    line: str = ""
    playing: bool = False
    speed: float = 0.0


_PAGE = """<!doctype html><html><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Autocue remote</title><style>
body{background:#000;color:#fff;font-family:sans-serif;margin:0;padding:12px}
#line{font-size:2.2em;min-height:2.4em;border-bottom:4px solid #c00;margin-bottom:12px}
#pad{display:grid;grid-template-columns:1fr 1fr;gap:12px}
button{font-size:2em;height:3em;border-radius:16px;border:0}
.go{background:#2a2}.stop{background:#c33;color:#fff}.b{background:#ffd400}
#msg{font-size:1.4em;color:#f88}label{font-size:2em}input{font-size:1em;width:6em}
</style></head><body>
<div id="line">…</div><div id="msg"></div>
<label id="codebox">Code <input id="code" inputmode="numeric" maxlength="6"></label>
<div id="pad"><button class="go" onclick="send('start')">Start</button>
<button class="stop" onclick="send('pause')">Pause</button>
<button class="b" onclick="send('slower')">Slower</button>
<button class="b" onclick="send('faster')">Faster</button>
<button class="b" onclick="send('previous')">&#9664; Back</button>
<button class="b" onclick="send('next')">Next &#9654;</button></div>
<script>
const token=new URLSearchParams(location.search).get('t')||'';
if(token){document.getElementById('codebox').style.display='none'}
function code(){return encodeURIComponent(document.getElementById('code').value)}
function ask(path,how){return fetch(path+'?code='+code(),
 {method:how,headers:{'X-Autocue-Token':token}})}
function said(r){document.getElementById('msg').textContent=r.status==403?'Wrong code':
 r.status==429?'Too many wrong codes: wait a minute':'';return r}
function send(c){ask('/control/'+c,'POST').then(said)}
function poll(){ask('/state','GET').then(said).then(r=>r.ok?r.json():null).then(s=>{
 if(s){document.getElementById('line').textContent=s.line||' ';}
}).catch(()=>{}).finally(()=>setTimeout(poll,300))}
poll();
</script></body></html>"""


class RemoteServer:
    """Serve the remote page on ``host``:``port`` (port 0 picks a free one).

    Parameters
    ----------
    host, port
        Where to listen: loopback by default; the school network's address (or 0.0.0.0,
        all of them) only when chosen.
    code
        The session code typed by hand; a random 6-digit code when not given.
    clock
        Seconds, for the lockouts of clients giving wrong codes (tests pass a fake).
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        code: str | None = None,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.code = code if code is not None else f"{secrets.randbelow(1_000_000):06d}"
        if not (self.code.isdigit() and len(self.code) == 6):
            raise ValueError(f"the session code must be 6 digits, got {self.code!r}")
        self.token = secrets.token_urlsafe(16)
        """the pairing token (128 bits) in the link the tablet opens"""
        self.guard = Guard(clock)
        self.hosts: frozenset[str] = frozenset()
        """the Host header values accepted (set on :meth:`start`)"""
        self._lan: str | None = None
        self.commands: queue.Queue[str] = queue.Queue(maxsize=64)
        self._status = RemoteStatus()
        self._lock = threading.Lock()
        self._host, self._port = host, port
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def address(self) -> tuple[str, int]:
        """(host, port) actually listened on; only valid after :meth:`start`."""
        if self._server is None:
            raise RuntimeError("the remote is not started")
        host, port = self._server.server_address[:2]
        return str(host), int(port)

    @property
    def url(self) -> str:
        """The page's address as a tablet can reach it (the LAN address when listening
        on all interfaces); the code is typed there."""
        host, port = self.address
        if host in ("0.0.0.0", "::"):
            host = self._lan or "127.0.0.1"
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{port}/"

    @property
    def link(self) -> str:
        """:attr:`url` with the pairing token: opened on the tablet, it needs no code."""
        return f"{self.url}?t={self.token}"

    @property
    def reach(self) -> str:
        """Who can open :attr:`url`, in words (when no tablet can, why and what to do)."""
        host = self.address[0]
        if host in ("0.0.0.0", "::") and self._lan is None:
            return (
                "this computer is on no network, so only it can open the remote; join "
                "the school's network and start again"
            )
        if host in ("127.0.0.1", "::1", "localhost"):
            return (
                "only this computer can open it; to use a tablet, start with "
                "--remote-address 0.0.0.0 (or this computer's network address)"
            )
        return "a tablet on the same network can open it"

    def qr_code(self) -> str:
        """:attr:`link` as a QR code drawn with block characters, for the tablet's camera
        (no typing the token)."""
        code = _qr(self.link)
        drawn = io.StringIO()
        code.print_ascii(out=drawn, invert=True)
        return drawn.getvalue()

    def check_token(self, given: str) -> bool:
        """Whether ``given`` is the pairing token (compared in constant time)."""
        return hmac.compare_digest(given.encode(), self.token.encode())

    def set_status(self, status: RemoteStatus) -> None:
        """Publish what the prompter shows (called by the prompter, any thread)."""
        with self._lock:
            self._status = status

    def status(self) -> RemoteStatus:
        """The last published status."""
        with self._lock:
            return self._status

    def check_code(self, given: str) -> bool:
        """Whether ``given`` is the session code (compared in constant time)."""
        return hmac.compare_digest(given.encode(), self.code.encode())

    def take_commands(self) -> list[str]:
        """All commands waiting, oldest first (never blocks)."""
        taken: list[str] = []
        while True:
            try:
                taken.append(self.commands.get_nowait())
            except queue.Empty:
                return taken

    def start(self) -> None:
        """Start listening in a background thread (safe to call twice)."""
        if self._server is not None:
            return
        try:
            server = ThreadingHTTPServer((self._host, self._port), _handler_for(self))
        except OSError as error:
            raise DeviceError(
                f"cannot start the autocue remote on {self._host}:{self._port} "
                f"({error.strerror}); choose another port or address"
            ) from error
        server.daemon_threads = True
        self._server = server
        self._lan = lan_address() if self._host in ("0.0.0.0", "", "::") else None
        self.hosts = host_names(self._host or "0.0.0.0", self.address[1], self._lan)
        self._thread = threading.Thread(
            target=server.serve_forever, args=(0.05,), name="autocue-remote", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop listening (safe to call twice)."""
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def close(self) -> None:
        """Same as :meth:`stop`."""
        self.stop()

    def __enter__(self) -> RemoteServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _qr(text: str) -> qrcode.QRCode:
    code = qrcode.QRCode(border=2, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(text)
    code.make(fit=True)
    return code


def qr_matrix(text: str) -> list[list[bool]]:
    """``text`` as a QR code: rows of modules, True dark, with its quiet border."""
    return [[bool(module) for module in row] for row in _qr(text).get_matrix()]


def _handler_for(remote: RemoteServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "KaizenAutocue/1"

        def log_message(self, format: str, *args: object) -> None:
            return  # the prompter's console stays quiet

        def _reply(self, status: int, body: bytes, kind: str = "text/plain") -> None:
            self.send_response(status)
            self.send_header("Content-Type", f"{kind}; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def _host_ok(self) -> bool:
            """The Host (and Origin, if any) name an address this server serves."""
            host = self.headers.get("Host", "")
            origin = self.headers.get("Origin")
            if host in remote.hosts and (
                origin is None or origin.removeprefix("http://") in remote.hosts
            ):
                return True
            self._reply(403, b"this remote is not served at that address\n")
            return False

        def _code_ok(self) -> bool:
            client = self.client_address[0]
            locked = remote.guard.locked_for(client)
            if locked > 0:
                self._locked(locked)
                return False
            query = parse_qs(urlsplit(self.path).query)
            code = query.get("code", [""])[0] or self.headers.get("X-Autocue-Code", "")
            token = self.headers.get("X-Autocue-Token", "")
            if (token and remote.check_token(token)) or (code and remote.check_code(code)):
                remote.guard.right(client)
                return True
            if code or token:  # an empty code (the page before one is typed) is no guess
                locked = remote.guard.wrong(client, f"{code}/{token}")
                if locked > 0:
                    self._locked(locked)
                    return False
            self._reply(403, b"wrong session code\n")
            return False

        def _locked(self, seconds: float) -> None:
            self.send_response(429)
            self.send_header("Retry-After", str(max(1, round(seconds))))
            body = f"too many wrong codes; try again in {seconds:.0f} s\n".encode()
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            if not self._host_ok():
                return
            path = urlsplit(self.path).path
            if path == "/":
                self._reply(200, _PAGE.encode(), "text/html")
            elif path == "/state":
                if self._code_ok():
                    status = remote.status()
                    body = {"line": status.line, "playing": status.playing, "speed": status.speed}
                    self._reply(200, json.dumps(body).encode(), "application/json")
            else:
                self._reply(404, b"not found\n")

        def do_POST(self) -> None:
            if not self._host_ok():
                return
            path = urlsplit(self.path).path
            if not path.startswith("/control/"):
                self._reply(404, b"not found\n")
                return
            if not self._code_ok():
                return
            command = path.removeprefix("/control/")
            if command not in COMMANDS:
                self._reply(404, f"unknown command {command!r}\n".encode())
                return
            try:
                remote.commands.put_nowait(command)
            except queue.Full:
                self._reply(503, b"too many commands waiting; try again\n")
                return
            self._reply(204, b"")

    return Handler
