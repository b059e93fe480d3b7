"""Ctrl+C on the commands with a window: a real process, a real SIGINT, a clean stop."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conditions import wait_until

BOUND = 90.0
"""Seconds allowed for a busy machine to start Python and Qt, or to stop them."""


def wait_for_line(path: Path, text: str, process: subprocess.Popen[bytes]) -> None:
    def said() -> bool:
        assert process.poll() is None, path.read_text(errors="replace")
        return text in path.read_text(errors="replace")

    wait_until(
        said, timeout=BOUND, what=repr(text), every=0.1, why=lambda: f"in {path.read_text()}"
    )


def interrupted(tmp_path: Path, *args: str, ready: str) -> tuple[int, str]:
    """Start ``studio ARGS``, send SIGINT once it says ``ready``; (exit status, stderr)."""
    err = tmp_path / "stderr.txt"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    with err.open("wb") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "kaizen_studio", *args],
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            env=env,
        )
        try:
            wait_for_line(err, ready, process)
            time.sleep(0.5)  # let Qt's loop run a while: the signal must not land in a slot
            process.send_signal(signal.SIGINT)
            code = process.wait(timeout=BOUND)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
    return code, err.read_text()


def assert_clean_stop(code: int, stderr: str) -> None:
    assert code == 130, stderr
    assert "Traceback" not in stderr and "Aborted" not in stderr, stderr
    assert stderr.strip().splitlines()[-1] == "studio: stopped", stderr


def test_ctrl_c_stops_studio_watch_cleanly(tmp_path: Path) -> None:
    from kaizen_studio.broadcast.server import free_port

    url = f"rtmp://127.0.0.1:{free_port()}/live/show"  # nothing there: the off-air card
    code, stderr = interrupted(tmp_path, "watch", url, ready="Ctrl+C stops")
    assert_clean_stop(code, stderr)


@pytest.mark.parametrize("remote", [False, True])
def test_ctrl_c_stops_studio_autocue_cleanly(tmp_path: Path, remote: bool) -> None:
    script = tmp_path / "news.txt"
    script.write_text("# News\nZOE: Good morning, everyone.\n[smile]\nSAM: Here is the news.\n")
    # with the remote, the built-in starter soap, by its name
    given = "soap" if remote else str(script)
    extra = ["--remote", "--remote-address", "127.0.0.1", "--remote-port", "0"] if remote else []
    code, stderr = interrupted(tmp_path, "autocue", "--windowed", given, *extra, ready="Ctrl+C")
    assert_clean_stop(code, stderr)
