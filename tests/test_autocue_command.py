"""studio autocue through the real command line: errors, and a real run driven remotely."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from kaizen_studio.studio.cli import main
from tests.conditions import wait_until

FIXTURES = Path(__file__).parent / "fixtures" / "autocue"


def studio(*args: str | Path) -> int:
    return main([str(a) for a in args])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--speed", "0"], "--speed 0"),
        (["--size", "2"], "--size 2"),
        (["--fit", "-1"], "--fit -1"),
        (["--voice"], "--voice: voice-following"),
    ],
)
def test_bad_options_one_line_exit_2(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert studio("autocue", FIXTURES / "news.txt", *args) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_bad_script_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "empty.md"
    empty.write_bytes(b"")
    assert studio("autocue", empty) == 2
    assert f"{empty}: the script is empty" in capsys.readouterr().err
    assert studio("autocue", tmp_path / "missing.txt") == 2
    assert "no such script file" in capsys.readouterr().err


def test_a_screen_that_is_not_there_lists_the_screens(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    assert studio("autocue", FIXTURES / "news.txt", "--screen", "3") == 2
    assert re.search(r"there is no screen 3; the screens are 0: ", capsys.readouterr().err)


def test_real_prompter_driven_from_the_remote(tmp_path: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONUNBUFFERED="1")
    command = [
        sys.executable,
        "-m",
        "kaizen_studio",
        "autocue",
        str(FIXTURES / "soap.md"),
        "--remote",
        "--remote-address",
        "127.0.0.1",
        "--remote-port",
        "0",
        "--windowed",
        "--size",
        "32",
    ]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        estimate = process.stdout.readline()
        assert "words, about 0:" in estimate
        found = re.search(
            r"open (http://127\.0\.0\.1:\d+/) .* code (\d{6})", process.stdout.readline()
        )
        assert found, "the command prints the remote's address and code"
        url, code = found.groups()

        def line() -> str:
            with urllib.request.urlopen(f"{url}state?code={code}", timeout=5) as reply:
                return str(json.loads(reply.read())["line"])

        # the first frame publishes the line
        wait_until(lambda: bool(line()), what="the first line", every=0.05)
        first = line()
        assert first == "Scene 1: The newsroom"
        request = urllib.request.Request(f"{url}control/next?code={code}", method="POST")
        with urllib.request.urlopen(request, timeout=5) as reply:
            assert reply.status == 204
        wait_until(lambda: line() != first, what="the next line", every=0.05)
        assert line() == "— — —"  # the --- marker after scene 1
    finally:
        process.kill()
        process.wait(timeout=10)


def test_screens_are_parsed_each_with_its_mirroring() -> None:
    from kaizen_studio.core.errors import InputError
    from kaizen_studio.studio.commands.autocue import parse_screens

    assert parse_screens(None, "none") == [(0, None)]
    assert parse_screens(["1"], "horizontal") == [(1, None)]
    assert parse_screens(["0", "1:horizontal"], "none") == [(0, "none"), (1, "horizontal")]
    with pytest.raises(InputError, match="mirroring is one of"):
        parse_screens(["1:sideways"], "none")
