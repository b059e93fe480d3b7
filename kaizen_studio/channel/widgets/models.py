"""The widgets' tables: the ticker's feeds (with their last headlines or reason), the
houses and their points, birthdays (first name, class, day and month only), awards and
star of the week, and sports news; :func:`screen_widgets` is what a screen shows."""

from __future__ import annotations

import logging
from datetime import date, timedelta
from typing import Any

from django.core.validators import RegexValidator
from django.db import close_old_connections, models
from django.utils import timezone

from kaizen_studio.channel.widgets.birthdays import Birthday as Kept
from kaizen_studio.channel.widgets.ticker import REFRESH_SECONDS, Background, read_feeds

log = logging.getLogger(__name__)

COLOUR = RegexValidator(r"^#[0-9a-fA-F]{6}$", "a colour like #c0392b")


class Feed(models.Model):
    """A class blog's RSS or Atom feed; ``headlines`` the last ones read (kept when a
    later reading fails), ``problem`` why the last reading was refused."""

    url = models.URLField("address", max_length=400, unique=True)
    class_name = models.CharField("class", max_length=40, blank=True)
    headlines = models.JSONField(default=list, blank=True)
    problem = models.CharField(max_length=400, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("class_name", "url")

    def __str__(self) -> str:
        return self.class_name or self.url


class House(models.Model):
    """A house, its colour and its points (teachers type the totals)."""

    name = models.CharField(max_length=30, unique=True)
    colour = models.CharField(max_length=7, validators=[COLOUR], default="#1d3557")
    points = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name


class Birthday(models.Model):
    """What is kept of one child from the office's CSV (see :mod:`birthdays`)."""

    first_name = models.CharField(max_length=30)
    class_name = models.CharField("class", max_length=20, blank=True)
    month = models.PositiveSmallIntegerField()
    day = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ("class_name", "first_name")

    def __str__(self) -> str:
        return f"{self.first_name} ({self.class_name})"


class Award(models.Model):
    """An award or the star of the week, shown until ``until`` (inclusive)."""

    title = models.CharField(max_length=40, default="Star of the week")
    first_name = models.CharField(max_length=30)
    class_name = models.CharField("class", max_length=20, blank=True)
    reason = models.CharField(max_length=140, blank=True)
    until = models.DateField()

    class Meta:
        ordering = ("-until", "title")

    def __str__(self) -> str:
        return f"{self.title}: {self.first_name} ({self.class_name})"


class SportsNews(models.Model):
    """A line of sports news, shown until ``until`` (inclusive)."""

    text = models.CharField(max_length=140)
    until = models.DateField()

    class Meta:
        ordering = ("-until", "-id")
        verbose_name_plural = "sports news"

    def __str__(self) -> str:
        return self.text


def _read_every_feed() -> None:
    close_old_connections()
    try:
        feeds = list(Feed.objects.all())
        for feed, reading in zip(feeds, read_feeds(f.url for f in feeds), strict=True):
            feed.problem = reading.problem
            if reading.headlines:
                feed.headlines = list(reading.headlines)
            feed.read_at = timezone.now()
            feed.save(update_fields=["problem", "headlines", "read_at"])
    finally:
        close_old_connections()


reader = Background(_read_every_feed, name="ticker-feeds")
"""Reads every feed in the background (kicked when a screen finds one stale)."""


def ticker() -> list[str]:
    """The ticker's headlines (each feed's, with its class); kicks a background reading
    when a feed was never read or was read longer ago than :data:`REFRESH_SECONDS` (of
    real time: the blogs live in it, whatever a test sets the channel's clock to)."""
    feeds = list(Feed.objects.all())
    stale = timezone.now() - timedelta(seconds=REFRESH_SECONDS)
    if any(f.read_at is None or f.read_at < stale for f in feeds):
        reader.kick()
    lines = []
    for feed in feeds:
        label = f"{feed.class_name}: " if feed.class_name else ""
        lines += [label + str(h) for h in feed.headlines]
    return lines


def screen_widgets(today: date) -> dict[str, Any]:
    """What the widgets show on the school's date ``today``, as JSON for the screen
    page."""
    houses = list(House.objects.all())
    most = max([h.points for h in houses] + [1])
    return {
        "ticker": ticker(),
        "houses": [
            {"name": h.name, "colour": h.colour, "points": h.points, "share": h.points / most}
            for h in houses
        ],
        "birthdays": [
            {"name": b.first_name, "class": b.class_name}
            for b in Birthday.objects.all()
            if _birthday_today(b, today)
        ],
        "awards": [
            {"title": a.title, "name": a.first_name, "class": a.class_name, "reason": a.reason}
            for a in Award.objects.filter(until__gte=today)
        ],
        "sports": [s.text for s in SportsNews.objects.filter(until__gte=today)],
    }


def _birthday_today(row: Birthday, today: date) -> bool:
    kept = Kept(first_name=row.first_name, class_name=row.class_name, month=row.month, day=row.day)
    return kept.is_on(today)
