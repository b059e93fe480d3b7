"""``studio serve --demo``: a newcomer's first channel, filled with demo films, a timetable
and widgets, served at once; a second start leaves it as it is."""

from __future__ import annotations

import json
import re
import urllib.request
from pathlib import Path

import pytest

from kaizen_studio.broadcast.server import free_port
from tests.serve_process import Serve

pytestmark = pytest.mark.timeout(400)


def get(url: str) -> tuple[int, str, bytes]:
    with urllib.request.urlopen(url, timeout=30) as answer:
        return answer.status, answer.headers.get("Content-Type", ""), answer.read()


def test_serve_demo_fills_the_channel_and_its_screens_play(tmp_path: Path) -> None:
    folder = tmp_path / "server"
    http_port = free_port()
    base = f"http://127.0.0.1:{http_port}"
    with Serve(folder, rtmp_port=free_port(), http_port=http_port, extra=("--demo",)) as serve:
        serve.wait_line("Demo content added: 6 films, 4 playlists, 3 screen groups", seconds=240)
        serve.running()
        status, _, body = get(f"{base}/channel/screen/data.json?group=hall&name=first")
        data = json.loads(body)
        assert status == 200 and data["layout"] == "main-side-ticker"
        assert {p["name"] for p in data["playlists"].values()} >= {"Our work"}
        assert [h["name"] for h in data["widgets"]["houses"]] == ["Ash", "Elm", "Oak", "Yew"]
        assert data["widgets"]["awards"][0]["title"] == "Star of the week"
        films = sorted({i["url"] for p in data["playlists"].values() for i in p["items"]})
        assert films, data
        status, kind, film = get(base + films[0])  # sent by nginx, a real MP4
        assert status == 200 and kind == "video/mp4" and film[4:8] == b"ftyp"
        page = get(f"{base}/channel/screen/?group=year6&name=y6")[2].decode()
        assert re.search(r'data-group="year6"', page)
        serve.stop()
    with Serve(folder, rtmp_port=free_port(), http_port=free_port(), extra=("--demo",)) as again:
        again.wait_line("already has playlists: the demo content is not added", seconds=240)
        again.stop()
