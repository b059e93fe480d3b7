"""The tablet remote driven over HTTP on loopback; a wrong code refused."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest

from kaizen_studio.autocue.prompter import Prompter
from kaizen_studio.autocue.remote import RemoteServer
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
    sent = time.monotonic()
    assert call(remote.url + "control/next?code=123456", post=True)[0] == 204
    assert call(remote.url + "control/start?code=123456", post=True)[0] == 204
    # The window drains the queue every frame; one drain here stands for the next frame.
    prompter.drain(remote, now=0.0)
    assert time.monotonic() - sent < 0.5
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
