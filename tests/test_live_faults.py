"""studio live as a real process against the real media server (nginx on loopback): the
key never on a command line, a refused key and a taken name stop the show, and the
streaming child dies with the show whatever kills it (kill -9, SIGTERM, SIGHUP), while
SIGTERM and SIGHUP finish the recording as Ctrl+C does."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path

import av
import pytest

from kaizen_studio.broadcast import MediaServer, StreamReader
from kaizen_studio.broadcast.server import free_port
from tests.conditions import wait_until
from tests.media_files import LIVE_SHOW

KEY = "tulip42"  # the key of the conftest's server


@pytest.fixture
def show(tmp_path: Path) -> Path:
    path = tmp_path / "show.toml"
    path.write_text(LIVE_SHOW, encoding="utf-8")
    return path


def address(server: MediaServer) -> str:
    return server.publish_url.split("?")[0]


class Live:
    """``studio live`` running in the background; its stderr collected line by line."""

    def __init__(self, show: Path, *options: str, key: str | None = KEY) -> None:
        env = {k: v for k, v in os.environ.items() if k != "KAIZEN_STREAM_KEY"}
        if key is not None:
            env["KAIZEN_STREAM_KEY"] = key
        self.process = subprocess.Popen(
            [sys.executable, "-m", "kaizen_studio", "live", "--show", str(show), *options],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.append(line.rstrip("\n"))

    def said(self, words: str) -> bool:
        return any(words in line for line in self.lines)

    def finish(self, seconds: float = 90) -> int:
        code = self.process.wait(timeout=seconds)
        self._reader.join(timeout=10)
        return code

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def children(pid: int) -> list[int]:
    """The ids of ``pid``'s child processes (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def argv(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def plays(path: Path, *, cut: bool = False) -> int:
    """The pictures PyAV decodes from ``path``; with ``cut`` (a take the laptop lost in
    the middle of a write), those before the half-written last packet."""
    pictures = 0
    with av.open(str(path)) as take:
        try:
            for _ in take.decode(video=0):
                pictures += 1
        except av.error.InvalidDataError:
            if not cut:
                raise
    return pictures


def test_a_key_on_the_command_line_is_refused_in_one_line(show: Path, tmp_path: Path) -> None:
    url = f"rtmp://127.0.0.1:{free_port()}/live/show?key={KEY}"
    result = subprocess.run(
        [sys.executable, "-m", "kaizen_studio", "live", "--show", str(show), "--stream", url],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "--key-file" in lines[0] and "KAIZEN_STREAM_KEY" in lines[0]
    assert KEY not in result.stderr


def test_no_key_and_no_terminal_is_one_clear_line(show: Path) -> None:
    live = Live(show, "--stream", f"rtmp://127.0.0.1:{free_port()}/live/show", key=None)
    assert live.finish() == 2
    assert len(live.lines) == 1 and "needs the school's stream key" in live.lines[0]


def test_a_refused_key_stops_the_show_after_two_tries(
    server: MediaServer, show: Path, tmp_path: Path
) -> None:
    key_file = tmp_path / "key"
    key_file.write_text("daisy\n", encoding="utf-8")
    live = Live(show, "--seconds", "120", "--stream", address(server), "--key-file", str(key_file))
    try:
        code = live.finish(120)
    finally:
        live.kill()
    assert code == 2, live.lines
    assert live.said("live: The school's server said no: ask your teacher for the stream key.")
    assert not live.said("On air") and live.said("0 frames sent")
    assert server.refused == ["127.0.0.1", "127.0.0.1"]  # twice, then it stopped
    assert not any("daisy" in line for line in live.lines)


def test_the_key_reaches_the_streaming_child_by_pipe_never_argv(
    server: MediaServer, show: Path, tmp_path: Path
) -> None:
    take = tmp_path / "take.mp4"
    live = Live(show, "--seconds", "120", "--stream", address(server), "--record", str(take))
    try:
        wait_until(
            lambda: live.said("On air: the school's server took the stream"),
            timeout=90,
            what="on air",
        )
        pids = children(live.process.pid)
        assert pids, "the show has no streaming child"
        for pid in [live.process.pid, *pids]:
            assert KEY not in argv(pid)
    finally:
        live.process.send_signal(signal.SIGINT)
        code = live.finish()
    assert code == 0, live.lines
    assert plays(take) > 0


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGHUP])
def test_sigterm_and_sighup_finish_the_recording_and_end_the_child(
    server: MediaServer, show: Path, tmp_path: Path, how: signal.Signals
) -> None:
    take = tmp_path / "take.mp4"
    live = Live(show, "--seconds", "120", "--stream", address(server), "--record", str(take))
    try:
        wait_until(
            lambda: live.said("On air: the school's server took the stream"),
            timeout=90,
            what="on air",
        )
        pids = children(live.process.pid)
        wait_until(lambda: live.said("frames,"), what="a few seconds of show")
        live.process.send_signal(how)
        code = live.finish()
    finally:
        live.kill()
    assert code == 0, live.lines  # as for Ctrl+C
    # the children end with the show: the streaming child before it exits, Python's
    # resource tracker when it reads the end of its pipe (a moment later on a busy machine)
    assert pids
    wait_until(lambda: not any(alive(pid) for pid in pids), what="the children to end")
    assert live.said("saved take.mp4") and plays(take) > 25


