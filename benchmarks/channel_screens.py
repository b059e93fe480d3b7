"""The school channel's screens (issue 16's numbers): live takeovers, timetable changes,
and 100 screens on one server while a show is live.

The channel runs as ``studio serve`` runs it (gunicorn behind nginx, SQLite) on loopback,
with the demo timetable on flat-coloured films and the clock set to Friday 12:30 (lunch).

1. Takeovers: the screen page in headless Chromium; ffmpeg publishes a show (as a studio
   does) and stops, N times. Switch = from ffmpeg's start to the live video playing on
   the page; back = from ffmpeg's end to the timetable's film playing again.
2. Timetable changes: a teacher places a dated playlist on the staff page (and removes
   it); the time until the page plays the new playlist.
3. 100 screens: simulated clients at a screen's rate (data.json every 3 s, school.json
   every second, the films once, the live HLS playlist every second and every new
   fragment) while a show is live; each client's fragments checked for gaps; the CPU time
   of nginx + gunicorn over the run.

``python -m benchmarks.channel_screens [--quick]`` prints the figures; :func:`run` returns
a markdown section.
"""

from __future__ import annotations

import argparse
import http.client
import re
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np

from benchmarks.channel_upload import children
from benchmarks.chromium import Chromium
from tests.channel_screens import LONDON, ScreenChannel, screen_channel
from tests.serve_process import publisher

BODY = "document.body.dataset."
LIVE = f"{BODY}state === 'live' && {BODY}liveplaying === 'yes'"
MOVING = f"{BODY}state === 'timetable' && {BODY}mediaplaying === 'yes'"


def _until(browser: Chromium, expression: str, value: object, *, seconds: float) -> float | None:
    """Monotonic time ``expression`` first equals ``value`` (polled every 50 ms), or None."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if browser.evaluate(expression) == value:
            return time.monotonic()
        time.sleep(0.05)
    return None


def takeovers(screens: ScreenChannel, profile: Path, count: int) -> tuple[list[float], list[float]]:
    """Seconds from publish start to the show on screen, and from its end to the
    timetable, for ``count`` takeovers (a failed one counts as 60 s)."""
    switch, back = [], []
    with Chromium(profile, width=640, height=360) as browser:
        browser.open(screens.screen_url(layout="main-ticker"))
        _until(browser, MOVING, True, seconds=60)
        for number in range(count):
            started = time.monotonic()
            show = publisher(screens.running.nginx.publish_url, seconds=60)
            on = _until(browser, LIVE, True, seconds=60)
            switch.append((on or started + 60) - started)
            time.sleep(2)  # the show runs a little
            show.terminate()
            show.wait(30)
            ended = time.monotonic()
            playing = _until(browser, MOVING, True, seconds=60)
            back.append((playing or ended + 60) - ended)
            print(f"takeover {number + 1}: switch {switch[-1]:.2f} s, back {back[-1]:.2f} s")
            time.sleep(1)
    return switch, back


def timetable_changes(screens: ScreenChannel, profile: Path, count: int) -> list[float]:
    """Seconds from a teacher's change on the staff page to the screen playing it."""
    screens.running.account("bench_teacher", "teacher")
    teacher = screens.running.browser()
    teacher.sign_in("bench_teacher")
    seconds = []
    with Chromium(profile, width=640, height=360) as browser:
        browser.open(screens.screen_url(name="bench-change"))
        _until(browser, BODY + "playlist", "Lunchtime films", seconds=60)
        for number in range(count):
            asked = time.monotonic()
            teacher.post(
                "/channel/schedule/place/",
                {"name": "Bench", "playlist": "3", "group": "1", "days": "4",
                 "start": "12:00", "end": "13:00", "first_day": "2026-12-04",
                 "last_day": "2026-12-04"},
            )  # fmt: skip
            seen = _until(browser, BODY + "playlist", "Home time", seconds=60)
            seconds.append((seen or asked + 60) - asked)
            pk = re.findall(r"/channel/schedule/placement/(\d+)/remove/", teacher.get(
                "/channel/schedule/").text)  # fmt: skip
            asked = time.monotonic()
            teacher.post(f"/channel/schedule/placement/{max(map(int, pk))}/remove/", {})
            seen = _until(browser, BODY + "playlist", "Lunchtime films", seconds=60)
            seconds.append((seen or asked + 60) - asked)
            print(f"change {number + 1}: {seconds[-2]:.2f} s there, {seconds[-1]:.2f} s back")
    return seconds


@dataclass
class Client:
    """One simulated screen: what it fetched and what it missed."""

    number: int
    fragments: int = 0
    missed: int = 0
    errors: int = 0
    media_bytes: int = 0
    seen: set[int] = field(default_factory=set)


def _get(connection: http.client.HTTPConnection, path: str) -> tuple[int, bytes]:
    connection.request("GET", path)
    answer = connection.getresponse()
    return answer.status, answer.read()


