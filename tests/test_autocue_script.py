"""Autocue scripts: parsing the soap and the news, encodings, bad files."""

from __future__ import annotations

from pathlib import Path

import pytest

from kaizen_studio.autocue.script import (
    MAX_SCRIPT_BYTES,
    MAX_SCRIPT_CHARACTERS,
    SPEAKER_PALETTE,
    BlockKind,
    built_in_scripts,
    decode_script,
    load_script,
    parse_script,
)
from kaizen_studio.core.errors import InputError, MissingFileError

FIXTURES = Path(__file__).parent / "fixtures" / "autocue"
TEXT = "# Scène 1\nZOË: Café crème, s’il vous plaît — now!\n[she smiles]\n"


def test_soap_script_speakers_directions_and_markers() -> None:
    script = load_script(FIXTURES / "soap.md")
    kinds = [block.kind for block in script.blocks]
    assert kinds == [
        BlockKind.HEADING, BlockKind.DIRECTION, BlockKind.SPEAKER, BlockKind.SPEAKER,
        BlockKind.DIRECTION, BlockKind.SPEAKER, BlockKind.MARKER, BlockKind.HEADING,
        BlockKind.SPEAKER, BlockKind.SPEAKER, BlockKind.SPEAKER,
    ]  # fmt: skip
    assert script.speakers == ("SARAH", "TOM", "AMIRA")
    assert script.blocks[0].text == "Scene 1: The newsroom"
    assert script.blocks[2].text == "Have you seen the newsroom? Everything is upside down!"
    assert script.blocks[1].text == "SARAH walks in carrying a pile of papers"
    assert script.speaker_colour("TOM") == SPEAKER_PALETTE[1]
    assert script.speaker_colour("AMIRA") == SPEAKER_PALETTE[2]
    assert len({script.speaker_colour(n) for n in script.speakers}) == 3
    assert sum(block.is_marker for block in script.blocks) == 3


def test_news_bulletin_paragraphs_and_cues() -> None:
    script = load_script(FIXTURES / "news.txt")
    assert [b.kind for b in script.blocks] == [
        BlockKind.TEXT, BlockKind.TEXT, BlockKind.MARKER, BlockKind.TEXT,
        BlockKind.MARKER, BlockKind.TEXT,
    ]  # fmt: skip
    assert script.blocks[1].text.startswith("Today the school garden won")
    assert script.blocks[1].text.endswith("liked the sunflowers best.")
    assert [b.text for b in script.blocks if b.kind is BlockKind.MARKER] == ["sport", "weather"]
    assert script.speakers == ()
    # Stage directions and markers are not read aloud; everything else is.
    assert script.words == 9 + 17 + 11 + 16


def test_reading_time_from_words_and_speed() -> None:
    script = parse_script("one two three four five six seven eight nine ten\n[not read]")
    assert script.words == 10
    assert script.reading_seconds(words_per_minute=120) == pytest.approx(5.0)
    with pytest.raises(ValueError, match="words per minute"):
        script.reading_seconds(words_per_minute=0)


def test_a_colon_in_ordinary_prose_is_not_a_speaker() -> None:
    script = parse_script("Note: bring your coats.\nTime: 10 o'clock")
    assert [b.kind for b in script.blocks] == [BlockKind.TEXT]
    assert script.speakers == ()


@pytest.mark.parametrize(
    "encoded",
    [
        TEXT.encode("utf-8"),
        b"\xef\xbb\xbf" + TEXT.encode("utf-8"),
        TEXT.encode("utf-16"),  # with its BOM, little-endian here
        b"\xfe\xff" + TEXT.encode("utf-16-be"),
        TEXT.replace("\n", "\r\n").encode("cp1252"),
    ],
    ids=["utf8", "utf8-bom", "utf16-le", "utf16-be", "windows-1252-crlf"],
)
def test_encodings_read_the_same(tmp_path: Path, encoded: bytes) -> None:
    path = tmp_path / "script.txt"
    path.write_bytes(encoded)
    script = load_script(path)
    assert script.blocks[0].text == "Scène 1"
    assert script.blocks[1].speaker == "ZOË"
    assert script.blocks[1].text == "Café crème, s’il vous plaît — now!"
    assert script.blocks[2].kind is BlockKind.DIRECTION


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"  \n\r\n ", "empty"),
        (bytes(range(256)) * 4, "binary"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
    ],
)
def test_bad_files_named_in_a_clear_error(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message) as error:
        load_script(path)
    assert str(path) in str(error.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(MissingFileError, match="no such script"):
        load_script(tmp_path / "nope.txt")


def test_a_utf8_mark_before_latin1_bytes_is_named_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "café.txt"
    path.write_bytes(b"\xef\xbb\xbfZOE: Hello.\nSAM: Caf\xe9 au lait.\n")
    with pytest.raises(InputError) as caught:
        load_script(path)
    assert str(caught.value) == (
        f"{path}: the file is marked as UTF-8 but line 2 is not UTF-8 text; save it again "
        "as UTF-8 text (or as plain text without the UTF-8 mark)"
    )


def test_a_script_over_the_limit_is_refused_before_it_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "long.txt"
    path.write_bytes(b"ZOE: Hello there.\n" * (MAX_SCRIPT_BYTES // 18 + 1))
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail("the file was read"))
    with pytest.raises(InputError, match=r"too long \(200,0\d\d bytes\).*split it"):
        load_script(path)


def test_a_text_over_the_limit_is_refused() -> None:
    text = "word " * (MAX_SCRIPT_CHARACTERS // 5 + 1)
    with pytest.raises(InputError, match="too long"):
        parse_script(text)
    with pytest.raises(InputError, match="too long"):
        decode_script(text.encode(), name="pasted")
    assert parse_script(text[:MAX_SCRIPT_CHARACTERS]).words == MAX_SCRIPT_CHARACTERS // 5


def test_the_built_in_scripts_show_every_kind_of_line() -> None:
    scripts = built_in_scripts()
    assert {"news", "soap"} <= set(scripts)
    soap = load_script(scripts["soap"])
    kinds = {block.kind for block in soap.blocks}
    assert kinds == set(BlockKind)
    assert soap.speakers == ("LEO", "MAYA", "PRIYA")
    assert sum(block.is_marker for block in soap.blocks) >= 4
    news = load_script(scripts["news"])
    assert news.speakers == ("ZOE", "SAM") and news.words > 40
