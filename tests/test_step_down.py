"""Never drop, degrade: the show steps down (a faster encoder setting, a lower bitrate, the
key at half then a quarter of the size, half as many pictures a second) before a picture is
lost, says so in words, and steps back up when there is room; the decision on the fake
clock, the steps on a real encoder, keyer and programme."""

from __future__ import annotations

import itertools
import threading
from pathlib import Path

import av
import numpy as np

from kaizen_studio.broadcast import BroadcastOutput, ProgrammeEncoder
from kaizen_studio.broadcast.effort import EncoderEffort, x264_options
from kaizen_studio.broadcast.encoder import LOW_LATENCY, RECORDING, Picture
from kaizen_studio.core.fake_clock import FakeClock
from kaizen_studio.core.media import AudioBlock, VideoFrame
from kaizen_studio.keying import Keyer
from kaizen_studio.studio.pipeline import Programme
from kaizen_studio.studio.show_level import ShowLevels
from kaizen_studio.studio.stages import KeyStage
from kaizen_studio.studio.step_down import (
    BEHIND_BACKLOG,
    MOST_ROOM_SECONDS,
    ROOM_SECONDS,
    SETTLE_SECONDS,
    WARM_UP_BACKLOG,
    WARM_UP_SECONDS,
    Load,
    Reason,
    ShowLevel,
    Step,
    StepDownPolicy,
)
from tests.conditions import step
from tests.engine_parts import Clocked, Collector
from tests.keying_frames import SKIN, inner, person_frame

BEHIND = Load(backlog=0.5, key_share=0.3)
ROOM = Load(backlog=0.0, key_share=0.3)


def warmed() -> StepDownPolicy:
    """A policy past the show's warm-up (tested on its own below)."""
    return StepDownPolicy(warm_up_seconds=0.0)


def test_the_show_steps_down_one_level_at_a_time_in_order() -> None:
    clock, policy = FakeClock(), warmed()
    levels = []
    for _ in range(40):  # ten seconds behind, looked at four times a second
        step = policy.decide(clock.now(), BEHIND)
        if step is not None:
            levels.append((step.level, step.at))
        clock.advance(0.25)
    assert [level for level, _ in levels] == [
        ShowLevel.FASTER_ENCODER,
        ShowLevel.LOWER_BITRATE,
        ShowLevel.CHEAPER_KEY,
        ShowLevel.CHEAPEST_KEY,
        ShowLevel.HALF_RATE,
    ]
    times = [at for _, at in levels]
    assert all(b - a >= SETTLE_SECONDS for a, b in itertools.pairwise(times))
    assert ShowLevel.LOWER_BITRATE.effort is EncoderEffort.LEANER
    assert ShowLevel.HALF_RATE.effort is EncoderEffort.LEANER
    assert [level.key_divisor for level in ShowLevel] == [1, 1, 1, 2, 4, 4]
    assert [level.rate_divisor for level in ShowLevel] == [1, 1, 1, 1, 1, 2]
    assert policy.decide(clock.now() + 60, BEHIND) is None  # nothing below the last step
    assert len({level.words for level in ShowLevel}) == len(ShowLevel)


def test_each_kind_of_falling_behind_is_named() -> None:
    cases = {
        Reason.ENCODER_BEHIND: Load(backlog=BEHIND_BACKLOG, key_share=0.1),
        Reason.KEY_BEHIND: Load(backlog=0.0, key_share=0.95),
        Reason.LATE: Load(backlog=0.0, key_share=0.1, late_ticks=3),
    }
    for reason, load in cases.items():
        step = warmed().decide(0.0, load)
        assert step is not None and step.reason is reason
        assert step.words == f"{reason}: the show stepped down to a faster encoder setting"
    assert warmed().decide(0.0, Load(backlog=0.1, key_share=0.6, late_ticks=1)) is None


def test_it_steps_back_up_only_after_room_for_a_while() -> None:
    clock, policy = FakeClock(), warmed()
    policy.decide(clock.now(), BEHIND)
    clock.advance(SETTLE_SECONDS)
    policy.decide(clock.now(), BEHIND)
    assert policy.level is ShowLevel.LOWER_BITRATE
    ups = []
    for tick in range(round(3 * ROOM_SECONDS / 0.5)):
        clock.advance(0.5)
        # a busy moment (not behind) half-way through the first wait starts it again
        load = Load(backlog=0.1, key_share=0.3) if tick == 10 else ROOM
        step = policy.decide(clock.now(), load)
        if step is not None:
            ups.append((step, clock.now()))
    assert [step.level for step, _ in ups] == [ShowLevel.FASTER_ENCODER, ShowLevel.FULL]
    first, second = ups[0][1], ups[1][1]
    assert first >= 5.5 + ROOM_SECONDS and second - first >= ROOM_SECONDS
    assert ups[1][0].words == "the computer has room again: back up to full quality"
    assert policy.decide(clock.now() + 100, ROOM) is None  # nothing above full


