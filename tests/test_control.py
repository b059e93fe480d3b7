"""The studio's controls without a window: a camera that cannot be opened at the start
leaves the demo presenter standing in, and says why."""

from __future__ import annotations

import time
from pathlib import Path

from kaizen_studio.studio.control import StudioControl
from kaizen_studio.studio.show import Scene, Show
from kaizen_studio.studio.sources import DemoPresenterSource

SHOW = Show("Tiny", 25, (160, 90), (Scene("Hall", "playground"),))


def test_a_camera_that_cannot_be_opened_leaves_the_demo_presenter_standing_in(
    tmp_path: Path,
) -> None:
    control = StudioControl(SHOW, camera="9", recordings=tmp_path)
    try:
        job = control.start()
        deadline = time.monotonic() + 60
        while job.outcome() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        outcome = job.outcome()
        assert outcome is not None and outcome[0], outcome
        assert "camera 9 could not be opened" in outcome[1]
        assert "the demo presenter stands in" in outcome[1]
        assert isinstance(control.source, DemoPresenterSource)
        assert control.finished_jobs() == [job] and control.finished_jobs() == []
    finally:
        control.close()
