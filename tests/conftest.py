"""What the tests share: each test's own settings and log folder, the school's media server
on loopback, clips made for the test, and a show paced at its frame rate.

Helpers that are not fixtures live in modules of their own (:mod:`tests.media_files`,
:mod:`tests.keying_frames`, :mod:`tests.conditions`, :mod:`tests.channel_site`); no test
imports another test file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kaizen_studio.broadcast import MediaServer
from kaizen_studio.broadcast.server import free_port
from kaizen_studio.studio.show_record import stop_log
from tests.channel_screens import ScreenChannel, screen_channel
from tests.channel_site import RunningChannel, running_channel
from tests.media_files import numbered_clip, play_show, take

KEY = "tulip42"


def guest_urls(server: MediaServer, school: str) -> tuple[str, str]:
    """A partner school's guest stream on ``server``, as the school sets it up (``studio
    guests add``): (where the show reads it, where the partner publishes it with its own
    guest key)."""
    guest = server.guests.add(school)
    url = f"rtmp://127.0.0.1:{server.rtmp_port}/live/{guest.stream}"
    return url, f"{url}?key={guest.key}"


"""The stream key of the test server."""


@pytest.fixture(autouse=True)
def studio_folders(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    """Settings, studio.log and shows.txt in a folder of the test's own (never the user's,
    nor the test's tmp_path, which tests check for files left behind); the log file closed
    after the test. The folder with the settings; the log is in ``logs`` under it."""
    config = tmp_path_factory.mktemp("studio-config")
    monkeypatch.setenv("KAIZEN_STUDIO_CONFIG", str(config))
    yield config
    stop_log()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[MediaServer]:
    """nginx with the RTMP module and the stream-key check (key :data:`KEY`), on free
    loopback ports, stopped after the test."""
    with MediaServer(
        tmp_path / "server", key=KEY, rtmp_port=free_port(), http_port=free_port()
    ) as media:
        yield media


@pytest.fixture(scope="session")
def channel(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningChannel]:
    """The school channel (gunicorn + nginx, SQLite) on free loopback ports, shared by every
    test that needs no channel of its own (migrations take seconds); each test makes its
    own accounts, with names no other test uses, and looks only at what it made."""
    with running_channel(tmp_path_factory.mktemp("channel") / "server") as running:
        yield running


@pytest.fixture(scope="session")
def screens(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ScreenChannel]:
    """The school channel with the demo timetable on six flat-coloured films and a clock
    each test sets first (it starts at Friday 4 December 2026, 11:00 in London), shared by
    every test of the screens; each names its own accounts and screens."""
    with screen_channel(tmp_path_factory.mktemp("screens")) as running:
        yield running


@pytest.fixture
def take_clip(tmp_path: Path) -> Path:
    """A 1 s take (320x180, 15 fps) of the demo presenter with a 440 Hz tone."""
    path = tmp_path / "take.mp4"
    take(path, frames=15)
    return path


@pytest.fixture
def counting_clip(tmp_path: Path) -> Path:
    """Ten pictures at 25 fps (64x48), each its number as a grey level, a 1 kHz tone."""
    path = tmp_path / "count.mp4"
    numbered_clip(path, frames=10)
    return path


@pytest.fixture
def paced_show() -> Callable[..., int]:
    """:func:`tests.media_files.play_show`: numbered frames and a tone sent to outputs at
    the show's pace."""
    return play_show
