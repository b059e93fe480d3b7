"""Video played live: backdrops and the video file source decoded in a worker, paced by the
show's clock, looped, with their sound mixed into the show's sound and recorded."""

from __future__ import annotations

import time
from pathlib import Path

import av
import numpy as np
import pytest

from kaizen_studio.broadcast.recorder import Recorder
from kaizen_studio.core.clock import Clock
from kaizen_studio.core.media import AudioBlock, Image, VideoFrame
from kaizen_studio.keying import Keyer
from kaizen_studio.studio.backdrop import Backdrop
from kaizen_studio.studio.pipeline import Programme
from kaizen_studio.studio.scenes import Look
from kaizen_studio.studio.sound import ShowSound
from kaizen_studio.studio.sources import StillSource, VideoFileSource
from kaizen_studio.studio.synthetic import SceneSpec, render_scene

TONE = 1000.0  # Hz: far from the test sound's voice


def numbered_clip(
    path: Path, *, frames: int, fps: int = 25, size: tuple[int, int] = (64, 48)
) -> None:
    """Frame i is the grey level 10 * i (its number, readable back); a 1 kHz tone."""
    w, h = size
    with av.open(str(path), "w") as container:
        video = container.add_stream("libx264", rate=fps)
        video.width, video.height, video.pix_fmt = w, h, "yuv420p"
        audio = container.add_stream("aac", rate=48000)
        audio.layout = "stereo"
        for i in range(frames):
            frame = av.VideoFrame.from_ndarray(np.full((h, w, 3), 10 * i, np.uint8), format="bgr24")
            frame.pts = i
            container.mux(video.encode(frame))
        container.mux(video.encode(None))
        samples = 48000 * frames // fps
        tone = (0.3 * np.sin(2 * np.pi * TONE * np.arange(samples) / 48000)).astype(np.float32)
        for start in range(0, samples, 1024):
            chunk = av.AudioFrame.from_ndarray(
                np.tile(tone[start : start + 1024][None, :], (2, 1)), format="fltp", layout="stereo"
            )
            chunk.sample_rate, chunk.pts = 48000, start
            container.mux(audio.encode(chunk))
        container.mux(audio.encode(None))


def number(image: Image) -> int:
    return round(float(image[8:24, 8:40].mean()) / 10)


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
    clock = Clock()
    backdrop.play(clock, on_sound=sound.append)
    backdrop.play(clock)  # twice is once
    seen: list[int] = []
    started = time.monotonic()
    while time.monotonic() - started < 0.7:
        shown = number(backdrop.at(0.0))
        if not seen or shown != seen[-1]:
            seen.append(shown)
        time.sleep(0.004)
    assert backdrop.playing.startswith("playing count.mp4")
    backdrop.stop()
    backdrop.stop()
    assert backdrop.playing == ""
    first_pass = seen[: seen.index(0, 1)] if 0 in seen[1:] else seen
    assert first_pass == sorted(set(first_pass)) and first_pass[-1] == 9  # in order
    assert len(first_pass) >= 8  # (a busy machine may skip one: the newest picture wins)
    assert 0 in seen[1:] and 15 <= len(seen) <= 20  # looped, at 25 fps
    times = [b.pts for b in sound]
    assert times[0] < 0.05 and 0.9 < times[-1] < 1.3  # the sound of a pass and more
    backdrop.close()


def test_a_video_file_source_hands_its_sound_in_time_with_its_pictures(tmp_path: Path) -> None:
    clip = tmp_path / "count.mp4"
    numbered_clip(clip, frames=10)
    sound: list[AudioBlock] = []
    source = VideoFileSource(clip, loop=False, on_sound=sound.append)
    assert source.has_sound
    frames: list[VideoFrame] = []
    with source:
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline:
            ended = source.stats().state == "ended"  # the last picture is due by now
            frame = source.read()
            if frame is not None and (not frames or frame.index != frames[-1].index):
                frames.append(frame)
            if ended:
                break
            time.sleep(0.004)
    assert [number(f.image) for f in frames] == list(range(10))
    picture_times = np.array([f.pts for f in frames]) - frames[0].pts
    assert np.allclose(picture_times, np.arange(10) / 25, atol=1e-6)  # stamped when due
    first = sound[0].pts - frames[0].pts
    assert abs(first) < 0.03  # the sound starts with the pictures
    heard = sum(b.samples.shape[0] for b in sound) / 48000
    assert abs(heard - 0.4) < 0.05  # and ends with them (cut at the pictures' length)
    assert source.stats().state == "ended"


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
    time.sleep(1.5)
    status = sound.status
    programme.close()
    assert status.endswith(f"+ the sound of the background {clip}")
    corners = [number(p.image[:, :40]) for p in pictures]  # the backdrop shows at the left
    steps = np.diff(corners)
    forwards = steps[steps > 0]  # a late tick on a busy machine skips a picture or two
    assert max(corners) >= 20 and float(np.mean(forwards == 1)) > 0.5
    assert any(steps < -15) and not any((steps < 0) & (steps > -15))  # looped, never back
    with av.open(str(out)) as container:
        samples = np.concatenate(
            [f.to_ndarray().T for f in container.decode(audio=0)]
        )  # planar floats: (channels, n) per block
    assert tone_share(samples[48000 // 2 :]) > 0.2  # the backdrop's 1 kHz tone is in it
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
    time.sleep(0.5)
    programme.show_look(Look(Backdrop("#1E90FF", size, fit=True)))
    time.sleep(0.5)
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
    source = VideoFileSource(clip, on_sound=sound.append)  # looped
    frames: list[VideoFrame] = []
    with source:
        deadline = time.monotonic() + 1.5
        while time.monotonic() < deadline:
            frame = source.read()
            if frame is not None and (not frames or frame.index != frames[-1].index):
                frames.append(frame)
            time.sleep(0.004)
    indices = np.array([f.index for f in frames])
    assert indices[-1] >= 30 and np.all(np.diff(indices) > 0)  # three loops and more
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
