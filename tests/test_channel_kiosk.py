"""``studio watch --screen URL``: Chromium in kiosk mode on a real X server (Xvfb) becomes
one of the channel's screens, reports in and plays; bad addresses get one line, exit 2."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from datetime import datetime

import pytest

from tests.channel_screens import LONDON, ScreenChannel
from tests.conditions import wait_until
from tests.serve_process import run_studio

pytestmark = [
    pytest.mark.timeout(300),
    pytest.mark.skipif(shutil.which("xvfb-run") is None, reason="needs Xvfb (make system-deps)"),
]


def test_a_kiosk_screen_reports_in_and_plays_its_timetable(screens: ScreenChannel) -> None:
    screens.set_clock(datetime(2026, 12, 4, 12, 5, tzinfo=LONDON))
    screens.running.account("mr_kiosk", "teacher")
    teacher = screens.running.browser()
    teacher.sign_in("mr_kiosk")
    url = screens.screen_url(name="kiosk-1")
    kiosk = subprocess.Popen(
        ["xvfb-run", "-a", "-s", "-screen 0 1280x720x24",
         sys.executable, "-m", "kaizen_studio", "watch", "--screen", url],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        start_new_session=True,
    )  # fmt: skip
    try:
        wait_until(
            lambda: (
                "<td>kiosk-1</td><td>The hall</td>\n<td>Lunchtime films: Film"
                in teacher.get("/channel/schedule/screens/").text
            ),
            timeout=120,
            what="the kiosk screen to report in playing the lunch films",
        )
        assert kiosk.poll() is None
    finally:
        os.killpg(kiosk.pid, signal.SIGTERM)
        kiosk.wait(30)


def test_a_screen_address_that_is_not_one_is_refused_in_one_line() -> None:
    for given, words in (
        ("ftp://school/screen", "needs the screen page's web address"),
        ("http://school:8080/library/", "is not a channel screen's address"),
        ("http://school:8080/channel/screen/", "names no screen group"),
    ):
        done = run_studio("watch", "--screen", given)
        assert done.returncode == 2 and words in done.stderr, done.stderr
        assert len(done.stderr.strip().splitlines()) == 1
