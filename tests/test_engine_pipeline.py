"""The programme: ordering, no waiting for slow outputs, keying, failing outputs."""

from __future__ import annotations

import gc
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from kaizen_studio.core.clock import Clock, Pacer, first_tick, set_up_kept
from kaizen_studio.core.fake_clock import FakeClock
from kaizen_studio.core.media import AudioBlock, VideoFrame
from kaizen_studio.keying import Keyer
from kaizen_studio.studio.overlays import LiveBadge
from kaizen_studio.studio.pipeline import Programme
from kaizen_studio.studio.placement import solid_background
from kaizen_studio.studio.sound import ShowSound, Voice
from kaizen_studio.studio.sources import (
    DemoPresenterSource,
    StillSource,
    VideoFileSource,
)
from tests.conditions import step, wait_until
from tests.engine_parts import Clocked, Collector, Numbered
from tests.media_files import number, numbered_clip

TICK = 1 / 25


def on_a_fake_clock(fps: float = 50, **options: object) -> tuple[Programme, FakeClock]:
    """A programme at 25 fps on a fake clock, fed by a :class:`Clocked` camera at ``fps``."""
    clock = FakeClock(1.0)
    return Programme(Clocked(clock, fps), fps=25, clock=clock, **options), clock  # type: ignore[arg-type]


def stop(programme: Programme, clock: FakeClock) -> int:
    """Stop a programme on a fake clock; the frames it made before (the clock runs free
    while it stops, so one more may be made)."""
    frames = programme.stats().frames
    clock.release()
    programme.stop()
    return frames


def run_for(programme: Programme, *, frames: int) -> None:
    """Run a programme on the real clock until it has made ``frames`` frames."""
    programme.start()
    wait_until(lambda: programme.stats().frames >= frames, what=f"{frames} frames")
    programme.stop()


def test_every_programme_frame_reaches_a_buffered_output_in_order() -> None:
    collector = Collector()
    programme, clock = on_a_fake_clock(fps=50)
    link = programme.add_output(collector, mode="buffered")
    programme.start()
    step(clock, TICK, times=25)
    made = stop(programme, clock)
    assert made == 25 and programme.stats().late == 0  # one frame a tick, none late
    assert [f.index for f in collector.frames] == list(range(len(collector.frames)))
    assert len(collector.frames) == programme.stats().frames and link.dropped == 0
    numbers = [int(f.image[0, 0, 0]) for f in collector.frames[:25]]
    assert np.all(np.diff(numbers) == 2)  # every other picture of the 50 fps camera
    assert np.allclose(np.diff([f.pts for f in collector.frames[:25]]), TICK)  # the ticks
    assert collector.started == 1 and collector.stopped == 1


def test_a_slow_output_does_not_hold_up_the_show() -> None:
    held = threading.Event()  # the slow output's worker waits until the test lets it go
    slow, fast = Collector(held=held), Collector()
    programme, clock = on_a_fake_clock(fps=25)
    slow_link = programme.add_output(slow, mode="latest")
    programme.add_output(fast, mode="buffered")
    programme.start()
    step(clock, TICK, times=25)
    assert programme.stats().frames == 25 and programme.stats().late == 0
    held.set()
    made = stop(programme, clock)
    assert len(fast.frames) == programme.stats().frames >= made
    assert len(slow.frames) <= 3  # the one it was held on, the newest, maybe one between
    assert slow_link.dropped == programme.stats().frames - len(slow.frames)


def test_a_failing_output_is_reported_and_the_show_goes_on() -> None:
    broken, fine = Collector(fail_after=3), Collector()
    programme, clock = on_a_fake_clock()
    programme.add_output(broken)
    programme.add_output(fine)
    programme.start()
    step(clock, TICK, times=10)
    stop(programme, clock)
    assert len(broken.frames) == 3 and len(fine.frames) == programme.stats().frames >= 10
    assert "the disk is full" in programme.stats().message


def test_the_programme_is_the_presenter_keyed_over_the_background() -> None:
    collector = Collector()
    blue = solid_background((320, 180), (200, 90, 30))
    programme = Programme(
        DemoPresenterSource(size=(320, 180), fps=25),
        fps=25,
        keyer=Keyer(threads=1),
        background=blue,
    )
    programme.add_output(collector)
    run_for(programme, frames=2)
    programme.close()
    assert collector.frames  # however few a busy machine made, each one is keyed
    for frame in collector.frames:
        corner = frame.image[2:12, 2:12].reshape(-1, 3).mean(0)
        assert np.abs(corner - (200, 90, 30)).max() < 6
        assert not np.array_equal(frame.image[160:], blue[160:])  # the ticker
    assert "green screen" in programme.stats().message


