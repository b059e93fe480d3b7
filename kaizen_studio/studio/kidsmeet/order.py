"""A kidsmeet's running order: who presents, their year group, school and title.

Written by a teacher as TOML::

    title = "Kidsmeet, spring term"
    minutes = 7                      # each talk's time (1 to 30; default 7)
    breaks = "recorded"              # a folder of recorded presentations for the breaks

    [[talk]]
    name = "Amira"
    year = 4                         # Year 1 to Year 6: 1 to 6 (or "Year 4")
    school = "Hawes Side"
    title = "How volcanoes work"

or as a spreadsheet saved as CSV, with the heading line ``name,year,school,title`` and one
talk a line. A mistake is refused in one line with the file, the line, the problem and the
fix, before the meet starts.
"""

from __future__ import annotations

import csv
import io
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kaizen_studio.core.errors import InputError, MissingFileError
from kaizen_studio.studio.overlays import NAME_CHARS, ROLE_CHARS

FIELDS = ("name", "year", "school", "title")
TOP_KEYS = {"title", "minutes", "breaks", "talk"}
MAX_TALKS = 200
MAX_ORDER_BYTES = 200_000
MINUTES = 7.0
"""a talk's time unless the running order says otherwise"""


@dataclass(frozen=True, slots=True, kw_only=True)
class Talk:
    """One presenter's talk."""

    name: str
    year: int
    """the year group, 1 to 6"""
    school: str
    title: str

    @property
    def role(self) -> str:
        """The lower third's second line: year group, school and title."""
        role = f"Year {self.year}, {self.school}: {self.title}"
        return role if len(role) <= ROLE_CHARS else role[: ROLE_CHARS - 1] + "…"


@dataclass(frozen=True, slots=True, kw_only=True)
class RunningOrder:
    title: str
    talks: tuple[Talk, ...]
    minutes: float = MINUTES
    breaks: Path | None = None
    """the folder of recorded presentations played in the breaks (None: none given)"""


def read_order(path: str | Path) -> RunningOrder:
    """The running order in ``path`` (.toml, or .csv), checked; :class:`InputError` (or
    :class:`MissingFileError`) naming the file, the line and the fix otherwise."""
    path = Path(path)
    if path.is_dir():
        raise InputError(
            f"{path}: is a folder, not a running order; give the order's file (.toml or "
            ".csv), such as --kidsmeet FOLDER/kidsmeet.toml"
        )
    if not path.is_file():
        raise MissingFileError(f"{path}: no such running order; check the name and the folder")
    if path.stat().st_size > MAX_ORDER_BYTES:
        raise InputError(f"{path}: is too big for a running order; is it the right file?")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"{path}: is not text saved as UTF-8; save it as UTF-8") from None
    if path.suffix.lower() == ".csv":
        return _from_csv(path, text)
    if path.suffix.lower() != ".toml":
        raise InputError(f"{path}: a running order is a .toml or a .csv file")
    return _from_toml(path, text)


def _fail(path: Path, line: int, problem: str) -> InputError:
    return InputError(f"{path}, line {line}: {problem}" if line else f"{path}: {problem}")


def _talk(raw: dict[str, Any], fail: Any) -> Talk:
    """One talk from its fields; ``fail(key, problem)`` makes the error."""
    unknown = set(raw) - set(FIELDS)
    if unknown:
        key = sorted(unknown)[0]
        raise fail(key, f"unknown field {key!r}; a talk has {', '.join(FIELDS)}")
    values: dict[str, str] = {}
    for key, most in (("name", NAME_CHARS), ("school", 40), ("title", 60)):
        value = raw.get(key)
        if not isinstance(value, str) or not value.strip():
            raise fail(key, f'the talk needs a {key}: write {key} = "..."')
        if len(value.strip()) > most:
            raise fail(key, f"the {key} is {len(value.strip())} characters; shorten it to {most}")
        values[key] = " ".join(value.split())
    return Talk(year=_year(raw.get("year"), fail), **values)


