"""Kidsmeet mode: the running order (its mistakes named with the line and the fix), the
presenter's timer on the fake clock, picking at random with the spinning names, the lower
third and the break's recorded presentations on a real programme."""

from __future__ import annotations

import random
from pathlib import Path

import cv2
import numpy as np
import pytest

from kaizen_studio.core.clock import Clock
from kaizen_studio.core.errors import InputError
from kaizen_studio.core.fake_clock import FakeClock
from kaizen_studio.core.media import Image
from kaizen_studio.studio.backdrop import Backdrop
from kaizen_studio.studio.kidsmeet.breaks import BreakVideos, FolderPlaylist
from kaizen_studio.studio.kidsmeet.meet import Kidsmeet, MeetState
from kaizen_studio.studio.kidsmeet.order import RunningOrder, Talk, read_order
from kaizen_studio.studio.kidsmeet.pick import SPIN_SECONDS, PickAnimation
from kaizen_studio.studio.kidsmeet.timer import (
    TalkTimer,
    TimerColour,
    TimerReading,
    draw_badge,
    timer_picture,
)
from kaizen_studio.studio.kidsmeet.typed import apply
from kaizen_studio.studio.output_link import LatestPicture
from kaizen_studio.studio.overlays import LowerThird
from kaizen_studio.studio.pipeline import Programme
from kaizen_studio.studio.scenes import Look
from kaizen_studio.studio.sound import ShowSound
from kaizen_studio.studio.sources import StillSource
from tests.conditions import step, wait_until
from tests.media_files import number, numbered_clip

ORDER = """title = "Spring kidsmeet"
minutes = 7

[[talk]]
name = "Amira"
year = 4
school = "Hawes Side"
title = "How volcanoes work"

[[talk]]
name = "Tom"
year = "Year 2"
school = "Layton"
title = "My pet snail"

[[talk]]
name = "Priya"
year = 6
school = "Kew Road"
title = "Coding a robot"
"""