def screen_client(base: str, client: Client, films: list[str], stop: threading.Event) -> None:
    """A screen's requests at a screen's rate until ``stop``; gaps in the fragments it
    could fetch are counted as missed."""
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    for film in films:  # a screen loads its films once (kept as blobs)
        client.media_bytes += len(_get(connection, film)[1])
    tick = 0
    while not stop.wait(max(0.0, 1.0 - (time.monotonic() % 1.0))):
        try:
            _get(connection, "/school.json")
            if tick % 3 == client.number % 3:
                query = f"group=hall&name=sim-{client.number}&playing=Lunchtime%20films"
                _get(connection, f"/channel/screen/data.json?{query}")
            status, playlist = _get(connection, "/hls/show.m3u8")
            if status == 200:
                text = playlist.decode()
                found = re.search(r"#EXT-X-MEDIA-SEQUENCE:(\d+)", text)
                first = int(found.group(1)) if found else 0
                names = re.findall(r"^(\S+\.ts)$", text, re.M)
                for offset, name in enumerate(names):
                    sequence = first + offset
                    if sequence in client.seen:
                        continue
                    if _get(connection, f"/hls/{name}")[0] == 200:
                        client.seen.add(sequence)
                        client.fragments += 1
        except (OSError, http.client.HTTPException):
            client.errors += 1
            connection.close()
            connection = http.client.HTTPConnection(host, int(port), timeout=10)
        tick += 1
    if client.seen:
        low, high = min(client.seen), max(client.seen)
        client.missed = (high - low + 1) - len(client.seen)


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU seconds of the processes ``pids`` so far."""
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += (int(fields[11]) + int(fields[12])) / 100  # utime, stime in clock ticks
    return total


def hundred_screens(screens: ScreenChannel, *, count: int, seconds: float) -> dict[str, float]:
    running = screens.running
    data = running.browser().get("/channel/screen/data.json?group=hall&name=bench-films").text
    films = sorted(set(re.findall(r'"url": "([^"]+\.mp4)"', data)))
    show = publisher(running.nginx.publish_url, seconds=seconds + 60)
    try:
        time.sleep(6)  # the show's first fragments
        servers = [running.nginx.pid or 0, running.app.pid or 0]
        servers += children(running.app.pid or 0)
        clients = [Client(number) for number in range(count)]
        stop = threading.Event()
        threads = [
            threading.Thread(target=screen_client, args=(running.base, c, films, stop), daemon=True)
            for c in clients
        ]
        before, started = cpu_seconds(servers), time.monotonic()
        for thread in threads:
            thread.start()
        time.sleep(seconds)
        stop.set()
        for thread in threads:
            thread.join(30)
        cores = (cpu_seconds(servers) - before) / (time.monotonic() - started)
    finally:
        show.terminate()
        show.wait(30)
    return {
        "screens": count,
        "seconds": seconds,
        "fragments": float(np.mean([c.fragments for c in clients])),
        "missed": sum(c.missed for c in clients),
        "errors": sum(c.errors for c in clients),
        "cores": cores,
        "films_mb": sum(c.media_bytes for c in clients) / 1e6,
    }


def _p95(values: list[float]) -> float:
    return float(np.percentile(values, 95))


def run(*, quick: bool = False) -> str:
    count = 3 if quick else 20
    with tempfile.TemporaryDirectory(prefix="channel-screens-") as folder:
        root = Path(folder)
        with screen_channel(root / "channel") as screens:
            screens.set_clock(datetime(2026, 12, 4, 12, 30, tzinfo=LONDON))
            switch, back = takeovers(screens, root / "profile-a", count)
            changes = timetable_changes(screens, root / "profile-b", 2 if quick else 5)
            load = hundred_screens(screens, count=100, seconds=20.0 if quick else 60.0)
    print(load)
    rows = [
        f"| switch to the show (publish start → live video playing) | {len(switch)} | "
        f"{np.median(switch):.2f} s | {_p95(switch):.2f} s | {max(switch):.2f} s | 5 s |",
        f"| back to the timetable (publish end → film playing) | {len(back)} | "
        f"{np.median(back):.2f} s | {_p95(back):.2f} s | {max(back):.2f} s | 5 s |",
        f"| timetable change (staff page → screen plays it) | {len(changes)} | "
        f"{np.median(changes):.2f} s | {_p95(changes):.2f} s | {max(changes):.2f} s | 10 s |",
    ]
    verdicts = [
        ("switch p95 under 5 s", _p95(switch) < 5),
        ("back p95 under 5 s", _p95(back) < 5),
        ("timetable change under 10 s", max(changes) < 10),
        ("no simulated screen missed a fragment", load["missed"] == 0 and load["errors"] == 0),
        ("nginx + gunicorn under one core", load["cores"] < 1.0),
    ]
    return "\n".join(
        [
            "## The school channel's screens: takeovers, timetable changes, 100 screens",
            "",
            "The channel as `studio serve` runs it (gunicorn behind nginx, SQLite) on loopback; "
            "the screen page in Debian's Chromium, headless, in real time; ffmpeg publishing "
            "a 320x240 show with sound as a studio would (1 s HLS fragments). "
            + ("Quick run: 3 takeovers (the issue asks 20). " if quick else ""),
            "",
            "| what | times | median | p95 | worst | target |",
            "|---|---|---|---|---|---|",
            *rows,
            "",
            f"100 simulated screens for {load['seconds']:.0f} s while a show was live (each: "
            "the films once, data.json every 3 s, school.json, the HLS playlist and every new "
            f"fragment every second): {load['fragments']:.1f} fragments fetched per screen, "
            f"{load['missed']:.0f} missed, {load['errors']:.0f} errors; films "
            f"{load['films_mb']:.0f} MB in all; nginx + gunicorn used {load['cores']:.2f} of "
            "a core (the clients ran on the same 2 cores).",
            "",
            *[f"- {'PASS' if ok else 'FAIL'}: {what}" for what, ok in verdicts],
            "",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="3 takeovers, 20 s of load")
    print(run(quick=parser.parse_args().quick))


if __name__ == "__main__":
    main()
