"""The server's live state, which screens read to switch to the show: ``school.json``
says live from the publish the key check allowed until nginx says it ended, never for a
refused one, and not after nginx was restarted."""

from __future__ import annotations

import json
import urllib.request
from typing import Any

from kaizen_studio.broadcast import MediaServer
from tests.conditions import wait_until
from tests.serve_process import publisher


def school(server: MediaServer) -> dict[str, Any]:
    with urllib.request.urlopen(server.page_url + "school.json", timeout=5) as answer:
        found: dict[str, Any] = json.loads(answer.read())
    return found


def test_school_json_says_live_from_publish_to_its_end(server: MediaServer) -> None:
    assert school(server) == {"school": "Our School", "live": False, "since": None}
    wrong = publisher(server.publish_url.replace("key=", "key=nope"), seconds=5)
    wrong.wait(60)
    assert server.refusals and not school(server)["live"]
    show = publisher(server.publish_url, seconds=60)
    try:
        wait_until(lambda: school(server)["live"], what="school.json to say live")
        assert server.live and school(server)["since"] > 0
    finally:
        show.terminate()
        show.wait(30)
    wait_until(lambda: not school(server)["live"], what="school.json to say the show ended")
    assert school(server)["since"] is None and not server.live


def test_a_restart_forgets_the_publishers_that_died_with_nginx(server: MediaServer) -> None:
    show = publisher(server.publish_url, seconds=60)
    try:
        wait_until(lambda: server.live, what="the show to go live")
        server.kill()  # nginx crashes: its on_publish_done never comes
        server.restart()
        assert not server.live and not school(server)["live"]
    finally:
        show.kill()
        show.wait(30)


def test_a_partner_schools_guest_stream_is_not_the_schools_show(server: MediaServer) -> None:
    guest = server.guests.add("Hawes Side")
    url = f"rtmp://127.0.0.1:{server.rtmp_port}/live/{guest.stream}?key={guest.key}"
    visitor = publisher(url, seconds=60)
    try:
        wait_until(
            lambda: any(name.startswith("guest-") for name in server.publishing()),
            what="the guest's publish to be allowed",
        )
        assert not server.live and not school(server)["live"]  # screens stay on the timetable
    finally:
        visitor.terminate()
        visitor.wait(30)
