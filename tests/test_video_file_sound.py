"""A show whose camera is a video file has the file's own sound, without the speech-like
test sound (which stands in for the demo presenter's voice only)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import av
import numpy as np

from kaizen_studio.core.clock import Clock
from kaizen_studio.core.media import AudioBlock
from kaizen_studio.studio.sound import ShowSound
from kaizen_studio.studio.synthetic import SceneSpec, render_scene
from tests.conditions import wait_until

TONE_HZ = 3000.0
"""Well above the test sound's partials (its pitch 150-210 Hz, partials up to the 5th)."""
SPEECH_BAND = (120.0, 1100.0)


def tone_take(path: Path, *, seconds: float = 3.0, fps: int = 15) -> None:
    """A green-screen take whose sound is a pure 3 kHz tone."""
    size = (320, 180)
    frames = round(seconds * fps)
    with av.open(str(path), "w") as container:
        video = container.add_stream("libx264", rate=fps)
        video.width, video.height, video.pix_fmt = *size, "yuv420p"
        audio = container.add_stream("aac", rate=48000)
        audio.layout = "stereo"
        for i in range(frames):
            image = render_scene(SceneSpec(seed=1), t=i / fps, size=size).image
            frame = av.VideoFrame.from_ndarray(image, format="bgr24")
            frame.pts = i
            container.mux(video.encode(frame))
        container.mux(video.encode(None))
        samples = round(48000 * seconds)
        t = np.arange(samples) / 48000
        wave = (0.3 * np.sin(2 * np.pi * TONE_HZ * t)).astype(np.float32)
        for start in range(0, samples - 1024, 1024):
            block = np.tile(wave[start : start + 1024][None, :], (2, 1))
            chunk = av.AudioFrame.from_ndarray(block, format="fltp", layout="stereo")
            chunk.sample_rate, chunk.pts = 48000, start
            container.mux(audio.encode(chunk))
        container.mux(audio.encode(None))


def band_energies(samples: np.ndarray, rate: int) -> tuple[float, float]:
    """(energy at the tone, energy in the test sound's band) of mono ``samples``."""
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(len(samples)))) ** 2
    freqs = np.fft.rfftfreq(len(samples), 1 / rate)
    tone = float(spectrum[np.abs(freqs - TONE_HZ) < 30].sum())
    speech = float(spectrum[(freqs >= SPEECH_BAND[0]) & (freqs <= SPEECH_BAND[1])].sum())
    return tone, speech


def show_sound_with(replaces: bool) -> np.ndarray:
    """One second of the show's sound (no microphone) with a 3 kHz video sound fed in."""
    clock = Clock()
    blocks: list[AudioBlock] = []
    sound = ShowSound(blocks.append, clock=clock)
    feed = sound.feed("clip.mp4", replaces_test_sound=replaces)
    sound.start()
    start = clock.now()
    t = np.arange(48000 * 2) / 48000
    wave = (0.3 * np.sin(2 * np.pi * TONE_HZ * t)).astype(np.float32)[:, None]
    feed.push(AudioBlock(np.repeat(wave, 2, axis=1), 48000, start))
    wait_until(lambda: any(b.pts > start + 1.6 for b in blocks), what="the show's sound to go on")
    if replaces:
        assert sound.status == (
            "no microphone, and no test sound over the video file's own sound "
            "+ the sound of clip.mp4"
        )
    sound.close()
    heard = [b.samples[:, 0] for b in blocks if start + 0.3 <= b.pts < start + 1.5]
    return np.concatenate(heard)


def test_the_camera_videos_sound_plays_without_the_test_sound() -> None:
    tone, speech = band_energies(show_sound_with(replaces=True), 48000)
    assert tone > 0 and speech < 1e-6 * tone


def test_a_background_videos_sound_plays_with_the_test_sound() -> None:
    tone, speech = band_energies(show_sound_with(replaces=False), 48000)
    assert tone > 0 and speech > 0.01 * tone  # the demo presenter still speaks


def test_a_show_from_a_video_file_records_only_the_files_sound(tmp_path: Path) -> None:
    clip, out = tmp_path / "clip.mp4", tmp_path / "show.mp4"
    tone_take(clip)
    result = subprocess.run(
        [
            *(sys.executable, "-m", "kaizen_studio", "live", "--camera", str(clip)),
            *("--record", str(out), "--seconds", "4"),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=240,
    )
    assert result.returncode == 0, result.stderr
    with av.open(str(out)) as container:
        sound = np.concatenate(
            [f.to_ndarray()[0] for f in container.decode(audio=0)]  # the left channel
        )
    middle = sound[48000 // 2 : -48000 // 2]
    tone, speech = band_energies(middle, 48000)
    assert tone > 0 and speech < 1e-3 * tone, result.stderr
