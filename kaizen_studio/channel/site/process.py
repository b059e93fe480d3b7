"""The channel's app server: gunicorn on a unix socket only its owner may open (nginx,
run by the same user, is the only way in), run and watched by ``studio serve`` beside
nginx, with the migrations and static files brought up to date first.

The channel's processes run with umask 077: the database (password hashes, sessions'
keys) and its ``-wal``/``-shm`` companions are readable by their owner only, and so is the
socket, so no other program on the machine can reach gunicorn with a made-up
``X-Real-IP`` and get round the sign-in lockout.

gunicorn runs one worker process with threads (gthread): the library's converter thread
lives in that process (see ``library.worker``), and uploads reach Django through nginx,
which holds a slow upload on its disk so a thread is busy only while the body is passed
on. Like nginx, gunicorn gets SIGTERM when its starter dies (``setpriv --pdeathsig``).
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from kaizen_studio.channel.site import environment
from kaizen_studio.core.errors import DeviceError, InputError

log = logging.getLogger(__name__)

SETTINGS = "kaizen_studio.channel.site.settings"
PRIVATE = 0o077
"""The channel's processes' umask: what they create only their owner may read."""
SOCKET_PATH_MOST = 107
"""The longest path a unix socket may have (108 bytes with the closing NUL on Linux)."""
DATABASE_FILES = ("channel.sqlite3", "channel.sqlite3-wal", "channel.sqlite3-shm",
                  "channel.sqlite3-journal")  # fmt: skip


@dataclass(frozen=True)
class Channel:
    """What the channel's processes are told (see :mod:`environment`)."""

    folder: Path
    school: str = "Our School"
    colours: str = ""
    """``#rrggbb,#rrggbb`` or empty for the default colours."""
    threads: int = 8
    extra: dict[str, str] = field(default_factory=dict)
    """More variables for the channel's processes (e.g. ``KAIZEN_CHANNEL_DATABASE``)."""

    def environment(self) -> dict[str, str]:
        """This process's environment with the channel's variables set."""
        base = {k: v for k, v in os.environ.items() if not k.startswith("KAIZEN_STREAM")}
        base.update(
            {
                "DJANGO_SETTINGS_MODULE": SETTINGS,
                environment.FOLDER: str(self.folder),
                environment.SCHOOL: self.school,
                "PYTHONUNBUFFERED": "1",
            }
        )
        if self.colours:
            base[environment.COLOURS] = self.colours
        base.update(self.extra)
        return base

    @property
    def static(self) -> Path:
        return self.folder / "channel-static"

    @property
    def media(self) -> Path:
        return self.folder / "channel-media"


