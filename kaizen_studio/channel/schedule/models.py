"""The timetable's tables: screen groups, screens (and when each last reported in),
playlists of library items, placements and announcements; each turned into the pure
records of :mod:`kaizen_studio.channel.timetable` by :func:`timetable`."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models

from kaizen_studio.channel import timetable as pure
from kaizen_studio.channel.library.models import Item

SLUG = RegexValidator(r"^[a-z0-9][a-z0-9-]{0,39}$", "use lower-case letters, digits and -")


class Layout(models.TextChoices):
    """How a screen divides itself (the ready layouts)."""

    MAIN_TICKER = "main-ticker", "Main picture + ticker"
    MAIN_SIDE_TICKER = "main-side-ticker", "Main picture + side panel + ticker"
    WIDGET = "widget", "Full-screen widget"


class Panel(models.TextChoices):
    """What the side panel (or a full-screen widget layout) shows; ``turns`` takes each
    in turn."""

    TURNS = "turns", "Each widget in turn"
    HOUSES = "houses", "House points"
    BIRTHDAYS = "birthdays", "Birthdays today"
    AWARDS = "awards", "Awards and star of the week"
    SPORTS = "sports", "Sports news"
    CLOCK = "clock", "Clock and date"


class Playlist(models.Model):
    """Library items played in order, round and round."""

    name = models.CharField(max_length=80, unique=True)
    school_loop = models.BooleanField(
        default=False, help_text="Plays on every screen whenever nothing else is placed."
    )

    class Meta:
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        super().save(*args, **kwargs)  # type: ignore[arg-type]
        if self.school_loop:  # one school loop at most
            Playlist.objects.exclude(pk=self.pk).filter(school_loop=True).update(school_loop=False)


class Entry(models.Model):
    """One item's place in a playlist."""

    playlist = models.ForeignKey(Playlist, on_delete=models.CASCADE, related_name="entries")
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="entries")
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ("order", "id")
        verbose_name_plural = "entries"


class ScreenGroup(models.Model):
    """Screens that show the same thing (the hall, the KS1 corridor, Year 6)."""

    slug = models.CharField("address name", max_length=40, unique=True, validators=[SLUG])
    title = models.CharField(max_length=80)
    loop = models.ForeignKey(
        Playlist,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        help_text="This group's default loop (else the school loop).",
    )
    layout = models.CharField(max_length=20, choices=Layout.choices, default=Layout.MAIN_TICKER)
    panel = models.CharField(max_length=12, choices=Panel.choices, default=Panel.TURNS)

    class Meta:
        ordering = ("title",)

    def __str__(self) -> str:
        return self.title


class Screen(models.Model):
    """One screen, made when it first reports in; ``playing`` and ``last_seen`` are what
    it said last."""

    group = models.ForeignKey(ScreenGroup, on_delete=models.CASCADE, related_name="screens")
    name = models.CharField(max_length=40, validators=[SLUG])
    playing = models.CharField(max_length=200, blank=True)
    last_seen = models.DateTimeField(null=True, blank=True)
    address = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ("group__title", "name")
        constraints = (models.UniqueConstraint(fields=["group", "name"], name="one-screen-name"),)

    def __str__(self) -> str:
        return f"{self.group.slug}/{self.name}"


class Placement(models.Model):
    """A playlist placed on some weekdays from ``start`` to ``end`` (the school's wall
    time), for one group or every screen, optionally between two dates."""

    name = models.CharField(max_length=80, blank=True)
    playlist = models.ForeignKey(Playlist, on_delete=models.CASCADE, related_name="placements")
    group = models.ForeignKey(
        ScreenGroup,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        help_text="Empty: every screen",
    )
    weekdays = models.CharField(max_length=7, default="01234")
    """Digits 0 (Monday) to 6 (Sunday)."""
    start = models.TimeField()
    end = models.TimeField()
    first_day = models.DateField(null=True, blank=True)
    last_day = models.DateField(null=True, blank=True)
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)

    class Meta:
        ordering = ("start", "id")

    def __str__(self) -> str:
        return self.record().describe()

    def clean(self) -> None:
        try:
            self.record()
        except ValueError as error:
            raise ValidationError(str(error)) from error

    def record(self) -> pure.Placement:
        return pure.Placement(
            key=self.pk or 0,
            playlist=str(self.playlist_id),
            group=self.group.slug if self.group is not None else None,
            weekdays=frozenset(int(d) for d in self.weekdays),
            start=self.start,
            end=self.end,
            first_day=self.first_day,
            last_day=self.last_day,
            name=self.name or (self.playlist.name if self.playlist_id else ""),
        )


class Announcement(models.Model):
    """Words on every screen (or the groups chosen) from ``starts`` until ``ends``."""

    text = models.CharField(max_length=140)
    starts = models.DateTimeField()
    ends = models.DateTimeField()
    groups = models.ManyToManyField(ScreenGroup, blank=True, help_text="None: every screen")
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)

    class Meta:
        ordering = ("-starts", "-id")

    def __str__(self) -> str:
        return self.text

    def record(self) -> pure.Announcement:
        return pure.Announcement(
            key=self.pk,
            text=self.text,
            starts=self.starts,
            ends=self.ends,
            groups=frozenset(g.slug for g in self.groups.all()),
        )


def timetable(since: datetime) -> pure.Timetable:
    """Everything in the tables as the pure :class:`timetable.Timetable` (playlists by
    their id as text; announcements that ended before ``since`` left out), for
    :func:`timetable.what_is_on` and :func:`timetable.plan`."""
    placements = Placement.objects.select_related("playlist", "group")
    announcements = Announcement.objects.filter(ends__gt=since).prefetch_related("groups")
    school_loop = Playlist.objects.filter(school_loop=True).first()
    return pure.Timetable(
        placements=tuple(p.record() for p in placements),
        announcements=tuple(a.record() for a in announcements),
        default_loop=str(school_loop.pk) if school_loop else None,
        group_loops={g.slug: str(g.loop_id) for g in ScreenGroup.objects.exclude(loop=None)},
        zone=ZoneInfo(settings.TIME_ZONE),
    )
