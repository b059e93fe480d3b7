"""The channel's timetable: the clash rule, the default loop, announcements, date ranges,
and the school's wall time across the clock changes, on instants the test chooses."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest

from kaizen_studio.channel.timetable import (
    Announcement,
    Placement,
    Source,
    Timetable,
    plan,
    what_is_on,
)

LONDON = ZoneInfo("Europe/London")
WEEKDAYS = frozenset(range(5))
FRIDAY = date(2026, 12, 4)


def at(day: date, hour: int, minute: int = 0, *, fold: int = 0) -> datetime:
    """The instant the school's clocks read ``day hour:minute``."""
    return datetime.combine(day, time(hour, minute), LONDON).replace(fold=fold)


def placed(key: int, playlist: str, start: str, end: str, **more: object) -> Placement:
    options: dict[str, object] = {"group": "hall", "weekdays": WEEKDAYS, **more}
    return Placement(
        key=key,
        playlist=playlist,
        start=time.fromisoformat(start),
        end=time.fromisoformat(end),
        **options,  # type: ignore[arg-type]
    )


LUNCH = placed(1, "lunch", "12:00", "13:00")
SCHOOL = Timetable(placements=(LUNCH,), default_loop="loop")


def test_the_lunch_playlist_at_noon_and_the_default_loop_after() -> None:
    assert what_is_on("hall", at(FRIDAY, 12), timetable=SCHOOL).playlist == "lunch"
    assert what_is_on("hall", at(FRIDAY, 12, 59), timetable=SCHOOL).playlist == "lunch"
    after = what_is_on("hall", at(FRIDAY, 13, 1), timetable=SCHOOL)
    assert (after.playlist, after.source) == ("loop", Source.DEFAULT)
    assert what_is_on("hall", at(FRIDAY, 13), timetable=SCHOOL).playlist == "loop"  # end: out
    saturday = what_is_on("hall", at(FRIDAY + timedelta(days=1), 12, 15), timetable=SCHOOL)
    assert saturday.playlist == "loop"
    assert what_is_on("ks1", at(FRIDAY, 12, 15), timetable=SCHOOL).playlist == "loop"


def test_a_group_loop_beats_the_school_loop_and_no_loop_is_nothing() -> None:
    school = Timetable(default_loop="loop", group_loops={"year6": "y6-loop"})
    assert what_is_on("year6", at(FRIDAY, 8), timetable=school).playlist == "y6-loop"
    assert what_is_on("hall", at(FRIDAY, 8), timetable=school).playlist == "loop"
    assert what_is_on("hall", at(FRIDAY, 8), timetable=Timetable()).source is Source.NOTHING


def test_the_clash_rule_step_by_step() -> None:
    everywhere = placed(2, "everywhere", "11:00", "14:00", group=None)
    later = placed(3, "lunch-half-two", "12:30", "13:00")
    theme = placed(4, "theme", "12:45", "12:50", first_day=FRIDAY, last_day=FRIDAY)
    school = Timetable(placements=(everywhere, LUNCH, later, theme), default_loop="loop")
    # the screen's own group beats every screen
    assert what_is_on("hall", at(FRIDAY, 12, 10), timetable=school).playlist == "lunch"
    assert what_is_on("ks1", at(FRIDAY, 12, 10), timetable=school).playlist == "everywhere"
    # the later-starting one takes over
    assert what_is_on("hall", at(FRIDAY, 12, 30), timetable=school).playlist == "lunch-half-two"
    # a dated placement beats weekly ones, then hands back
    dated = what_is_on("hall", at(FRIDAY, 12, 46), timetable=school)
    assert (dated.playlist, dated.source) == ("theme", Source.DATED)
    assert what_is_on("hall", at(FRIDAY, 12, 50), timetable=school).playlist == "lunch-half-two"
    # among everything equal, the one made last
    twin = placed(9, "twin", "12:30", "13:00")
    both = Timetable(placements=(later, twin))
    assert what_is_on("hall", at(FRIDAY, 12, 40), timetable=both).playlist == "twin"
    # a dated placement for every screen still beats a weekly one for the group
    wide = placed(5, "wide-theme", "12:00", "13:00", group=None, first_day=FRIDAY)
    dated_wide = Timetable(placements=(LUNCH, wide))
    assert what_is_on("hall", at(FRIDAY, 12, 5), timetable=dated_wide).playlist == "wide-theme"


