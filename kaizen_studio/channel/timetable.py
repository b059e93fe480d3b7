"""The channel's timetable: what a screen group shows at a moment, by one written rule.

Pure code (no Django, no I/O): records in, an answer out. Playlists are *placed* by day
of the week and time of day, optionally within a date range, for one screen group or
for every screen; a default loop fills the hours nothing is placed; an announcement
interrupts every screen (or the groups it names) until it expires.

The rule when several could play (:func:`what_is_on` applies it, the staff page prints
:data:`CLASH_RULE`):

1. an announcement in force beats every placement;
2. a dated placement (one with a date range: this week's assembly theme) beats a weekly
   one (every Friday's lunch);
3. among equals, one placed for the screen's own group beats one placed for every
   screen; then the one that started later in the day (a 12:30 placement inside a
   12:00-13:00 one takes over at 12:30); then the one made last;
4. nothing in force: the group's own default loop, else the school's.

Times are the school's wall-clock times in its zone (``zoneinfo``, e.g. Europe/London):
a placement from 12:00 plays from 12:00 on the clocks in the school, in winter and in
summer. On the night the clocks go forward the hour from 01:00 does not exist: the part
of a placement in it does not play (01:30-01:45 does not play that night; 01:30-02:30
plays from 02:00 to 02:30). On the night they go back the hour from 01:00 happens
twice: a placement in it plays both times. Announcements start and end at instants
(aware datetimes), not wall times.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import Enum
from zoneinfo import ZoneInfo

log = logging.getLogger(__name__)

CLASH_RULE = (
    "An announcement beats everything until it expires. A dated placement (with a date "
    "range) beats a weekly one. Among equals, one for the screen's own group beats one "
    "for every screen, then the one that started later in the day, then the one made "
    "last. When nothing is placed, the group's default loop plays, else the school's."
)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class Source(Enum):
    """Why a screen shows what it shows (the rule's step that chose it)."""

    ANNOUNCEMENT = "announcement"
    DATED = "dated placement"
    WEEKLY = "weekly placement"
    DEFAULT = "default loop"
    NOTHING = "nothing"
    """No placement and no default loop: the screen shows the school's card."""


@dataclass(frozen=True, kw_only=True)
class Placement:
    """A playlist placed on some days of the week, from ``start`` to ``end`` wall time.

    ``group`` None places it on every screen. ``first_day``/``last_day`` (inclusive, either
    may be None for open-ended) make it a dated placement. ``key`` orders placements made
    later after earlier ones (the database id).
    """

    key: int
    playlist: str
    group: str | None
    weekdays: frozenset[int]
    start: time
    end: time
    first_day: date | None = None
    last_day: date | None = None
    name: str = ""

    def __post_init__(self) -> None:
        if not self.weekdays or not self.weekdays <= set(range(7)):
            raise ValueError(
                f"weekdays must be some of 0 (Monday) to 6 (Sunday), got {sorted(self.weekdays)}"
            )
        if self.start.tzinfo is not None or self.end.tzinfo is not None:
            raise ValueError("start and end are wall-clock times of day, without a zone")
        if not self.start < self.end:
            raise ValueError(
                f"a placement must end after it starts on the same day, got "
                f"{self.start:%H:%M}-{self.end:%H:%M} (split one past midnight in two)"
            )
        if self.first_day and self.last_day and self.last_day < self.first_day:
            raise ValueError(
                f"the date range ends ({self.last_day}) before it begins ({self.first_day})"
            )

    @property
    def dated(self) -> bool:
        return self.first_day is not None or self.last_day is not None

    def on(self, group: str, local: datetime) -> bool:
        """Whether this placement plays on ``group``'s screens at ``local`` (wall time)."""
        day = local.date()
        return (
            (self.group is None or self.group == group)
            and day.weekday() in self.weekdays
            and (self.first_day is None or self.first_day <= day)
            and (self.last_day is None or day <= self.last_day)
            and self.start <= local.time().replace(tzinfo=None) < self.end
        )

    def describe(self) -> str:
        """In words, for the staff page: "Lunch: Mon-Fri 12:00-13:00 on hall"."""
        days = ", ".join(WEEKDAYS[d][:3] for d in sorted(self.weekdays))
        dates = ""
        if self.dated:
            dates = f" from {self.first_day or 'always'} to {self.last_day or 'always'}"
        where = "every screen" if self.group is None else self.group
        label = self.name or self.playlist
        return f"{label}: {days} {self.start:%H:%M}-{self.end:%H:%M}{dates} on {where}"


@dataclass(frozen=True, kw_only=True)
class Announcement:
    """A message on every screen (``groups`` empty) or the groups named, from ``starts``
    until ``ends`` (aware datetimes)."""

    key: int
    text: str
    starts: datetime
    ends: datetime
    groups: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        if self.starts.tzinfo is None or self.ends.tzinfo is None:
            raise ValueError("an announcement starts and ends at aware datetimes (with a zone)")
        if not self.starts < self.ends:
            raise ValueError(f"an announcement must end after it starts, got {self.ends}")
        if not self.text.strip():
            raise ValueError("an announcement needs some words")

    def on(self, group: str, at: datetime) -> bool:
        return (not self.groups or group in self.groups) and self.starts <= at < self.ends


@dataclass(frozen=True, kw_only=True)
class Timetable:
    """Everything placed, the announcements, the loops and the school's zone."""

    placements: tuple[Placement, ...] = ()
    announcements: tuple[Announcement, ...] = ()
    default_loop: str | None = None
    group_loops: Mapping[str, str] = field(default_factory=dict)
    zone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Europe/London"))


@dataclass(frozen=True, kw_only=True)
class OnAir:
    """The answer: what plays (``playlist``, or the ``announcement``'s words), why
    (``source``), and the moment asked in the school's wall time (``local``)."""

    source: Source
    playlist: str | None
    local: datetime
    placement: Placement | None = None
    announcement: Announcement | None = None

    def describe(self) -> str:
        when = f"{WEEKDAYS[self.local.weekday()]} {self.local:%d %b %Y %H:%M %Z}"
        if self.announcement is not None:
            return f"{when}: the announcement “{self.announcement.text}”"
        if self.placement is not None:
            return f"{when}: {self.placement.describe()} ({self.source.value})"
        if self.source is Source.DEFAULT:
            return f"{when}: the default loop {self.playlist}"
        return f"{when}: nothing (the school's card)"


def what_is_on(group: str, at: datetime, *, timetable: Timetable) -> OnAir:
    """What ``group``'s screens show at the instant ``at`` (an aware datetime), by the
    rule in this module's docstring; ValueError for a naive ``at``."""
    if at.tzinfo is None:
        raise ValueError(f"ask about an instant with a zone, got the naive {at}")
    local = at.astimezone(timetable.zone)
    shouting = [a for a in timetable.announcements if a.on(group, at)]
    if shouting:
        latest = max(shouting, key=lambda a: (bool(a.groups), a.starts, a.key))
        return OnAir(source=Source.ANNOUNCEMENT, playlist=None, local=local, announcement=latest)
    playing = [p for p in timetable.placements if p.on(group, local)]
    if playing:
        best = max(playing, key=lambda p: (p.dated, p.group is not None, p.start, p.key))
        source = Source.DATED if best.dated else Source.WEEKLY
        return OnAir(source=source, playlist=best.playlist, local=local, placement=best)
    loop = timetable.group_loops.get(group, timetable.default_loop)
    if loop is not None:
        return OnAir(source=Source.DEFAULT, playlist=loop, local=local)
    return OnAir(source=Source.NOTHING, playlist=None, local=local)


@dataclass(frozen=True, kw_only=True)
class Segment:
    """One stretch of a plan: ``on`` from ``starts`` until ``ends`` (UTC instants)."""

    starts: datetime
    ends: datetime
    on: OnAir


def plan(group: str, start: datetime, *, hours: float, timetable: Timetable) -> list[Segment]:
    """What ``group`` shows from ``start`` for ``hours``, as segments (each the answer of
    :func:`what_is_on` at its start, unchanged until its end): what a screen follows by
    itself while it cannot reach the server."""
    if start.tzinfo is None:
        raise ValueError(f"plan from an instant with a zone, got the naive {start}")
    start = start.astimezone(UTC)
    end = start + timedelta(hours=hours)
    moments = sorted({start, *(m for m in _changes(start, end, timetable) if start < m < end)})
    segments: list[Segment] = []
    for moment, after in zip(moments, [*moments[1:], end], strict=True):
        on = what_is_on(group, moment, timetable=timetable)
        if segments and _same(segments[-1].on, on):
            segments[-1] = Segment(starts=segments[-1].starts, ends=after, on=segments[-1].on)
        else:
            segments.append(Segment(starts=moment, ends=after, on=on))
    return segments


def _same(a: OnAir, b: OnAir) -> bool:
    return (a.source, a.playlist, a.placement, a.announcement) == (
        b.source,
        b.playlist,
        b.placement,
        b.announcement,
    )


def _changes(start: datetime, end: datetime, timetable: Timetable) -> Iterable[datetime]:
    """Every instant in or near [start, end) at which the answer may change: the
    announcements' ends, the placements' wall times on each day (both readings of a
    repeated hour) and the zone's clock changes (where a skipped wall time begins)."""
    for announcement in timetable.announcements:
        yield announcement.starts.astimezone(UTC)
        yield announcement.ends.astimezone(UTC)
    zone = timetable.zone
    day = start.astimezone(zone).date() - timedelta(days=1)
    last = end.astimezone(zone).date() + timedelta(days=1)
    walls = sorted({t for p in timetable.placements for t in (p.start, p.end)} | {time(0)})
    while day <= last:
        for wall in walls:
            for fold in (0, 1):
                moment = datetime.combine(day, wall, zone).replace(fold=fold)
                yield moment.astimezone(UTC)
        yield from _clock_changes(day, zone)
        day += timedelta(days=1)


def _clock_changes(day: date, zone: ZoneInfo) -> Iterable[datetime]:
    """The instants (to the second) on ``day`` at which ``zone``'s clocks change."""
    low = datetime.combine(day, time(0), zone).astimezone(UTC)
    high = low + timedelta(hours=25)
    if low.astimezone(zone).utcoffset() == high.astimezone(zone).utcoffset():
        return
    while high - low > timedelta(seconds=1):
        middle = low + (high - low) / 2
        if middle.astimezone(zone).utcoffset() == low.astimezone(zone).utcoffset():
            low = middle
        else:
            high = middle
    yield high.replace(microsecond=0)
