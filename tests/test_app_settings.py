"""Remembered settings: round trip, a damaged file, wrong types; nothing is fatal."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kaizen_studio.studio.app_settings import AppSettings, config_dir, settings_from
from kaizen_studio.studio.programme_look import Transition


def test_settings_round_trip_through_the_config_folder(tmp_path: Path) -> None:
    settings = AppSettings(
        show_file="/shows/news.toml", keyer={"spill": 0.5}, transition=Transition.FADE
    )
    path = settings.save(tmp_path)
    assert path == tmp_path / "settings.json"
    assert json.loads(path.read_text("utf-8"))["transition"] == "fade"
    again = AppSettings.load(tmp_path)
    assert again == settings and again.problems == []


def test_a_missing_file_gives_the_defaults(tmp_path: Path) -> None:
    assert AppSettings.load(tmp_path / "nowhere") == AppSettings()


def test_a_damaged_file_is_reported_and_the_defaults_used(tmp_path: Path) -> None:
    (tmp_path / "settings.json").write_text("{ not json", "utf-8")
    settings = AppSettings.load(tmp_path)
    assert settings == AppSettings()
    assert "could not be read" in settings.problems[0] and "using defaults" in settings.problems[0]


def test_values_of_the_wrong_type_fall_back_one_by_one(tmp_path: Path) -> None:
    data = {"camera": 3, "words_per_minute": 150, "checklist_done": "yes", "keyer": {"spill": 0.4}}
    (tmp_path / "settings.json").write_text(json.dumps(data), "utf-8")
    settings = AppSettings.load(tmp_path)
    assert settings.camera == "auto" and settings.checklist_done is False
    assert settings.words_per_minute == 150.0 and settings.keyer == {"spill": 0.4}
    assert len(settings.problems) == 2 and "camera = 3 is not a str" in settings.problems[0]


def test_an_unknown_transition_word_is_refused_naming_it_and_the_choices(tmp_path: Path) -> None:
    data = {"transition": "wipe", "camera": "demo"}
    (tmp_path / "settings.json").write_text(json.dumps(data), "utf-8")
    settings = AppSettings.load(tmp_path)
    assert settings.transition is Transition.CUT and settings.camera == "demo"
    assert len(settings.problems) == 1
    assert "a transition is one of cut, fade, not 'wipe'; using 'cut'" in settings.problems[0]


def test_remembered_keyer_values_out_of_range_are_dropped() -> None:
    settings = settings_from({"spill": 0.5, "shrink": 999, "gone": 1.0})
    assert settings.spill == 0.5 and settings.shrink == 0


def test_the_config_folder_can_be_moved_for_tests(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KAIZEN_STUDIO_CONFIG", "/tmp/elsewhere")
    assert config_dir() == Path("/tmp/elsewhere")
