"""Guest keys: a partner school publishes its own guest stream with its own key (real
nginx on loopback, real ffmpeg publishers); wrong, revoked and misplaced guest keys are
refused and reported like the school's own wrong key; the keys are kept private."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kaizen_studio.broadcast.guests import GuestBook, guest_stream
from kaizen_studio.broadcast.relays import fetch_stat, parse_status
from kaizen_studio.broadcast.server import MediaServer, free_port
from kaizen_studio.broadcast.stream_key import Verdict
from kaizen_studio.core.errors import InputError
from kaizen_studio.core.fake_clock import FakeClock
from tests.conditions import wait_until
from tests.serve_process import KEY, Serve, publish, publisher, run_studio


def url(server: MediaServer, stream: str, key: str) -> str:
    return f"rtmp://127.0.0.1:{server.rtmp_port}/live/{stream}?key={key}"


def test_guest_names_and_the_book(tmp_path: Path) -> None:
    assert guest_stream("Hawes Side") == "guest-hawes-side"
    assert guest_stream("  St. Mary's (Perth) ") == "guest-st-mary-s-perth"
    with pytest.raises(InputError, match="no letters or digits"):
        guest_stream("!!")
    book = GuestBook(tmp_path)
    guest = book.add("Hawes Side")
    assert (tmp_path / "guests.json").stat().st_mode & 0o777 == 0o600
    assert book.key_for("guest-hawes-side") == guest.key and len(guest.key) >= 12
    with pytest.raises(InputError, match="has a guest key already"):
        book.add("hawes side")
    with pytest.raises(InputError, match=r"no guest called 'Perth' \(guests: Hawes Side\)"):
        book.revoke("Perth")
    assert book.revoke("HAWES SIDE") == guest and book.key_for("guest-hawes-side") is None
    (tmp_path / "guests.json").chmod(0o644)
    with pytest.raises(InputError, match="chmod 600"):
        book.guests()
    assert book.key_for("guest-hawes-side") is None  # refused, never read from a leaky file


def test_a_guest_key_opens_its_own_stream_only_and_a_revoked_one_is_refused_at_once(
    tmp_path: Path,
) -> None:
    clock = FakeClock(1000.0)
    with MediaServer(
        tmp_path / "server",
        key=KEY,
        rtmp_port=free_port(),
        http_port=free_port(),
        clock=clock.now,
    ) as server:
        guests_publish(server, clock)


def guests_publish(server: MediaServer, clock: FakeClock) -> None:
    hawes = server.guests.add("Hawes Side")
    perth = server.guests.add("Perth")
    code, said = publish(url(server, hawes.stream, hawes.key))
    assert code == 0, said
    assert server.refusals == []
    refused = [
        url(server, hawes.stream, "wrong-key-4242"),  # a wrong guest key
        url(server, hawes.stream, KEY),  # the school's key is not a guest's
        url(server, "show", hawes.key),  # a guest never publishes the show
        url(server, perth.stream, hawes.key),  # nor another guest's stream
        url(server, "guest-nobody", hawes.key),  # nor a guest that has no key
    ]
    for address in refused:
        code, said = publish(address)
        assert code != 0, address
    assert [(r.stream, r.verdict) for r in server.refusals] == [
        (hawes.stream, Verdict.WRONG_KEY),
        (hawes.stream, Verdict.WRONG_KEY),
        ("show", Verdict.WRONG_KEY),
        (perth.stream, Verdict.SLOWED),  # too many wrong keys from one address: slowed
        ("guest-nobody", Verdict.SLOWED),
    ]
    assert {r.address for r in server.refusals} == {"127.0.0.1"}
    clock.advance(120.0)  # the guesser's wait is over
    code, said = publish(url(server, perth.stream, perth.key))
    assert code == 0, said
    server.guests.revoke("Perth")  # mid-day: nginx keeps running, nothing restarted
    code, said = publish(url(server, perth.stream, perth.key))
    assert code != 0 and server.refusals[-1].stream == perth.stream
    assert server.running


def test_guests_command_and_a_revoked_guest_on_air_is_cut(tmp_path: Path) -> None:
    folder = tmp_path / "server"
    folder.mkdir()
    added = run_studio("guests", "add", "Hawes Side", "--folder", str(folder))
    assert added.returncode == 0, added.stderr
    key = json.loads((folder / "guests.json").read_text())[0]["key"]
    assert f"Guest key for Hawes Side: {key}" in added.stdout
    assert "live/guest-hawes-side" in added.stdout
    listed = run_studio("guests", "list", "--folder", str(folder))
    assert (
        key not in listed.stdout
        and f"Hawes Side: publishes to live/guest-hawes-side with key {key[:4]}…" in listed.stdout
    )
    again = run_studio("guests", "add", "hawes side", "--folder", str(folder))
    assert again.returncode == 2 and "has a guest key already" in again.stderr
    with Serve(folder, rtmp_port=free_port(), http_port=free_port()) as serve:
        serve.running()
        serve.wait_line("Guests may publish to live/guest-NAME with their keys: Hawes Side")
        guest = publisher(
            f"rtmp://127.0.0.1:{serve.rtmp_port}/live/guest-hawes-side?key={key}", seconds=300
        )
        try:
            serve.wait_line("Guest on air: live/guest-hawes-side")
            stat = f"http://127.0.0.1:{serve.http_port}/stat"
            assert parse_status(fetch_stat(stat), ()).guests == ("guest-hawes-side",)
            revoked = run_studio("guests", "revoke", "Hawes Side", "--folder", str(folder))
            assert revoked.returncode == 0, revoked.stderr
            serve.wait_line("Cut live/guest-hawes-side: its guest key was revoked")
            wait_until(lambda: guest.poll() is not None, what="the revoked guest to be cut")
            code, _ = publish(f"rtmp://127.0.0.1:{serve.rtmp_port}/live/guest-hawes-side?key={key}")
            assert code != 0
            serve.wait_line(
                "Refused a stream from 127.0.0.1: wrong or missing key for live/guest-hawes-side"
            )
        finally:
            guest.kill()
            guest.wait()


def test_serve_refuses_guest_keys_others_can_read(tmp_path: Path) -> None:
    folder = tmp_path / "server"
    folder.mkdir()
    GuestBook(folder).add("Perth")
    (folder / "guests.json").chmod(0o640)
    result = run_studio(
        "serve",
        "--folder",
        str(folder),
        "--rtmp-port",
        str(free_port()),
        "--http-port",
        str(free_port()),
    )
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        f"studio: error: other users can read {folder / 'guests.json'} (it holds the guest "
        f"keys): chmod 600 {folder / 'guests.json'}"
    ]
    listed = run_studio("guests", "list", "--folder", str(folder))
    assert listed.returncode == 2 and "chmod 600" in listed.stderr


def test_a_stream_name_the_server_refuses_is_said_like_a_wrong_key(tmp_path: Path) -> None:
    folder = tmp_path / "server"
    with Serve(folder, rtmp_port=free_port(), http_port=free_port()) as serve:
        serve.running()
        base = f"rtmp://127.0.0.1:{serve.rtmp_port}/live"
        code, said = publish(f"{base}/class3?key={KEY}")  # any plain name is taken
        assert code == 0, said
        told = len(serve.lines)
        code, said = publish(f"{base}/..%2f..%2fx?key={KEY}")  # the right key, a bad name
        assert code != 0
        line = serve.wait_line("Refused a stream from 127.0.0.1 to live/", after=told)
        assert "..%2f..%2fx" in line and "not a stream name this server takes" in line
        assert line in (folder / "serve.log").read_text("utf-8")
        assert serve.stop() == 0
