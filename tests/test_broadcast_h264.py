"""The H.264 encoder chosen by probing: hardware when it works, x264 otherwise, and why."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from kaizen_studio.broadcast.encoder import ProgrammeEncoder
from kaizen_studio.broadcast.h264 import (
    HARDWARE,
    H264Choice,
    Probe,
    ProbeResult,
    choose_h264,
    probe,
    probe_all,
)
from kaizen_studio.core.media import VideoFrame

X264 = Probe(name="libx264", label="x264", pix_fmt="yuv420p", result=ProbeResult.WORKS)


def _hardware(name: str, result: ProbeResult, reason: str = "") -> Probe:
    return Probe(name=name, label=name.upper(), pix_fmt="nv12", result=result, reason=reason)


def test_every_encoder_is_probed_and_x264_works_here() -> None:
    probes = probe_all()
    assert [p.name for p in probes] == [h.name for h in HARDWARE] + ["libx264"]
    assert probes[-1].works
    for found in probes[:-1]:  # an encoder that does not work here says why
        if not found.works:
            assert found.reason or found.result is ProbeResult.NOT_IN_THIS_BUILD
    working = [p for p in probes if p.works]
    assert choose_h264(probes, wanted="auto").encoder == working[0]


def test_a_missing_encoder_is_named_not_raised() -> None:
    found = probe("h264_nonesuch", "Nothing", "yuv420p")
    assert found.result is ProbeResult.NOT_IN_THIS_BUILD and not found.works


def test_the_first_working_hardware_encoder_wins_over_x264() -> None:
    probes = (
        _hardware("h264_qsv", ProbeResult.WOULD_NOT_OPEN, "no driver"),
        _hardware("h264_nvenc", ProbeResult.WORKS),
        X264,
    )
    choice = choose_h264(probes, wanted="auto")
    assert choice.encoder.name == "h264_nvenc" and "H264_NVENC" in choice.summary()


def test_with_no_hardware_x264_is_chosen_and_the_summary_says_so() -> None:
    probes = (_hardware("h264_qsv", ProbeResult.WOULD_NOT_OPEN, "no driver"), X264)
    choice = choose_h264(probes, wanted="auto")
    assert choice.encoder.name == "libx264"
    assert "no hardware H.264 encoder works" in choice.summary()


def test_a_wanted_encoder_is_used_when_it_works_and_passed_over_when_not() -> None:
    probes = (_hardware("h264_qsv", ProbeResult.WORKS), X264)
    assert choose_h264(probes, wanted="libx264").encoder.name == "libx264"
    assert choose_h264(probes, wanted="libx264").forced
    broken = (_hardware("h264_qsv", ProbeResult.WOULD_NOT_OPEN, "no driver"), X264)
    assert choose_h264(broken, wanted="h264_qsv").encoder.name == "libx264"
    assert choose_h264(broken, wanted="h265_anything").encoder.name == "libx264"


def test_no_working_encoder_at_all_is_an_error_with_the_fix() -> None:
    with pytest.raises(RuntimeError, match="reinstall PyAV"):
        choose_h264((_hardware("h264_qsv", ProbeResult.WOULD_NOT_OPEN, "x"),), wanted="auto")


def test_a_hardware_encoder_that_fails_at_the_shows_size_falls_back_to_x264() -> None:
    # The probe said it worked (as on a machine whose chip later refuses the show's size);
    # here h264_qsv cannot open at all, so the real fallback path runs.
    choice = H264Choice(encoder=_hardware("h264_qsv", ProbeResult.WORKS), probes=(X264,))
    encoder = ProgrammeEncoder(width=320, height=240, fps=25, h264=choice)
    assert encoder.h264.encoder.name == "libx264"
    packets = []
    for i in range(30):
        picture = np.full((240, 320, 3), i * 8, np.uint8)
        packets += encoder.encode(VideoFrame(picture, i / 25, i))
    packets += encoder.flush()
    assert any(p.kind == "v" and p.keyframe for p in packets)


def test_studio_devices_lists_the_encoders_and_the_one_in_use() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "kaizen_studio", "devices"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    for hardware in HARDWARE:
        assert f"({hardware.name}, hardware)" in result.stdout
    assert "x264 (libx264, software): works" in result.stdout
    assert "In use: encoding" in result.stdout