def test_a_date_range_holds_only_on_its_days() -> None:
    week = placed(
        1, "theme", "09:00", "09:30", first_day=date(2026, 11, 30), last_day=date(2026, 12, 4)
    )
    school = Timetable(placements=(week,), default_loop="loop")
    assert what_is_on("hall", at(date(2026, 11, 30), 9, 10), timetable=school).playlist == "theme"
    assert what_is_on("hall", at(FRIDAY, 9, 29), timetable=school).playlist == "theme"
    assert what_is_on("hall", at(date(2026, 12, 7), 9, 10), timetable=school).playlist == "loop"
    assert what_is_on("hall", at(date(2026, 11, 27), 9, 10), timetable=school).playlist == "loop"


def test_an_announcement_interrupts_every_screen_until_it_expires() -> None:
    starts = at(FRIDAY, 12, 5)
    wet = Announcement(key=1, text="Wet play today", starts=starts, ends=at(FRIDAY, 12, 20))
    school = Timetable(placements=(LUNCH,), announcements=(wet,), default_loop="loop")
    for group in ("hall", "ks1"):
        on = what_is_on(group, at(FRIDAY, 12, 10), timetable=school)
        assert on.source is Source.ANNOUNCEMENT and on.announcement == wet
    assert what_is_on("hall", at(FRIDAY, 12, 20), timetable=school).playlist == "lunch"
    assert what_is_on("hall", at(FRIDAY, 12, 4), timetable=school).playlist == "lunch"
    # the later of two announcements, and one for the group over one for everyone
    newer = Announcement(key=2, text="Coats on", starts=at(FRIDAY, 12, 8), ends=at(FRIDAY, 13))
    hall = Announcement(
        key=3, text="Hall closed", starts=starts, ends=at(FRIDAY, 13), groups=frozenset({"hall"})
    )
    school = Timetable(announcements=(wet, newer, hall))
    assert what_is_on("ks1", at(FRIDAY, 12, 10), timetable=school).announcement == newer
    assert what_is_on("hall", at(FRIDAY, 12, 10), timetable=school).announcement == hall


def test_placements_follow_the_wall_clock_in_winter_and_summer() -> None:
    winter, summer = date(2026, 1, 9), date(2026, 6, 12)  # Fridays
    school = Timetable(placements=(LUNCH,), default_loop="loop")
    for day, utc_hour in ((winter, 12), (summer, 11)):
        noon = datetime.combine(day, time(utc_hour, 5), UTC)
        assert what_is_on("hall", noon, timetable=school).playlist == "lunch", day
    summer_one = what_is_on("hall", datetime(2026, 6, 12, 12, 5, tzinfo=UTC), timetable=school)
    assert (summer_one.playlist, summer_one.local.hour) == ("loop", 13)  # 13:05 BST


SPRING = date(2026, 3, 29)  # a Sunday: 01:00 GMT becomes 02:00 BST
AUTUMN = date(2026, 10, 25)  # a Sunday: 02:00 BST becomes 01:00 GMT


