"""Scenes: a show's scene becomes a look; cut and fade; the presenter placed and sized."""

from __future__ import annotations

import time
from pathlib import Path

import cv2
import numpy as np

from keying import Keyer
from studio.backdrop import Backdrop
from studio.media import VideoFrame
from studio.overlays import Logo, LowerThird, Ticker
from studio.pipeline import Programme, placed
from studio.scenes import Look, look_for
from studio.show import Placement, read_show
from studio.sources import DemoPresenterSource

SHOW = """\
title = "Weather"
[[scene]]
name = "Weather map"
background = "#3C8CDC"
presenter = { x = 0.25, scale = 0.7 }
lower_third = { name = "Priya", role = "Weather" }
ticker = "news.txt"
logo = "logo.png"
live_badge = true
clock = true
"""


class Collector:
    def __init__(self) -> None:
        self.frames: list[VideoFrame] = []

    def start(self) -> None: ...

    def send(self, frame: VideoFrame) -> None:
        self.frames.append(frame)

    def stop(self) -> None: ...


def test_a_scene_becomes_a_look(tmp_path: Path) -> None:
    (tmp_path / "news.txt").write_text("Sunny all week\n", encoding="utf-8")
    logo = np.zeros((40, 40, 4), np.uint8)
    logo[..., 2], logo[..., 3] = 255, 200
    cv2.imwrite(str(tmp_path / "logo.png"), logo)
    (tmp_path / "show.toml").write_text(SHOW, encoding="utf-8")
    scene = read_show(tmp_path / "show.toml").scenes[0]
    look = look_for(scene, (320, 180))
    kinds = [type(o).__name__ for o in look.overlays]
    assert kinds == ["LowerThird", "Ticker", "Logo", "LiveBadge", "ClockOverlay"]
    assert look.placement == Placement(0.25, 0.7) and look.backdrop.still
    assert tuple(look.backdrop.at(0.0)[0, 0]) == (220, 140, 60)
    assert isinstance(look.overlays[2], Logo)


def test_placed_moves_and_shrinks_the_presenter() -> None:
    h, w = 100, 200
    alpha = np.zeros((h, w), np.uint8)
    alpha[40:, 90:110] = 255  # a presenter standing in the middle
    foreground = cv2.cvtColor(alpha, cv2.COLOR_GRAY2BGR)
    background = np.full((h, w, 3), 50, np.uint8)
    out = placed(foreground, alpha, background, x=0.25, scale=0.5)
    assert out[95, 100, 0] == 50  # gone from the middle
    assert out[95, 50, 0] == 255  # standing at a quarter across, feet on the floor
    assert out[50, 50, 0] == 50  # half as tall


def test_cut_and_fade_between_looks() -> None:
    size = (160, 90)
    red, blue = Backdrop("#DC3C3C", size, fit=True), Backdrop("#3C3CDC", size, fit=True)
    collector = Collector()
    programme = Programme(
        DemoPresenterSource(size=size, fps=25, loop_seconds=0.2), fps=25, keyer=Keyer(threads=1)
    )
    programme.add_output(collector)
    programme.show_look(Look(red, [LowerThird("Ali")]))
    programme.start()
    time.sleep(0.5)
    programme.show_look(Look(blue, [Ticker(["Fade to blue"])]), transition="fade", seconds=0.4)
    time.sleep(0.9)
    programme.close()
    corners = [int(f.image[2, 2, 2]) for f in collector.frames]  # red channel of the corner
    assert corners[0] > 200 and corners[-1] < 80
    assert any(80 < c < 200 for c in corners)  # on its way from red to blue: a fade