def manage(channel: Channel, *arguments: str, stdin: str | None = None) -> str:
    """Run one Django management command for ``channel``; its output, or InputError with
    its last line when it fails (a bad password, a database that cannot be reached)."""
    done = subprocess.run(
        [sys.executable, "-m", "django", *arguments],
        env=channel.environment(),
        input=stdin,
        umask=PRIVATE,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if done.returncode != 0:
        lines = [line for line in done.stderr.strip().splitlines() if line.strip()]
        raise InputError(lines[-1].removeprefix("CommandError: ") if lines else "failed")
    return done.stdout


def prepare(channel: Channel) -> None:
    """Bring the database's tables up to date and copy the static files for nginx."""
    try:
        environment.colours(channel.colours)
    except ValueError as error:
        raise InputError(str(error)) from None
    manage(channel, "migrate", "--noinput")
    make_private(channel.folder)
    manage(channel, "collectstatic", "--noinput", "--clear")


def make_private(folder: Path) -> None:
    """Make the SQLite database in ``folder`` and its companions owner-only (one made
    readable by an older version of this program stays so otherwise)."""
    for name in DATABASE_FILES:
        path = folder / name
        if path.exists() and path.stat().st_mode & PRIVATE:
            path.chmod(0o600)
            log.info("made %s readable by its owner only", path)


def socket_folder(folder: Path) -> tuple[Path, bool]:
    """The owner-only folder the app server's socket goes in: ``folder``/run, or a fresh
    one in the temporary folder when that path would be too long for a socket (then
    True: the caller removes it)."""
    inside = folder / "run"
    if len(os.fsencode(inside / "channel.sock")) <= SOCKET_PATH_MOST:
        inside.mkdir(parents=True, exist_ok=True, mode=0o700)
        inside.chmod(0o700)
        return inside, False
    spare = Path(tempfile.mkdtemp(prefix="kaizen-channel-"))  # 0700, a name nobody chose
    if len(os.fsencode(spare / "channel.sock")) > SOCKET_PATH_MOST:
        spare.rmdir()
        raise InputError(
            f"the server folder's path is too long for the channel's socket ({inside}) and "
            f"so is the temporary folder's ({spare.parent}): use a shorter --folder"
        )
    log.info("the server folder's path is too long for a socket: using %s", spare)
    return spare, True


class AppServer:
    """gunicorn serving the channel on a unix socket in an owner-only folder (see
    :func:`socket_folder`); ``start``/``stop`` safe twice, ``restart`` after it stopped by
    itself, ``close`` also removes a temporary socket folder; a context manager."""

    def __init__(self, channel: Channel) -> None:
        self.channel = channel
        self._folder, self._spare = socket_folder(channel.folder)
        self.socket = self._folder / "channel.sock"
        self._process: subprocess.Popen[bytes] | None = None
        self._prepared = False

    @property
    def address(self) -> str:
        """Where nginx passes the channel's requests: ``unix:/path/of/the/socket``."""
        return f"unix:{self.socket}"

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None and self.running else None

    @property
    def exit_code(self) -> int | None:
        return None if self._process is None else self._process.poll()

    def start(self) -> None:
        """Migrate (first time), start gunicorn and wait until it answers."""
        if self._process is not None:
            return
        if not self._prepared:
            prepare(self.channel)
            self._prepared = True
        logs = self.channel.folder / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        command = [
            sys.executable, "-m", "gunicorn", "kaizen_studio.channel.site.wsgi:application",
            "--bind", self.address, "--umask", str(PRIVATE), "--workers", "1",
            "--worker-class", "gthread",
            "--threads", str(self.channel.threads), "--timeout", "120",
            "--graceful-timeout", "10", "--forwarded-allow-ips", "127.0.0.1",
            "--error-logfile", str(logs / "channel.log"),
        ]  # fmt: skip
        setpriv = shutil.which("setpriv")
        if setpriv is not None:  # Linux: gunicorn gets SIGTERM when its starter dies
            command = [setpriv, "--pdeathsig", "TERM", *command]
        with open(logs / "channel-output.log", "ab") as output:
            self._process = subprocess.Popen(
                command,
                stdout=output,
                stderr=output,
                process_group=0,
                umask=PRIVATE,
                env=self.channel.environment(),
                cwd=self.channel.folder,
            )
        log.info("channel app server started (gunicorn pid %d) on %s", self._process.pid,
                 self.address)  # fmt: skip
        self._wait_ready()

    def _wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process is None or self._process.poll() is not None:
                self._process = None
                raise DeviceError(
                    "the channel's app server (gunicorn) stopped while starting; see "
                    f"{self.channel.folder / 'logs' / 'channel.log'}"
                )
            try:
                with socket.socket(socket.AF_UNIX) as probe:
                    probe.settimeout(1.0)
                    probe.connect(str(self.socket))
                    return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise DeviceError(f"the channel's app server did not answer within {timeout:.0f} s")

    def restart(self) -> None:
        """Start gunicorn again after it stopped by itself (no migration this time)."""
        if self.running:
            return
        self._process = None
        self.start()

    def stop(self) -> None:
        """SIGTERM (gunicorn finishes its requests), then SIGKILL after 15 s; safe twice."""
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        with contextlib.suppress(ProcessLookupError):  # a conversion's FFmpeg, if any
            os.killpg(process.pid, signal.SIGKILL)
        log.info("channel app server stopped (pid %d)", process.pid)

    def kill(self) -> None:
        """SIGKILL the whole process group at once, as a crash would (for tests)."""
        if self._process is not None:
            os.killpg(self._process.pid, signal.SIGKILL)
            self._process.wait()

    def close(self) -> None:
        self.stop()
        if self._spare:
            shutil.rmtree(self._folder, ignore_errors=True)

    def __enter__(self) -> AppServer:
        self.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
