"""The programme: ordering, no waiting for slow outputs, keying, failing outputs."""

from __future__ import annotations

import gc
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from kaizen_studio.core.clock import Clock, Pacer, first_tick, set_up_kept
from kaizen_studio.core.media import AudioBlock, Image, VideoFrame
from kaizen_studio.keying import Keyer
from kaizen_studio.studio.overlays import LiveBadge
from kaizen_studio.studio.pipeline import Programme
from kaizen_studio.studio.placement import solid_background
from kaizen_studio.studio.sound import ShowSound
from kaizen_studio.studio.sources import (
    DemoPresenterSource,
    StillSource,
    ThreadedSource,
    VideoFileSource,
)
from tests.test_engine_playback import number, numbered_clip


class Numbered(ThreadedSource):
    """Frames whose grey level is their number (mod 256), at ``fps``."""

    name = "the numbered source"

    def __init__(self, fps: float) -> None:
        super().__init__()
        self.fps = fps

    def produce(self) -> Iterator[Image]:
        pacer = Pacer(self.clock, self.fps)
        count = 0
        while not self.stopping:
            pacer.wait()
            yield np.full((24, 32, 3), count % 256, np.uint8)
            count += 1


class Collector:
    def __init__(self, delay: float = 0.0, fail_after: int | None = None) -> None:
        self.frames: list[VideoFrame] = []
        self.delay, self.fail_after = delay, fail_after
        self.started = self.stopped = 0

    def start(self) -> None:
        self.started += 1

    def send(self, frame: VideoFrame) -> None:
        if self.fail_after is not None and len(self.frames) >= self.fail_after:
            raise OSError("the disk is full")
        time.sleep(self.delay)
        self.frames.append(frame)

    def stop(self) -> None:
        self.stopped += 1


def run_for(programme: Programme, seconds: float) -> None:
    programme.start()
    time.sleep(seconds)
    programme.stop()


def test_every_programme_frame_reaches_a_buffered_output_in_order() -> None:
    collector = Collector()
    programme = Programme(Numbered(fps=50), fps=25)
    link = programme.add_output(collector, mode="buffered")
    run_for(programme, 1.0)
    stats = programme.stats()
    assert [f.index for f in collector.frames] == list(range(len(collector.frames)))
    assert len(collector.frames) == stats.frames and link.dropped == 0
    assert 15 <= stats.frames <= 27  # about 25 (a loaded machine skips late ticks)
    numbers = [int(f.image[0, 0, 0]) for f in collector.frames]
    assert numbers == sorted(numbers)  # the camera's frames never go backwards
    times = np.diff([f.pts for f in collector.frames])
    assert abs(float(np.median(times)) - 0.04) < 0.005  # stamped on the show's clock
    assert collector.started == 1 and collector.stopped == 1


def test_a_slow_output_does_not_hold_up_the_show() -> None:
    slow, fast = Collector(delay=0.2), Collector()
    programme = Programme(Numbered(fps=25), fps=25)
    slow_link = programme.add_output(slow, mode="latest")
    programme.add_output(fast, mode="buffered")
    run_for(programme, 1.0)
    stats = programme.stats()
    assert stats.frames >= 15 and len(fast.frames) == stats.frames
    assert len(slow.frames) <= 7  # it takes 0.2 s a frame ...
    assert slow_link.dropped >= stats.frames - len(slow.frames) - 2  # ... the rest is dropped
    assert stats.late <= 3


def test_a_failing_output_is_reported_and_the_show_goes_on() -> None:
    broken, fine = Collector(fail_after=3), Collector()
    programme = Programme(Numbered(fps=25), fps=25)
    programme.add_output(broken)
    programme.add_output(fine)
    run_for(programme, 0.6)
    assert len(broken.frames) == 3 and len(fine.frames) == programme.stats().frames
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
    run_for(programme, 0.8)
    programme.close()
    assert len(collector.frames) >= 5
    corner = collector.frames[-1].image[2:12, 2:12].reshape(-1, 3).mean(0)
    assert np.abs(corner - (200, 90, 30)).max() < 6
    assert "green screen" in programme.stats().message
    assert not np.array_equal(collector.frames[-1].image[160:], blue[160:])  # the ticker


def test_an_output_removed_mid_show_gets_its_frames_and_stops_while_the_show_goes_on() -> None:
    programme = Programme(Numbered(50), fps=50)
    stays, leaves = Collector(), Collector()
    programme.add_output(stays)
    programme.start()
    time.sleep(0.3)
    link = programme.add_output(leaves)
    time.sleep(0.3)
    programme.remove_output(link)
    assert leaves.started == 1 and leaves.stopped == 1
    held = len(leaves.frames)
    time.sleep(0.3)
    programme.stop()
    assert held > 5 and len(leaves.frames) == held
    assert len(stays.frames) > held + 5
    indices = [frame.index for frame in leaves.frames]
    assert indices == list(range(indices[0], indices[0] + held))


def test_a_camera_output_gets_the_unkeyed_frames_used_with_the_programme_ticks() -> None:
    programme = Programme(
        Numbered(fps=25), fps=25, keyer=None, size=(64, 48), overlays=[LiveBadge()]
    )
    shows, clean = Collector(), Collector()
    programme.add_output(shows)
    programme.add_output(clean, feed="camera")
    run_for(programme, 0.6)
    assert len(clean.frames) == len(shows.frames) >= 8
    assert [f.pts for f in clean.frames] == [f.pts for f in shows.frames]
    assert [f.index for f in clean.frames] == [f.index for f in shows.frames]
    assert clean.frames[0].size == (32, 24) and shows.frames[0].size == (64, 48)
    assert set(programme.stats().outputs) == {"Collector", "Collector (camera)"}
    numbers = [int(f.image[12, 16, 0]) for f in clean.frames]
    assert numbers == sorted(numbers)  # the camera's own pictures, no badge drawn on them


