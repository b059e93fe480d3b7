"""The tablet remote driven over HTTP on loopback; a wrong code refused."""

from __future__ import annotations

import base64
import http.client
import ipaddress
import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import cv2
import numpy as np
import pytest

from kaizen_studio.autocue.prompter import Prompter
from kaizen_studio.autocue.remote import RemoteServer, qr_matrix
from kaizen_studio.autocue.remote_guard import (
    FIRST_LOCKOUT,
    FREE_TRIES,
    Guard,
    host_names,
    lan_address,
)
from kaizen_studio.autocue.render import Look
from kaizen_studio.autocue.script import parse_script
from kaizen_studio.core.errors import DeviceError

SCRIPT = parse_script("# One\nSARAH: Hello everyone.\n---\nTOM: Good morning.\n")


@pytest.fixture
def remote() -> Iterator[RemoteServer]:
    server = RemoteServer("127.0.0.1", 0, code="123456")
    server.start()
    yield server
    server.stop()


def call(url: str, *, post: bool = False) -> tuple[int, bytes]:
    request = urllib.request.Request(url, method="POST" if post else "GET")
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return int(response.status), bytes(response.read())
    except urllib.error.HTTPError as error:
        return int(error.code), bytes(error.read())


def test_page_has_the_big_buttons(remote: RemoteServer) -> None:
    status, body = call(remote.url)
    assert status == 200
    page = body.decode()
    for command in ("start", "pause", "faster", "slower", "next", "previous"):
        assert f"onclick=\"send('{command}')\"" in page
    assert "123456" not in page  # the code is typed, never shown


def test_wrong_or_missing_code_refused(remote: RemoteServer) -> None:
    assert call(remote.url + "control/start?code=654321", post=True)[0] == 403
    assert call(remote.url + "control/start", post=True)[0] == 403
    assert call(remote.url + "state?code=000000")[0] == 403
    assert remote.take_commands() == []


def test_unknown_command_is_404(remote: RemoteServer) -> None:
    assert call(remote.url + "control/explode?code=123456", post=True)[0] == 404


def test_commands_reach_the_prompter_and_the_line_comes_back(remote: RemoteServer) -> None:
    prompter = Prompter(SCRIPT, width=320, height=240, look=None)
    assert call(remote.url + "control/next?code=123456", post=True)[0] == 204
    assert call(remote.url + "control/start?code=123456", post=True)[0] == 204
    # The window drains the queue every frame; one drain here stands for the next frame.
    prompter.drain(remote, now=0.0)
    state = prompter.model.state(0.0)
    assert state.playing and state.countdown == 0  # mid-script: no countdown
    assert state.position == prompter.renderer.layout.markers[1]
    status, body = call(remote.url + "state?code=123456")
    assert status == 200
    shown = json.loads(body)
    assert shown["playing"] is True
    assert shown["line"] == prompter.renderer.layout.line_at(state.position)
    assert shown["line"]


def test_stop_twice_and_port_freed(remote: RemoteServer) -> None:
    host, port = remote.address
    remote.stop()
    remote.stop()
    again = RemoteServer(host, port, code="111111")
    again.start()
    again.start()
    again.close()


def test_random_code_is_six_digits() -> None:
    server = RemoteServer()
    assert len(server.code) == 6 and server.code.isdigit()
    with pytest.raises(ValueError, match="6 digits"):
        RemoteServer(code="12")


def test_port_in_use_is_a_clear_error(remote: RemoteServer) -> None:
    host, port = remote.address
    with pytest.raises(DeviceError, match=f"cannot start the autocue remote on {host}:{port}"):
        RemoteServer(host, port).start()


def test_bigger_text_keeps_the_place_and_keeps_playing() -> None:
    script = parse_script("\n\n".join(f"Line number {n} of the bulletin." for n in range(40)))
    prompter = Prompter(script, width=320, height=240, look=Look(text_size=32))
    prompter.apply("start", 0.0)
    before = prompter.model.position(13.0) / prompter.model.total_lines
    prompter.apply("bigger", 13.0)
    assert prompter.renderer.look.text_size == 37
    after = prompter.model.state(13.0)
    assert after.playing and after.countdown == 0
    assert after.position / prompter.model.total_lines == pytest.approx(before)
    with pytest.raises(ValueError, match="unknown autocue command 'jump'"):
        prompter.apply("jump", 13.0)


