"""The window's settings file holds the stream key: it is created 0600 (the mode given to
os.open, never chmod after), an older file readable by all is replaced by a private one,
and an address that held its key gives the key up to its own setting."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from kaizen_studio.broadcast.streamer import split_key, with_key
from kaizen_studio.studio.app_settings import AppSettings


@pytest.fixture
def open_umask() -> Iterator[None]:
    """A umask that lets everyone read new files (as on some school machines)."""
    old = os.umask(0)
    try:
        yield
    finally:
        os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_settings_file_is_private_from_its_creation(tmp_path: Path, open_umask: None) -> None:
    settings = AppSettings(stream_key="tulip42")
    path = settings.save(tmp_path)
    assert mode(path) == 0o600
    assert json.loads(path.read_text(encoding="utf-8"))["stream_key"] == "tulip42"
    assert AppSettings.load(tmp_path).stream_key == "tulip42"
    assert [p.name for p in tmp_path.iterdir()] == ["settings.json"]  # no partial left


def test_an_older_settings_file_readable_by_all_is_made_private(
    tmp_path: Path, open_umask: None
) -> None:
    old = tmp_path / "settings.json"
    old.write_text(
        json.dumps({"stream_url": "rtmp://127.0.0.1:1935/live/show?key=tulip42"}),
        encoding="utf-8",
    )
    old.chmod(0o644)
    settings = AppSettings.load(tmp_path)
    assert settings.stream_url == "rtmp://127.0.0.1:1935/live/show"  # no key on screen
    assert settings.stream_key == "tulip42"
    assert mode(settings.save(tmp_path)) == 0o600


def test_the_key_is_added_and_taken_out_of_an_address() -> None:
    url = "rtmp://127.0.0.1:1935/live/show"
    assert with_key(url, "tulip42") == url + "?key=tulip42"
    assert split_key(url + "?key=tulip42") == (url, "tulip42")
    assert split_key(url + "?a=1&key=k&b=2") == (url + "?a=1&b=2", "k")
    assert with_key(url, "") == url
    for bad in ("two words", "a&b", "x?y", "a/b"):
        with pytest.raises(ValueError) as caught:
            with_key(url, bad)
        assert bad not in str(caught.value)  # a message never repeats a key