def test_a_placement_in_the_hour_that_does_not_exist_does_not_play() -> None:
    night = placed(1, "night", "01:30", "01:45", weekdays=frozenset({6}))
    across = placed(2, "across", "01:30", "02:30", weekdays=frozenset({6}))
    school = Timetable(placements=(night, across), default_loop="loop")
    change = datetime(2026, 3, 29, 1, 0, tzinfo=UTC)
    answers = [
        what_is_on("hall", change + timedelta(minutes=m), timetable=school) for m in range(-60, 120)
    ]
    assert "night" not in {a.playlist for a in answers}
    playing = [a.local for a in answers if a.playlist == "across"]
    assert (playing[0].hour, playing[0].minute) == (2, 0)
    assert (playing[-1].hour, playing[-1].minute) == (2, 29)
    # the plan a screen follows offline switches exactly at the clock change
    segments = plan("hall", change - timedelta(hours=1), hours=3, timetable=school)
    assert [(s.starts, s.on.playlist) for s in segments] == [
        (change - timedelta(hours=1), "loop"),
        (change, "across"),
        (change + timedelta(minutes=30), "loop"),
    ]
    # a week later, the same placement plays at 01:30 as written
    alone = Timetable(placements=(night,), default_loop="loop")
    later = what_is_on("hall", at(SPRING + timedelta(days=7), 1, 35), timetable=alone)
    assert later.playlist == "night"


def test_a_placement_in_the_repeated_hour_plays_both_times() -> None:
    night = placed(1, "night", "01:30", "01:45", weekdays=frozenset({6}))
    school = Timetable(placements=(night,), default_loop="loop")
    first, second = at(AUTUMN, 1, 35, fold=0), at(AUTUMN, 1, 35, fold=1)
    assert second.astimezone(UTC) - first.astimezone(UTC) == timedelta(hours=1)
    assert what_is_on("hall", first, timetable=school).playlist == "night"
    assert what_is_on("hall", second, timetable=school).playlist == "night"
    assert what_is_on("hall", first + timedelta(minutes=30), timetable=school).playlist == "loop"
    segments = plan("hall", at(AUTUMN, 0), hours=4, timetable=school)
    nights = [s for s in segments if s.on.playlist == "night"]
    assert [(s.ends - s.starts) for s in nights] == [timedelta(minutes=15)] * 2
    assert nights[1].starts - nights[0].starts == timedelta(hours=1)


def test_the_plan_joins_what_does_not_change_and_covers_the_hours_asked() -> None:
    wet = Announcement(key=1, text="Wet play", starts=at(FRIDAY, 12, 10), ends=at(FRIDAY, 12, 20))
    school = Timetable(placements=(LUNCH,), announcements=(wet,), default_loop="loop")
    segments = plan("hall", at(FRIDAY, 11), hours=3, timetable=school)
    assert [(s.starts.astimezone(LONDON).strftime("%H:%M"), s.on.source) for s in segments] == [
        ("11:00", Source.DEFAULT),
        ("12:00", Source.WEEKLY),
        ("12:10", Source.ANNOUNCEMENT),
        ("12:20", Source.WEEKLY),
        ("13:00", Source.DEFAULT),
    ]
    assert segments[-1].ends == at(FRIDAY, 14)
    assert all(a.ends == b.starts for a, b in pairwise(segments))


def test_bad_records_and_naive_times_are_refused_with_the_reason() -> None:
    with pytest.raises(ValueError, match="end after it starts"):
        placed(1, "x", "13:00", "12:00")
    with pytest.raises(ValueError, match="weekdays"):
        placed(1, "x", "12:00", "13:00", weekdays=frozenset({7}))
    with pytest.raises(ValueError, match="date range ends"):
        placed(1, "x", "12:00", "13:00", first_day=FRIDAY, last_day=FRIDAY - timedelta(days=1))
    with pytest.raises(ValueError, match="aware"):
        Announcement(key=1, text="x", starts=datetime(2026, 1, 1), ends=datetime(2026, 1, 2))
    with pytest.raises(ValueError, match="naive"):
        what_is_on("hall", datetime(2026, 12, 4, 12), timetable=SCHOOL)


def test_the_answer_says_why_in_words() -> None:
    on = what_is_on("hall", at(FRIDAY, 12, 15), timetable=SCHOOL)
    assert on.describe() == (
        "Friday 04 Dec 2026 12:15 GMT: lunch: Mon, Tue, Wed, Thu, Fri 12:00-13:00 on hall "
        "(weekly placement)"
    )
