"""Partner relays: nginx pushes the show to partner schools' servers (real nginx instances
on loopback), a partner that is down stops neither the show nor the other partners and is
reconnected when it comes back, and the health read from nginx's statistics says so."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from kaizen_studio.broadcast.guests import GuestBook
from kaizen_studio.broadcast.partners import PARTNERS_FILE, Partner, read_partners
from kaizen_studio.broadcast.relays import ServerStatus, fetch_stat, parse_status
from kaizen_studio.broadcast.server import MediaServer, free_port
from kaizen_studio.broadcast.stream_key import write_private
from kaizen_studio.core.errors import InputError
from tests.conditions import wait_until
from tests.serve_process import KEY, Serve, publisher, run_studio, serve_env

RELAYED = "guest-kaizen"
"""The guest stream each partner gives us for our show."""


def partner_server(folder: Path, name: str) -> tuple[MediaServer, Partner]:
    """A partner school's server (not started) and the partner entry it gives us: its
    guest stream for us, with a guest key of its own."""
    folder.mkdir(parents=True)
    guest = GuestBook(folder).add("Kaizen")
    assert guest.stream == RELAYED
    server = MediaServer(folder, key=KEY, rtmp_port=free_port(), http_port=free_port())
    url = f"rtmp://127.0.0.1:{server.rtmp_port}/live/{RELAYED}"
    return server, Partner(name=name, url=url, key=guest.key)


def status(server: MediaServer) -> ServerStatus:
    return parse_status(fetch_stat(server.stat_url), server.partners)


def connected(server: MediaServer) -> dict[str, bool]:
    return {relay.name: relay.connected for relay in status(server).relays}


def receiving(partner: MediaServer) -> bool:
    return partner.running and RELAYED in status(partner).guests


@pytest.fixture
def show() -> Iterator[list[subprocess.Popen[bytes]]]:
    """Publishers started by the test (ffmpeg), ended after it."""
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for process in started:
        if process.poll() is None:
            process.kill()
        process.wait()


def test_the_show_is_relayed_to_a_partner_and_plays_there(
    tmp_path: Path, show: list[subprocess.Popen[bytes]]
) -> None:
    hawes, partner = partner_server(tmp_path / "hawes", "Hawes Side")
    with (
        hawes,
        MediaServer(
            tmp_path / "us",
            key=KEY,
            rtmp_port=free_port(),
            http_port=free_port(),
            partners=(partner,),
        ) as us,
    ):
        assert (us.folder / "nginx.conf").stat().st_mode & 0o077 == 0  # it holds their key
        show.append(publisher(us.publish_url, seconds=120))
        wait_until(lambda: receiving(hawes), what="the show to reach the partner")
        wait_until(lambda: connected(us) == {"Hawes Side": True}, what="the relay's health")
        relay = status(us).relays[0]
        assert relay.dropped == 0 and relay.url == partner.url
        # the partner's classes watch it: a real picture comes out of their server
        watched = subprocess.run(
            [
                "ffmpeg",
                "-nostdin",
                "-loglevel",
                "error",
                "-i",
                f"rtmp://127.0.0.1:{hawes.rtmp_port}/live/{RELAYED}",
                "-frames:v",
                "3",
                "-f",
                "rawvideo",
                "-pix_fmt",
                "gray",
                "-",
            ],
            capture_output=True,
            timeout=60,
        )
        assert watched.returncode == 0, watched.stderr
        assert len(watched.stdout) == 3 * 320 * 240
        assert show[0].poll() is None  # the show goes on


def test_a_dead_partner_stops_neither_the_show_nor_the_other_and_is_reconnected(
    tmp_path: Path, show: list[subprocess.Popen[bytes]], request: pytest.FixtureRequest
) -> None:
    hawes, to_hawes = partner_server(tmp_path / "hawes", "Hawes Side")
    perth, to_perth = partner_server(tmp_path / "perth", "Perth")  # down at first
    with (
        hawes,
        MediaServer(
            tmp_path / "us",
            key=KEY,
            rtmp_port=free_port(),
            http_port=free_port(),
            partners=(to_hawes, to_perth),
        ) as us,
    ):
        show.append(publisher(us.publish_url, seconds=300))
        wait_until(lambda: receiving(hawes), what="the show to reach the partner that is up")
        assert connected(us) == {"Hawes Side": True, "Perth": False}
        request.addfinalizer(perth.stop)
        perth.start()  # nginx's retry (push_reconnect) finds it
        wait_until(lambda: receiving(perth), what="the relay to reach the partner come back")
        wait_until(lambda: connected(us) == {"Hawes Side": True, "Perth": True})
        perth.kill()  # a crash at the partner's school
        wait_until(lambda: connected(us) == {"Hawes Side": True, "Perth": False})
        assert receiving(hawes) and status(us).on_air and show[0].poll() is None
        perth.restart()
        wait_until(lambda: receiving(perth), what="the relay to reconnect after the crash")
        now = status(us)
        assert now.on_air and [relay.dropped for relay in now.relays] == [0, 0]
        assert show[0].poll() is None  # the publisher was never cut


def test_partners_file_must_be_private_and_well_written(tmp_path: Path) -> None:
    folder = tmp_path / "server"
    folder.mkdir()
    path = folder / PARTNERS_FILE
    entry = '[[partner]]\nname = "Perth"\nurl = "{url}"\nkey = "{key}"\n'
    good = entry.format(url="rtmp://127.0.0.1:1936/live/guest-kaizen", key=KEY)
    write_private(path, good)
    assert read_partners(folder) == (
        Partner(name="Perth", url="rtmp://127.0.0.1:1936/live/guest-kaizen", key=KEY),
    )
    for bad, words in (
        (entry.format(url="rtmp://h:1936/live/x?key=a", key=KEY), "no key in it"),
        (entry.format(url="http://h/live/x", key=KEY), "must look like rtmp://"),
        (entry.format(url="rtmp://h:1936/live/x", key="short"), "too weak"),
        (good + good, "twice"),
        ('[[partner]]\nname = "Perth"\n', "name, url, key"),
        ("partner = [", "cannot read the partner schools"),
        (good + 'relay = "guest-../x"\n', "relay must be show or guest-NAME"),
    ):
        write_private(path, bad)
        with pytest.raises(InputError, match=words):
            read_partners(folder)
    write_private(path, good + 'relay = "guest-hawes-side"\n')  # passed on: a relay tree
    assert read_partners(folder)[0].relay == "guest-hawes-side"
    write_private(path, good)
    path.chmod(0o644)
    with pytest.raises(InputError, match="chmod 600"):
        read_partners(folder)


def test_serve_refuses_a_partners_file_others_can_read_and_says_the_relays(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "server"
    folder.mkdir()
    path = folder / PARTNERS_FILE
    path.write_text(
        f'[[partner]]\nname = "Perth"\nurl = "rtmp://127.0.0.1:{free_port()}'
        f'/live/guest-kaizen"\nkey = "{KEY}"\n'
    )
    path.chmod(0o644)
    result = run_studio(
        "serve",
        "--folder",
        str(folder),
        "--rtmp-port",
        str(free_port()),
        "--http-port",
        str(free_port()),
    )
    assert result.returncode == 2, result
    assert result.stderr.strip().splitlines() == [
        f"studio: error: other users can read {path} (it holds the partners' keys): "
        f"chmod 600 {path}"
    ]
    assert not (folder / "nginx.conf").exists()
    path.chmod(0o600)
    with Serve(folder, rtmp_port=free_port(), http_port=free_port(), env=serve_env()) as serve:
        serve.running()
        serve.wait_line("Relaying to 1 partner school: Perth")
        show = publisher(serve.url(), seconds=120)
        try:
            serve.wait_line("Relays: Perth not connected")
            assert '"connected": false' in (folder / "status.json").read_text()
        finally:
            show.kill()
            show.wait()
