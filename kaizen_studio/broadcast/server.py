"""The school's media server: nginx with the RTMP module, run as an ordinary user.

The project writes nginx's whole configuration into a folder of its own (pid file, logs,
temporary paths, HLS fragments): no root, no system file touched. Publishing needs the
school's stream key, checked by a small HTTP server the project runs on loopback (nginx's
``on_publish``, at an address with a secret in it, so only this nginx may ask) which slows
an address that keeps giving wrong keys (:mod:`stream_key`); anyone may watch, over RTMP
(the player app) or HLS (the classroom page). Ports are checked free before nginx starts;
nginx dies with the thread that started it (Linux), and :meth:`MediaServer.restart`
starts it again after a crash (``studio serve`` decides when). What nginx is told, and the
checks on it, are :mod:`nginx_config`'s.
"""

from __future__ import annotations

import logging
import os
import re
import secrets
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Callable
from http.server import ThreadingHTTPServer
from pathlib import Path

from kaizen_studio.broadcast.channel_site import ChannelSite
from kaizen_studio.broadcast.guests import GuestBook
from kaizen_studio.broadcast.live_state import LiveState
from kaizen_studio.broadcast.nginx_config import (
    check_host,
    check_installed,
    check_port,
    check_server_folder,
    nginx_config,
    reach_host,
)
from kaizen_studio.broadcast.nginx_log import ErrorLogRefusals
from kaizen_studio.broadcast.partners import Partner, push_directives
from kaizen_studio.broadcast.stream_key import (
    ENVIRONMENT,
    KeyCheck,
    KeyGuard,
    Refusal,
    write_private,
)
from kaizen_studio.core.errors import DeviceError

log = logging.getLogger(__name__)


