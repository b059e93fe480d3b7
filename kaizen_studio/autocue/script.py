"""Autocue scripts: read a text or Markdown file and split it into blocks to show.

A block is a speaker line (``SARAH: Have you seen the newsroom?``), a stage direction
(``[she looks up]``), a scene heading (``# Scene 2``), a marker (``---`` or ``@cue``) or
plain text. Headings and markers are the places PageUp/PageDown jump to. A script is at
most :data:`MAX_SCRIPT_CHARACTERS` long (over an hour of reading): the limit is checked
from the file's size before it is read, and again on the text. The built-in scripts
(:func:`built_in_scripts`) are examples to start from.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from pathlib import Path

from kaizen_studio.core.errors import InputError, MissingFileError

MAX_SCRIPT_CHARACTERS = 50_000
"""The longest script shown: about 8,000 words, over an hour at 120 words a minute. A
longer one would take minutes to lay out each time the text size changes."""

MAX_SCRIPT_BYTES = 4 * MAX_SCRIPT_CHARACTERS
"""The largest script file read (4 bytes is the most a character takes in UTF-8)."""

BUILT_IN_FOLDER = Path(__file__).with_name("scripts")
"""Where the built-in scripts are (installed with the package)."""

# High-contrast colours (BGR) that read well on black, one per speaker in order of entry.
SPEAKER_PALETTE: tuple[tuple[int, int, int], ...] = (
    (0, 215, 255),  # gold
    (255, 200, 80),  # sky blue
    (120, 255, 120),  # green
    (200, 140, 255),  # pink
    (0, 150, 255),  # orange
    (255, 255, 0),  # cyan
    (255, 130, 200),  # violet
    (160, 255, 255),  # pale yellow
)

_SPEAKER = re.compile(r"^\s*([^\W\d_][\w .'\-]{0,30}?)\s*:\s+(\S.*)$")
_DIRECTION = re.compile(r"^\s*\[(.+)\]\s*$")
_HEADING = re.compile(r"^\s*#{1,6}\s+(.+?)\s*#*\s*$")
_MARKER = re.compile(r"^\s*(?:-{3,}|\*{3,}|_{3,}|@cue\b\s*(.*))\s*$", re.IGNORECASE)
_MARKDOWN_EMPHASIS = re.compile(r"(\*\*|__|\*|_|`)(.+?)\1")


class BlockKind(enum.Enum):
    """What a block of the script is."""

    TEXT = "text"
    SPEAKER = "speaker"
    DIRECTION = "direction"
    HEADING = "heading"
    MARKER = "marker"


@dataclass(frozen=True, slots=True)
class Block:
    """One paragraph of the script: its kind, text, speaker (if any) and source line."""

    kind: BlockKind
    text: str
    line: int
    speaker: str = ""

    @property
    def is_marker(self) -> bool:
        """Whether PageUp/PageDown stop here (headings and ``---``/``@cue`` lines)."""
        return self.kind in (BlockKind.HEADING, BlockKind.MARKER)

    @property
    def words(self) -> int:
        """Words to read aloud (stage directions and markers are not read)."""
        if self.kind in (BlockKind.DIRECTION, BlockKind.MARKER):
            return 0
        return len(self.text.split())


@dataclass(frozen=True, slots=True)
class Script:
    """A parsed script: its blocks, the speakers in order of entry and their colours."""

    blocks: tuple[Block, ...]
    speakers: tuple[str, ...]
    source: str = ""

    @property
    def words(self) -> int:
        """Words read aloud in the whole script."""
        return sum(block.words for block in self.blocks)

    def speaker_colour(self, name: str) -> tuple[int, int, int]:
        """The BGR colour of a speaker: stable for the script (order of first entry)."""
        index = self.speakers.index(name)
        return SPEAKER_PALETTE[index % len(SPEAKER_PALETTE)]

    def reading_seconds(self, *, words_per_minute: float) -> float:
        """Estimated seconds to read the script aloud at ``words_per_minute``."""
        if not 10 <= words_per_minute <= 600:
            raise ValueError(f"speed must be 10 to 600 words per minute, got {words_per_minute}")
        return self.words * 60.0 / words_per_minute


def decode_script(data: bytes, *, name: str = "script") -> str:
    """Decode the bytes of a script file: UTF-8 (BOM or not), UTF-16 (BOM) or Windows-1252.

    Raises
    ------
    InputError
        When the file is empty, is binary (NUL bytes, control characters) or has no text.
    """
    if not data.strip():
        raise InputError(f"{name}: the script is empty; write some lines in it and try again")
    if len(data) > MAX_SCRIPT_BYTES:
        raise _too_long(name, f"{len(data):,} bytes")
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            text = data[3:].decode("utf-8", errors="strict")
        except UnicodeDecodeError as error:
            line = data[: 3 + error.start].count(b"\n") + 1
            raise InputError(
                f"{name}: the file is marked as UTF-8 but line {line} is not UTF-8 text; "
                "save it again as UTF-8 text (or as plain text without the UTF-8 mark)"
            ) from error
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as error:
            raise InputError(f"{name}: broken UTF-16 text ({error.reason})") from error
    else:
        if b"\x00" in data:
            raise InputError(
                f"{name}: this looks like a binary file, not a script; "
                "save the script as plain text (.txt) or Markdown (.md)"
            )
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r\f")
    if controls > max(2, len(text) // 100):
        raise InputError(
            f"{name}: this looks like a binary file, not a script; "
            "save the script as plain text (.txt) or Markdown (.md)"
        )
    if not text.strip():
        raise InputError(f"{name}: the script is empty; write some lines in it and try again")
    if len(text) > MAX_SCRIPT_CHARACTERS:
        raise _too_long(name, f"{len(text):,} characters")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _too_long(name: str, size: str) -> InputError:
    return InputError(
        f"{name}: the script is too long ({size}); the autocue takes up to "
        f"{MAX_SCRIPT_CHARACTERS:,} characters (over an hour of reading): split it into "
        "parts, one file each"
    )


def _plain(text: str) -> str:
    """Markdown emphasis and list bullets taken off, so they are not read out as symbols."""
    text = re.sub(r"^\s*(?:[-*+]|\d+[.)])\s+", "", text)
    previous = None
    while previous != text:
        previous = text
        text = _MARKDOWN_EMPHASIS.sub(r"\2", text)
    return text.strip()


def parse_script(text: str, *, source: str = "") -> Script:
    """Split script text into blocks; consecutive plain lines join into one paragraph.

    Raises
    ------
    InputError : longer than :data:`MAX_SCRIPT_CHARACTERS`
    """
    if len(text) > MAX_SCRIPT_CHARACTERS:
        raise _too_long(source or "the script", f"{len(text):,} characters")
    blocks: list[Block] = []
    speakers: list[str] = []
    paragraph: list[str] = []
    paragraph_line = 0

    def flush() -> None:
        if paragraph:
            blocks.append(Block(BlockKind.TEXT, " ".join(paragraph), paragraph_line))
            paragraph.clear()

    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.strip()
        if not line:
            flush()
            continue
        marker = _MARKER.match(line)
        heading = _HEADING.match(line)
        direction = _DIRECTION.match(line)
        speaker = _SPEAKER.match(line)
        if marker:
            flush()
            blocks.append(Block(BlockKind.MARKER, (marker.group(1) or "").strip(), number))
        elif heading:
            flush()
            blocks.append(Block(BlockKind.HEADING, _plain(heading.group(1)), number))
        elif direction:
            flush()
            blocks.append(Block(BlockKind.DIRECTION, direction.group(1).strip(), number))
        elif speaker and (speaker.group(1).isupper() or speaker.group(1) in speakers):
            flush()
            name = speaker.group(1).strip()
            if name not in speakers:
                speakers.append(name)
            blocks.append(Block(BlockKind.SPEAKER, _plain(speaker.group(2)), number, name))
        else:
            if not paragraph:
                paragraph_line = number
            paragraph.append(_plain(line))
    flush()
    return Script(tuple(blocks), tuple(speakers), source)


def load_script(path: str | Path) -> Script:
    """Read and parse a script file.

    Raises
    ------
    MissingFileError
        When there is no such file.
    InputError
        When the file is empty, binary or cannot be read.
    """
    file = Path(path)
    if not file.is_file():
        raise MissingFileError(f"{file}: no such script file; check the name and the folder")
    try:
        if file.stat().st_size > MAX_SCRIPT_BYTES:  # refused before it is read
            raise _too_long(str(file), f"{file.stat().st_size:,} bytes")
        data = file.read_bytes()
    except OSError as error:
        raise InputError(f"{file}: cannot read the script ({error.strerror})") from error
    script = parse_script(decode_script(data, name=str(file)), source=str(file))
    if not script.blocks:
        raise InputError(f"{file}: the script has no lines to show")
    return script


def built_in_scripts() -> dict[str, Path]:
    """The built-in scripts by name (``news``, ``soap``, ...): examples of the format to
    copy and change."""
    return {path.stem: path for path in sorted(BUILT_IN_FOLDER.glob("*.md"))}
