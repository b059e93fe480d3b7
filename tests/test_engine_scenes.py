"""Scenes: a show's scene becomes a look; cut and fade; the presenter placed and sized."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from kaizen_studio.core.fake_clock import FakeClock
from kaizen_studio.keying import Keyer
from kaizen_studio.studio.backdrop import Backdrop
from kaizen_studio.studio.overlays import Logo, LowerThird, Ticker
from kaizen_studio.studio.pipeline import Programme
from kaizen_studio.studio.placement import placed
from kaizen_studio.studio.programme_look import Transition
from kaizen_studio.studio.scenes import Look, look_for
from kaizen_studio.studio.show import Placement, read_show
from kaizen_studio.studio.sources import StillSource
from kaizen_studio.studio.synthetic import SceneSpec, render_scene
from tests.conditions import step
from tests.engine_parts import Collector

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
    assert look.placement == Placement(x=0.25, scale=0.7) and look.backdrop.still
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
    clock = FakeClock(1.0)
    green = render_scene(SceneSpec(seed=1), t=0.0, size=size).image
    programme = Programme(
        StillSource(green, clock=clock), fps=25, keyer=Keyer(threads=1), clock=clock
    )
    programme.add_output(collector)
    programme.show_look(Look(red, [LowerThird("Ali")]))
    programme.start()
    step(clock, times=5)  # five ticks
    programme.show_look(
        Look(blue, [Ticker(["Fade to blue"])]), transition=Transition.FADE, seconds=0.4
    )
    step(clock, times=15)  # the 0.4 s fade (ten ticks) and after
    clock.release()
    programme.close()
    corners = [int(f.image[2, 2, 2]) for f in collector.frames]  # red channel of the corner
    assert min(corners[:5]) > 200 and corners[19] < 80  # red, then blue
    fading = corners[5:16]
    assert np.all(np.diff(fading) < 0) and all(80 < c < 200 for c in fading[2:-2])  # a fade


def test_placed_only_in_the_presenters_box_makes_the_pixels_of_the_whole_picture() -> None:
    from kaizen_studio.keying.composite import add_background

    h, w = 180, 320
    rng = np.random.default_rng(7)
    alpha = np.zeros((h, w), np.uint8)
    alpha[60:, 130:190] = rng.integers(1, 256, (120, 60), dtype=np.uint8)  # soft edges too
    alpha[100:110, 120:130] = 128  # an arm
    foreground = cv2.multiply(
        rng.integers(0, 256, (h, w, 3), dtype=np.uint8),
        cv2.cvtColor(alpha, cv2.COLOR_GRAY2BGR),
        scale=1.0 / 255.0,
    )
    background = rng.integers(0, 256, (h, w, 3), dtype=np.uint8)
    for x, scale in ((0.5, 1.0), (0.25, 0.5), (0.72, 0.9), (0.0, 0.3), (1.0, 2.0), (0.6, 1.37)):
        shift = (x - 0.5) * w
        move = np.array(
            [[scale, 0, (1 - scale) * w / 2 + shift], [0, scale, (1 - scale) * h]], np.float32
        )
        matte = cv2.warpAffine(alpha, move, (w, h), flags=cv2.INTER_LINEAR)
        subject = cv2.warpAffine(foreground, move, (w, h), flags=cv2.INTER_LINEAR)
        rest = cv2.cvtColor(cv2.bitwise_not(matte), cv2.COLOR_GRAY2BGR)
        whole = add_background(subject, background, rest, out=np.empty_like(subject))
        out = placed(foreground, alpha, background, x=x, scale=scale)
        assert np.abs(out.astype(int) - whole.astype(int)).max() <= 1, (x, scale)
    nobody = placed(foreground, np.zeros_like(alpha), background, x=0.3, scale=0.8)
    assert np.array_equal(nobody, background) and nobody is not background
