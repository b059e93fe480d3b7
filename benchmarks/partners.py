"""Partner schools on loopback: our show relayed by nginx to four schools, one hop further.

Five schools, each a :class:`broadcast.MediaServer` (nginx with its own folder and ports,
as ``studio serve`` runs it): ours relays the show (``push``, :mod:`broadcast.partners`)
to the guest stream each of the four gave us a key for; school 1 passes it on to school
2 as a second hop (``relay = "guest-kaizen"``: the relay tree). The show, 1280x720 15 fps
with sound, carries its frame number drawn as a black/white code
(:func:`benchmarks.latency.stamp`); a player (:class:`broadcast.StreamReader`, the code of
``studio watch``) decodes each school's RTMP stream, and one school's HLS, all in a
process of their own (a school's screens are other machines). Each hop's
delay is the time a frame is decoded at the school minus the time the same frame is
decoded from the server before it (decoding costs the same on both sides); glass to glass
is from the frame handed to the encoder. Then relays come and go: school 4 is killed and
started again, then school 1 (the hub of the second hop); meanwhile every other player's
longest wait between two frames is kept, and the show's dropped frames are counted.
``python -m benchmarks.partners [--seconds S]`` prints the figures; :func:`run` returns a
markdown section.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import tempfile
import threading
import time
from dataclasses import dataclass
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Event
from pathlib import Path

import cv2
import numpy as np

from benchmarks.hls_latency import clean_stamp, play_stamped
from kaizen_studio.broadcast import BroadcastOutput, MediaServer, StreamReader
from kaizen_studio.broadcast.guests import GuestBook
from kaizen_studio.broadcast.partners import Partner
from kaizen_studio.broadcast.relays import fetch_stat, parse_status
from kaizen_studio.broadcast.server import free_port
from kaizen_studio.core.media import VideoFrame

W, H, FPS = 1280, 720, 15
KEY = "bench-school-key"
TARGET = 0.300
"""Seconds each RTMP hop may add."""
OUTAGE = 5.0
COME_BACK = 10.0
"""Seconds a restarted school is given to get the show again before the next is killed."""


class Player:
    """A StreamReader that notes when each numbered frame was decoded."""

    def __init__(self, url: str) -> None:
        self.seen: dict[int, float] = {}
        self.times: list[float] = []
        self.reader = StreamReader(url, on_frame=self._frame, retry=0.2)

    def _frame(self, frame: VideoFrame) -> None:
        self.times.append(frame.pts)
        number = clean_stamp(frame.image)
        if number is not None:
            self.seen.setdefault(number, frame.pts)


@dataclass(frozen=True, kw_only=True)
class Seen:
    """What one player saw: when each numbered frame was decoded, and every frame's time."""

    seen: dict[int, float]
    times: list[float]

    def first_after(self, moment: float) -> float:
        """Seconds from ``moment`` to the first frame after it (nan: none)."""
        return min((t - moment for t in self.times if t > moment), default=float("nan"))

    def longest_gap(self, start: float, end: float) -> float:
        inside = [start] + [t for t in self.times if start < t < end] + [end]
        return float(max(np.diff(inside)))


def _watch(urls: dict[str, str], stop: Event, out: Queue[dict[str, Seen]]) -> None:
    """In a process of its own, as a school's screens are on other machines: play each
    of ``urls`` until ``stop``; put what each saw in ``out``."""
    players = {name: Player(url) for name, url in urls.items()}
    for player in players.values():
        player.reader.start()
    stop.wait()
    for player in players.values():
        player.reader.stop()
    out.put({n: Seen(seen=p.seen, times=p.times) for n, p in players.items()})


def school(folder: Path, *, guests: tuple[str, ...] = ("Kaizen",)) -> tuple[Path, dict[str, str]]:
    """A school's folder with guest keys for ``guests``; the keys by guest stream."""
    folder.mkdir(parents=True)
    book = GuestBook(folder)
    return folder, {guest.stream: guest.key for guest in map(book.add, guests)}


