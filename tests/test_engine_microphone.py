"""The microphone's error path on a machine without one (this CI machine has none)."""

from __future__ import annotations

from pathlib import Path

import av
import pytest

from kaizen_studio.core.clock import Clock
from kaizen_studio.core.errors import DeviceError
from kaizen_studio.core.media import AudioBlock
from kaizen_studio.studio.cli import main
from kaizen_studio.studio.sources.microphone import MicrophoneSource, list_microphones

sd = pytest.importorskip("sounddevice")


def _has_input() -> bool:
    try:
        return any(d["max_input_channels"] > 0 for d in sd.query_devices())
    except sd.PortAudioError:
        return False


@pytest.mark.skipif(_has_input(), reason="this machine has a microphone")
@pytest.mark.parametrize("device", [None, 7, "Blue Yeti"])
def test_no_microphone_is_one_device_error_with_the_fix(device: int | str | None) -> None:
    blocks: list[AudioBlock] = []
    mic = MicrophoneSource(blocks.append, clock=Clock(), device=device)
    with pytest.raises(DeviceError, match=r"could not open .*use the test tone"):
        mic.start()
    mic.stop()  # safe after a failed start, and twice
    mic.close()
    assert blocks == []


@pytest.mark.skipif(_has_input(), reason="this machine has a microphone")
def test_live_without_the_microphone_says_so_and_records_the_test_sound(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    show, out = tmp_path / "show.toml", tmp_path / "take.mp4"
    show.write_text(
        'fps = 25\nsize = "160x90"\n[[scene]]\nname = "News"\nbackground = "beach"\n',
        encoding="utf-8",
    )
    args = ["live", "--show", str(show), "--microphone", "Blue Yeti", "--record", str(out)]
    assert main([*args, "--seconds", "2"]) == 0
    assert "could not open 'Blue Yeti'" in capsys.readouterr().err
    with av.open(str(out)) as container:
        times = [float(f.time) for f in container.decode(video=0) if f.time is not None]
    with av.open(str(out)) as container:
        sound = sum(frame.samples for frame in container.decode(audio=0))
    assert times and sound >= (times[-1] - times[0] + 1 / 25) * 48000  # all the pictures' time


def test_the_microphones_are_listed_by_index_and_name() -> None:
    found = list_microphones()
    assert all(isinstance(i, int) and isinstance(n, str) and n for i, n in found)
    assert bool(found) == _has_input()