def test_an_output_removed_mid_show_gets_its_frames_and_stops_while_the_show_goes_on() -> None:
    programme, clock = on_a_fake_clock()
    stays, leaves = Collector(), Collector()
    programme.add_output(stays)
    programme.start()
    step(clock, TICK, times=8)
    link = programme.add_output(leaves)
    step(clock, TICK, times=8)
    programme.remove_outputs(link)
    assert leaves.started == 1 and leaves.stopped == 1
    held = len(leaves.frames)
    step(clock, TICK, times=8)
    stop(programme, clock)
    assert held == 8 and len(leaves.frames) == held  # every tick while it was on, then none
    assert len(stays.frames) >= 24
    indices = [frame.index for frame in leaves.frames]
    assert indices == list(range(indices[0], indices[0] + held))


def test_a_camera_output_gets_the_unkeyed_frames_used_with_the_programme_ticks() -> None:
    programme, clock = on_a_fake_clock(
        fps=25, keyer=None, size=(64, 48), overlays=[LiveBadge(lambda: True)]
    )
    shows, clean = Collector(), Collector()
    programme.add_output(shows)
    programme.add_output(clean, feed="camera")
    programme.start()
    step(clock, TICK, times=10)
    stop(programme, clock)
    assert len(clean.frames) == len(shows.frames) >= 10
    assert [f.pts for f in clean.frames] == [f.pts for f in shows.frames]
    assert [f.index for f in clean.frames] == [f.index for f in shows.frames]
    assert clean.frames[0].size == (32, 24) and shows.frames[0].size == (64, 48)
    assert set(programme.stats().outputs) == {"Collector", "Collector (camera)"}
    numbers = [int(f.image[12, 16, 0]) for f in clean.frames]
    assert numbers == sorted(numbers)  # the camera's own pictures, no badge drawn on them


def test_a_take_and_its_clean_camera_hold_the_same_ticks_however_slow_one_is_to_finish() -> None:
    programme, clock = on_a_fake_clock(fps=25)
    programme.start()
    step(clock, TICK, times=4)
    held = threading.Event()  # the take's encoder is slow: it finishes long after the cut
    take, clean = Collector(held=held), Collector()
    links = programme.add_outputs((take, "programme"), (clean, "camera"))
    step(clock, TICK, times=8)
    leaving = threading.Thread(target=programme.remove_outputs, args=links)
    leaving.start()  # waits for the take to finish
    wait_until(lambda: not programme.outputs.links, what="both to leave the programme")
    step(clock, TICK, times=5)  # the show goes on meanwhile
    held.set()
    leaving.join()
    stop(programme, clock)
    assert take.stopped == clean.stopped == 1
    assert len(take.frames) == 8 and [f.pts for f in clean.frames] == [f.pts for f in take.frames]


def test_stage_timings_are_reported() -> None:
    programme, clock = on_a_fake_clock(overlays=[LiveBadge(lambda: True)])
    programme.start()
    step(clock, TICK, times=5)
    stats = programme.stats()
    stop(programme, clock)
    # each stage reports a time of its own (how long: benchmarks/pipeline.py)
    assert min(stats.frame_ms, stats.overlays_ms, stats.key_ms) >= 0
    assert stats.timings.startswith("key ") and stats.timings.endswith(" ms")
    with pytest.raises(ValueError, match="'programme' or the 'camera'"):
        programme.add_output(Collector(), feed="preview")  # type: ignore[arg-type]


class Listener(Collector):
    def __init__(self) -> None:
        super().__init__()
        self.blocks: list[AudioBlock] = []

    def send_audio(self, block: AudioBlock) -> None:
        self.blocks.append(block)


def test_the_show_sound_runs_with_the_show_and_ends_with_its_last_frame() -> None:
    clock = Clock()
    sound = ShowSound(clock=clock)
    programme = Programme(Numbered(fps=25), fps=25, clock=clock, sound=sound)
    listener = Listener()
    programme.add_output(listener)
    programme.start()
    wait_until(lambda: len(listener.blocks) >= 5, what="the show's sound")
    programme.stop()
    assert sound.playing is Voice.NOTHING and sound.deliver == programme.send_audio
    last = listener.frames[-1].pts + 1 / 25
    end = listener.blocks[-1].pts + listener.blocks[-1].duration
    assert end <= last + 1 / 48000  # cut at the last frame (a starved voice may end before)
    starts = np.array([b.pts for b in listener.blocks])
    assert np.allclose(np.diff(starts), 0.02)  # every block, in order


class Slow(Numbered):
    """A camera whose frames take 0.1 s to read (a slow machine): the show is late."""

    def read(self) -> VideoFrame | None:
        time.sleep(0.1)  # the slowness itself, not a wait for something
        return super().read()