def test_a_step_up_taken_back_makes_the_next_wait_longer() -> None:
    """A show that only fits one level down must not bounce every twenty seconds."""
    clock, policy = FakeClock(), warmed()
    ups = []
    for _ in range(round(600 / 0.5)):  # ten minutes: behind whenever at full quality
        load = BEHIND if policy.level is ShowLevel.FULL else ROOM
        step = policy.decide(clock.now(), load)
        if step is not None and step.reason is Reason.ROOM:
            ups.append(clock.now())
        clock.advance(0.5)
    waits = [b - a for a, b in itertools.pairwise(ups)]
    assert waits[0] >= 2 * ROOM_SECONDS and waits == sorted(waits)
    assert len(ups) <= 6 and max(waits) <= MOST_ROOM_SECONDS + 1.0


def test_the_start_of_the_show_steps_nothing_down_unless_pictures_would_be_dropped() -> None:
    """What is slow at the start passes (the key's first pictures, late ticks, x264's
    first pictures queued): no step down in the warm-up; a queue filling up steps at once
    all the same; behind still once warmed up: one step."""
    clock, policy = FakeClock(), StepDownPolicy()
    queued = Load(backlog=WARM_UP_BACKLOG - 0.1, key_share=0.3)  # behind, later
    slow_start = [Load(backlog=0.0, key_share=4.0, late_ticks=5), queued]
    steps: list[Step | None] = []
    while clock.now() < WARM_UP_SECONDS - 0.25:
        steps.append(policy.decide(clock.now(), slow_start[len(steps) % 2]))
        clock.advance(0.25)
    assert steps and not any(steps) and policy.level is ShowLevel.FULL
    clock.advance(0.25)
    step = policy.decide(clock.now(), BEHIND)  # still behind once warmed up: a real load
    assert step is not None and step.level is ShowLevel.FASTER_ENCODER
    assert step.reason is Reason.ENCODER_BEHIND and step.at == WARM_UP_SECONDS

    early = StepDownPolicy()
    assert early.decide(0.0, ROOM) is None
    full = Load(backlog=WARM_UP_BACKLOG, key_share=0.3)
    step = early.decide(1.0, full)
    assert step is not None and step.reason is Reason.ENCODER_BEHIND and step.at == 1.0


def test_a_queue_that_keeps_filling_steps_again_without_waiting_for_the_last_step() -> None:
    """At 1080p the queue holds a second: a step that does not stop it filling is
    followed by the next one as soon as it has filled by as much again."""
    policy, levels = warmed(), []
    for look in range(5):  # a look every quarter second, the queue filling fast
        step = policy.decide(look * 0.25, Load(backlog=0.2 + 0.1 * look, key_share=0.3))
        levels.append(None if step is None else step.level)
    assert levels == [
        ShowLevel.FASTER_ENCODER,
        None,
        ShowLevel.LOWER_BITRATE,
        None,
        ShowLevel.CHEAPER_KEY,
    ]
    steady = warmed()  # a queue that stays as full waits for each step to settle
    assert steady.decide(0.0, BEHIND) is not None and steady.decide(0.5, BEHIND) is None


def test_every_effort_keeps_the_stream_headers() -> None:
    """A step reopens x264 with the same SPS/PPS, so one stream goes on for every player."""
    for options, bitrate in ((RECORDING, None), (LOW_LATENCY, 2_500_000)):
        headers = set()
        for effort in EncoderEffort:
            encoder = ProgrammeEncoder(
                width=64, height=48, fps=25, video_bitrate=bitrate, options=options
            )
            encoder.set_effort(effort)
            assert encoder.effort is effort, (options, effort)
            headers.add(encoder.header.video_extradata)
        assert len(headers) == 1
    faster = x264_options(RECORDING, EncoderEffort.LEANER, bitrate=None)
    assert faster["preset"] == "ultrafast" and faster["crf"] == "28"
    assert "crf" not in x264_options(LOW_LATENCY, EncoderEffort.LEANER, bitrate=1)


