"""``studio serve`` with the school channel: the first administrator made from the command
line, the staff page and the classroom page behind one nginx, and the app server started
again when it dies (and gone when serve is killed)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from kaizen_studio.broadcast.server import free_port
from tests.channel_site import Browser, running_channel
from tests.conditions import wait_until
from tests.serve_process import Serve, gone, serve_env

pytestmark = pytest.mark.timeout(300)


def add_admin(folder: Path, name: str, password: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kaizen_studio", "serve", "--folder", str(folder),
         "--add-admin", name],
        input=password + "\n", capture_output=True, text=True, timeout=120, env=serve_env(),
    )  # fmt: skip


def gunicorn_pid(folder: Path) -> int:
    found = re.findall(r"gunicorn pid (\d+)", (folder / "serve.log").read_text())
    assert found, "serve.log does not name gunicorn's pid"
    return int(found[-1])


def test_the_first_administrator_signs_in_beside_the_classroom_page(tmp_path: Path) -> None:
    folder = tmp_path / "s"
    weak = add_admin(folder, "head", "password")
    assert weak.returncode == 2
    assert weak.stderr.strip().splitlines() == [
        "studio: error: This password is too short. It must contain at least 10 characters. "
        "This password is too common."
    ]
    made = add_admin(folder, "head", "Blackbird-singing-42")
    assert made.returncode == 0 and "Made the administrator account 'head'." in made.stdout
    assert (folder / "channel-secret-key").stat().st_mode & 0o777 == 0o600
    again = add_admin(folder, "head", "Blackbird-singing-42")
    assert again.returncode == 2 and "already an account called 'head'" in again.stderr
    with Serve(folder, rtmp_port=free_port(), http_port=free_port(),
               extra=("--school", "Hillside Primary")) as serve:  # fmt: skip
        serve.running()
        line = serve.wait_line("staff page")
        assert f"http://127.0.0.1:{serve.http_port}/channel/" in line
        browser = Browser(f"http://127.0.0.1:{serve.http_port}")
        assert browser.sign_in("head", "Blackbird-singing-42").status == 302
        accounts = browser.get("/channel/accounts/")
        assert accounts.status == 200 and "Hillside Primary" in accounts.text
        classroom = browser.get("/")
        assert classroom.status == 200 and "<video" in classroom.text
        assert "Hillside Primary" in browser.get("/school.json").text
        assert serve.stop() == 0


def test_serve_restarts_the_channel_when_it_dies(tmp_path: Path) -> None:
    folder = tmp_path / "s"
    with Serve(folder, rtmp_port=free_port(), http_port=free_port()) as serve:
        serve.running()
        first = gunicorn_pid(folder)
        told = len(serve.lines)
        os.killpg(first, signal.SIGKILL)
        assert "starting it again in 1 s" in serve.wait_line("school channel stopped", after=told)
        serve.wait_line("school channel is running again", after=told)
        second = gunicorn_pid(folder)
        assert second != first
        browser = Browser(f"http://127.0.0.1:{serve.http_port}")
        assert browser.get("/channel/accounts/sign-in/").status == 200
        assert serve.stop(signal.SIGKILL) == -signal.SIGKILL
    wait_until(lambda: gone(second), timeout=30, what="gunicorn to end with a killed serve")


def test_a_folder_too_long_for_a_socket_still_serves_the_channel(tmp_path: Path) -> None:
    folder = tmp_path / ("a-long-folder-name-" * 6) / "server"  # a socket's path: 107 bytes
    with running_channel(folder) as channel:
        socket = Path(channel.app.address.removeprefix("unix:"))
        assert not socket.is_relative_to(folder) and len(os.fsencode(socket)) <= 107
        assert socket.parent.stat().st_mode & 0o077 == 0
        assert channel.browser().request("/channel/accounts/sign-in/").status == 200
    assert not socket.parent.exists()  # the spare folder goes with the app server
