"""Video played live: backdrops and the video file source decoded in a worker, paced by the
show's clock, looped, with their sound mixed into the show's sound and recorded."""

from __future__ import annotations

import itertools
from functools import partial
from pathlib import Path

import av
import numpy as np
import pytest

from kaizen_studio.broadcast.recorder import Recorder
from kaizen_studio.core.clock import Clock
from kaizen_studio.core.fake_clock import FakeClock
from kaizen_studio.core.media import AudioBlock, SourceState, VideoFrame
from kaizen_studio.keying import Keyer
from kaizen_studio.studio.backdrop import Backdrop
from kaizen_studio.studio.pipeline import Programme
from kaizen_studio.studio.scenes import Look
from kaizen_studio.studio.sound import ShowSound
from kaizen_studio.studio.sources import StillSource, VideoFileSource
from kaizen_studio.studio.synthetic import SceneSpec, render_scene
from tests.conditions import wait_until
from tests.media_files import TONE, number, numbered_clip


def tone_share(samples: np.ndarray) -> float:
    """How much of the sound's energy is within 20 Hz of the video's tone."""
    mono = samples.mean(axis=1)
    power = np.abs(np.fft.rfft(mono)) ** 2
    freqs = np.fft.rfftfreq(len(mono), 1 / 48000)
    return float(power[np.abs(freqs - TONE) < 20].sum() / max(power.sum(), 1e-12))


def test_a_video_backdrop_plays_in_a_worker_in_order_paced_and_looped(tmp_path: Path) -> None:
    clip = tmp_path / "count.mp4"
    numbered_clip(clip, frames=10)
    backdrop = Backdrop(str(clip), (64, 48), fit=True)
    assert not backdrop.still and backdrop.playing == ""
    sound: list[AudioBlock] = []
    clock = FakeClock(1.0)  # the pictures are due when the test moves the clock
    backdrop.play(clock, on_sound=sound.append)
    backdrop.play(clock)  # twice is once
    wait_until(lambda: number(backdrop.at(0.0)) == 0 and bool(sound), what="the first picture")
    for k in range(1, 16):  # a frame's time each: the next picture, looped after 9
        clock.advance(1 / 25)
        wait_until(partial(_shows, backdrop, k % 10), what=f"picture {k % 10}")
    assert backdrop.playing.startswith("playing count.mp4")
    backdrop.stop()
    backdrop.stop()
    assert backdrop.playing == ""
    starts = np.array([b.pts for b in sound])
    ends = starts + np.array([b.duration for b in sound])
    assert starts[0] == pytest.approx(1.0)  # the sound starts with the first picture
    assert np.allclose(starts[1:], ends[:-1], atol=1e-6) and ends[-1] > 1.4  # and runs on
    backdrop.close()


def test_a_video_file_source_hands_its_sound_in_time_with_its_pictures(tmp_path: Path) -> None:
    clip = tmp_path / "count.mp4"
    numbered_clip(clip, frames=10)
    sound: list[AudioBlock] = []
    clock = FakeClock(1.0)
    source = VideoFileSource(clip, loop=False, clock=clock, on_sound=sound.append)
    assert source.has_sound
    frames = _read_each(source, clock, 10)
    wait_until(lambda: source.stats().state is SourceState.ENDED, what="the end of the video")
    source.close()
    assert [number(f.image) for f in frames] == list(range(10))
    picture_times = np.array([f.pts for f in frames]) - frames[0].pts
    assert np.allclose(picture_times, np.arange(10) / 25, atol=1e-6)  # stamped when due
    first = sound[0].pts - frames[0].pts
    assert abs(first) < 0.03  # the sound starts with the pictures
    heard = sum(b.samples.shape[0] for b in sound) / 48000
    assert abs(heard - 0.4) < 0.05  # and ends with them (cut at the pictures' length)


def _read_each(source: VideoFileSource, clock: FakeClock, count: int) -> list[VideoFrame]:
    """Start ``source`` and read its pictures 0 to ``count - 1``, each once it is due and
    decoded, moving ``clock`` on by a frame's time after each."""
    source.start()
    frames: list[VideoFrame] = []
    for k in range(count):
        wait_until(partial(_reads, source, k), what=f"picture {k}")
        frame = source.read()
        assert frame is not None
        frames.append(frame)
        clock.advance(1 / 25)
    return frames


def _reads(source: VideoFileSource, index: int) -> bool:
    """Whether the newest picture due is picture ``index``."""
    frame = source.read()
    return frame is not None and frame.index == index


