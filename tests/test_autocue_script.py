"""Autocue scripts: parsing the soap and the news, encodings, bad files."""

from __future__ import annotations

from pathlib import Path

import pytest

from kaizen_studio.autocue.script import SPEAKER_PALETTE, BlockKind, load_script, parse_script
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
