"""The channel's widgets as pure code: the ticker's feeds served from local files by a
loopback HTTP server (good, broken, hostile, huge, slow, missing), and the office's
birthday CSV (only first name, class, day and month kept)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from kaizen_studio.broadcast.server import free_port
from kaizen_studio.channel.widgets.birthdays import read_birthdays
from kaizen_studio.channel.widgets.ticker import Background, check_address, read_feeds
from kaizen_studio.core.errors import InputError
from tests.conditions import wait_until
from tests.feed_files import serve_feeds


@pytest.fixture
def feeds(tmp_path: Path) -> Iterator[str]:
    """The feed files served on loopback (:func:`tests.feed_files.serve_feeds`)."""
    with serve_feeds(tmp_path) as address:
        yield address


def test_bad_feeds_are_refused_with_their_reason_and_the_good_ones_still_show(
    feeds: str,
) -> None:
    names = ["year3", "laughs", "xxe", "huge", "broken", "missing", "year6"]
    readings = {r.url.rsplit("/", 1)[1]: r for r in read_feeds(f"{feeds}/{n}.xml" for n in names)}
    assert readings["year3.xml"].headlines == ("Sports day", "Our trip to the farm")
    assert readings["year6.xml"].headlines == ("Our Viking longboat",)
    assert "entities or external references, which are refused" in readings["laughs.xml"].problem
    assert "refused" in readings["xxe.xml"].problem
    assert "the office password" not in repr(readings["xxe.xml"])
    assert "larger than 2 MB, not a feed" in readings["huge.xml"].problem
    assert "not a readable RSS or Atom feed" in readings["broken.xml"].problem
    assert "the server said 404" in readings["missing.xml"].problem
    for name in ("laughs.xml", "xxe.xml", "huge.xml", "broken.xml", "missing.xml"):
        assert readings[name].headlines == (), name


def test_a_feed_server_that_is_not_there_is_a_reason_too() -> None:
    [reading] = read_feeds([f"http://127.0.0.1:{free_port()}/feed.xml"], timeout=2.0)
    assert "could not read the feed" in reading.problem and reading.headlines == ()


def test_only_web_addresses_are_feeds() -> None:
    assert check_address(" https://blog.example/feed ") == "https://blog.example/feed"
    with pytest.raises(InputError, match="not a feed's address"):
        check_address("/etc/passwd")


def test_background_runs_one_round_at_a_time_and_survives_a_failure() -> None:
    go, runs = threading.Event(), []

    def work() -> None:
        runs.append(1)
        go.wait(30)
        if len(runs) == 1:
            raise RuntimeError("the blog server fell over")

    background = Background(work, name="ticker-test")
    assert background.kick()
    wait_until(lambda: len(runs) == 1, what="the first run to start")
    assert not background.kick()  # one at a time
    go.set()
    background.join(30)
    assert background.kick()  # the failure was logged, and the next kick runs again
    background.join(30)
    assert len(runs) == 2 and not background.running


OFFICE_CSV = (
    "Surname,Forename,Date of Birth,Reg Group,Medical notes,Address\r\n"
    "Smith,Amira,14/03/2018,3B,asthma,1 High St\r\n"
    "Jones,Tom,2017-12-07,4A,,2 Low Rd\r\n"
    ",,,,,\r\n"
    "Brown,Leap,29/02/2016,6C,,3 Mill Ln\r\n"
)


def test_birthdays_keep_first_name_class_day_and_month_only() -> None:
    imported = read_birthdays(OFFICE_CSV.encode("utf-8-sig"), file="office.csv")
    assert imported.dropped == ("Surname", "Medical notes", "Address")
    kept = {(b.first_name, b.class_name, b.day, b.month) for b in imported.birthdays}
    assert kept == {("Amira", "3B", 14, 3), ("Tom", "4A", 7, 12), ("Leap", "6C", 29, 2)}
    stored = repr(imported.birthdays)
    for gone in ("Smith", "asthma", "High St", "2018", "2017"):
        assert gone not in stored
    today = [b.first_name for b in imported.birthdays if b.is_on(date(2026, 12, 7))]
    assert today == ["Tom"]
    assert [b.first_name for b in imported.birthdays if b.is_on(date(2027, 2, 28))] == ["Leap"]
    assert [b.first_name for b in imported.birthdays if b.is_on(date(2028, 2, 28))] == []


def test_a_class_list_that_cannot_be_read_whole_is_refused_with_the_row() -> None:
    with pytest.raises(InputError, match="has no date of birth column"):
        read_birthdays(b"Forename,Class\nAmira,3B\n", file="a.csv")
    with pytest.raises(InputError, match=r"row 3: '31/02/2018' is not a date of birth"):
        read_birthdays(b"Forename,Class,DOB\nAmira,3B,1/3/2018\nTom,4A,31/02/2018\n", file="b.csv")
    with pytest.raises(InputError, match="binary data"):
        read_birthdays(b"MZ\x90\x00\x03", file="c.csv")
    windows = "Forename,Class,DOB\nZoë,3B,1/3/2018\n".encode("cp1252")
    assert read_birthdays(windows, file="d.csv").birthdays[0].first_name == "Zoë"