def test_sound_never_runs_ahead_of_slow_pictures_and_ends_with_them() -> None:
    clock = Clock()
    programme = Programme(Slow(fps=25), fps=25, clock=clock, sound=ShowSound(clock=clock))
    listener = Listener()
    programme.add_output(listener)
    programme.start()
    wait_until(lambda: programme.stats().late >= 3, what="three late ticks")
    programme.stop()
    last = listener.frames[-1].pts + 1 / 25
    assert all(b.pts + b.duration <= last + 1 / 48000 for b in listener.blocks)


def test_a_show_sound_reused_by_a_new_programme_goes_to_the_new_one() -> None:
    clock = Clock()
    sound = ShowSound(clock=clock)
    first = Programme(Numbered(fps=25), fps=25, clock=clock, sound=sound)
    run_for(first, frames=3)
    second = Programme(Numbered(fps=25), fps=25, clock=clock, sound=sound)
    listener = Listener()
    second.add_output(listener)
    second.start()
    wait_until(lambda: len(listener.blocks) >= 5, what="the sound in the new programme")
    second.stop()
    assert sound.deliver == second.send_audio


def test_a_source_replaced_mid_show_is_shown_from_its_first_frame() -> None:
    programme, clock = on_a_fake_clock()
    collector = Collector()
    programme.add_output(collector)
    programme.start()
    step(clock, TICK, times=10)
    old = programme.source
    programme.replace_source(StillSource(np.full((24, 32, 3), 200, np.uint8), clock=clock))
    step(clock, TICK, times=10)
    stop(programme, clock)
    assert isinstance(old, Clocked) and old.stopped >= 1
    values = [int(f.image[0, 0, 0]) for f in collector.frames]
    assert 200 not in values[:10] and set(values[10:]) == {200}  # from the next tick on


def test_while_a_show_runs_what_was_set_up_before_it_is_kept_out_of_full_collections() -> None:
    set_up: list[list[int]] = [[] for _ in range(100)]  # objects the collector tracks
    assert gc.get_freeze_count() == 0
    with set_up_kept():
        frozen = gc.get_freeze_count()
        assert frozen >= len(set_up)
        with set_up_kept():  # a second show at the same time
            made: list[list[int]] = [[] for _ in range(100)]
            # what a show makes is not frozen (frozen objects another thread lets go of
            # leave the count: it may fall, never grow)
            assert gc.get_freeze_count() <= frozen
        assert len(set_up) <= gc.get_freeze_count() <= frozen  # the first show still runs
    assert gc.get_freeze_count() == 0 and made
    programme, clock = on_a_fake_clock()
    programme.start()
    step(clock, TICK)  # ticking: inside the show
    during = gc.get_freeze_count()
    stop(programme, clock)
    assert during > 0 and gc.get_freeze_count() == 0


def test_the_ticks_fall_just_after_the_pictures_and_keep_their_grid_after_a_late_one() -> None:
    for now in (10.0, 10.005, 10.5, 11.03):
        tick = first_tick(10.0, now, 25)
        assert now <= tick < now + 0.04
        assert abs((tick - 10.0) % 0.04 - 0.01) < 1e-9  # a quarter of a frame after
    clock = FakeClock(5.0, auto=True)  # each wait moves the time to the tick
    start = clock.now() + 0.02
    pacer = Pacer(clock, 25, start=start)
    ticks = [pacer.wait() for _ in range(3)]
    clock.advance(0.1)  # a slow frame: more than a whole frame late
    ticks += [pacer.wait() for _ in range(3)]
    assert pacer.late == 1 and ticks[0] == start and np.all(np.diff(ticks) > 0.039)
    frames = (np.array(ticks) - start) / 0.04
    assert np.allclose(frames, [0, 1, 2, 4, 5, 6])  # one tick skipped, on the grid


def test_a_video_file_at_the_shows_rate_shows_each_picture_once(tmp_path: Path) -> None:
    clip = tmp_path / "count.mp4"
    numbered_clip(clip, frames=10)
    collector = Collector()
    clock = FakeClock(1.0)
    source = VideoFileSource(clip, clock=clock)
    programme = Programme(source, fps=25, clock=clock)
    programme.add_output(collector)
    programme.start()
    # each tick once the decoder has the pictures due by then (decoding is real work)
    step(clock, times=25, ready=lambda ticks: source.stats().frames >= ticks + 2)
    stop(programme, clock)
    numbers = np.array([number(f.image) for f in collector.frames[:25]])
    assert numbers[0] == 0 and np.all(np.diff(numbers) % 10 == 1)  # none twice, none lost
    assert programme.stats().late == 0
