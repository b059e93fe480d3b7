"""The command line's plain words: each bad input through the real command (a process of
``python -m kaizen_studio``) gets one line naming the problem and the fix, exit status 2,
no traceback and no file written; the help has no docstring markup and every option has
its help."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import av
import cv2
import numpy as np
import pytest

from kaizen_studio.studio.backgrounds import BUILT_IN
from kaizen_studio.studio.cli import build_parser
from tests.media_files import green_picture, read_back, take


def studio(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kaizen_studio", *(str(a) for a in args)],
        capture_output=True,
        text=True,
        check=False,
        timeout=240,
        cwd=cwd,
    )


def refused(result: subprocess.CompletedProcess[str], *words: str) -> str:
    """The one error line of a refused command, checked."""
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr and "Errno" not in result.stderr, result.stderr
    line = result.stderr.strip().splitlines()[-1]
    assert line.startswith("studio: error: "), result.stderr
    for word in words:
        assert word in line, line
    return line


def faststart(source: Path, out: Path) -> None:
    """``source`` with its index at the front, as a phone or a streaming tool saves it."""
    with (
        av.open(str(source)) as given,
        av.open(str(out), "w", format="mp4", options={"movflags": "faststart"}) as copy,
    ):
        streams = {s.index: copy.add_stream_from_template(s) for s in given.streams}
        for packet in given.demux():
            if packet.dts is not None:
                packet.stream = streams[packet.stream.index]
                copy.mux(packet)


@pytest.mark.parametrize("share", [0.3, 0.7])
def test_key_names_a_take_damaged_or_cut_short_in_plain_words(tmp_path: Path, share: float) -> None:
    whole, indexed = tmp_path / "whole.mp4", tmp_path / "indexed.mp4"
    take(whole, frames=30)
    faststart(whole, indexed)
    data = indexed.read_bytes()
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(data[: int(len(data) * share)])  # the card was pulled mid-recording
    result = studio("key", cut, "--background", "black", "-o", tmp_path / "keyed.mp4")
    if result.returncode == 0:  # it ended at a whole frame: keyed as far as it goes
        assert "ends early" in result.stderr
        return
    refused(result, str(cut), "damaged or was cut short", "nothing was written")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cut.mp4", "indexed.mp4", "whole.mp4"]


def test_key_sends_a_picture_to_studio_matte(tmp_path: Path) -> None:
    picture = tmp_path / "pupil.jpg"
    green_picture(picture)
    result = studio("key", picture, "--background", "black", "-o", tmp_path / "keyed.mp4")
    refused(result, str(picture), "is a picture, not a video", "studio matte")
    assert [p.name for p in tmp_path.iterdir()] == ["pupil.jpg"]


@pytest.mark.parametrize("name", ["keyed.avi", "keyed.mov", "keyed", "keyed.MKV"])
def test_key_writes_only_mp4_named_mp4(tmp_path: Path, name: str) -> None:
    source = tmp_path / "take.mp4"
    take(source, frames=3, sound=False)
    result = studio("key", source, "--background", "black", "-o", tmp_path / name)
    refused(result, name, "end it with .mp4")
    assert [p.name for p in tmp_path.iterdir()] == ["take.mp4"]


@pytest.mark.parametrize("option", ["--show", "--camera"])
def test_a_window_option_without_app_is_pointed_to_studio_app(option: str) -> None:
    result = studio(option, "x.toml")
    refused(result, f"studio app {option} x.toml")


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("autocue", "--speed", "fast", "soap"), "argument --speed: invalid float value"),
        (("live", "--guest-look", "sideways"), "invalid choice: 'sideways'"),
        (("key",), "the following arguments are required: INPUT.mp4"),
        (("--bogus",), "unrecognized arguments: --bogus"),
    ],
)
def test_a_mistake_in_the_options_is_one_line_saying_where_the_help_is(
    args: tuple[str, ...], words: str
) -> None:
    result = studio(*args)
    assert result.returncode == 2 and result.stdout == "", result
    command = "studio" if args[0].startswith("-") else f"studio {args[0]}"
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"{command}: error: "), result.stderr
    assert words in result.stderr and f"'{command} --help' lists the options" in result.stderr


def test_watch_guests_and_publish_name_what_is_missing(tmp_path: Path) -> None:
    refused(studio("watch", "rtmp://"), "name the server and the stream", "rtmp://HOST:1935/live/")
    refused(studio("guests", "add", "--folder", tmp_path), "studio guests add NAME")
    said = refused(studio("publish", tmp_path / "v.mp4", "--server", "http://127.0.0.1:9"))
    assert "give --series and --title too" in said and "VODCAST" not in said
    assert list(tmp_path.iterdir()) == []


def all_parsers() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return {"studio": parser, **commands.choices}


def test_help_has_no_markup_and_every_option_says_what_it_does() -> None:
    for name, parser in all_parsers().items():
        texts = [parser.format_help()]
        for action in parser._actions:
            if isinstance(action, argparse._HelpAction | argparse._VersionAction):
                continue
            assert action.help, f"studio {name} {action.option_strings or action.dest}: no help"
        for text in texts:
            assert "``" not in text and ":class:" not in text and ":func:" not in text, text


def test_installed_help_reads_plainly() -> None:
    result = studio("demo", "--help")
    assert result.returncode == 0 and "studio demo: the whole show" in result.stdout


def test_matte_says_which_screen_it_keyed(tmp_path: Path) -> None:
    picture = tmp_path / "pupil.png"
    green_picture(picture)
    result = studio("matte", picture, "-o", tmp_path / "sticker.png")
    assert result.returncode == 0, result.stderr
    line = result.stderr.strip().splitlines()[-1]
    assert "the green screen (about RGB " in line and "% of the picture" in line


def test_matte_says_before_the_show_when_a_shirt_is_the_screens_green(tmp_path: Path) -> None:
    """A presenter in a shirt of nearly the screen's green (drawn here): studio matte says
    so in plain words with what to do; the same presenter in a red shirt hears nothing."""
    for shirt, warned in (((50, 165, 30), True), ((40, 40, 190), False)):
        frame = np.zeros((240, 320, 3), np.uint8)
        frame[:] = (60, 180, 50)  # the screen, B G R
        frame[20:60, 140:180] = (120, 150, 200)  # head
        frame[60:70, 152:168] = (120, 150, 200)  # neck
        frame[70:170, 120:200] = shirt  # its sides meet the screen
        frame[110:125, 110:210] = (120, 150, 200)  # folded arms
        frame[170:, 125:195] = (110, 80, 50)  # jeans
        picture = tmp_path / "pupil.png"
        cv2.imwrite(str(picture), frame)
        result = studio("matte", picture, "-o", tmp_path / "sticker.png")
        assert result.returncode == 0, result.stderr
        said = "inside the presenter's outline is the screen's own green" in result.stderr
        assert said is warned, (shirt, result.stderr)
        if warned:
            for words in ("before the show", "--plate", "blue cloth", "clothes that are not"):
                assert words in result.stderr, words


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("beach", "fills only"),  # a blue sky above the sand: not a screen behind anyone
        ("outer space", "too dark"),
        ("roller coaster", "a screen is green or blue"),
    ],
)
def test_matte_refuses_a_picture_with_no_screen(tmp_path: Path, name: str, words: str) -> None:
    picture = tmp_path / "holiday.png"
    cv2.imwrite(str(picture), BUILT_IN[name]((640, 360)))
    out = tmp_path / "sticker.png"
    refused(studio("matte", picture, "-o", out), str(picture), "no green or blue screen", words)
    assert not out.exists()


def test_matte_refuses_a_huge_picture_from_its_header(tmp_path: Path) -> None:
    from tests.media_files import huge_png

    picture = huge_png(tmp_path / "poster.png", 12000, 6750)
    result = studio("matte", picture, "-o", tmp_path / "sticker.png")
    refused(result, str(picture), "12000x6750", "megapixels")
    assert [p.name for p in tmp_path.iterdir()] == ["poster.png"]


def test_matte_keys_a_phone_picture_the_right_way_up(tmp_path: Path) -> None:
    from PIL import Image

    upright = green_picture(tmp_path / "upright.png")  # wider than high
    sideways = Image.fromarray(np.ascontiguousarray(np.rot90(upright, k=1)[..., ::-1]))
    exif = sideways.getexif()
    exif[0x0112] = 6  # the phone was turned: show it turned clockwise
    phone = tmp_path / "phone.png"
    sideways.save(phone, exif=exif)
    assert studio("matte", phone, "--matte", tmp_path / "alpha.png").returncode == 0
    alpha = read_back(tmp_path / "alpha.png", cv2.IMREAD_UNCHANGED)
    assert alpha.shape == upright.shape[:2]


def test_autocue_refuses_a_huge_script_at_once(tmp_path: Path) -> None:
    script = tmp_path / "everything.txt"
    script.write_bytes(b"ZOE: And here is the news, again and again.\n" * 120_000)  # 5 MB
    line = refused(studio("autocue", script), str(script), "too long", "split it")
    assert "5,280,000 bytes" in line


def test_autocue_names_a_utf8_mark_before_latin1_bytes(tmp_path: Path) -> None:
    script = tmp_path / "menu.txt"
    script.write_bytes(b"\xef\xbb\xbfZOE: Today's lunch.\nSAM: Cr\xe8me br\xfbl\xe9e!\n")
    refused(studio("autocue", script), str(script), "line 2 is not UTF-8", "save it again")


def test_autocue_lists_its_built_in_scripts_and_its_help_shows_the_format() -> None:
    listed = studio("autocue", "--list")
    assert listed.returncode == 0, listed.stderr
    names = [line.split(":")[0] for line in listed.stdout.splitlines()]
    assert {"news", "soap"} <= set(names)
    assert all(Path(line.split(": ", 1)[1]).is_file() for line in listed.stdout.splitlines())
    shown = studio("autocue", "--help").stdout
    for example in ("# Scene 1", "[SARAH walks in]", "SARAH: Have you", "---", "@cue sport"):
        assert example in shown
    assert "studio autocue soap" in shown


def test_running_out_of_memory_is_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from kaizen_studio.studio import cli
    from kaizen_studio.studio.commands import matte

    def too_big(args: argparse.Namespace) -> int:
        raise MemoryError

    monkeypatch.setattr(matte, "run", too_big)
    assert cli.main(["matte", "pupil.png", "-o", "out.png"]) == 2
    assert capsys.readouterr().err.splitlines() == [
        "studio: error: the computer ran out of memory for this; close other programs, "
        "or use a smaller picture or video"
    ]


def test_key_names_a_damaged_background_video_not_the_take(tmp_path: Path) -> None:
    source, whole, indexed = tmp_path / "take.mp4", tmp_path / "whole.mp4", tmp_path / "i.mp4"
    take(source, frames=30, sound=False)
    take(whole, frames=30)
    faststart(whole, indexed)
    data = indexed.read_bytes()
    background = tmp_path / "sea.mp4"
    background.write_bytes(data[: int(len(data) * 0.3)])
    out = tmp_path / "keyed.mp4"
    refused(studio("key", source, "--background", background, "-o", out), str(background))
    assert not out.exists()


def test_key_into_a_folder_it_cannot_write_is_one_line(tmp_path: Path) -> None:
    clip = tmp_path / "clip.mp4"
    take(clip, frames=5)
    # /proc refuses new files even to root: a stand-in for a read-only or full folder
    refused(studio("key", clip, "--background", "beach", "-o", "/proc/kaizen-k.mp4"), "/proc")
    assert not Path("/proc/kaizen-k.mp4").exists()


def test_an_output_inside_a_file_says_that_it_is_a_file(tmp_path: Path) -> None:
    picture, notes = tmp_path / "pupil.png", tmp_path / "afile"
    green_picture(picture)
    notes.write_text("my notes")
    line = refused(studio("matte", picture, "-o", notes / "x.png"), "afile is a file")
    assert "does not exist" not in line
    assert notes.read_text() == "my notes"


def test_matte_names_a_file_that_is_not_a_picture_without_library_names(tmp_path: Path) -> None:
    fake = tmp_path / "fake.png"
    fake.write_text("not a picture at all")
    line = refused(studio("matte", fake, "-o", tmp_path / "out.png"), "fake.png", "PNG or JPEG")
    assert "OpenCV" not in line
    assert not (tmp_path / "out.png").exists()