class StarvedOutput(BroadcastOutput):
    """A real output whose real encoder gets nothing done until ``fed`` is set (the fault
    put in on purpose: another program has the processor)."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fed = threading.Event()

    def _open(self) -> ProgrammeEncoder:
        encoder = super()._open()
        real = encoder.encode

        def encode(item: Picture | AudioBlock) -> list:  # type: ignore[type-arg]
            self.fed.wait()
            return real(item)

        encoder.encode = encode  # type: ignore[method-assign]
        return encoder


def test_a_starved_encoder_steps_the_show_down_before_a_picture_is_dropped(
    tmp_path: Path,
) -> None:
    w, h, fps = 160, 120, 25
    output = StarvedOutput(
        record=tmp_path / "take.mp4", width=w, height=h, fps=fps, buffer_seconds=8.0
    )
    clock = FakeClock()
    key = KeyStage(None, size=None, backdrop=lambda tick: None, placement=lambda: None)
    levels = ShowLevels(clock=clock, fps=fps, key=key, warm_up_seconds=0.0)
    output.start()
    sent, first_step = 0, None
    try:
        while levels.level < ShowLevel.CHEAPER_KEY:  # the show's ticks, the encoder starved
            assert sent < 40 * fps, levels.level
            picture = np.full((h, w, 3), sent % 256, np.uint8)
            output.send(VideoFrame(picture, clock.now(), sent))
            sent += 1
            step = levels.look([output], key_ms=5.0, late=0)
            if step is not None and first_step is None:
                first_step = (step, output.recording_stats())
            clock.advance(1 / fps)
    finally:
        output.fed.set()
    assert first_step is not None
    step, stats = first_step
    assert step.reason is Reason.ENCODER_BEHIND and step.level is ShowLevel.FASTER_ENCODER
    assert stats.frames_dropped == 0 and stats.queued_bytes < output.max_queue_bytes
    assert output.encoding.effort is EncoderEffort.LEANER and key.divisor == 2
    assert "stepped down to a lower bitrate and a simpler key" in levels.words
    output.stop()
    stats = output.recording_stats()
    assert output.encoding.taken_effort is EncoderEffort.LEANER  # the encoder took it
    assert stats.frames_dropped == 0
    with av.open(str(tmp_path / "take.mp4")) as take:
        assert sum(1 for _ in take.decode(video=0)) == sent


def test_the_cheaper_keys_key_at_half_and_a_quarter_size_over_the_same_backdrop() -> None:
    frame, subject = person_frame(240, 320)
    backdrop = np.full((240, 320, 3), (200, 40, 40), np.uint8)
    with Keyer(threads=1) as keyer:
        key = KeyStage(keyer, size=None, backdrop=lambda tick: backdrop, placement=lambda: None)
        full = key.apply(VideoFrame(frame, 0.0, 0)).image.copy()
        cheap = {}
        for divisor in (2, 4):
            key.divisor = divisor
            cheap[divisor] = key.apply(VideoFrame(frame, 0.04 * divisor, divisor)).image.copy()
        key.close()
    for divisor, picture in cheap.items():
        assert picture.shape == full.shape
        # the same picture, softer at the edges: the backdrop and the subject where they
        # were (a quarter-size key blurs further in)
        away = inner(subject, 4 * divisor)
        clear = inner(~subject, 4 * divisor)
        assert np.abs(picture[away].astype(int) - np.array(SKIN)).max() <= 8, divisor
        assert np.abs(picture[away].astype(int) - full[away].astype(int)).mean() < 2
        assert np.abs(picture[clear].astype(int) - backdrop[clear].astype(int)).max() <= 2


def test_at_the_lowest_step_every_other_tick_makes_a_picture_until_there_is_room() -> None:
    """Half as many pictures a second: each stamped two ticks after the one before (no
    gap, the picture before stands), said in words; with room again the show steps back
    up to every tick."""
    fps = 25
    clock = FakeClock(1.0)
    programme = Programme(Clocked(clock, 50), fps=fps, clock=clock)
    collector = Collector()
    programme.add_output(collector, mode="buffered")
    programme.levels.policy.level = ShowLevel.HALF_RATE  # as if stepped down to the last
    programme.start()
    step(clock, 1 / fps, times=fps)  # a second: 13 pictures of 25 ticks
    halved = programme.stats().frames
    assert 12 <= halved <= 14, halved
    gaps = np.diff([f.pts for f in collector.frames[1:halved]])
    assert np.allclose(gaps, 2 / fps), gaps
    ticks = round((ROOM_SECONDS + 1) * fps)  # room all along: back up one level
    step(clock, 1 / fps, times=ticks)
    assert programme.levels.level is ShowLevel.CHEAPEST_KEY
    assert programme.levels.words == (
        "the computer has room again: back up to a lower bitrate and the simplest key"
    )
    before = programme.stats().frames
    step(clock, 1 / fps, times=fps)
    clock.release()
    programme.stop()
    assert programme.stats().frames - before >= fps - 1  # a picture every tick again
    assert [f.index for f in collector.frames] == list(range(len(collector.frames)))


def test_a_recording_made_at_half_rate_plays_with_every_picture_two_ticks_apart(
    tmp_path: Path,
) -> None:
    """The last resort's recording is a valid file: fewer pictures, no gap in time."""
    fps, w, h = 25, 32, 24
    clock = FakeClock(1.0)
    programme = Programme(Clocked(clock, 50, size=(w, h)), fps=fps, clock=clock)
    output = BroadcastOutput(record=tmp_path / "take.mp4", width=w, height=h, fps=fps)
    programme.add_output(output)
    programme.levels.policy.level = ShowLevel.HALF_RATE  # as if stepped down to the last
    programme.start()
    step(clock, 1 / fps, times=2 * fps)
    clock.release()
    programme.stop()
    output.close()
    made = programme.stats().frames
    assert output.recording_stats().frames_dropped == 0
    with av.open(str(tmp_path / "take.mp4")) as take:
        stream = take.streams.video[0]
        times = [float(f.pts * stream.time_base) for f in take.decode(stream)]
    assert len(times) == made and fps - 1 <= made <= fps + 2, (len(times), made)
    assert np.allclose(np.diff(times), 2 / fps, atol=1e-3), np.diff(times)
