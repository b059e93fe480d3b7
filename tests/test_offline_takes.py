"""studio key beyond the basics: the installed command, sound kept byte for byte or turned
into AAC, a clean plate, takes with no screen, and an interrupted run leaving nothing."""

from __future__ import annotations

import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np
import pytest

from kaizen_studio.studio.cli import main
from kaizen_studio.studio.commands.key import ProgressBar
from kaizen_studio.studio.offline import key_take
from kaizen_studio.studio.synthetic import SceneSpec, render_scene
from tests.media_files import FPS, SIZE, take

STUDIO = Path(sys.executable).with_name("studio")
"""The console command the project installs (.venv/bin/studio)."""


def studio(*args: str | Path) -> int:
    return main([str(a) for a in args])


def pcm_take(path: Path, *, frames: int = 15, rate: int = 44100) -> None:
    """A take in MKV with mono 16-bit PCM sound, which MP4 does not hold as it is."""
    with av.open(str(path), "w") as container:
        video = container.add_stream("libx264", rate=FPS)
        video.width, video.height, video.pix_fmt = *SIZE, "yuv420p"
        sound = container.add_stream("pcm_s16le", rate=rate)
        sound.layout = "mono"
        for i in range(frames):
            image = render_scene(SceneSpec(seed=2), t=i / FPS, size=SIZE).image
            frame = av.VideoFrame.from_ndarray(image, format="bgr24")
            frame.pts = i
            container.mux(video.encode(frame))
        container.mux(video.encode(None))
        samples = rate * frames // FPS
        tone = (3000 * np.sin(2 * np.pi * 440 * np.arange(samples) / rate)).astype(np.int16)
        for start in range(0, samples, 1000):
            chunk = av.AudioFrame.from_ndarray(
                tone[None, start : start + 1000], format="s16", layout="mono"
            )
            chunk.sample_rate, chunk.pts = rate, start
            container.mux(sound.encode(chunk))
        container.mux(sound.encode(None))


def audio_packets(path: Path) -> list[bytes]:
    with av.open(str(path)) as container:
        return [bytes(p) for p in container.demux(audio=0) if p.size]


