"""The timetable's and widgets' staff pages and the screens' data through the real nginx
and gunicorn, on the demo timetable with the clock the test sets: placing a playlist,
"what is on?", announcements, who may do what, the widgets, heartbeats."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import cv2
import numpy as np
import pytest

from tests.channel_screens import LONDON, ScreenChannel
from tests.channel_site import multipart
from tests.conditions import wait_until
from tests.feed_files import serve_feeds

pytestmark = pytest.mark.timeout(300)
FRIDAY_NOON = datetime(2026, 12, 4, 12, 0, tzinfo=LONDON)


def data(screens: ScreenChannel, query: str = "group=hall&name=hall-1") -> dict[str, object]:
    answer = screens.running.browser().get(f"/channel/screen/data.json?{query}")
    assert answer.status == 200, answer.text
    found: dict[str, object] = json.loads(answer.text)
    return found


def test_what_is_on_the_hall_at_a_quarter_past_twelve_on_friday(screens: ScreenChannel) -> None:
    screens.running.account("leader_what", "digital_leader")
    pupil = screens.running.browser()
    pupil.sign_in("leader_what")
    answer = pupil.get("/channel/schedule/whats-on/?group=hall&day=2026-12-04&time=12:15")
    assert answer.status == 200
    assert "On <b>The hall</b>:\n<b>Lunchtime films</b>" in answer.text
    assert "Friday 04 Dec 2026 12:15 GMT: Lunch: Mon, Tue, Wed, Thu, Fri 12:00-13:00" in answer.text
    after = pupil.get("/channel/schedule/whats-on/?group=ks1&day=2026-12-04&time=12:15")
    assert "<b>Our work</b>" in after.text  # the school loop: lunch is placed on the hall only
    assert "An announcement beats everything until it expires" in after.text


def test_a_teacher_places_a_playlist_and_a_digital_leader_cannot(screens: ScreenChannel) -> None:
    screens.running.account("leader_no", "digital_leader")
    pupil = screens.running.browser()
    pupil.sign_in("leader_no")
    assert pupil.get("/channel/schedule/").status == 403
    refused = pupil.post("/channel/schedule/announce/", {"text": "No school!", "minutes": "60"})
    assert refused.status == 403 and "may not schedule playlists" in refused.text
    assert pupil.get("/channel/widgets/").status == 403
    screens.running.account("mr_place", "teacher")
    teacher = screens.running.browser()
    teacher.sign_in("mr_place")
    page = teacher.get("/channel/schedule/")
    assert page.status == 200 and "Registration" in page.text
    backwards = teacher.post(
        "/channel/schedule/place/",
        {"name": "Assembly", "playlist": "1", "group": "", "days": "4",
         "start": "10:00", "end": "09:00", "first_day": "", "last_day": ""},
    )  # fmt: skip
    assert backwards.status == 400 and "must end after it starts" in backwards.text
    placed = teacher.post(
        "/channel/schedule/place/",
        {"name": "Assembly theme", "playlist": "1", "group": "", "days": "4",
         "start": "09:30", "end": "10:00", "first_day": "2026-12-04", "last_day": "2026-12-04"},
    )  # fmt: skip
    assert placed.status == 302
    answer = teacher.get("/channel/schedule/whats-on/?group=year6&day=2026-12-04&time=09:45")
    assert "<b>Morning welcome</b>" in answer.text and "(dated placement)" in answer.text
    log = screens.running.browser()
    screens.running.account("head_log", "administrator")
    log.sign_in("head_log")
    assert "mr_place</td><td>placed</td>" in log.get("/channel/accounts/audit/").text


def test_screens_report_in_and_the_page_lists_them(screens: ScreenChannel) -> None:
    screens.set_clock(FRIDAY_NOON)
    got = data(screens, "group=hall&name=hall-2&playing=Lunchtime%20films%3A%20Film%203")
    plan = got["plan"]
    assert isinstance(plan, list) and plan[0]["label"] == "Lunch"
    assert got["layout"] == "main-side-ticker"
    missing = screens.running.browser().get("/channel/screen/data.json?group=gym")
    assert missing.status == 404 and "no screen group 'gym'" in missing.text
    screens.running.account("mrs_screens", "teacher")
    teacher = screens.running.browser()
    teacher.sign_in("mrs_screens")
    page = teacher.get("/channel/schedule/screens/")
    assert "<td>hall-2</td><td>The hall</td>\n<td>Lunchtime films: Film 3</td>" in page.text


def test_widgets_reach_the_screens_and_are_audited(screens: ScreenChannel) -> None:
    screens.running.account("ms_widgets", "teacher")
    teacher = screens.running.browser()
    teacher.sign_in("ms_widgets")
    page = teacher.get("/channel/widgets/")
    assert page.status == 200 and "House points" in page.text
    before = data(screens)
    assert teacher.post("/channel/widgets/house/1/points/", {"points": "999"}).status == 302
    assert teacher.post("/channel/widgets/house/1/points/", {"points": "-4"}).status == 400
    made = teacher.post("/channel/widgets/add/sports/", {"text": "Football: we won 3-1",
                                                        "until": "2026-12-31"})  # fmt: skip
    assert made.status == 302

    def shown() -> bool:
        widgets = data(screens)["widgets"]
        assert isinstance(widgets, dict)
        return 999 in [h["points"] for h in widgets["houses"]]

    wait_until(shown, timeout=30, what="the new house points in the screens' data")
    after = data(screens)
    assert after["version"] != before["version"]
    widgets = after["widgets"]
    assert isinstance(widgets, dict) and "Football: we won 3-1" in widgets["sports"]
    assert [b["name"] for b in widgets["birthdays"]] == ["Amira", "Tom"]
    log = teacher.get("/channel/accounts/audit/").text
    assert "ms_widgets</td><td>set the points (412 -&gt; 999) of</td><td>House #1 &quot;Oak" in log


def test_the_class_blogs_reach_the_ticker_and_a_hostile_feed_is_refused(
    screens: ScreenChannel, tmp_path: Path
) -> None:
    screens.running.account("mr_blogs", "teacher")
    teacher = screens.running.browser()
    assert teacher.sign_in("mr_blogs").status == 302
    with serve_feeds(tmp_path) as feeds:
        for form, name in (("Year 3", "year3"), ("Year 6", "year6"), ("Year 4", "laughs")):
            added = teacher.post("/channel/widgets/add/feed/",
                                 {"class_name": form, "url": f"{feeds}/{name}.xml"})  # fmt: skip
            assert added.status == 302, added.text

        def ticker() -> list[str]:
            widgets = data(screens)["widgets"]
            assert isinstance(widgets, dict)
            return list(widgets["ticker"])

        wait_until(lambda: len(ticker()) == 3, timeout=60, what="the blogs' headlines")
        wait_until(
            lambda: "which are refused" in teacher.get("/channel/widgets/").text,
            timeout=60,
            what="the hostile feed's refusal on the widgets page",
        )
    assert ticker() == [
        "Year 3: Sports day",
        "Year 3: Our trip to the farm",
        "Year 6: Our Viking longboat",
    ]
    page = teacher.get("/channel/widgets/").text
    assert "entities or external references, which are refused" in page
    assert "2 headlines, read" in page


def test_the_school_logo_is_redrawn_for_the_screens(screens: ScreenChannel) -> None:
    screens.running.account("ms_logo", "teacher")
    teacher = screens.running.browser()
    assert teacher.sign_in("ms_logo").status == 302

    def send(name: str, content: bytes) -> int:
        fields = {"csrfmiddlewaretoken": teacher.token()}
        boundary, body = multipart(fields, "logo", name, [content])
        headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        return teacher.request(
            "/channel/widgets/logo/", data=b"".join(body), headers=headers
        ).status

    assert send("logo.png", b"MZ\x90\x00 a program, not a picture") == 400
    drawn = np.zeros((400, 600, 3), np.uint8)
    drawn[:] = (40, 120, 200)
    assert send("logo.png", cv2.imencode(".png", drawn)[1].tobytes()) == 302
    answer = screens.running.browser().get("/channel/widgets/logo.png")  # screens: no sign-in
    assert answer.status == 200 and answer.headers["Content-Type"] == "image/png"
    logo = cv2.imdecode(np.frombuffer(answer.body, np.uint8), cv2.IMREAD_COLOR)
    assert logo is not None and logo.shape == (171, 256, 3)
    assert tuple(logo[80, 120]) == (40, 120, 200)
