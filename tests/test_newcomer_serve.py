"""Two ``studio serve`` on one folder: the second is refused in one line before it makes
anything, and the first keeps serving its staff pages (a second server there used to take
over the channel's socket and leave the first one's pages at 502 when it stopped)."""

from __future__ import annotations

import urllib.request
from pathlib import Path

import pytest

from kaizen_studio.broadcast.server import free_port
from tests.serve_process import Serve, run_studio

pytestmark = pytest.mark.timeout(300)


def sign_in_page(port: int) -> int:
    address = f"http://127.0.0.1:{port}/channel/accounts/sign-in/"
    with urllib.request.urlopen(address, timeout=30) as answer:
        return int(answer.status)


def test_a_second_serve_on_the_same_folder_is_refused_and_the_first_runs_on(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "server"
    with Serve(folder, rtmp_port=free_port(), http_port=free_port()) as first:
        first.running()
        first.wait_line("staff page")
        assert sign_in_page(first.http_port) == 200
        second = run_studio(
            "serve", "--folder", str(folder),
            "--rtmp-port", str(free_port()), "--http-port", str(free_port()),
        )  # fmt: skip
        assert second.returncode == 2, second.stdout + second.stderr
        line = second.stderr.strip().splitlines()[-1]
        assert line == (
            f"studio: error: another studio serve (pid {first.process.pid}) is using the "
            f"folder {folder}: stop it first, or give this one another --folder"
        )
        assert "Traceback" not in second.stderr and "Starting" not in second.stdout
        assert sign_in_page(first.http_port) == 200  # its channel is still its own
        assert first.process.poll() is None
        assert first.stop() == 0
    again = Serve(folder, rtmp_port=free_port(), http_port=free_port())
    with again:  # the lock went with the first server
        again.running()
        assert again.stop() == 0
