"""The scroll model: exact positions at given times for every control."""

from __future__ import annotations

import pytest

from kaizen_studio.autocue.scroll import (
    COUNTDOWN_SECONDS,
    MAX_SPEED,
    SPEED_STEP,
    ScrollModel,
    lines_per_second,
)


def model(speed: float = 2.0) -> ScrollModel:
    return ScrollModel(100, markers=[10, 40, 75], speed=speed)


def test_countdown_then_scroll_at_speed() -> None:
    m = model()
    m.play(100.0)
    assert m.state(100.0).countdown == 3
    assert m.state(101.2).countdown == 2
    assert m.state(102.9).countdown == 1
    assert m.position(102.9) == 0.0
    assert m.state(103.0).countdown == 0
    assert m.position(100.0 + COUNTDOWN_SECONDS + 5.0) == pytest.approx(10.0)


def test_position_depends_on_time_not_on_how_often_it_is_asked() -> None:
    once, often = model(), model()
    once.play(0.0, countdown=False)
    often.play(0.0, countdown=False)
    for step in range(1, 1000):
        often.position(step * 0.0123)
    assert once.position(12.3) == often.position(12.3) == pytest.approx(24.6)


def test_pause_and_resume() -> None:
    m = model()
    m.play(0.0, countdown=False)
    m.pause(5.0)
    assert m.position(50.0) == pytest.approx(10.0)
    m.toggle(60.0)  # resume: no countdown mid-script
    assert m.position(61.0) == pytest.approx(12.0)
    m.toggle(62.0)
    assert not m.state(70.0).playing
    assert m.position(70.0) == pytest.approx(14.0)


def test_speed_steps_take_effect_from_the_moment_pressed() -> None:
    m = model()
    m.play(0.0, countdown=False)
    m.faster(4.0)  # 8 lines so far
    assert m.speed == pytest.approx(2.0 * SPEED_STEP)
    assert m.position(6.0) == pytest.approx(8.0 + 2 * 2.0 * SPEED_STEP)
    m.slower(6.0)
    m.slower(6.0)
    assert m.speed == pytest.approx(2.0 / SPEED_STEP)
    for _ in range(50):
        m.faster(6.0)
    assert m.speed == MAX_SPEED


def test_reverse_scrolls_back_and_stops_at_the_start() -> None:
    m = model()
    m.play(0.0, countdown=False)
    m.reverse(10.0)  # at 20
    assert m.position(15.0) == pytest.approx(10.0)
    assert m.position(60.0) == 0.0
    m.reverse(60.0)
    assert m.position(61.0) == pytest.approx(2.0)


def test_markers_next_previous_home_end() -> None:
    m = model()
    m.next_marker(0.0)
    assert m.position(0.0) == 10.0
    m.next_marker(0.0)
    assert m.position(0.0) == 40.0
    m.previous_marker(0.0)
    assert m.position(0.0) == 10.0
    m.previous_marker(0.0)
    assert m.position(0.0) == 0.0
    m.end(0.0)
    assert m.position(0.0) == 100.0 and m.state(0.0).at_end
    m.next_marker(0.0)
    assert m.position(0.0) == 100.0
    m.previous_marker(0.0)
    assert m.position(0.0) == 75.0
    m.home(0.0)
    assert m.position(0.0) == 0.0


def test_a_jump_while_playing_keeps_scrolling_from_the_marker() -> None:
    m = model()
    m.play(0.0, countdown=False)
    m.next_marker(1.0)  # at 2, jumps to 10
    assert m.position(3.0) == pytest.approx(14.0)


def test_scrolling_stops_at_the_end() -> None:
    m = model(speed=10.0)
    m.play(0.0, countdown=False)
    assert m.position(1000.0) == 100.0


def test_fit_to_time() -> None:
    m = model()
    m.seek(0.0, 40.0)
    m.fit_to_time(0.0, 30.0)  # 60 lines in 30 s
    assert m.speed == pytest.approx(2.0)
    m.play(0.0, countdown=False)
    assert m.position(30.0) == pytest.approx(100.0)
    with pytest.raises(ValueError, match="time to fit"):
        m.fit_to_time(0.0, 0.0)


def test_words_per_minute_to_lines_per_second() -> None:
    assert lines_per_second(120, words_per_line=4) == pytest.approx(0.5)
    with pytest.raises(ValueError, match="words per minute"):
        lines_per_second(5000, words_per_line=4)


def test_bad_settings_refused() -> None:
    with pytest.raises(ValueError, match="speed"):
        ScrollModel(10, speed=0.0)
    with pytest.raises(ValueError, match="total_lines"):
        ScrollModel(-1)
