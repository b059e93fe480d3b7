"""What a newcomer types wrong, through the real command line: each mistake gets one line
against the command it belongs to, naming the problem and the fix, exit status 2, and
nothing written or made."""

from __future__ import annotations

from pathlib import Path

import pytest

from kaizen_studio.studio.cli import main
from kaizen_studio.studio.files import hold_folder
from tests import media_files
from tests.media_files import green_picture


def error_line(capsys: pytest.CaptureFixture[str]) -> str:
    """The one line a refused command wrote to stderr."""
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1, lines
    return lines[0]


@pytest.mark.parametrize(
    "words",
    [["app"], ["matte", "in.png", "-o", "out.png"], ["serve"], ["guests", "list"], ["devices"]],
)
def test_an_unknown_option_is_refused_by_its_own_command(
    words: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    command = words[0]
    with pytest.raises(SystemExit) as stopped:
        main([*words, "--bogus"])
    assert stopped.value.code == 2
    line = error_line(capsys)
    assert line.startswith(f"studio {command}: error: ")
    assert "--bogus" in line and f"'studio {command} --help'" in line


def test_an_unknown_option_of_studio_itself_is_still_studios(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["--bogus"])
    assert stopped.value.code == 2
    assert error_line(capsys).startswith("studio: error: unrecognized arguments: --bogus")


@pytest.mark.parametrize("colours", ["red", "#zzzzzz,#000000", "#1d3557", "#1d3557,#f4a261,#fff"])
def test_serve_refuses_bad_colours_before_making_anything(
    tmp_path: Path, colours: str, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "server"
    assert main(["serve", "--folder", str(folder), "--colours", colours]) == 2
    line = error_line(capsys)
    assert line.startswith(f"studio: error: --colours {colours!r}: ")
    assert "#RRGGBB,#RRGGBB" in line
    assert not folder.exists()  # no stream key made, no migrations run


@pytest.mark.parametrize("name", ["", "   "])
def test_serve_add_admin_refuses_an_empty_name_before_the_password(
    tmp_path: Path,
    name: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    folder = tmp_path / "server"
    asked: list[str] = []

    def readline() -> str:
        asked.append("password")
        return "Blackbird-singing-42\n"

    monkeypatch.setattr("sys.stdin.readline", readline)
    assert main(["serve", "--folder", str(folder), "--add-admin", name]) == 2
    assert "--add-admin needs the account's name" in error_line(capsys)
    assert not asked
    assert not (folder / "channel.sqlite3").exists()


def test_live_refuses_one_existing_file_for_both_recordings_by_the_name_given(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    take = tmp_path / "take.mp4"
    take.write_bytes(b"an earlier take")
    args = ["live", "--record", str(take), "--record-camera", str(take), "--seconds", "1"]
    assert main(args) == 2
    line = error_line(capsys)  # no "recording to take-2.mp4" notes before it
    assert f"--record and --record-camera are both {take}" in line
    assert "take-camera.mp4" in line
    assert take.read_bytes() == b"an earlier take"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["take.mp4"]


def test_watch_refuses_seconds_without_headless_instead_of_ignoring_them(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["watch", "rtmp://127.0.0.1:1935/live/show", "--seconds", "2"]) == 2
    assert "--seconds goes with --headless" in error_line(capsys)


@pytest.mark.parametrize("port", ["-5", "0", "70000"])
def test_guests_refuses_a_port_no_server_could_have(
    tmp_path: Path, port: str, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "server"
    folder.mkdir()
    assert main(["guests", "add", "Hawes", "--folder", str(folder), "--rtmp-port", port]) == 2
    assert f"--rtmp-port must be between 1025 and 65535, got {port}" in error_line(capsys)
    assert list(folder.iterdir()) == []  # no key made


def test_guests_names_a_school_with_accents_by_its_letters(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "server"
    folder.mkdir()
    assert main(["guests", "add", "École Ünïty ✓", "--folder", str(folder)]) == 0
    assert "live/guest-ecole-unity " in capsys.readouterr().out
    assert main(["guests", "add", "日本", "--folder", str(folder)]) == 2
    assert "no letters or digits a stream can be named with (a-z, 0-9)" in error_line(capsys)


@pytest.mark.timeout(120)  # before the check, the window opened and waited to be closed
@pytest.mark.parametrize(
    ("words", "said"),
    [
        (["--show", "missing.toml"], "missing.toml: no such show file"),
        (["--show", "broken.toml"], "broken.toml: "),
        (["--camera", "missing.mp4"], "--camera missing.mp4: no such video file"),
        (["--camera", "still.png"], "--camera still.png: is a picture, not a video"),
    ],
)
def test_app_refuses_what_was_typed_wrong_before_the_window_opens(
    tmp_path: Path,
    words: list[str],
    said: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "broken.toml").write_text("title = [\n", encoding="utf-8")
    assert main(["app", *words]) == 2
    assert said in error_line(capsys)


def test_demo_refuses_an_output_folder_another_demo_is_writing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two demos on one folder: the second used to run its whole show unable to record,
    then fail (exit 1) checking the first one's recording. It is refused first now."""
    out = tmp_path / "out"
    out.mkdir()
    taken = "held by {pid}"
    with hold_folder(out, lock=".demo.lock", taken=taken):  # as a running demo holds it
        code = main(["demo", "--output", str(out), "--seconds", "1", "--size", "320x180"])
    assert code == 2
    line = error_line(capsys)
    assert line.startswith(f"studio: error: --output {out}: another studio demo (pid ")
    assert "give another --output" in line
    assert sorted(p.name for p in out.iterdir()) == [".demo.lock"]


@pytest.mark.parametrize("command", ["key", "matte"])
def test_a_video_given_as_the_plate_is_named_as_a_video(
    tmp_path: Path, command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Was: 'plate.mp4: is not a picture, or it is damaged; save it again as PNG or JPEG'."""
    take, still, plate = tmp_path / "take.mp4", tmp_path / "still.png", tmp_path / "plate.mp4"
    media_files.take(take, frames=5)
    green_picture(still)
    media_files.take(plate, frames=5)
    given = take if command == "key" else still
    out = tmp_path / ("out.mp4" if command == "key" else "out.png")
    words = [command, str(given), "--background", "beach", "-o", str(out), "--plate", str(plate)]
    assert main(words) == 2
    assert f"--plate {plate}: is a video; give a photo (PNG or JPEG)" in error_line(capsys)
    assert not out.exists()


def test_a_mistyped_built_in_background_lists_the_built_in_ones(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Was: 'space: no such file; check the name and the folder' (the built-in one is
    'outer space')."""
    still, out = tmp_path / "still.png", tmp_path / "out.png"
    green_picture(still)
    assert main(["matte", str(still), "--background", "space", "-o", str(out)]) == 2
    line = error_line(capsys)
    assert "'space': no such file, colour or built-in background" in line
    assert "outer space" in line and "newsroom" in line
    assert not out.exists()