@dataclass(frozen=True, kw_only=True)
class Measured:
    """What one run saw: each player, when each frame was sent, when each part began
    and ended (steady, relays coming and going, quiet again: the control), each killed
    school's moment of death and seconds until back in its player, the frames the show's
    encoder dropped in each part and those our nginx dropped for the relays."""

    players: dict[str, Seen]
    sent_at: dict[int, float]
    parts: dict[str, tuple[float, float]]
    killed_at: dict[str, float]
    restarted_at: dict[str, float]
    back_after: dict[str, float]
    dropped: dict[str, int]
    drops: list[tuple[float, int]]
    """The encoder's dropped frames so far, noted twice a second: (time, count)."""
    relays_dropped: int
    relayed_at_end: dict[str, bool]
    """Each school by our nginx's statistics: relay connected and its nginx receiving."""
    load: float


def measure(seconds: float) -> Measured:
    sent_at: dict[int, float] = {}
    stop = threading.Event()
    with tempfile.TemporaryDirectory() as base:
        root = Path(base)
        folders = [school(root / f"school{i}", guests=("Kaizen", "School 1")) for i in (1, 2, 3, 4)]
        ports = [(free_port(), free_port()) for _ in range(5)]
        guest_url = [f"rtmp://127.0.0.1:{rtmp}/live/" for rtmp, _ in ports[1:]]
        s1 = MediaServer(
            folders[0][0],
            key=KEY,
            rtmp_port=ports[1][0],
            http_port=ports[1][1],
            partners=(
                Partner(
                    name="School 2 (second hop)",
                    url=guest_url[1] + "guest-school-1",
                    key=folders[1][1]["guest-school-1"],
                    relay="guest-kaizen",
                ),
            ),
        )
        others = [
            MediaServer(
                folders[i][0], key=KEY, rtmp_port=ports[i + 1][0], http_port=ports[i + 1][1]
            )
            for i in (1, 2, 3)
        ]
        schools = [s1, *others]
        us = MediaServer(
            root / "us",
            key=KEY,
            rtmp_port=ports[0][0],
            http_port=ports[0][1],
            partners=tuple(
                Partner(
                    name=f"School {i + 1}",
                    url=guest_url[i] + "guest-kaizen",
                    key=folders[i][1]["guest-kaizen"],
                )
                for i in range(4)
            ),
        )
        for server in (*schools, us):
            server.start()
        urls = {"ours": us.play_url}
        for i, server in enumerate(schools, 1):
            urls[f"school {i}"] = f"rtmp://127.0.0.1:{server.rtmp_port}/live/guest-kaizen"
        urls["school 2 via 1"] = f"rtmp://127.0.0.1:{ports[2][0]}/live/guest-school-1"
        urls["school 3 HLS"] = f"http://127.0.0.1:{ports[3][1]}/hls/guest-kaizen.m3u8"
        spawn = multiprocessing.get_context("spawn")
        stop_players, records = spawn.Event(), spawn.Queue()
        watcher = spawn.Process(target=_watch, args=(urls, stop_players, records), name="players")
        output = BroadcastOutput(
            stream=us.publish_url, width=W, height=H, fps=FPS, video_bitrate=2_000_000
        )
        output.start()

        def show() -> None:
            # smooth blobs moving sideways: a picture like a class's, not noise, so the
            # machine's two cores are spent on seven players, not on encoding static
            blobs = np.random.default_rng(0).integers(60, 190, (9, 16, 3), np.uint8)
            background = cv2.resize(blobs, (W, H), interpolation=cv2.INTER_CUBIC)
            play_stamped(output, background, fps=FPS, sent_at=sent_at, stop=stop)

        feeder = threading.Thread(target=show, name="show")
        feeder.start()
        killed_at: dict[str, float] = {}
        back_at: dict[str, float] = {}
        players: dict[str, Seen] = {}
        drops: list[tuple[float, int]] = []
        try:
            watcher.start()
            parts, dropped = {}, {}
            began, before = time.monotonic(), 0

            def wait(seconds: float) -> None:  # noting the encoder's drops twice a second
                end = time.monotonic() + seconds
                while time.monotonic() < end:
                    time.sleep(0.5)
                    drops.append((time.monotonic(), output.stream_stats().frames_dropped))

            wait(seconds)  # everyone up: the delays
            parts["steady"], began = (began, time.monotonic()), time.monotonic()
            dropped["steady"] = before = output.stream_stats().frames_dropped
            for name, server in (("school 4", schools[3]), ("school 1", schools[0])):
                killed = time.monotonic()
                server.kill()  # a crash at that school
                wait(OUTAGE)
                server.restart()
                killed_at[name], back_at[name] = killed, time.monotonic()
                wait(COME_BACK)
            parts["moving"], began = (began, time.monotonic()), time.monotonic()
            dropped["moving"] = output.stream_stats().frames_dropped - before
            before += dropped["moving"]
            wait(2 * (OUTAGE + COME_BACK))  # the control: as long, nothing happens
            parts["quiet"] = (began, time.monotonic())
            dropped["quiet"] = output.stream_stats().frames_dropped - before
            health = parse_status(fetch_stat(us.stat_url), us.partners)
            receiving = {
                f"school {i}": bool(parse_status(fetch_stat(server.stat_url), ()).guests)
                for i, server in enumerate(schools, 1)
            }
        finally:
            stop.set()
            feeder.join()
            output.close()
            stop_players.set()
            players = records.get(timeout=60)
            watcher.join(timeout=30)
            for server in (us, *schools):
                server.stop()
    return Measured(
        players=players,
        sent_at=sent_at,
        parts=parts,
        killed_at=killed_at,
        restarted_at=back_at,
        back_after={name: players[name].first_after(t) for name, t in back_at.items()},
        dropped=dropped,
        drops=drops,
        load=os.getloadavg()[0],
        relays_dropped=sum(relay.dropped for relay in health.relays),
        relayed_at_end={
            name: relay.connected and receiving[name]
            for name, relay in zip(receiving, health.relays, strict=True)
        },
    )