def _shows(backdrop: Backdrop, picture: int) -> bool:
    return number(backdrop.at(0.0)) == picture


def test_the_programme_plays_a_video_backdrop_and_records_its_sound(tmp_path: Path) -> None:
    clip, out = tmp_path / "count.mp4", tmp_path / "show.mp4"
    size = (160, 96)
    numbered_clip(clip, frames=25, size=size)
    green = render_scene(SceneSpec(seed=1), t=0.0, size=size).image
    clock = Clock()
    sound = ShowSound(clock=clock)
    programme = Programme(
        StillSource(green, clock=clock), fps=25, keyer=Keyer(threads=1), clock=clock, sound=sound
    )
    pictures: list[VideoFrame] = []
    programme.on_frame = pictures.append
    programme.add_output(Recorder(out, width=size[0], height=size[1], fps=25))
    programme.show_look(Look(Backdrop(str(clip), size, fit=True)))
    programme.start()

    def looped() -> bool:  # the backdrop's last pictures, then its first again
        corners = [number(p.image[:, :40]) for p in list(pictures)]
        return any(a >= 15 and b <= 5 for a, b in itertools.pairwise(corners))

    wait_until(lambda: looped() and len(pictures) >= 50, what="the backdrop to loop, 50 frames")
    status = sound.status
    programme.close()
    assert status.endswith(f"+ the sound of the background {clip}")
    corners = [number(p.image[:, :40]) for p in pictures]  # the backdrop shows at the left
    steps = np.diff(corners)
    assert any(steps < -15) and not any((steps < 0) & (steps > -15))  # looped, never back
    with av.open(str(out)) as container:
        samples = np.concatenate(
            [f.to_ndarray().T for f in container.decode(audio=0)]
        )  # planar floats: (channels, n) per block
    assert tone_share(samples) > 0.2  # the backdrop's 1 kHz tone is in it
    assert sound.feeds == []  # the backdrop's sound left with it


def test_a_video_backdrop_replaced_by_another_look_has_its_file_closed(tmp_path: Path) -> None:
    clip = tmp_path / "count.mp4"
    size = (160, 96)
    numbered_clip(clip, frames=25, size=size)
    green = render_scene(SceneSpec(seed=1), t=0.0, size=size).image
    clock = Clock()
    programme = Programme(StillSource(green, clock=clock), fps=25, clock=clock)
    video = Backdrop(str(clip), size, fit=True)
    programme.show_look(Look(video))
    programme.start()
    wait_until(lambda: programme.stats().frames >= 3, what="the video backdrop on")
    programme.show_look(Look(Backdrop("#1E90FF", size, fit=True)))
    shown = programme.stats().frames
    wait_until(lambda: programme.stats().frames >= shown + 3, what="the next look on")
    programme.close()
    assert video._video is not None
    with pytest.raises(AssertionError, match="not open"):  # PyAV's word for a closed file
        next(video._video._container.decode(video=0))


def test_a_looped_video_file_plays_on_past_its_end_with_times_rising_steadily(
    tmp_path: Path,
) -> None:
    clip = tmp_path / "count.mp4"
    numbered_clip(clip, frames=10)  # 0.4 s a pass
    sound: list[AudioBlock] = []
    clock = FakeClock(1.0)
    source = VideoFileSource(clip, clock=clock, on_sound=sound.append)  # looped
    frames = _read_each(source, clock, 36)  # three loops and more
    source.close()
    indices = np.array([f.index for f in frames])
    assert [number(f.image) for f in frames] == list(indices % 10)  # picture k: the file's k % 10
    origin = frames[0].pts - indices[0] / 25  # when the first pass began
    times = np.array([f.pts for f in frames]) - origin
    assert np.allclose(times, indices / 25, atol=1e-6)  # one frame's time apart, loops too
    loops = [i for i in indices if i % 10 == 0 and i - 1 in indices]
    assert loops  # seen on both sides of a loop point
    starts = np.array([b.pts for b in sound]) - origin
    ends = starts + np.array([b.duration for b in sound])
    assert abs(starts[0]) < 0.03 and ends[-1] > 1.4  # the sound starts with the pictures
    assert np.allclose(starts[1:], ends[:-1], atol=1e-6)  # and runs on with no gap, no overlap
    for k in (1, 2, 3):  # each pass's sound begins with its first picture
        assert np.min(np.abs(starts - 0.4 * k)) < 1e-6
    samples = np.concatenate([b.samples for b in sound])
    assert tone_share(samples[-48000 // 2 :]) > 0.5  # the file's tone, loops later too
