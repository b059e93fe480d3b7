"""The show's sound: the test sound or the microphone, video sound lined up by its time
stamps and mixed in, the level meter and the status in words."""

from __future__ import annotations

import numpy as np
import pytest

from kaizen_studio.core.clock import Clock
from kaizen_studio.core.media import AudioBlock
from kaizen_studio.studio.sound import ShowSound, SoundFeed, Voice
from kaizen_studio.studio.sources.mixer import SILENCE_DB
from tests.conditions import wait_until


def _has_microphone() -> bool:
    try:
        import sounddevice as sd  # type: ignore[import-untyped]

        return any(d["max_input_channels"] > 0 for d in sd.query_devices())
    except (ImportError, OSError):
        return False


def test_the_test_sound_plays_when_no_microphone_is_asked_for() -> None:
    blocks: list[AudioBlock] = []
    sound = ShowSound(blocks.append, clock=Clock())
    assert sound.status == "no sound (not started)" and sound.level_db == SILENCE_DB
    sound.start()
    sound.start()  # twice is once
    wait_until(lambda: len(blocks) >= 15, what="0.3 s of the test sound")
    assert sound.playing is Voice.TEST_SOUND
    assert sound.status == "the speech-like test sound (no microphone asked for)"
    sound.stop()
    sound.stop()
    assert sound.status == "no sound (stopped)"  # the voice is Voice.NOTHING again
    assert np.allclose(np.diff([b.pts for b in blocks]), 0.02)  # stamped by samples counted
    assert all(b.samples.shape == (960, 2) and b.sample_rate == 48000 for b in blocks)
    assert max(float(np.abs(b.samples).max()) for b in blocks) > 0.05
    assert -40.0 < sound.level_db < -15.0  # speech over the meter's 0.3 s, not one block


def test_the_meter_reads_a_known_tone() -> None:
    sound = ShowSound(clock=Clock(), speech=False)  # 440 Hz at 0.2 of full scale
    sound.start()
    wait_until(lambda: sound.blocks >= 20, what="0.4 s of the tone")  # the meter's 0.3 s
    sound.stop()
    assert sound.level_db == pytest.approx(20 * np.log10(0.2 / np.sqrt(2)), abs=0.3)


@pytest.mark.skipif(_has_microphone(), reason="this machine has a microphone")
def test_a_microphone_that_cannot_be_opened_gives_the_test_sound_and_says_why() -> None:
    blocks: list[AudioBlock] = []
    sound = ShowSound(blocks.append, clock=Clock(), microphone="Blue Yeti", speech=False)
    sound.start()
    wait_until(lambda: bool(blocks), what="the test tone")
    assert sound.status.startswith("the test tone (the microphone is not used: could not open")
    sound.stop()
    assert blocks and sound.status == "no sound (stopped)"
    assert "'Blue Yeti'" in sound.microphone_problem
    sound.use_microphone(None)  # while stopped: only remembered
    assert sound.microphone is None and sound.playing is Voice.NOTHING


def _block(value: float, pts: float, seconds: float) -> AudioBlock:
    return AudioBlock(np.full((round(seconds * 48000), 2), value, np.float32), 48000, pts)


def test_a_feed_gives_its_samples_at_their_time_with_silence_around_them() -> None:
    feed = SoundFeed("the video", sample_rate=48000, channels=2, gain=1.0)
    assert not feed.take(0.0, 10).any()  # nothing yet: silence
    feed.push(_block(0.5, pts=1.0, seconds=0.1))
    first = feed.take(0.95, 4800)  # 50 ms of silence, then 50 ms of the block
    assert not first[:2400].any() and np.all(first[2400:] == 0.5)
    second = feed.take(1.05, 4800)  # the block's second half, then silence
    assert np.all(second[:2400] == 0.5) and not second[2400:].any()
    feed.push(_block(0.25, pts=2.0, seconds=0.1))
    feed.push(_block(0.75, pts=2.15, seconds=0.05))  # a 50 ms gap becomes silence
    later = feed.take(2.0, round(0.2 * 48000))
    assert np.all(later[:4800] == 0.25) and not later[4800:7200].any()
    assert np.all(later[7200:] == 0.75)
    feed.push(_block(0.1, pts=5.0, seconds=0.02))
    assert not feed.take(6.0, 960).any()  # what is past is dropped, not played late
    with pytest.raises(ValueError, match="44100 Hz"):
        feed.push(AudioBlock(np.zeros((10, 2), np.float32), 44100, 0.0))


