"""The screen page in headless Chromium, in real time, with the server's clock set by the
test: the hall plays the lunch playlist at 12:00 and the school loop at 13:01; an
announcement takes over and expires; a live show takes over and hands back; a network
cut (nginx stopped for 30 s) keeps the picture playing from what the screen has."""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest

from benchmarks.chromium import Chromium
from tests.channel_screens import COLOURS, LONDON, ScreenChannel
from tests.conditions import wait_until
from tests.serve_process import publisher

pytestmark = pytest.mark.timeout(400)
W, H = 640, 360
BODY = "document.body.dataset."
MOVES = (
    "(() => { const v = document.getElementById('media'); return !v.paused && v.currentTime; })()"
)
BOUND = 60.0


def said(browser: Chromium) -> str:
    return "the page's console: " + " | ".join(list(browser.console)[-12:])


def centre(browser: Chromium) -> np.ndarray:
    """The colour (RGB) at the middle of the screen, from an exact screenshot."""
    picture, _ = browser.screenshot(exact=True)
    return picture[H // 2, W // 2][::-1].astype(int)


def showing(browser: Chromium, colours: list[tuple[int, int, int]]) -> bool:
    return any(np.abs(centre(browser) - np.array(c)).max() < 40 for c in colours)


def moving(browser: Chromium, *, seconds: float = BOUND) -> bool:
    """True once the main video's time moves on (it plays, not a frozen frame)."""
    first = browser.evaluate(MOVES)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        now = browser.evaluate(MOVES)
        if isinstance(now, int | float) and now is not False and now != first:
            return True
        time.sleep(0.2)
    return False


LUNCH = [COLOURS[2], COLOURS[3]]  # the demo's "Lunchtime films": its middle third


def test_the_hall_plays_lunch_at_noon_and_the_school_loop_at_one(
    screens: ScreenChannel, tmp_path: Path
) -> None:
    screens.set_clock(datetime(2026, 12, 4, 12, 0, tzinfo=LONDON))
    with Chromium(tmp_path / "profile", width=W, height=H) as browser:
        browser.open(screens.screen_url(layout="main-ticker"))
        assert browser.wait_for(BODY + "playlist", "Lunchtime films", seconds=BOUND), said(browser)
        assert moving(browser), said(browser)
        assert showing(browser, LUNCH), f"{centre(browser)}; {said(browser)}"
        assert browser.evaluate(BODY + "sound") == "on"
        screens.set_clock(datetime(2026, 12, 4, 13, 1, tzinfo=LONDON))
        assert browser.wait_for(BODY + "playlist", "Our work", seconds=BOUND), said(browser)
        assert moving(browser), said(browser)
        # the screen reported in: the server's page lists it with what it plays
        screens.running.account("ms_seen", "teacher")
        teacher = screens.running.browser()
        signed = teacher.sign_in("ms_seen")
        assert signed.status == 302, signed
        row = "<td>hall-1</td><td>The hall</td>\n<td>Our work: Film"
        listed = lambda: row in teacher.get("/channel/schedule/screens/").text  # noqa: E731
        # the screen says what it plays at its next report (every 3 s), not at once
        wait_until(listed, timeout=BOUND, every=0.5, what="the Screens page to list hall-1")


def test_an_announcement_takes_over_every_screen_and_expires(
    screens: ScreenChannel, tmp_path: Path
) -> None:
    screens.set_clock(datetime(2026, 12, 4, 12, 10, tzinfo=LONDON))
    screens.running.account("mr_wet", "teacher")
    teacher = screens.running.browser()
    assert teacher.sign_in("mr_wet").status == 302
    with Chromium(tmp_path / "profile", width=W, height=H) as browser:
        browser.open(screens.screen_url(group="ks1", name="ks1-1"))
        assert browser.wait_for(BODY + "state", "timetable", seconds=BOUND), said(browser)
        made = teacher.post(
            "/channel/schedule/announce/", {"text": "Wet play today", "minutes": "1"}
        )
        assert made.status == 302
        assert browser.wait_for(BODY + "state", "announcement", seconds=BOUND), said(browser)
        assert browser.evaluate("document.getElementById('announcement').textContent") == (
            "Wet play today"
        )
        screens.set_clock(datetime(2026, 12, 4, 12, 12, tzinfo=LONDON))
        assert browser.wait_for(BODY + "state", "timetable", seconds=BOUND), said(browser)
        assert moving(browser), said(browser)


def test_a_live_show_takes_over_and_hands_back(screens: ScreenChannel, tmp_path: Path) -> None:
    screens.set_clock(datetime(2026, 12, 4, 12, 20, tzinfo=LONDON))
    with Chromium(tmp_path / "profile", width=W, height=H) as browser:
        browser.open(screens.screen_url(layout="main-ticker"))
        assert browser.wait_for(BODY + "playlist", "Lunchtime films", seconds=BOUND), said(browser)
        show = publisher(screens.running.nginx.publish_url, seconds=90)
        try:
            assert browser.wait_for(BODY + "state", "live", seconds=BOUND), said(browser)
            assert browser.wait_for(BODY + "liveplaying", "yes", seconds=BOUND), said(browser)
            assert showing(browser, [(0, 200, 0)]), f"{centre(browser)}; {said(browser)}"
        finally:
            show.terminate()
            show.wait(30)
        assert browser.wait_for(BODY + "state", "timetable", seconds=BOUND), said(browser)
        assert moving(browser), said(browser)
        assert showing(browser, LUNCH), f"{centre(browser)}; {said(browser)}"


def test_a_network_cut_keeps_the_picture_playing(screens: ScreenChannel, tmp_path: Path) -> None:
    screens.set_clock(datetime(2026, 12, 4, 12, 30, tzinfo=LONDON))
    with Chromium(tmp_path / "profile", width=W, height=H) as browser:
        browser.open(screens.screen_url(name="hall-cut", layout="main-ticker"))
        assert browser.wait_for(BODY + "playlist", "Lunchtime films", seconds=BOUND), said(browser)
        # both lunch films loaded (and the loop's six) before the cut
        assert browser.wait_for(BODY + "cached", "6", seconds=BOUND), said(browser)
        screens.running.nginx.stop()
        try:
            items, times, states = set(), [], set()
            cut = time.monotonic()
            while time.monotonic() - cut < 30:  # the length of the cut, not a wait
                items.add(browser.evaluate(BODY + "item"))
                times.append(browser.evaluate(MOVES))
                states.add(browser.evaluate(BODY + "state"))
                time.sleep(0.5)
            offline = browser.evaluate(BODY + "online")
        finally:
            screens.running.nginx.start()
        assert offline == "no", said(browser)
        assert states == {"timetable"}, said(browser)
        assert len(items) == 2, f"played {items} while cut off; {said(browser)}"  # 4 s films
        assert all(isinstance(t, int | float) and t is not False for t in times), times
        assert browser.wait_for(BODY + "online", "yes", seconds=BOUND), said(browser)
        assert moving(browser), said(browser)
