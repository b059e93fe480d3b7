"""The window's decisions are by type, not by display text: a job's kind is a JobKind
(checked when the job is made), and a setting is changed by its declared field only."""

from __future__ import annotations

from concurrent.futures import Future
from dataclasses import replace
from typing import Any

import pytest

from kaizen_studio.core.errors import InputError
from kaizen_studio.studio.app_settings import AppSettings
from kaizen_studio.studio.jobs import Job, JobKind


def done(result: str = "", error: BaseException | None = None) -> Future[str]:
    future: Future[str] = Future()
    if error is None:
        future.set_result(result)
    else:
        future.set_exception(error)
    return future


def test_a_job_made_with_its_words_has_its_kind() -> None:
    job = Job("Scene", done("Newsroom"))
    assert job.kind is JobKind.SCENE and job.outcome() == (True, "Newsroom")
    assert Job(JobKind.GO_LIVE, done()).kind is JobKind.GO_LIVE


def test_a_problem_is_said_with_the_jobs_words() -> None:
    job = Job(JobKind.AUTO_KEY, done(error=InputError("no picture from the camera yet")))
    assert job.outcome() == (False, "Auto key: no picture from the camera yet")


def test_a_job_of_no_known_kind_is_refused_naming_it() -> None:
    with pytest.raises(ValueError, match=r"unknown job 'Make tea'.*JobKind"):
        Job("Make tea", done())


def test_a_setting_that_is_not_declared_cannot_be_remembered() -> None:
    settings = AppSettings()
    changed = replace(settings, transition="fade")
    assert changed.transition == "fade" and settings.transition == "cut"
    unknown: dict[str, Any] = {"trasition": "fade"}  # a typo: refused, not kept
    with pytest.raises(TypeError, match="trasition"):
        replace(settings, **unknown)