def test_stage_timings_are_reported() -> None:
    programme = Programme(Numbered(fps=25), fps=25, overlays=[LiveBadge()])
    run_for(programme, 0.5)
    stats = programme.stats()
    assert stats.frame_ms > 0 and stats.overlays_ms > 0 and stats.key_ms > 0
    assert stats.frame_ms >= stats.overlays_ms
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
    run_for(programme, 0.7)
    assert sound.playing == "nothing" and sound.deliver == programme.send_audio
    last = listener.frames[-1].pts + 1 / 25
    end = listener.blocks[-1].pts + listener.blocks[-1].duration
    assert len(listener.blocks) >= 25 and abs(end - last) < 0.002  # cut at the last frame
    starts = np.array([b.pts for b in listener.blocks])
    assert np.allclose(np.diff(starts), 0.02)  # every block, in order


class Slow(Numbered):
    """A camera whose frames take 0.1 s to key (a slow machine): the show is late."""

    def read(self) -> VideoFrame | None:
        time.sleep(0.1)
        return super().read()


def test_sound_never_runs_ahead_of_slow_pictures_and_ends_with_them() -> None:
    clock = Clock()
    programme = Programme(Slow(fps=25), fps=25, clock=clock, sound=ShowSound(clock=clock))
    listener = Listener()
    programme.add_output(listener)
    run_for(programme, 0.8)
    assert programme.stats().late >= 3
    last = listener.frames[-1].pts + 1 / 25
    end = listener.blocks[-1].pts + listener.blocks[-1].duration
    assert abs(end - last) < 0.002


def test_a_show_sound_reused_by_a_new_programme_goes_to_the_new_one() -> None:
    clock = Clock()
    sound = ShowSound(clock=clock)
    first = Programme(Numbered(fps=25), fps=25, clock=clock, sound=sound)
    run_for(first, 0.3)
    second = Programme(Numbered(fps=25), fps=25, clock=clock, sound=sound)
    listener = Listener()
    second.add_output(listener)
    run_for(second, 0.5)
    assert sound.deliver == second.send_audio and len(listener.blocks) >= 15


def test_a_source_replaced_mid_show_is_shown_from_its_first_frame() -> None:
    programme = Programme(Numbered(fps=25), fps=25)
    collector = Collector()
    programme.add_output(collector)
    programme.start()
    time.sleep(0.4)
    old = programme.source
    programme.replace_source(StillSource(np.full((24, 32, 3), 200, np.uint8)))
    time.sleep(0.3)
    programme.stop()
    assert isinstance(old, Numbered) and old.stats().state == "stopped"
    values = [int(f.image[0, 0, 0]) for f in collector.frames]
    switched = values.index(200)
    assert switched >= 5 and set(values[switched:]) == {200}
    assert len(values) - switched >= 5


def test_while_a_show_runs_what_was_set_up_before_it_is_kept_out_of_full_collections() -> None:
    set_up: list[list[int]] = [[] for _ in range(100)]  # objects the collector tracks
    assert gc.get_freeze_count() == 0
    with set_up_kept():
        frozen = gc.get_freeze_count()
        assert frozen >= len(set_up)
        with set_up_kept():  # a second show at the same time
            made: list[list[int]] = [[] for _ in range(100)]
            assert gc.get_freeze_count() == frozen  # what a show makes is not frozen
        assert gc.get_freeze_count() == frozen  # the first show still runs
    assert gc.get_freeze_count() == 0 and made
    programme = Programme(Numbered(fps=25), fps=25)
    programme.start()
    time.sleep(0.3)
    during = gc.get_freeze_count()
    programme.stop()
    assert during > 0 and gc.get_freeze_count() == 0


def test_the_ticks_fall_just_after_the_pictures_and_keep_their_grid_after_a_late_one() -> None:
    for now in (10.0, 10.005, 10.5, 11.03):
        tick = first_tick(10.0, now, 25)
        assert now <= tick < now + 0.04
        assert abs((tick - 10.0) % 0.04 - 0.01) < 1e-9  # a quarter of a frame after
    clock = Clock()
    start = clock.now() + 0.02
    pacer = Pacer(clock, 25, start=start)
    ticks = [pacer.wait() for _ in range(3)]
    time.sleep(0.1)  # a slow frame: more than a whole frame late
    ticks += [pacer.wait() for _ in range(3)]
    assert pacer.late >= 1 and ticks[0] == start and np.all(np.diff(ticks) > 0.039)
    frames = (np.array(ticks) - start) / 0.04
    assert np.allclose(frames, np.round(frames), atol=1e-6)  # on the grid from the start


def test_a_video_file_at_the_shows_rate_shows_each_picture_once(tmp_path: Path) -> None:
    clip = tmp_path / "count.mp4"
    numbered_clip(clip, frames=10)
    collector = Collector()
    programme = Programme(VideoFileSource(clip), fps=25)
    programme.add_output(collector)
    run_for(programme, 1.5)
    numbers = np.array([number(f.image) for f in collector.frames])
    ticks = np.diff([f.pts for f in collector.frames]) * 25
    steps = (np.diff(numbers) % 10)[np.abs(ticks - 1) < 1e-6]  # ticks one frame apart
    assert len(steps) >= 20 and np.all(steps == 1)  # the next picture: none twice, none lost
