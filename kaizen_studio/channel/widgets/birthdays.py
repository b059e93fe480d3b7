"""Birthdays today, from the school office's CSV: first name, class, and day and month.

The office's export carries much more (surnames, full dates of birth, addresses, medical
notes...). Only three things are kept from each row: the first name, the class, and the
day and month of the birthday (needed to know whose birthday it is today); every other
column, and the year of birth, is dropped while the file is read and never stored.
A file that cannot be read as a whole is refused with the row and the reason, so nothing
half-imported reaches a screen.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date

from kaizen_studio.core.errors import InputError

SIZE_LIMIT = 2_000_000
ROWS_LIMIT = 5000
NAME_CHARS = 30
CLASS_CHARS = 20
FIRST_NAME = ("first name", "firstname", "forename", "forenames", "preferred name", "given name")
CLASS = ("class", "class name", "form", "reg group", "registration group", "tutor group")
BIRTHDAY = ("date of birth", "dob", "birthday", "birth date", "birthdate")
_DATES = (
    re.compile(r"(?P<d>\d{1,2})[/.-](?P<m>\d{1,2})(?:[/.-](?P<y>\d{2}|\d{4}))?"),  # UK: d/m/y
    re.compile(r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"),  # ISO
)


@dataclass(frozen=True, kw_only=True)
class Birthday:
    """What is kept of one child: first name, class, and the birthday's day and month."""

    first_name: str
    class_name: str
    month: int
    day: int

    def is_on(self, today: date) -> bool:
        """Whether the birthday falls on ``today`` (29 February: the 28th in other years)."""
        if (self.month, self.day) == (2, 29) and not _leap(today.year):
            return (today.month, today.day) == (2, 28)
        return (today.month, today.day) == (self.month, self.day)


@dataclass(frozen=True, kw_only=True)
class Imported:
    """The birthdays read, and the names of the columns dropped unread."""

    birthdays: tuple[Birthday, ...]
    dropped: tuple[str, ...]


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _plain(header: str) -> str:
    return " ".join(header.replace("_", " ").lower().split())


def _column(headers: list[str], names: tuple[str, ...], what: str, file: str) -> int:
    plain = [_plain(h) for h in headers]
    for name in names:
        if name in plain:
            return plain.index(name)
    raise InputError(
        f"{file}: has no {what} column (looked for {', '.join(repr(n) for n in names[:3])}); "
        f"its columns are {', '.join(repr(h) for h in headers)}"
    )


def _text(raw: bytes, file: str) -> str:
    if len(raw) > SIZE_LIMIT:
        raise InputError(f"{file}: is larger than {SIZE_LIMIT // 1_000_000} MB, not a class list")
    if b"\0" in raw:
        raise InputError(f"{file}: is not a CSV file (it holds binary data); export it as CSV")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")  # Excel's "CSV" on Windows


def _day_month(text: str, row: int, file: str) -> tuple[int, int]:
    for pattern in _DATES:
        found = pattern.fullmatch(text.strip())
        if found is not None:
            day, month = int(found["d"]), int(found["m"])
            try:
                date(2000, month, day)  # a leap year: 29 February is a day
            except ValueError:
                break
            return month, day
    raise InputError(
        f"{file}: row {row}: {text!r} is not a date of birth (expected day/month/year, "
        "such as 14/03/2018)"
    )


def read_birthdays(raw: bytes, *, file: str) -> Imported:
    """The birthdays in the office's CSV ``raw`` (any column order, a header row naming
    the first name, the class and the date of birth); InputError naming the file, the row
    and the fix for anything else."""
    rows = list(csv.reader(io.StringIO(_text(raw, file))))
    if not rows:
        raise InputError(f"{file}: is empty; export the class list with a header row")
    headers, body = rows[0], rows[1:]
    if len(body) > ROWS_LIMIT:
        raise InputError(f"{file}: has {len(body)} rows; at most {ROWS_LIMIT} are read")
    name_at = _column(headers, FIRST_NAME, "first name", file)
    class_at = _column(headers, CLASS, "class", file)
    birthday_at = _column(headers, BIRTHDAY, "date of birth", file)
    kept: list[Birthday] = []
    for number, row in enumerate(body, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) <= max(name_at, class_at, birthday_at):
            raise InputError(f"{file}: row {number} has only {len(row)} cells")
        name, form = row[name_at].strip(), row[class_at].strip()
        if not name:
            raise InputError(f"{file}: row {number} has no first name")
        month, day = _day_month(row[birthday_at], number, file)
        kept.append(
            Birthday(
                first_name=name[:NAME_CHARS], class_name=form[:CLASS_CHARS], month=month, day=day
            )
        )
    used = {name_at, class_at, birthday_at}
    dropped = tuple(h for i, h in enumerate(headers) if i not in used)
    return Imported(birthdays=tuple(kept), dropped=dropped)