def test_a_feed_holds_at_most_its_limit() -> None:
    feed = SoundFeed("the video", sample_rate=48000, channels=1, gain=1.0, seconds=0.5)
    for i in range(100):  # 2 s pushed, nobody taking
        feed.push(AudioBlock(np.full((960, 2), i / 100, np.float32), 48000, i * 0.02))
    assert not feed.take(1.0, 960).any()  # the oldest went
    assert np.allclose(feed.take(1.6, 960), 0.8)  # stereo pushed, mono held


def test_video_sound_is_mixed_into_the_show_sound_by_time() -> None:
    clock = Clock()
    blocks: list[AudioBlock] = []
    sound = ShowSound(blocks.append, clock=clock, speech=False)
    feed = sound.feed("the background beach.mp4", gain=0.5)
    quiet = sound.feed("a silent video")
    sound.start()
    soon = clock.now() + 0.2
    feed.push(_block(0.6, pts=soon, seconds=0.3))  # a constant: the tone averages to 0
    wait_until(lambda: bool(blocks) and blocks[-1].pts > soon + 0.4, what="the video's sound")
    assert sound.status == (
        "the test tone (no microphone asked for) + the sound of the background beach.mp4"
    )
    sound.stop()
    during = [b for b in blocks if soon + 0.02 <= b.pts < soon + 0.26]
    before = [b for b in blocks if b.pts + b.duration < soon - 0.02]
    after = [b for b in blocks if b.pts > soon + 0.32]
    assert len(during) >= 8 and before and after
    assert all(abs(float(b.samples.mean()) - 0.3) < 0.03 for b in during)
    assert all(abs(float(b.samples.mean())) < 0.03 for b in before + after)
    sound.remove_feed(quiet)
    sound.remove_feed(quiet)
    assert [f.name for f in sound.feeds] == ["the background beach.mp4"]
    with pytest.raises(ValueError, match="gain must be 0 to 4"):
        sound.feed("too loud", gain=10.0)


def test_the_status_names_a_video_sound_that_plays() -> None:
    sound = ShowSound(clock=Clock())
    sound.start()
    feed = sound.feed("the background sea.mp4")
    sound.feed("a silent video")
    feed.push(_block(0.1, pts=0.0, seconds=0.02))
    assert sound.status == (
        "the speech-like test sound (no microphone asked for) + the sound of the background sea.mp4"
    )
    sound.close()


@pytest.mark.skipif(_has_microphone(), reason="this machine has a microphone")
def test_switching_to_a_missing_microphone_while_live_keeps_the_sound_going() -> None:
    blocks: list[AudioBlock] = []
    sound = ShowSound(blocks.append, clock=Clock())
    sound.start()
    wait_until(lambda: bool(blocks), what="the test sound")
    sound.use_microphone("Blue Yeti")
    assert sound.playing is Voice.TEST_SOUND and "could not open 'Blue Yeti'" in sound.status
    before = len(blocks)
    wait_until(lambda: len(blocks) >= before + 5, what="the sound going on")
    sound.use_microphone(None)
    assert sound.status == "the speech-like test sound (no microphone asked for)"
    sound.close()
    starts = np.array([b.pts for b in blocks])
    ends = starts + np.array([b.duration for b in blocks])
    assert np.allclose(starts[1:], ends[:-1])  # no gap and no overlap across the switches