def order_file(tmp_path: Path, text: str, name: str = "kidsmeet.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_running_order_reads_from_toml_and_csv(tmp_path: Path) -> None:
    order = read_order(order_file(tmp_path, ORDER))
    assert [t.name for t in order.talks] == ["Amira", "Tom", "Priya"]
    assert order.talks[1].year == 2 and order.minutes == 7
    csv = 'name,year,school,title\nAmira,4,Hawes Side,"Volcanoes, and why"\nTom,Y2,Layton,Snails\n'
    from_csv = read_order(order_file(tmp_path, csv, "order.csv"))
    assert from_csv.talks[0] == Talk(
        name="Amira", year=4, school="Hawes Side", title="Volcanoes, and why"
    )


@pytest.mark.parametrize(
    ("name", "text", "words"),
    [
        ("k.toml", ORDER.replace("year = 6", "year = 7"), "line 18: talk 3: year must be 1 to 6"),
        ("k.toml", ORDER.replace('name = "Tom"\n', ""), "line 10: talk 2: the talk needs a name"),
        ("k.toml", ORDER.replace("minutes = 7", "minutes = 90"), "line 2: minutes must be 1 to 30"),
        ("k.toml", ORDER + "colour = 3\n", "talk 3: unknown field 'colour'"),
        ("k.csv", "name,year,school\nA,1,B\n", "line 1: the first line must be the heading"),
        ("k.csv", "name,year,school,title\nA,1,B,C\nD,9,E,F\n", "line 3: year must be 1 to 6"),
        ("k.csv", "name,year,school,title\nA,1,B,C,D\n", "line 2: 5 cells; a talk has 4"),
        ("k.txt", "x", "a running order is a .toml or a .csv file"),
    ],
)
def test_running_order_mistakes_name_the_line_and_the_fix(
    tmp_path: Path, name: str, text: str, words: str
) -> None:
    with pytest.raises(InputError) as caught:
        read_order(order_file(tmp_path, text, name))
    assert words in str(caught.value)


def test_the_timer_is_green_then_amber_then_red_and_flashing(tmp_path: Path) -> None:
    clock = FakeClock()
    timer = TalkTimer(clock, seconds=7 * 60.0)
    assert timer.reading().colour is TimerColour.IDLE
    timer.start("Amira")
    seen: dict[str, TimerReading] = {}
    for at, colour in ((0, "green"), (359, "green"), (361, "amber"), (419.9, "amber")):
        clock.advance(at - clock.now())
        reading = timer.reading()
        assert reading.colour.value == colour and reading.lit
        seen.setdefault(colour, reading)
    clock.advance(420.2 - clock.now())
    red = timer.reading()
    assert red.colour is TimerColour.RED and red.lit and red.text == "+0:00"
    clock.advance(0.5)
    dark = timer.reading()
    assert dark.colour is TimerColour.RED and not dark.lit  # flashing: dark half
    clock.advance(0.5)
    assert timer.reading().lit
    assert seen["green"].text == "7:00" and seen["amber"].text == "0:59"
    for label, reading in (*seen.items(), ("red", red), ("red-dark", dark)):
        picture = timer_picture(reading, (640, 360))
        assert (
            np.abs(picture[5, 5].astype(int) - (reading.colour.bgr if reading.lit else 20)).max()
            < 2
        )
        cv2.imwrite(str(tmp_path / f"timer-{label}.png"), picture)
    cue = np.zeros((360, 640, 3), np.uint8)
    draw_badge(cue, seen["amber"])
    assert tuple(cue[8, 632]) == TimerColour.AMBER.bgr and not cue[100:].any()  # the corner
    cv2.imwrite(str(tmp_path / "autocue-badge.png"), cue)


def test_the_pick_spins_and_lands_on_the_one_picked(tmp_path: Path) -> None:
    spin = PickAnimation(
        names=["Amira", "Tom", "Priya"], chosen=2, shown_at=10.0, under="Year 6, Kew Road"
    )
    assert spin.position(10.0) == 0.0
    positions = [spin.position(10.0 + k * 0.25) for k in range(11)]
    assert len({round(p, 2) for p in positions}) > 5  # it moves
    assert spin.position(10.0 + SPIN_SECONDS) == 2.0  # and lands on Priya
    frames = []
    for k, t in enumerate((9.0, 10.3, 11.0, 12.0, 13.0, 14.5)):
        picture = np.full((360, 640, 3), 110, np.uint8)
        spin.draw(picture, t)
        frames.append(picture)
        cv2.imwrite(str(tmp_path / f"pick-{k}.png"), picture)
    assert (frames[0] == 110).all()  # before it starts: nothing
    assert not np.array_equal(frames[1], frames[2])
    assert np.array_equal(frames[4], frames[5]) or frames[5].any()  # landed: steady
    spin.draw(after := np.full((360, 640, 3), 110, np.uint8), spin.ends_at + 0.1)
    assert (after == 110).all()  # gone after


def test_picking_takes_only_those_not_yet_on() -> None:
    order = RunningOrder(
        title="t",
        talks=tuple(Talk(name=n, year=3, school="S", title="T") for n in ("A", "B", "C")),
    )
    meet = Kidsmeet(order, lambda: None, clock=FakeClock(), rng=random.Random(4))
    picked = []
    for _ in range(3):
        picked.append(meet.pick().name)
        meet.start_talk()
    assert sorted(picked) == ["A", "B", "C"]
    with pytest.raises(InputError, match="everyone has presented"):
        meet.pick()
    assert "not a command" in apply(meet, "dance")
    assert "everyone has presented" in apply(meet, "pick")


def test_a_talk_fills_the_lower_third_and_the_break_plays_the_recordings(
    tmp_path: Path,
) -> None:
    breaks = tmp_path / "recorded"
    breaks.mkdir()
    for name in ("a.mp4", "b.mp4"):
        numbered_clip(breaks / name, frames=10, size=(64, 48))
    order = read_order(order_file(tmp_path, ORDER.replace("minutes = 7", f'breaks = "{breaks}"')))
    assert order.breaks == breaks
    clock = Clock()
    size = (320, 180)
    sound = ShowSound(clock=clock, speech=False)
    grey = np.full((size[1], size[0], 3), 200, np.uint8)
    programme = Programme(
        StillSource(grey, clock=clock), fps=25, keyer=None, size=size, clock=clock, sound=sound
    )
    programme.show_look(Look(backdrop=Backdrop("#000000", size, fit=True)))
    picture = LatestPicture()
    programme.add_output(picture, mode="latest")
    meet = Kidsmeet(
        order, lambda: programme, clock=clock, playlist=FolderPlaylist(breaks), size=size
    )
    programme.start()
    try:
        talk = meet.start_talk(0)
        lower = [o for o in programme.kept_overlays if isinstance(o, LowerThird)]
        assert [(o.name, o.role) for o in lower] == [(talk.name, talk.role)]
        assert talk.role == "Year 4, Hawes Side: How volcanoes work"
        shown = clock.now() + 1.2
        wait_until(lambda: picture.frame is not None and picture.frame.pts > shown, what="it")
        assert picture.frame is not None and picture.frame.image[140:170, 20:120].min() < 100
        cv2.imwrite(str(tmp_path / "lower-third.png"), picture.frame.image)
        assert meet.status().timer.colour is TimerColour.GREEN

        meet.start_break()
        assert meet.state is MeetState.BREAK and meet.timer.reading().colour is TimerColour.IDLE
        videos = programme.cover
        assert isinstance(videos, BreakVideos)
        wait_until(lambda: len(videos.played) >= 2, what="the second recording to play")
        wait_until(
            lambda: picture.frame is not None and 1 <= number(picture.frame.image) <= 9,
            what="a recording's picture on the programme",
        )
        wait_until(lambda: "the break's videos" in sound.status, what="their sound mixed in")
        assert programme.kept_overlays == []

        meet.start_talk(1)
        assert programme.cover is None and meet.status().state is MeetState.TALK
        wait_until(
            lambda: picture.frame is not None and abs(int(picture.frame.image[5, 5, 0]) - 200) < 3,
            what="the camera back on the programme",
        )
        assert meet.status().done == 2 and meet.status().left == 1
    finally:
        programme.close()


def shown_at(picture: LatestPicture, tick: float) -> Image:
    """The programme's picture once it has reached ``tick``."""
    wait_until(
        lambda: picture.frame is not None and picture.frame.pts >= tick - 1e-6,
        what=f"the programme's picture at {tick:.2f} s",
    )
    assert picture.frame is not None
    return picture.frame.image


def test_the_talks_lower_third_and_the_pick_stay_on_when_the_scene_changes(
    tmp_path: Path,
) -> None:
    clock = FakeClock(1.0)
    size = (320, 180)
    grey = np.full((size[1], size[0], 3), 200, np.uint8)
    programme = Programme(
        StillSource(grey, clock=clock), fps=25, keyer=None, size=size, clock=clock
    )
    picture = LatestPicture()
    programme.add_output(picture, mode="latest")
    backdrop = Backdrop("#000000", size, fit=True)
    programme.show_look(Look(backdrop, [LowerThird("Zoë", "Head teacher")], name="studio"))
    order = read_order(order_file(tmp_path, ORDER))
    meet = Kidsmeet(order, lambda: programme, clock=clock, size=size, rng=random.Random(2))
    programme.start()
    try:
        step(clock, times=3)
        talk = meet.pick()
        step(clock, times=5)
        programme.show_look(Look(backdrop, [], name="plain"))  # mid-spin, a bare scene
        step(clock, times=5)
        band = shown_at(picture, clock.now())[90, :4]  # the middle of the spinning band
        assert band.max() < 150, "the pick's spinning names went with the scene change"

        started = clock.now()
        meet.start_talk()
        step(clock, times=3)
        programme.show_look(Look(backdrop, [LowerThird("Zoë", "Head teacher")], name="studio"))
        step(clock, times=60)  # 2.4 s: the caption has slid in
        tick = clock.now()
        expected = grey.copy()
        LowerThird(talk.name, talk.role, shown_at=started + 0.5).draw(expected, tick)
        assert np.array_equal(shown_at(picture, tick), expected), "not the talk's caption"

        meet.end_talk()  # the scene's own lower third back
        step(clock, times=60)
        tick = clock.now()
        expected = grey.copy()
        LowerThird("Zoë", "Head teacher").draw(expected, tick)
        assert np.array_equal(shown_at(picture, tick), expected)
    finally:
        clock.release()
        programme.close()


def test_a_folder_given_as_the_running_order_is_named_a_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="is a folder, not a running order") as caught:
        read_order(tmp_path)
    assert "no such" not in str(caught.value)


def test_end_says_what_happened_in_a_talk_a_break_and_between_talks() -> None:
    order = RunningOrder(
        title="t", talks=tuple(Talk(name=n, year=3, school="S", title="T") for n in "AB")
    )
    meet = Kidsmeet(order, lambda: None, clock=FakeClock(), rng=random.Random(4))
    assert "no talk is on to end; start one" in apply(meet, "end")
    meet.start_talk(0)
    assert apply(meet, "end").startswith("kidsmeet: A's talk has ended; between talks")
    apply(meet, "break")
    said = apply(meet, "end")
    assert "no talk is on to end: the break goes on" in said, said
    assert meet.state is MeetState.BREAK