def _drops_within(drops: list[tuple[float, int]], moment: float, seconds: float) -> int:
    """Frames the encoder dropped from ``moment`` to ``seconds`` after it."""
    before = max((n for t, n in drops if t <= moment), default=0)
    after = max((n for t, n in drops if t <= moment + seconds), default=0)
    return after - before


def _back(seconds: float) -> str:
    if seconds != seconds:  # nan: no frame after the restart
        return "its player had no picture again before the end of the run"
    return f"back in its player {seconds:.1f} s after it restarted"


def _missed(player: Seen, start: float, end: float) -> int:
    """Frames missing between the first and last numbered frame decoded in a part."""
    numbers = sorted(n for n, t in player.seen.items() if start <= t < end)
    return numbers[-1] - numbers[0] + 1 - len(numbers) if numbers else -1


def _ms(values: list[float]) -> str:
    if not values:
        return "none read"
    ordered = sorted(values)
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
    return f"{statistics.median(ordered) * 1000:.0f} ms (p95 {p95 * 1000:.0f})"


def run(*, quick: bool = False, seconds: float | None = None) -> str:
    """Measure and print; return a markdown section."""
    length = seconds if seconds is not None else (20.0 if quick else 60.0)
    r = measure(length)
    players, sent_at, steady_end = r.players, r.sent_at, r.parts["steady"][1]
    steady = {
        name: {n: t for n, t in p.seen.items() if t < steady_end} for name, p in players.items()
    }
    ours = steady["ours"]

    def hop(name: str, before: dict[int, float]) -> list[float]:
        return [t - before[n] for n, t in steady[name].items() if n in before]

    rows, worst = [], 0.0
    for name, before, what in (
        *((f"school {i}", ours, "ours → school (RTMP)") for i in (1, 2, 3, 4)),
        ("school 2 via 1", steady["school 1"], "school 1 → school 2 (second hop)"),
        ("school 3 HLS", steady["school 3"], "school 3's HLS after its RTMP"),
    ):
        added = hop(name, before)
        g2g = [t - sent_at[n] for n, t in steady[name].items() if n in sent_at]
        if "HLS" not in name:
            worst = max(worst, statistics.median(added) if added else float("inf"))
        rows.append(f"| {name} | {what} | {_ms(added)} | {_ms(g2g)} | {len(steady[name])} |")
        print(rows[-1], flush=True)
    own = [t - sent_at[n] for n, t in ours.items() if n in sent_at]
    reached = sum(1 for i in (1, 2, 3, 4) if steady[f"school {i}"])
    at_end = ", ".join(f"{k} {'yes' if v else 'NO'}" for k, v in r.relayed_at_end.items())
    isolation = []
    lost = {name for name, seconds in r.back_after.items() if seconds != seconds}  # nan
    for name, spared in (("school 4", {"school 4"}), ("school 1", {"school 1", "school 2 via 1"})):
        since = r.killed_at[name]
        until = since + OUTAGE + COME_BACK
        gaps = {  # a school killed before and not back yet is not asked again
            other: p.longest_gap(since, until)
            for other, p in players.items()
            if other not in spared | lost and "HLS" not in other
        }
        largest = max(gaps.values())
        each = ", ".join(f"{k} {v * 1000:.0f}" for k, v in gaps.items())
        isolation.append(
            f"- {name} killed for {OUTAGE:.0f} s: {_back(r.back_after[name])}; longest wait "
            "between two frames at every other player "
            f"{largest * 1000:.0f} ms ({each})"
        )
        print(isolation[-1], flush=True)
    near = []
    for name, killed in r.killed_at.items():
        for what, moment in (("killed", killed), ("restarted", r.restarted_at[name])):
            near.append(f"{name} {what}: {_drops_within(r.drops, moment, 3.0)}")
    missed = {part: _missed(players["ours"], *r.parts[part]) for part in r.parts}
    dropped, missing = r.dropped["moving"], missed["moving"]
    verdict_hop = "PASS" if worst < TARGET else "FAIL"
    verdict_reach = "PASS" if reached == 4 else "FAIL"
    verdict_drop = "PASS" if dropped == 0 and missing == 0 and r.relays_dropped == 0 else "FAIL"
    summary = (
        f"- {verdict_hop}: each RTMP hop adds under {TARGET * 1000:.0f} ms (worst median "
        f"{worst * 1000:.0f} ms)\n- {verdict_reach}: the show reached {reached} of 4 schools\n"
        f"- {verdict_drop}: while relays came and went the show's encoder dropped {dropped} "
        f"frames, our own player missed {missing}, our nginx dropped {r.relays_dropped} for "
        "the relays\n\n| part | the encoder dropped | our own player missed |\n|---|---|---|\n"
        + "".join(f"| {p} | {r.dropped[p]} | {missed[p]} |\n" for p in r.parts)
        + f"\nAt the end, relay connected and the school's nginx receiving: {at_end}.\n"
        + f"\nThe encoder's drops in the 3 s after each event: {'; '.join(near)}. "
        "The quiet part is the control: as long as the one with relays coming and going, "
        f"nothing killed. Load average at the end {r.load:.1f} on {os.cpu_count()} cores.\n"
    )
    print(f"our own player, glass to glass: {_ms(own)}\n{summary}", flush=True)
    return (
        "## Partner schools: the show relayed by nginx to four schools on loopback\n\n"
        f"Five nginx servers on loopback (one per school), {W}x{H} at {FPS} fps with sound "
        "at 2 Mbit/s (x264 zerolatency), our server pushing to four, school 1 passing it "
        "on to school 2; a `studio watch` player decodes each. A hop's delay is a frame's "
        "decode time at the school minus at the server before it; glass to glass from the "
        "frame handed to "
        f"the encoder. {length:.0f} s steady, then schools killed and restarted.\n\n"
        "| player | hop | delay the hop adds | glass to glass | frames read |\n"
        "|---|---|---|---|---|\n" + "\n".join(rows) + "\n\n"
        f"Our own server's player, glass to glass: {_ms(own)}.\n\n"
        + "\n".join(isolation)
        + "\n\n"
        + summary
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--seconds", type=float, default=60.0, help="steady seconds")
    run(seconds=parser.parse_args().seconds)
