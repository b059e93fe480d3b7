"""The school's media server: nginx with the RTMP module, run as an ordinary user.

The project writes nginx's whole configuration into a folder of its own (pid file, logs,
temporary paths, HLS fragments): no root, no system file touched. Publishing needs the
school's stream key, checked by a small HTTP server the project runs on loopback (nginx's
``on_publish``); anyone may watch, over RTMP (the player app) or HLS (the classroom page).
"""

from __future__ import annotations

import hmac
import shutil
import socket
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar
from urllib.parse import parse_qs

from kaizen_studio.core.errors import DeviceError, MissingToolError

RTMP_MODULE = Path("/usr/lib/nginx/modules/ngx_rtmp_module.so")
WEB_FOLDER = Path(__file__).with_name("web")
INSTALL = "sudo apt install nginx libnginx-mod-rtmp"

CONFIG = """\
daemon off;
master_process off;
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
load_module {module};
events {{ worker_connections 256; }}
rtmp {{
    server {{
        listen {host}:{rtmp_port};
        chunk_size 4096;
        application live {{
            live on;
            record off;
            wait_key on;
            on_publish http://127.0.0.1:{check_port}/publish;
            notify_method post;
            hls on;
            hls_path {folder}/hls;
            hls_fragment 1s;
            hls_playlist_length 4s;
            hls_cleanup on;
        }}
    }}
}}
http {{
    access_log off;
    client_body_temp_path {folder}/tmp/body;
    proxy_temp_path {folder}/tmp/proxy;
    fastcgi_temp_path {folder}/tmp/fastcgi;
    uwsgi_temp_path {folder}/tmp/uwsgi;
    scgi_temp_path {folder}/tmp/scgi;
    types {{
        text/html html;
        application/javascript js;
        application/json json;
        application/vnd.apple.mpegurl m3u8;
        video/mp2t ts;
    }}
    server {{
        listen {host}:{http_port};
        location /hls/ {{
            alias {folder}/hls/;
            add_header Cache-Control no-cache;
            add_header Access-Control-Allow-Origin *;
        }}
        location = /school.json {{
            alias {folder}/school.json;
            add_header Cache-Control no-cache;
        }}
        location / {{
            root {web};
            index index.html;
        }}
    }}
}}
"""


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port free on ``host`` right now (for tests and the default of flags)."""
    with socket.socket() as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def check_installed() -> Path:
    """Path of nginx; raise MissingToolError naming the install command if it or the
    RTMP module is missing."""
    nginx = shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )
    if nginx is None:
        raise MissingToolError(f"nginx is not installed: {INSTALL}")
    if not RTMP_MODULE.exists():
        raise MissingToolError(f"nginx's RTMP module is missing ({RTMP_MODULE}): {INSTALL}")
    return Path(nginx)


class _KeyCheck(BaseHTTPRequestHandler):
    """Answers nginx's on_publish: 200 for the school's key, 403 otherwise (noting the
    refused publisher's address in ``refused``)."""

    key = ""
    refused: ClassVar[list[str]] = []  # each server sets its own list

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        fields = parse_qs(self.rfile.read(length).decode("utf-8", "replace"))
        given = (fields.get("key") or [""])[0]
        allowed = bool(self.key) and hmac.compare_digest(given.encode(), self.key.encode())
        if not allowed:
            self.refused.append((fields.get("addr") or ["an unknown address"])[0])
        self.send_response(200 if allowed else 403)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        return  # nginx keeps the log; nothing printed on the show's console


class MediaServer:
    """nginx + RTMP module + stream-key check, all under ``folder``; a context manager.

    Parameters
    ----------
    folder : path
        Where the configuration, pid, logs and HLS fragments live (created).
    key : str
        The school's stream key; publishers add ``?key=KEY`` to the URL.
    rtmp_port, http_port : int
        Ports for RTMP (publish and play) and HTTP (page and HLS).
    host : str
        Address to listen on; 127.0.0.1 by default, 0.0.0.0 for the whole school.
    school : str
        Name shown on the classroom page's "off air" card.
    """

    def __init__(
        self,
        folder: str | Path,
        *,
        key: str,
        rtmp_port: int = 1935,
        http_port: int = 8080,
        host: str = "127.0.0.1",
        school: str = "Our School",
    ) -> None:
        if not key or any(c in key for c in "&?=# /"):
            raise ValueError(f"the stream key must be a word without spaces or &?=#/, got {key!r}")
        for name, port in (("rtmp_port", rtmp_port), ("http_port", http_port)):
            if not 1024 < port < 65536:
                raise ValueError(f"{name} must be between 1025 and 65535, got {port}")
        self.folder = Path(folder).resolve()
        self.key, self.host, self.school = key, host, school
        self.rtmp_port, self.http_port = rtmp_port, http_port
        self._process: subprocess.Popen[bytes] | None = None
        self._check: ThreadingHTTPServer | None = None
        self.refused: list[str] = []
        """Addresses of publishers refused for a wrong or missing key, oldest first."""

    @property
    def publish_url(self) -> str:
        """Where the studio publishes the show (with the key)."""
        return f"rtmp://127.0.0.1:{self.rtmp_port}/live/show?key={self.key}"

    @property
    def play_url(self) -> str:
        """Where the player app watches the show over RTMP."""
        return f"rtmp://127.0.0.1:{self.rtmp_port}/live/show"

    @property
    def page_url(self) -> str:
        """The classroom page."""
        return f"http://127.0.0.1:{self.http_port}/"

    def start(self) -> None:
        """Write the configuration and start nginx; raise DeviceError if it will not run."""
        if self._process is not None:
            return
        nginx = check_installed()
        for sub in ("hls", "tmp", "logs"):
            (self.folder / sub).mkdir(parents=True, exist_ok=True)
        handler = type("KeyCheck", (_KeyCheck,), {"key": self.key, "refused": self.refused})
        self._check = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=self._check.serve_forever, daemon=True, name="key-check").start()
        safe_name = self.school.replace("\\", "\\\\").replace('"', '\\"')
        (self.folder / "school.json").write_text(f'{{"school": "{safe_name}"}}\n', "utf-8")
        config = self.folder / "nginx.conf"
        config.write_text(
            CONFIG.format(
                folder=self.folder,
                module=RTMP_MODULE,
                host=self.host,
                rtmp_port=self.rtmp_port,
                http_port=self.http_port,
                check_port=self._check.server_address[1],
                web=WEB_FOLDER.resolve(),
            ),
            "utf-8",
        )
        command = [
            str(nginx),
            "-p",
            str(self.folder),
            "-c",
            str(config),
            "-e",
            str(self.folder / "error.log"),
        ]
        self._process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self._wait_ready()

    def _wait_ready(self, timeout: float = 5.0) -> None:
        assert self._process is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                why = (self._process.stderr.read() if self._process.stderr else b"").decode()
                self._process = None
                self._stop_check()
                line = why.strip().splitlines()[-1] if why.strip() else "no reason given"
                raise DeviceError(f"the media server did not start: {line}")
            if all(_listening(self.host, p) for p in (self.rtmp_port, self.http_port)):
                return
            time.sleep(0.05)
        self.stop()
        raise DeviceError(
            f"the media server did not open ports {self.rtmp_port} and {self.http_port} "
            f"within {timeout:.0f} s; see {self.folder / 'error.log'}"
        )

    def stop(self) -> None:
        """Stop nginx (gracefully, then firmly) and the key check; safe to call twice."""
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.terminate()  # SIGTERM: nginx's fast shutdown
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if process is not None and process.stderr is not None:
            process.stderr.close()
        self._stop_check()

    def kill(self) -> None:
        """Kill nginx at once (SIGKILL), as a crash would: for fault-injection tests."""
        if self._process is not None:
            self._process.kill()
            self._process.wait()
            if self._process.stderr is not None:
                self._process.stderr.close()
            self._process = None
        self._stop_check()

    def _stop_check(self) -> None:
        check, self._check = self._check, None
        if check is not None:
            check.shutdown()
            check.server_close()

    def close(self) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def __enter__(self) -> MediaServer:
        self.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()


def _listening(host: str, port: int) -> bool:
    address = "127.0.0.1" if host in ("0.0.0.0", "") else host
    try:
        with socket.create_connection((address, port), timeout=0.2):
            return True
    except OSError:
        return False
