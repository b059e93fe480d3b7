"""Real ``studio serve`` processes and real publishers for the server's tests.

:class:`Serve` starts the command as a child process (loopback ports, its own folder, the
key given through the environment) and keeps its output lines as they come, so a test
waits for a line with a bound instead of blocking on a read. :func:`publish` sends a
short test stream with sound through ffmpeg, as a studio would.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

from tests.conditions import wait_until

KEY = "tulip42-daisy17"
"""A key strong enough for ``studio serve`` (12 or more characters, 6 or more different)."""


def gone(pid: int) -> bool:
    """True once process ``pid`` has ended (a zombie no one has reaped yet counts)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return True
    return state in ("Z", "X")


def serve_env(key: str | None = KEY) -> dict[str, str]:
    """This process's environment with ``KAIZEN_STREAM_KEY`` set to ``key`` (removed
    when None)."""
    env = {k: v for k, v in os.environ.items() if k != "KAIZEN_STREAM_KEY"}
    if key is not None:
        env["KAIZEN_STREAM_KEY"] = key
    return env


def run_studio(
    *args: str, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """``studio ARGS`` run to its end (bounded: 60 s)."""
    return subprocess.run(
        [sys.executable, "-m", "kaizen_studio", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=env if env is not None else serve_env(),
        cwd=cwd,
    )


class Serve:
    """``studio serve`` as a real child process; a context manager that ends it."""

    def __init__(
        self,
        folder: Path,
        *,
        rtmp_port: int,
        http_port: int,
        env: dict[str, str] | None = None,
        extra: tuple[str, ...] = (),
        cwd: Path | None = None,
    ) -> None:
        self.folder, self.rtmp_port, self.http_port = folder, rtmp_port, http_port
        command = [sys.executable, "-m", "kaizen_studio", "serve"]
        command += ["--rtmp-port", str(rtmp_port), "--http-port", str(http_port)]
        command += ["--folder", str(folder), *extra]
        self.process = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=env if env is not None else serve_env(),
            cwd=cwd,
            start_new_session=True,  # its own process group, as a terminal gives a command
        )
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def output(self) -> str:
        return "\n".join(self.lines)

    def wait_line(self, words: str, *, seconds: float = 60.0, after: int = 0) -> str:
        """The first output line from index ``after`` on containing ``words``;
        AssertionError with the whole output if none comes within ``seconds``."""
        found: list[str] = []

        def seen() -> bool:
            found.extend(line for line in self.lines[after:] if words in line)
            return bool(found)

        wait_until(seen, timeout=seconds, what=f"{words!r}", why=lambda: f"in:\n{self.output()}")
        return found[0]

    def running(self) -> None:
        """Wait until the server says it runs."""
        self.wait_line("Media server running")

    def nginx_pid(self) -> int:
        return int((self.folder / "nginx.pid").read_text().strip())

    def url(self, key: str = KEY) -> str:
        return f"rtmp://127.0.0.1:{self.rtmp_port}/live/show?key={key}"

    def stop(self, number: int = signal.SIGTERM, *, group: bool = False) -> int:
        """Send the signal ``number`` (to its whole process group when ``group``, as a
        terminal sends Ctrl+C) and wait (up to 30 s) for the exit status."""
        if self.process.poll() is None:
            if group:
                os.killpg(self.process.pid, number)
            else:
                self.process.send_signal(number)
        code = self.process.wait(timeout=30)
        self._reader.join(timeout=10)
        return code

    def __enter__(self) -> Serve:
        return self

    def __exit__(self, *_: object) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._reader.join(timeout=10)


def publisher(
    url: str, *, seconds: float, tone: bool = False, picture_after: float = 0.0
) -> subprocess.Popen[bytes]:
    """ffmpeg publishing a test picture (green, 320x240, 25 fps) with sound (a 440 Hz tone
    at 1/8 of full scale when ``tone``, else silence) to ``url`` in real time for
    ``seconds``; the pictures start ``picture_after`` seconds into the sound (a busy
    machine's encoder whose pictures lag its sound)."""
    sound = "sine=frequency=440:sample_rate=48000" if tone else "anullsrc=r=48000:cl=stereo"
    command = ["ffmpeg", "-nostdin", "-loglevel", "error", "-re"]
    if picture_after:
        command += ["-itsoffset", f"{picture_after}"]
    command += ["-f", "lavfi", "-i", "color=c=0x00c800:size=320x240:rate=25"]
    command += ["-f", "lavfi", "-i", sound, "-t", f"{seconds}"]
    command += ["-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-g", "25"]
    command += ["-pix_fmt", "yuv420p", "-c:a", "aac", "-ar", "48000", "-f", "flv", url]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def publish(url: str, *, seconds: float = 1.0) -> tuple[int, str]:
    """Publish for ``seconds`` and return ffmpeg's exit status (0: the server took the
    whole stream) and what it said; bounded by 60 s."""
    process = publisher(url, seconds=seconds)
    try:
        _, said = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    return process.returncode, said.decode("utf-8", "replace")