def _family(host: str) -> socket.AddressFamily:
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port free on ``host`` right now (for tests and the default of flags)."""
    with socket.socket(_family(host)) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def port_taken(host: str, port: int) -> bool:
    """True if another program listens on ``port`` at ``host`` (or on all addresses), so
    nginx could not open it. Connections still closing (TIME_WAIT) do not count."""
    with socket.socket(_family(host)) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return True
    return False


class PortBusyError(DeviceError):
    """A port the server needs is taken by another program; ``option`` names the
    setting that chooses it (``rtmp_port`` or ``http_port``)."""

    def __init__(self, port: int, option: str) -> None:
        super().__init__(
            f"port {port} is in use (another studio serve?): stop it or choose another {option}"
        )
        self.port, self.option = port, option


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
    clock : callable
        Seconds, for slowing wrong keys (a fake clock in tests).
    channel : ChannelSite, optional
        The school channel's app server, served under ``/channel/``.

    Start it from a thread that lives as long as the server (the main thread): on Linux
    nginx is stopped when the thread that started it ends, so that no nginx outlives a
    killed ``studio serve``.
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
        clock: Callable[[], float] = time.monotonic,
        channel: ChannelSite | None = None,
        partners: tuple[Partner, ...] = (),
    ) -> None:
        if not key or any(c in key for c in "&?=# /"):
            raise ValueError(f"the stream key must be a word without spaces or &?=#/, got {key!r}")
        check_port(rtmp_port, name="rtmp_port")
        check_port(http_port, name="http_port")
        self.folder = check_server_folder(Path(folder).resolve())
        self.key, self.host, self.school = key, check_host(host), school
        self.rtmp_port, self.http_port = rtmp_port, http_port
        self.partners = partners
        self.guests = GuestBook(self.folder)
        """The partner schools' guest keys, read at each guest's publish."""
        self.guard = KeyGuard(key, clock=clock)
        self.channel = channel
        self._process: subprocess.Popen[bytes] | None = None
        self._check: ThreadingHTTPServer | None = None
        self.refusals: list[Refusal] = []
        """Publishers refused for a wrong or missing key or while slowed, or for a bad
        stream name, oldest first (those nginx refuses by itself once
        :meth:`note_log_refusals` has read them)."""
        self._live = LiveState(self.folder, school=school)
        self._log_refusals = ErrorLogRefusals(self.folder / "error.log")

    def note_log_refusals(self) -> None:
        """Add to ``refusals`` the publishes nginx refused by itself since the last call
        (a stream name its HLS step will not take: see :mod:`nginx_log`)."""
        self.refusals.extend(self._log_refusals.read())

    @property
    def refused(self) -> list[str]:
        """Addresses of the refused publishers, oldest first."""
        return [refusal.address for refusal in self.refusals]

    @property
    def publish_url(self) -> str:
        """Where the studio publishes the show (with the key)."""
        return f"rtmp://{reach_host(self.host)}:{self.rtmp_port}/live/show?key={self.key}"

    @property
    def play_url(self) -> str:
        """Where the player app watches the show over RTMP."""
        return f"rtmp://{reach_host(self.host)}:{self.rtmp_port}/live/show"

    @property
    def stat_url(self) -> str:
        """nginx's own statistics (XML; answered on this machine only)."""
        return f"http://127.0.0.1:{self.http_port}/stat"

    @property
    def page_url(self) -> str:
        """The classroom page."""
        return f"http://{reach_host(self.host)}:{self.http_port}/"

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    @property
    def pid(self) -> int | None:
        """nginx's process id while it runs."""
        return self._process.pid if self.running and self._process is not None else None

    @property
    def exit_code(self) -> int | None:
        """nginx's exit status once it has stopped by itself (negative: killed by that
        signal); None while it runs or before it started."""
        return None if self._process is None else self._process.poll()

    def start(self) -> None:
        """Check the ports, write the configuration and start nginx; raise PortBusyError
        or DeviceError if it will not run. Safe to call twice."""
        if self._process is not None:
            return
        nginx = check_installed()
        self._check_ports()
        for sub in ("hls", "tmp", "logs"):
            (self.folder / sub).mkdir(parents=True, exist_ok=True)
        token = secrets.token_urlsafe(16)
        handler = type(
            "KeyCheck",
            (KeyCheck,),
            {
                "guard": self.guard,
                "token": token,
                "refusals": self.refusals,
                "guest_key": staticmethod(self.guests.key_for),
                "listeners": (self._live.changed,),
            },
        )
        self._check = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=self._check.serve_forever, daemon=True, name="key-check").start()
        self._live.forget()
        # the configuration holds the key check's secret address: owner only
        write_private(
            self.folder / "nginx.conf",
            nginx_config(
                folder=self.folder,
                host=self.host,
                rtmp_port=self.rtmp_port,
                http_port=self.http_port,
                check_port=self._check.server_address[1],
                token=token,
                channel=self.channel.config() if self.channel is not None else "",
                relays=push_directives(self.partners),
            ),
        )
        self._spawn(nginx)

    def restart(self) -> None:
        """Start nginx again after it stopped by itself, with the same configuration and
        key check (and the same addresses still slowed); raise as :meth:`start`."""
        if self._check is None:
            self.start()
            return
        if self.running:
            return
        self._release()
        self._live.forget()  # nginx's publishers died with it
        self._check_ports()
        self._spawn(check_installed())

    @property
    def live(self) -> bool:
        """True from a publish the key check allowed until nginx says it ended."""
        return self._live.live

    def publishing(self) -> list[str]:
        """The streams the key check let publish that have not ended (names, sorted)."""
        return self._live.streams()

    def check_ports(self) -> None:
        """Raise PortBusyError if a port is taken now (before slow work that would
        otherwise come first, such as the channel's migrations)."""
        self._check_ports()

    def _check_ports(self) -> None:
        for option, port in (("rtmp_port", self.rtmp_port), ("http_port", self.http_port)):
            if port_taken(self.host, port):
                self._stop_check()
                raise PortBusyError(port, option)

    def _spawn(self, nginx: Path) -> None:
        config = self.folder / "nginx.conf"
        command = [str(nginx), "-p", str(self.folder), "-c", str(config)]
        command += ["-e", str(self.folder / "error.log")]
        setpriv = shutil.which("setpriv")
        if setpriv is not None:  # Linux: nginx gets SIGTERM when its starter dies
            command = [setpriv, "--pdeathsig", "TERM", *command]
        (self.folder / "nginx.pid").unlink(missing_ok=True)
        with open(self.folder / "logs" / "nginx-output.log", "wb") as output:
            # its own process group: a Ctrl+C in the terminal reaches the owner, who
            # stops nginx in turn (not both at once, which would look like a crash)
            self._process = subprocess.Popen(
                command,
                stdout=output,
                stderr=output,
                process_group=0,
                env={k: v for k, v in os.environ.items() if k != ENVIRONMENT},  # not nginx's
            )
        log.info("nginx started (pid %d) in %s", self._process.pid, self.folder)
        self._wait_ready()

    def _wait_ready(self, timeout: float = 10.0) -> None:
        """Wait until nginx has written its pid file (it does once its ports are open)."""
        assert self._process is not None
        pid_file = self.folder / "nginx.pid"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                self._process = None
                self._stop_check()
                raise self._start_failure()
            try:
                ready = pid_file.read_text("ascii").strip() == str(self._process.pid)
            except FileNotFoundError:
                ready = False
            if ready:
                return
            time.sleep(0.05)
        self.stop()
        raise DeviceError(
            f"the media server did not open ports {self.rtmp_port} and {self.http_port} "
            f"within {timeout:.0f} s; see {self.folder / 'error.log'}"
        )

    def _start_failure(self) -> DeviceError:
        """Why nginx stopped while starting, from its own words."""
        try:
            said = (self.folder / "logs" / "nginx-output.log").read_text("utf-8", "replace")
        except OSError:
            said = ""
        busy = re.search(r"bind\(\) to \S+:(\d+) failed \(98", said)
        if busy is not None:
            port = int(busy.group(1))
            return PortBusyError(port, "rtmp_port" if port == self.rtmp_port else "http_port")
        lines = [line for line in said.strip().splitlines() if line.strip()]
        return DeviceError(
            f"the media server did not start: {lines[-1] if lines else 'no reason given'}"
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
            log.info("nginx stopped (pid %d)", process.pid)
        self._stop_check()

    def kill(self) -> None:
        """Kill nginx at once (SIGKILL), as a crash would: for fault-injection tests."""
        if self._process is not None:
            self._process.kill()
            self._process.wait()
            self._process = None
        self._stop_check()

    def _release(self) -> None:
        """Forget an nginx that has stopped by itself (reaped already by ``poll``)."""
        if self._process is not None and self._process.poll() is not None:
            self._process = None

    def _stop_check(self) -> None:
        check, self._check = self._check, None
        if check is not None:
            check.shutdown()
            check.server_close()

    def close(self) -> None:
        self.stop()

    def __enter__(self) -> MediaServer:
        self.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()
