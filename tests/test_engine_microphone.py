"""The microphone's error path on a machine without one (this CI machine has none)."""

from __future__ import annotations

import pytest

from studio.clock import Clock
from studio.errors import DeviceError
from studio.media import AudioBlock
from studio.sources.microphone import MicrophoneSource

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