def _year(value: Any, fail: Any) -> int:
    text = str(value).strip() if value is not None else ""
    match = re.fullmatch(r"(?i)(?:year|y)?\s*(\d+)", text) if not isinstance(value, bool) else None
    year = int(match.group(1)) if match else 0
    if not 1 <= year <= 6:
        shown = "nothing" if value is None or text == "" else repr(value)
        raise fail("year", f"year must be 1 to 6 (Year 1 to Year 6), not {shown}: fix the year")
    return year


def _from_toml(path: Path, text: str) -> RunningOrder:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise InputError(f"{path}: {error}") from None
    lines = text.splitlines()

    def line_of(key: str, talk: int | None) -> int:
        where, talks = None, -1
        for number, raw in enumerate(lines, start=1):
            stripped = raw.strip()
            if stripped.startswith("[[talk]]"):
                talks += 1
                where = talks
            elif where == talk and stripped.split("=", 1)[0].strip() == key:
                return number
        heading = [n for n, raw in enumerate(lines, 1) if raw.strip().startswith("[[talk]]")]
        return heading[talk] if talk is not None and talk < len(heading) else 0

    for key in data:
        if key not in TOP_KEYS:
            raise _fail(
                path,
                line_of(key, None),
                f"unknown setting {key!r}; a running order has {', '.join(sorted(TOP_KEYS))}",
            )
    raw_talks = data.get("talk")
    if not isinstance(raw_talks, list) or not raw_talks:
        raise InputError(f"{path}: the running order has no talks: add [[talk]] tables")
    if len(raw_talks) > MAX_TALKS:
        raise InputError(f"{path}: {len(raw_talks)} talks; a meet has at most {MAX_TALKS}")
    talks = []
    for index, raw in enumerate(raw_talks):
        if not isinstance(raw, dict):
            raise _fail(path, line_of("talk", None), "write each talk as a [[talk]] table")

        def fail(key: str, problem: str, index: int = index) -> InputError:
            return _fail(path, line_of(key, index), f"talk {index + 1}: {problem}")

        talks.append(_talk(raw, fail))
    minutes = data.get("minutes", MINUTES)
    if isinstance(minutes, bool) or not isinstance(minutes, int | float) or not 1 <= minutes <= 30:
        raise _fail(path, line_of("minutes", None), f"minutes must be 1 to 30, not {minutes!r}")
    breaks = data.get("breaks")
    folder = None
    if breaks is not None:
        folder = Path(str(breaks))
        folder = folder if folder.is_absolute() else path.parent / folder
        if not folder.is_dir():
            raise _fail(
                path,
                line_of("breaks", None),
                f"breaks folder {str(breaks)!r} not found next to the running order",
            )
    title = data.get("title", path.stem)
    if not isinstance(title, str):
        raise _fail(path, line_of("title", None), "title must be text in quotes")
    return RunningOrder(title=title, talks=tuple(talks), minutes=float(minutes), breaks=folder)


def _from_csv(path: Path, text: str) -> RunningOrder:
    reader = csv.reader(io.StringIO(text))
    heading = [cell.strip().lower() for cell in next(reader, [])]
    if heading != list(FIELDS):
        raise _fail(
            path,
            1,
            f"the first line must be the heading {','.join(FIELDS)}, "
            f"not {','.join(heading) or 'empty'}",
        )
    talks = []
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue
        line = reader.line_num

        def fail(key: str, problem: str, line: int = line) -> InputError:
            return _fail(path, line, problem)

        if len(row) != len(FIELDS):
            raise fail(
                "",
                f"{len(row)} cells; a talk has {len(FIELDS)}: {', '.join(FIELDS)} "
                '(put a title with a comma in "quotes")',
            )
        talks.append(_talk(dict(zip(FIELDS, row, strict=True)), fail))
    if not talks:
        raise InputError(f"{path}: the running order has no talks: one a line under the heading")
    if len(talks) > MAX_TALKS:
        raise InputError(f"{path}: {len(talks)} talks; a meet has at most {MAX_TALKS}")
    return RunningOrder(title=path.stem, talks=tuple(talks))
