"""``channel_demo FOLDER``: fill an empty channel with demo content, so a newcomer sees a
working channel at once (``studio serve --demo`` makes the films and runs this).

FOLDER holds ``manifest.json`` (a list of ``{"file", "thumbnail", "title", "class",
"duration", "width", "height"}``) and the files it names: web-safe MP4s and JPEG
thumbnails. They become ready, approved library items; then playlists, three screen
groups in the three layouts, placements (registration, lunch, home time), the school
loop, and widgets (houses, a birthday today, star of the week, sports news). A channel
that already has playlists is left as it is.
"""

from __future__ import annotations

import json
import shutil
from datetime import time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from kaizen_studio.channel.accounts.audit import audit
from kaizen_studio.channel.library import files
from kaizen_studio.channel.library.models import Item, Kind, State
from kaizen_studio.channel.schedule import clock
from kaizen_studio.channel.schedule.models import (
    Entry,
    Layout,
    Panel,
    Placement,
    Playlist,
    ScreenGroup,
)
from kaizen_studio.channel.widgets.models import Award, Birthday, House, SportsNews

HOUSES: tuple[tuple[str, str, int], ...] = (("Oak", "#2e7d32", 412), ("Ash", "#c62828", 388))
HOUSES += (("Elm", "#1565c0", 455), ("Yew", "#f9a825", 301))
SPORTS = ("Netball: Hillside 6, Parkview 4", "Cross-country on Thursday: bring trainers")
GROUPS = (
    ("hall", "The hall", Layout.MAIN_SIDE_TICKER, Panel.TURNS),
    ("ks1", "KS1 corridor", Layout.MAIN_TICKER, Panel.TURNS),
    ("year6", "Year 6", Layout.WIDGET, Panel.HOUSES),
)


class Command(BaseCommand):
    help = "Fill an empty channel with demo films, a timetable and widgets."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        folder = Path(options["folder"])
        try:
            listed = json.loads((folder / "manifest.json").read_text("utf-8"))
        except (OSError, ValueError) as error:
            raise CommandError(f"no demo manifest in {folder}: {error}") from error
        if Playlist.objects.exists():
            self.stdout.write("The channel already has playlists: the demo content is not added.")
            return
        with transaction.atomic():
            items = [self._item(folder, entry) for entry in listed]
            self._timetable(items)
            self._widgets()
        audit(None, "filled the channel with demo content", f"{len(items)} films")
        self.stdout.write(f"Demo content added: {len(items)} films, 4 playlists, 3 screen groups.")

    def _item(self, folder: Path, entry: dict[str, Any]) -> Item:
        item = Item.objects.create(
            title=entry["title"],
            class_name=entry["class"],
            kind=Kind.FILM,
            original_name=entry["file"],
            state=State.READY,
            percent=100,
            duration=float(entry["duration"]),
            width=int(entry["width"]),
            height=int(entry["height"]),
            approved=True,
        )
        files.make_folders()
        shutil.copyfile(folder / entry["thumbnail"], files.library() / item.thumbnail_name)
        shutil.copyfile(folder / entry["file"], files.library() / item.file_name)
        return item

    def _timetable(self, items: list[Item]) -> None:
        def playlist(name: str, chosen: list[Item], *, school_loop: bool = False) -> Playlist:
            made = Playlist.objects.create(name=name, school_loop=school_loop)
            for order, item in enumerate(chosen):
                Entry.objects.create(playlist=made, item=item, order=order)
            return made

        third = max(1, len(items) // 3)
        welcome = playlist("Morning welcome", items[:third])
        lunch = playlist("Lunchtime films", items[third : 2 * third])
        home = playlist("Home time", items[2 * third :])
        playlist("Our work", items, school_loop=True)
        groups = {}
        for slug, title, layout, panel in GROUPS:
            groups[slug] = ScreenGroup.objects.create(
                slug=slug, title=title, layout=layout, panel=panel
            )
        weekdays = "01234"
        for name, chosen, group, start, end in (
            ("Registration", welcome, None, time(8, 30), time(9, 15)),
            ("Lunch", lunch, groups["hall"], time(12, 0), time(13, 0)),
            ("Home time", home, None, time(15, 0), time(15, 30)),
        ):
            Placement.objects.create(
                name=name, playlist=chosen, group=group, weekdays=weekdays, start=start, end=end
            )

    def _widgets(self) -> None:
        today = clock.now().astimezone(ZoneInfo(settings.TIME_ZONE)).date()
        for name, colour, points in HOUSES:
            House.objects.create(name=name, colour=colour, points=points)
        for first, form in (("Amira", "3B"), ("Tom", "5K")):
            Birthday.objects.create(
                first_name=first, class_name=form, month=today.month, day=today.day
            )
        Award.objects.create(
            title="Star of the week",
            first_name="Leo",
            class_name="4A",
            reason="for helping everyone film the Viking play",
            until=today + timedelta(days=7),
        )
        for text in SPORTS:
            SportsNews.objects.create(text=text, until=today + timedelta(days=7))
