"""The studio's controls without a window: a camera that cannot be opened at the start
leaves the demo presenter standing in, and says why; the show's record when it closes."""

from __future__ import annotations

from pathlib import Path

from kaizen_studio.studio.control import StudioControl
from kaizen_studio.studio.show import Scene, Show
from kaizen_studio.studio.show_record import start_log
from kaizen_studio.studio.sources import DemoPresenterSource
from tests.conditions import wait_until

SHOW = Show(
    title="Tiny", fps=25, size=(160, 90), scenes=(Scene(name="Hall", background="playground"),)
)


def test_a_camera_that_cannot_be_opened_leaves_the_demo_presenter_standing_in(
    tmp_path: Path, studio_folders: Path
) -> None:
    start_log(studio_folders / "logs")
    control = StudioControl(SHOW, camera="9", recordings=tmp_path)
    try:
        job = control.start()
        wait_until(lambda: job.outcome() is not None, what="the show to start")
        outcome = job.outcome()
        assert outcome is not None and outcome[0], outcome
        assert "camera 9 could not be opened" in outcome[1]
        assert "the demo presenter stands in" in outcome[1]
        assert isinstance(control.source, DemoPresenterSource)
        assert control.finished_jobs() == [job] and control.finished_jobs() == []
    finally:
        control.close()
    record = (studio_folders / "logs" / "shows.txt").read_text(encoding="utf-8")
    assert record.startswith("Show: Tiny (the studio window, camera 9)\n")
    assert "  pictures  " in record and "  stopped   " in record
