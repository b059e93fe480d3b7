"""studio live --kidsmeet (commands typed to the running show) and --guest (a partner
school's stream in the recorded programme), run as a teacher runs them."""

from __future__ import annotations

import queue
import signal
import subprocess
import sys
import threading
from pathlib import Path

import av
import numpy as np
import pytest

from benchmarks.partner import COLOUR, Partner
from kaizen_studio.broadcast import MediaServer
from kaizen_studio.studio.cli import main
from kaizen_studio.studio.guest_look import BOXES, GuestLook
from tests.conditions import wait_until
from tests.conftest import guest_urls

SHOW = """\
title = "Kidsmeet"
fps = 25
size = "320x180"

[[scene]]
name = "Hall"
background = "#000000"
"""
ORDER = """\
name,year,school,title
Amira,4,Hawes Side,How volcanoes work
Tom,2,Layton,My pet snail
"""


def test_a_kidsmeet_is_driven_by_typed_commands(tmp_path: Path, take_clip: Path) -> None:
    show, order = tmp_path / "show.toml", tmp_path / "order.csv"
    show.write_text(SHOW, encoding="utf-8")
    order.write_text(ORDER, encoding="utf-8")
    command = [sys.executable, "-m", "kaizen_studio", "live", "--show", str(show)]
    command += ["--camera", str(take_clip), "--kidsmeet", str(order), "--seconds", "600"]
    process = subprocess.Popen(
        command,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    said: queue.Queue[str] = queue.Queue()
    lines: list[str] = []

    def read() -> None:
        for line in process.stdout or ():
            said.put(line)

    threading.Thread(target=read, daemon=True).start()

    def answer(typed: str, words: str) -> str:
        assert process.stdin is not None
        process.stdin.write(typed + "\n")
        process.stdin.flush()

        def heard() -> bool:
            while not said.empty():
                lines.append(said.get())
            return any(words in line for line in lines)

        wait_until(heard, what=f"{words!r} after {typed!r}")
        return next(line for line in lines if words in line)

    try:
        answer("help", "commands: pick")
        picked = answer("pick", "kidsmeet: picked")
        name = "Amira" if "Amira" in picked else "Tom"
        answer("start", f"kidsmeet: {name} is on")
        answer("dance", "'dance' is not a command")
        answer("break", "no recorded presentations were given")
        answer("start 9", "the running order has talks 1 to 2")
        answer("status", "1 on, 1 to go")
    finally:
        process.send_signal(signal.SIGINT)
        code = process.wait(timeout=60)
    assert code == 0


def test_a_running_order_with_a_mistake_stops_before_the_show(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    order = tmp_path / "order.csv"
    order.write_text(ORDER.replace("Tom,2", "Tom,8"), encoding="utf-8")
    assert main(["live", "--kidsmeet", str(order), "--seconds", "1"]) == 2
    err = capsys.readouterr().err
    assert f"{order}, line 3: year must be 1 to 6 (Year 1 to Year 6), not '8'" in err
    assert main(["live", "--guest", "hawes", "--seconds", "1"]) == 2
    assert "give the partner's stream address" in capsys.readouterr().err


def test_live_puts_the_guest_in_the_recorded_programme(
    tmp_path: Path, take_clip: Path, server: MediaServer
) -> None:
    show, out = tmp_path / "show.toml", tmp_path / "meet.mp4"
    show.write_text(SHOW, encoding="utf-8")
    url, publish = guest_urls(server, "Hawes Side")
    partner = Partner(publish, size=(320, 180))
    partner.start()
    try:
        wait_until(lambda: len(partner.sent) > 25, what="the partner to be publishing")
        command = ["live", "--show", str(show), "--camera", str(take_clip), "--record", str(out)]
        command += ["--guest", url, "--guest-name", "Hawes Side", "--guest-look", "beside"]
        code = main([*command, "--seconds", "6"])
    finally:
        partner.stop()
    assert code == 0
    x, y, w, h = BOXES[GuestLook.BESIDE].pixels((320, 180))
    with av.open(str(out)) as container:
        boxes = [
            f.to_ndarray(format="bgr24")[y + h // 4 : y + h // 2, x + 4 : x + w // 4]
            for f in container.decode(video=0)
        ]
    shown = [np.abs(b.reshape(-1, 3).mean(0) - COLOUR).max() < 40 for b in boxes]
    assert sum(shown) > 25, "the partner's pictures are in the box of the recording"
