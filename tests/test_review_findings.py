"""Defects found by the newcomer/attacker review of 2026-12-07, each pinned by a test that
fails today (``xfail(strict=True)``): the lead flips a mark once its finding is fixed."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlencode

import pytest

from kaizen_studio.broadcast import MediaServer
from kaizen_studio.studio.cli import main
from tests.channel_site import PASSWORD, Browser, RunningChannel
from tests.conditions import wait_until
from tests.media_files import LIVE_SHOW, green_picture

pytestmark = pytest.mark.timeout(300)


def test_matte_into_a_folder_it_cannot_write_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # /proc refuses new files even to root: a stand-in for a read-only or full folder
    picture = tmp_path / "pupil.png"
    green_picture(picture)
    assert main(["matte", str(picture), "-o", "/proc/kaizen-review.png"]) == 2
    message = capsys.readouterr().err.strip()
    assert "/proc" in message and "\n" not in message


def test_the_channel_database_is_readable_only_by_its_owner(channel: RunningChannel) -> None:
    # it holds the password hashes and the signed-in sessions' keys
    channel.account("ms_owner", "teacher")
    assert channel.browser().sign_in("ms_owner").status == 302
    database = channel.folder / "channel.sqlite3"
    assert database.exists()
    files = sorted(channel.folder.glob("channel.sqlite3*"))  # with WAL: -wal and -shm too
    assert {path.name: stat.S_IMODE(path.stat().st_mode) & 0o077 for path in files} == {
        path.name: 0 for path in files
    }


def test_a_locked_name_stays_locked_for_a_client_that_names_another_address(
    channel: RunningChannel,
) -> None:
    channel.account("mr_spoof", "teacher")
    through_nginx = channel.browser()
    for _ in range(5):
        through_nginx.sign_in("mr_spoof", "guess-wrong-000")
    assert through_nginx.sign_in("mr_spoof").status == 429
    # any program on the server reaches gunicorn's loopback port and says it is elsewhere
    address = channel.app.address
    if address.startswith("unix:"):  # a socket only its owner may open is a fix too
        socket = Path(address.removeprefix("unix:"))
        assert stat.S_IMODE(socket.stat().st_mode) & 0o077 == 0
        return
    direct = Browser(f"http://{address}")
    fields = {"username": "mr_spoof", "password": PASSWORD, "csrfmiddlewaretoken": direct.token()}
    answer = direct.request(
        "/channel/accounts/sign-in/",
        data=urlencode(fields).encode(),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Real-IP": "10.9.9.9",
        },
    )
    assert answer.status != 302, "signed in past the lockout by naming another address"


def test_sign_in_never_sends_on_to_the_host_a_client_names(channel: RunningChannel) -> None:
    channel.account("ms_next", "teacher")
    browser = channel.browser()
    fields = {"username": "ms_next", "password": PASSWORD, "csrfmiddlewaretoken": browser.token()}
    answer = browser.request(
        "/channel/accounts/sign-in/?next=https://evil.example/",
        data=urlencode(fields).encode(),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Forwarded-Host": "evil.example",
        },
    )
    assert answer.status == 302
    assert "evil.example" not in answer.headers.get("Location", "")


def test_ctrl_c_in_a_terminal_stops_a_streaming_show_without_a_traceback(
    tmp_path: Path, server: MediaServer
) -> None:
    # a terminal's Ctrl+C reaches the whole foreground group: the streaming child too
    err = tmp_path / "stderr.txt"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "KAIZEN_STREAM_KEY": server.key}
    show = tmp_path / "show.toml"  # 320x180: the demo presenter's loop drawn in seconds
    show.write_text(LIVE_SHOW)
    command = [sys.executable, "-m", "kaizen_studio", "live", "--camera", "demo"]
    command += ["--show", str(show), "--record", str(tmp_path / "take.mp4")]
    command += ["--stream", server.play_url]
    with err.open("wb") as stderr:
        process = subprocess.Popen(
            command, stdout=stderr, stderr=stderr, env=env, start_new_session=True
        )
        try:
            wait_until(
                lambda: "On air" in err.read_text(errors="replace"), timeout=240, what="On air"
            )
            os.killpg(process.pid, signal.SIGINT)
            process.wait(timeout=120)
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
    said = err.read_text(errors="replace")
    assert "Traceback" not in said and "reconnecting" not in said, said[-3000:]