def test_installed_command_keys_a_take_keeping_the_sound_byte_for_byte(tmp_path: Path) -> None:
    source, out = tmp_path / "take.mp4", tmp_path / "keyed.mp4"
    times = take(source)
    result = subprocess.run(
        [STUDIO, "key", source, "--background", "#FF8000", "-o", out],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "100% 15/15 frames" in result.stderr and "sound copied" in result.stderr
    with av.open(str(out)) as container:
        stream = container.streams.video[0]
        assert (stream.codec_context.name, stream.format.name) == ("h264", "yuv420p")
        assert (stream.width, stream.height) == SIZE
        frames = list(container.decode(stream))
    assert len(frames) == len(times)
    assert [float(f.pts * f.time_base) for f in frames] == pytest.approx(times, abs=1e-3)
    corner = frames[-1].to_ndarray(format="bgr24")[2:30, 2:30].reshape(-1, 3).mean(0)
    assert np.abs(corner - (0, 128, 255)).max() < 8  # orange where the screen was
    assert audio_packets(out) == audio_packets(source)  # not re-encoded


def test_sound_mp4_cannot_hold_is_converted_to_aac_of_the_same_length(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source, out = tmp_path / "take.mkv", tmp_path / "keyed.mp4"
    pcm_take(source)
    assert studio("key", source, "--background", "black", "-o", out) == 0
    assert "sound converted to AAC" in capsys.readouterr().err
    with av.open(str(out)) as container:
        sound = container.streams.audio[0]
        assert sound.codec_context.name == "aac" and sound.codec_context.sample_rate == 44100
        samples = sum(f.samples for f in container.decode(sound))
    assert abs(samples / 44100 - 1.0) < 0.05  # 15 frames at 15 fps


def test_a_clean_plate_is_used_for_calibration(tmp_path: Path) -> None:
    source, plate, out = tmp_path / "take.mp4", tmp_path / "plate.png", tmp_path / "o.mp4"
    take(source, frames=3, sound=False)
    empty = render_scene(SceneSpec(seed=1, person=False), t=0.0, size=SIZE).image
    cv2.imwrite(str(plate), empty)
    assert studio("key", source, "--background", "white", "--plate", plate, "-o", out) == 0
    with av.open(str(out)) as container:
        last = list(container.decode(video=0))[-1].to_ndarray(format="bgr24")
    assert last[2:30, 2:30].min() > 240  # white where the screen was


def noise_video(path: Path, frames: int = 3) -> None:
    rng = np.random.default_rng(1)
    with av.open(str(path), "w") as container:
        video = container.add_stream("libx264", rate=FPS)
        video.width, video.height, video.pix_fmt = *SIZE, "yuv420p"
        for i in range(frames):
            blocks = rng.integers(0, 255, (SIZE[1] // 10, SIZE[0] // 10, 3), np.uint8)
            frame = av.VideoFrame.from_ndarray(blocks.repeat(10, 0).repeat(10, 1), format="bgr24")
            frame.pts = i
            container.mux(video.encode(frame))
        container.mux(video.encode(None))


def test_a_take_with_no_screen_is_refused_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source, out = tmp_path / "holiday.mp4", tmp_path / "keyed.mp4"
    noise_video(source)
    assert studio("key", source, "--background", "black", "-o", out) == 2
    message = capsys.readouterr().err.strip().splitlines()[-1]
    assert "no green or blue screen found" in message and str(source) in message
    assert sorted(p.name for p in tmp_path.iterdir()) == ["holiday.mp4"]


@pytest.mark.parametrize(
    ("kind", "words"),
    [
        ("corrupt.png", "not a picture"),
        ("square.png", "another shape"),
        ("square.mp4", "another shape"),
        ("nothing.mp4", "empty"),
    ],
)
def test_bad_backgrounds_are_refused_and_leave_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str, words: str
) -> None:
    source, out = tmp_path / "take.mp4", tmp_path / "keyed.mp4"
    take(source, frames=3, sound=False)
    background = tmp_path / kind
    if kind == "corrupt.png":
        background.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    elif kind == "square.png":
        cv2.imwrite(str(background), np.full((100, 100, 3), 50, np.uint8))
    elif kind == "square.mp4":
        with av.open(str(background), "w") as container:
            video = container.add_stream("libx264", rate=FPS)
            video.width, video.height, video.pix_fmt = 96, 96, "yuv420p"
            frame = av.VideoFrame.from_ndarray(np.zeros((96, 96, 3), np.uint8), format="bgr24")
            container.mux(video.encode(frame))
            container.mux(video.encode(None))
    else:
        background.write_bytes(b"")
    fit = ["--fit", "exact"] if words == "another shape" else []  # the default crops
    assert studio("key", source, "--background", background, "-o", out, *fit) == 2
    message = capsys.readouterr().err.strip().splitlines()[-1]
    assert words in message and str(background) in message
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["take.mp4", kind])


def test_an_interrupted_run_leaves_no_output_and_keeps_an_old_one(tmp_path: Path) -> None:
    source, out = tmp_path / "take.mp4", tmp_path / "keyed.mp4"
    take(source, frames=6, sound=True)
    out.write_bytes(b"yesterday's keyed take")

    def stop_half_way(done: int, total: int) -> None:
        if done == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        key_take(source, out, background="black", progress=stop_half_way)
    assert out.read_bytes() == b"yesterday's keyed take"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keyed.mp4", "take.mp4"]


def test_odd_sized_takes_are_cropped_to_even_sizes_for_h264(tmp_path: Path) -> None:
    source, out = tmp_path / "take.mkv", tmp_path / "keyed.mp4"
    with av.open(str(source), "w") as container:
        video = container.add_stream("ffv1", rate=FPS)
        video.width, video.height, video.pix_fmt = 161, 91, "bgr0"
        for i in range(2):
            image = render_scene(SceneSpec(seed=1), t=0.0, size=(161, 91)).image
            frame = av.VideoFrame.from_ndarray(image, format="bgr24").reformat(format="bgr0")
            frame.pts = i
            container.mux(video.encode(frame))
        container.mux(video.encode(None))
    assert studio("key", source, "--background", "black", "-o", out) == 0
    with av.open(str(out)) as container:
        assert (container.streams.video[0].width, container.streams.video[0].height) == (160, 90)


def test_a_background_video_is_paced_by_time_and_looped(tmp_path: Path) -> None:
    # background: red for 0.4 s, then blue for 0.4 s, at 5 fps; the take runs 2 s at 15 fps
    source, backdrop, out = tmp_path / "take.mp4", tmp_path / "flag.mp4", tmp_path / "o.mp4"
    times = take(source, frames=30, sound=False)
    colours = [(0, 0, 255), (0, 0, 255), (255, 0, 0), (255, 0, 0)]
    with av.open(str(backdrop), "w") as container:
        video = container.add_stream("libx264", rate=5)
        video.width, video.height, video.pix_fmt = *SIZE, "yuv420p"
        for i, colour in enumerate(colours):
            picture = np.empty((SIZE[1], SIZE[0], 3), np.uint8)
            picture[...] = colour
            frame = av.VideoFrame.from_ndarray(picture, format="bgr24")
            frame.pts = i
            container.mux(video.encode(frame))
        container.mux(video.encode(None))
    assert studio("key", source, "--background", backdrop, "-o", out) == 0
    with av.open(str(out)) as container:
        corners = [
            f.to_ndarray(format="bgr24")[2:30, 2:30].reshape(-1, 3).mean(0)
            for f in container.decode(video=0)
        ]
    for t, corner in zip(times, corners, strict=True):
        # the background frame showing at time t: 0.8 s long, so it plays 2.5 times
        expected = colours[int(round(t % 0.8 * 5, 6))]
        assert np.abs(corner - expected).max() < 30, (t, corner, expected)


def test_a_take_cut_short_is_keyed_as_far_as_it_goes_with_a_note(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    whole, cut, out = tmp_path / "whole.mkv", tmp_path / "cut.mkv", tmp_path / "keyed.mp4"
    pcm_take(whole)
    data = whole.read_bytes()
    cut.write_bytes(data[: len(data) * 2 // 3])  # the recorder stopped mid-way
    assert studio("key", cut, "--background", "black", "-o", out) == 0
    note = capsys.readouterr().err.strip().splitlines()[-1]
    assert note.startswith(f"note: {cut} ends early") and "of the 15 frames" in note
    with av.open(str(out)) as container:
        kept = sum(1 for _ in container.decode(video=0))
    assert 0 < kept < 15


def test_an_uneven_frame_rate_keeps_every_timestamp(tmp_path: Path) -> None:
    # a webcam that slowed down now and then: frames at irregular milliseconds
    source, out = tmp_path / "webcam.mkv", tmp_path / "keyed.mp4"
    stamps = [0, 33, 67, 140, 173, 300, 333, 367, 500, 533]
    with av.open(str(source), "w") as container:
        video = container.add_stream("libx264", rate=30)
        video.width, video.height, video.pix_fmt = *SIZE, "yuv420p"
        video.codec_context.time_base = Fraction(1, 1000)
        for ms in stamps:
            image = render_scene(SceneSpec(seed=1), t=ms / 1000, size=SIZE).image
            frame = av.VideoFrame.from_ndarray(image, format="bgr24")
            frame.pts, frame.time_base = ms, Fraction(1, 1000)
            container.mux(video.encode(frame))
        container.mux(video.encode(None))
    assert studio("key", source, "--background", "beach", "-o", out) == 0
    with av.open(str(out)) as container:
        times = [float(f.pts * f.time_base) for f in container.decode(video=0)]
    assert times == pytest.approx([ms / 1000 for ms in stamps], abs=1e-4)


def test_the_progress_bar_redraws_sparingly_and_ends_where_the_work_got_to(
    capsys: pytest.CaptureFixture[str],
) -> None:
    bar = ProgressBar("Keying take.mp4", interval=60.0)
    for done in range(1, 1001):
        bar(done, 2000)
    bar.finish()
    drawn = capsys.readouterr().err.split("\r")[1:]
    assert len(drawn) == 2  # the first frame, then the state at the end
    assert "50% 1000/2000 frames" in drawn[-1] and drawn[-1].endswith(" s)\n")