def test_kill_9_of_the_show_ends_the_streaming_child_and_frees_the_name(
    server: MediaServer, show: Path, tmp_path: Path
) -> None:
    take = tmp_path / "take.mp4"
    live = Live(show, "--seconds", "120", "--stream", address(server), "--record", str(take))
    try:
        wait_until(
            lambda: live.said("On air: the school's server took the stream"),
            timeout=90,
            what="on air",
        )
        pids = children(live.process.pid)
        assert pids
        wait_until(lambda: live.said("frames,"), what="a few seconds of show")
        live.process.kill()
        live.finish()
        wait_until(lambda: not any(alive(pid) for pid in pids), what="the children to end")
    finally:
        live.kill()
    partial = [p for p in tmp_path.iterdir() if p.name.startswith(".") and p.suffix == ".mp4"]
    assert len(partial) == 1 and plays(partial[0], cut=True) > 25  # the take plays
    # the name is free: the next show goes on air and reaches the classroom
    reader = StreamReader(server.play_url, retry=0.2)
    reader.start()
    again = Live(show, "--seconds", "8", "--stream", address(server))
    try:
        assert again.finish(120) == 0, again.lines
    finally:
        again.kill()
        reader.stop()
    assert again.said("On air: the school's server took the stream")
    assert reader.stats.frames > 25


def test_a_second_show_on_a_taken_name_says_so_and_stops(server: MediaServer, show: Path) -> None:
    first = Live(show, "--seconds", "120", "--stream", address(server))
    try:
        wait_until(
            lambda: first.said("On air: the school's server took the stream"),
            timeout=90,
            what="on air",
        )
        second = Live(show, "--seconds", "120", "--stream", address(server))
        try:
            code = second.finish(120)
        finally:
            second.kill()
        assert code == 2, second.lines
        assert second.said("Another show is already live as 'show' on this server")
        assert not second.said("reconnecting") and not second.said("On air")
        assert first.process.poll() is None  # the first show goes on
    finally:
        first.process.send_signal(signal.SIGINT)
        first.finish()
        first.kill()


@pytest.mark.skipif(shutil.which("script") is None, reason="needs script(1) for a terminal")
def test_on_a_terminal_the_key_is_asked_for_hidden(server: MediaServer, show: Path) -> None:
    command = (
        f"{sys.executable} -m kaizen_studio live --show {show} --seconds 3 "
        f"--stream {address(server)}"
    )
    env = {k: v for k, v in os.environ.items() if k != "KAIZEN_STREAM_KEY"}
    terminal = subprocess.Popen(
        ["script", "-qec", command, "/dev/null"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=env,
    )
    seen: list[bytes] = []
    reader = threading.Thread(
        target=lambda: seen.extend(iter(lambda: terminal.stdout.read1(4096), b"")),  # type: ignore[union-attr]
        daemon=True,
    )
    reader.start()
    try:
        wait_until(lambda: b"The school's stream key:" in b"".join(seen), what="the prompt")
        assert terminal.stdin is not None
        terminal.stdin.write(KEY.encode() + b"\n")
        terminal.stdin.flush()
        assert terminal.wait(timeout=120) == 0
    finally:
        if terminal.poll() is None:
            terminal.kill()
            terminal.wait()
    reader.join(timeout=10)
    said = b"".join(seen).decode(errors="replace")
    assert "On air: the school's server took the stream" in said
    assert KEY not in said  # typed hidden: the terminal never echoed it