class FakeClock:
    """Seconds that pass only when the test says."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def ask(
    remote: RemoteServer, path: str, *, headers: dict[str, str] | None = None, post: bool = False
) -> int:
    """The status of a request to ``remote`` on loopback with exactly these headers."""
    host, port = remote.address
    connection = http.client.HTTPConnection(host, port, timeout=5)
    try:
        connection.request("POST" if post else "GET", path, headers=headers or {})
        response = connection.getresponse()
        response.read()
        return int(response.status)
    finally:
        connection.close()


def test_guessing_is_locked_out_for_longer_each_time() -> None:
    clock = FakeClock()
    with RemoteServer("127.0.0.1", 0, code="123456", clock=clock) as remote:
        assert [ask(remote, f"/state?code={n:06d}") for n in range(4)] == [403] * 4
        assert ask(remote, "/state?code=000004") == 429  # the fifth wrong code: locked out
        assert ask(remote, "/state?code=123456") == 429  # even the right one, for now
        assert ask(remote, "/control/start?code=123456", post=True) == 429
        clock.now += FIRST_LOCKOUT + 1
        assert ask(remote, "/state?code=123456") == 200
        assert [ask(remote, f"/state?code={n:06d}") for n in range(5)] == [403] * 4 + [429]
        clock.now += FIRST_LOCKOUT + 1  # the second lockout is twice as long
        assert ask(remote, "/state?code=123456") == 429
        clock.now += FIRST_LOCKOUT
        assert ask(remote, "/state?code=123456") == 200
        assert ask(remote, "/state?code=") == 403  # no code is not a guess: never locks
        # the page polling with one mistyped code is one guess, however often it asks
        assert [ask(remote, "/state?code=999999") for _ in range(12)] == [403] * 12
        assert remote.guard.locked_for("127.0.0.1") == 0.0
        assert remote.take_commands() == []


def test_each_client_is_counted_on_its_own() -> None:
    clock = FakeClock()
    guard = Guard(clock)
    assert [guard.wrong("10.0.0.7", str(n)) for n in range(FREE_TRIES)][-1] == FIRST_LOCKOUT
    assert guard.locked_for("10.0.0.7") == FIRST_LOCKOUT
    assert guard.locked_for("10.0.0.8") == 0.0
    guard.wrong("10.0.0.8", "a")
    guard.right("10.0.0.8")  # a right code starts its count again
    tries = [guard.wrong("10.0.0.8", str(n)) for n in range(FREE_TRIES - 1)]
    assert tries == [0.0] * (FREE_TRIES - 1)


def test_the_link_carries_a_pairing_token_that_needs_no_code() -> None:
    with RemoteServer() as remote:  # loopback by default
        url = remote.link
        assert url.startswith(remote.url + "?t=") and url.startswith("http://127.0.0.1:")
        assert "only this computer" in remote.reach
        token = parse_qs(urlsplit(url).query)["t"][0]
        assert len(base64.urlsafe_b64decode(token + "==")) * 8 >= 128
        status, page = call(url)
        assert status == 200 and token not in page.decode()
        assert ask(remote, "/state", headers={"X-Autocue-Token": token}) == 200
        assert ask(remote, "/control/next", headers={"X-Autocue-Token": token}, post=True) == 204
        assert ask(remote, "/state", headers={"X-Autocue-Token": token[:-2] + "xx"}) == 403
        assert remote.take_commands() == ["next"]


def test_a_wrong_host_or_origin_is_refused(remote: RemoteServer) -> None:
    port = remote.address[1]
    good = f"127.0.0.1:{port}"
    assert ask(remote, "/state?code=123456", headers={"Host": good}) == 200
    assert ask(remote, "/state?code=123456", headers={"Host": f"localhost:{port}"}) == 200
    assert ask(remote, "/", headers={"Host": f"attacker.example:{port}"}) == 403
    assert ask(remote, "/state?code=123456", headers={"Host": "127.0.0.1:1"}) == 403
    evil = {"Host": good, "Origin": "http://attacker.example"}
    assert ask(remote, "/control/start?code=123456", headers=evil, post=True) == 403
    same = {"Host": good, "Origin": f"http://{good}"}
    assert ask(remote, "/control/start?code=123456", headers=same, post=True) == 204
    assert remote.take_commands() == ["start"]


def test_the_address_printed_is_one_a_tablet_can_reach() -> None:
    lan = lan_address()  # found without sending a packet
    assert lan is None or not ipaddress.ip_address(lan).is_loopback
    everywhere = host_names("0.0.0.0", 8765, "192.168.1.20")
    assert {"192.168.1.20:8765", "127.0.0.1:8765", "localhost:8765"} <= everywhere
    assert host_names("127.0.0.1", 8765, "192.168.1.20") == {
        "127.0.0.1:8765",
        "localhost:8765",
        "[::1]:8765",
    }


def test_the_qr_code_carries_the_link() -> None:
    with RemoteServer() as remote:
        matrix = np.array(qr_matrix(remote.link))
        found = set()  # as a tablet's camera would: OpenCV's two readers at a few sizes
        for scale in (8, 10, 6, 12):  # (the plain reader alone misses 3% of random links)
            picture = np.where(np.kron(matrix, np.ones((scale, scale))) > 0, 0, 255)
            for reader in (cv2.QRCodeDetector(), cv2.QRCodeDetectorAruco()):
                found.add(reader.detectAndDecode(picture.astype(np.uint8))[0])
        assert remote.link in found
        drawn = remote.qr_code()
        assert len(drawn.splitlines()) >= len(matrix) // 2 and "█" in drawn
