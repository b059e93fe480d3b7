"""The window's decisions are by type, not by display text: a job's kind is a JobKind,
and a setting is changed by its declared field only."""

from __future__ import annotations

from concurrent.futures import Future
from dataclasses import replace
from typing import Any

import pytest

from kaizen_studio.core.errors import InputError
from kaizen_studio.studio.app_settings import AppSettings
from kaizen_studio.studio.jobs import Job, JobKind
from kaizen_studio.studio.programme_look import Transition


def done(result: str = "", error: BaseException | None = None) -> Future[str]:
    future: Future[str] = Future()
    if error is None:
        future.set_result(result)
    else:
        future.set_exception(error)
    return future


def test_a_job_done_says_its_outcome() -> None:
    job = Job(kind=JobKind.SCENE, future=done("Newsroom"))
    assert job.outcome() == (True, "Newsroom")


def test_a_problem_is_said_with_the_jobs_words() -> None:
    job = Job(
        kind=JobKind.AUTO_KEY, future=done(error=InputError("no picture from the camera yet"))
    )
    assert job.outcome() == (False, "Auto key: no picture from the camera yet")


def test_a_setting_that_is_not_declared_cannot_be_remembered() -> None:
    settings = AppSettings()
    changed = replace(settings, transition=Transition.FADE)
    assert changed.transition is Transition.FADE and settings.transition is Transition.CUT
    unknown: dict[str, Any] = {"trasition": "fade"}  # a typo: refused, not kept
    with pytest.raises(TypeError, match="trasition"):
        replace(settings, **unknown)
