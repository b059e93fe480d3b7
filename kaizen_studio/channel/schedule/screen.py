"""What a screen asks of the server: its page, and its data (the plan of the next hours,
the playlists' media, the widgets), which is also its heartbeat.

Screens sign in to nothing: the page and the data are public, and name only approved,
converted items (:func:`library.models.ready_items`). A screen asks for its data every
few seconds; the answer carries the plan for :data:`PLAN_HOURS`, so a screen that loses
the network goes on by itself, and a ``version`` so it knows when something changed.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from kaizen_studio.channel.accounts.audit import client_address
from kaizen_studio.channel.library.models import ready_items
from kaizen_studio.channel.schedule import clock
from kaizen_studio.channel.schedule.models import (
    Entry,
    Layout,
    Screen,
    ScreenGroup,
    timetable,
)
from kaizen_studio.channel.timetable import Segment, Source, plan
from kaizen_studio.channel.widgets.models import screen_widgets

log = logging.getLogger(__name__)

PLAN_HOURS = 32.0
"""The plan a screen is told runs this long from the school's midnight (so at least 8
hours ahead: it follows it alone while offline)."""
HEARTBEAT_WRITE_SECONDS = 15.0
"""A screen's report is written at most this often unless what it plays has changed."""
NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")


def _names(request: HttpRequest) -> tuple[str, str, str]:
    """The group, the screen's name and a layout override from the address; ValueError
    in words for a bad one."""
    group = request.GET.get("group", "").strip().lower()
    name = request.GET.get("name", "screen").strip().lower() or "screen"
    layout = request.GET.get("layout", "")
    if not NAME.fullmatch(group):
        raise ValueError(
            f"the address needs ?group=NAME with a screen group's address name, got {group!r}"
        )
    if not NAME.fullmatch(name):
        raise ValueError(f"name= must be lower-case letters, digits and -, got {name!r}")
    if layout and layout not in Layout.values:
        raise ValueError(f"layout= must be one of {', '.join(Layout.values)}, got {layout!r}")
    return group, name, layout


@never_cache
def page(request: HttpRequest) -> HttpResponse:
    """The screen page (full screen, plays everything by itself)."""
    try:
        group, name, layout = _names(request)
    except ValueError as error:
        return render(request, "schedule/screen_error.html", {"problem": error}, status=400)
    return render(
        request,
        "schedule/screen.html",
        {"group": group, "name": name, "layout": layout, "zone": settings.TIME_ZONE},
    )


@never_cache
def data(request: HttpRequest) -> JsonResponse:
    """The screen's data as JSON, and its report noted (``playing=`` says what it shows)."""
    try:
        slug, name, layout = _names(request)
    except ValueError as error:
        return JsonResponse({"problem": str(error)}, status=400)
    group = ScreenGroup.objects.filter(slug=slug).first()
    if group is None:
        return JsonResponse(
            {"problem": f"there is no screen group {slug!r}: the administrator adds it on the "
             "Screens page"},
            status=404,
        )  # fmt: skip
    now = clock.now()
    _report(group, name, request.GET.get("playing", "")[:200], client_address(request), now)
    zone = ZoneInfo(settings.TIME_ZONE)
    # planned from the school's midnight, so a segment's start is where it really began
    # (the same at every poll: screens count their place in a loop from it)
    midnight = datetime.combine(now.astimezone(zone).date(), time(0), zone)
    segments = [
        segment
        for segment in plan(slug, midnight, hours=PLAN_HOURS, timetable=timetable(midnight))
        if segment.ends > now
    ]
    playlists = _playlists({s.on.playlist for s in segments if s.on.playlist})
    content: dict[str, Any] = {
        "school": settings.SCHOOL_NAME,
        "colours": list(settings.SCHOOL_COLOURS),
        "zone": settings.TIME_ZONE,
        "group": {"slug": slug, "title": group.title},
        "layout": layout or group.layout,
        "panel": group.panel,
        "plan": [_segment(s) for s in segments],
        "playlists": playlists,
        "widgets": screen_widgets(now.astimezone(zone).date()),
    }
    content["version"] = hashlib.sha1(
        json.dumps(content, sort_keys=True, default=str).encode()
    ).hexdigest()[:12]
    content["now"] = now.timestamp() * 1000
    return JsonResponse(content)


def _segment(segment: Segment) -> dict[str, Any]:
    on = segment.on
    return {
        "starts": segment.starts.timestamp() * 1000,
        "ends": segment.ends.timestamp() * 1000,
        "source": on.source.value,
        "kind": "announcement" if on.source is Source.ANNOUNCEMENT else "playlist",
        "playlist": on.playlist,
        "text": on.announcement.text if on.announcement else "",
        "label": on.placement.name if on.placement else on.source.value,
    }


def _playlists(keys: set[str]) -> dict[str, dict[str, Any]]:
    """Each playlist's playable items (approved and converted), in order."""
    ready = ready_items()
    entries = (
        Entry.objects.filter(playlist_id__in=[int(k) for k in keys], item__in=ready)
        .select_related("item", "playlist")
        .order_by("playlist_id", "order", "id")
    )
    found: dict[str, dict[str, Any]] = {k: {"name": "", "items": []} for k in keys}
    for entry in entries:
        item = entry.item
        listed = found[str(entry.playlist_id)]
        listed["name"] = entry.playlist.name
        listed["items"].append(
            {
                "id": item.pk,
                "title": item.title,
                "class": item.class_name,
                "url": item.web_url,
                "duration": item.duration or 10.0,
            }
        )
    return found


def _report(group: ScreenGroup, name: str, playing: str, address: str, now: datetime) -> None:
    """Note that the screen was seen (a write at most every few seconds per screen)."""
    screen, made = Screen.objects.get_or_create(
        group=group, name=name, defaults={"playing": playing, "last_seen": now, "address": address}
    )
    if made:
        log.info("a new screen reported in: %s", screen)
        return
    quiet = screen.last_seen is not None and (now - screen.last_seen).total_seconds() < (
        HEARTBEAT_WRITE_SECONDS
    )
    if quiet and screen.playing == playing and screen.address == address:
        return
    Screen.objects.filter(pk=screen.pk).update(playing=playing, last_seen=now, address=address)
