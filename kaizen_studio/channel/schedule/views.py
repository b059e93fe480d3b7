"""The timetable's staff pages: placements and announcements (teachers), playlists,
screen groups and screens (the administrator), and "what is on ... at ...?" (everyone
signed in). Every change goes through :func:`accounts.audit.audit`."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from kaizen_studio.channel.accounts.audit import audit
from kaizen_studio.channel.accounts.models import User
from kaizen_studio.channel.accounts.rights import Right
from kaizen_studio.channel.accounts.roles import has_right, requires
from kaizen_studio.channel.schedule import clock
from kaizen_studio.channel.schedule.forms import (
    AnnouncementForm,
    EntryForm,
    GroupForm,
    PlacementForm,
    PlaylistForm,
    WhatIsOnForm,
)
from kaizen_studio.channel.schedule.models import (
    Announcement,
    Entry,
    Placement,
    Playlist,
    Screen,
    ScreenGroup,
    timetable,
)
from kaizen_studio.channel.timetable import CLASH_RULE, what_is_on

SEEN_RECENTLY = timedelta(seconds=30)


def _timetable_page(request: HttpRequest, **forms: object) -> HttpResponse:
    now = clock.now()
    context = {
        "placements": Placement.objects.select_related("playlist", "group"),
        "announcements": Announcement.objects.filter(ends__gt=now).prefetch_related("groups"),
        "placement_form": PlacementForm(),
        "announcement_form": AnnouncementForm(),
        "rule": CLASH_RULE,
        "now": now,
        **forms,
    }
    status = 400 if forms else 200
    return render(request, "schedule/timetable.html", context, status=status)


@requires(Right.SCHEDULE)
def timetable_page(request: HttpRequest) -> HttpResponse:
    return _timetable_page(request)


@require_POST
@requires(Right.SCHEDULE)
def add_placement(request: HttpRequest) -> HttpResponse:
    form = PlacementForm(request.POST)
    if not form.is_valid():
        return _timetable_page(request, placement_form=form)
    placement = form.save(commit=False)
    placement.made_by = request.user if isinstance(request.user, User) else None
    placement.save()
    audit(request.user, "placed", placement)
    return redirect("schedule:timetable")


@require_POST
@requires(Right.SCHEDULE)
def remove_placement(request: HttpRequest, pk: int) -> HttpResponse:
    placement = get_object_or_404(Placement, pk=pk)
    audit(request.user, "removed the placement", placement)
    placement.delete()
    return redirect("schedule:timetable")


@require_POST
@requires(Right.SCHEDULE)
def announce(request: HttpRequest) -> HttpResponse:
    form = AnnouncementForm(request.POST)
    if not form.is_valid():
        return _timetable_page(request, announcement_form=form)
    now = clock.now()
    announcement = Announcement.objects.create(
        text=form.cleaned_data["text"],
        starts=now,
        ends=now + timedelta(minutes=form.cleaned_data["minutes"]),
        made_by=request.user if isinstance(request.user, User) else None,
    )
    announcement.groups.set(form.cleaned_data["groups"])
    audit(request.user, "announced", announcement)
    return redirect("schedule:timetable")


@require_POST
@requires(Right.SCHEDULE)
def end_announcement(request: HttpRequest, pk: int) -> HttpResponse:
    announcement = get_object_or_404(Announcement, pk=pk)
    announcement.ends = max(announcement.starts + timedelta(seconds=1), clock.now())
    announcement.save(update_fields=["ends"])
    audit(request.user, "ended the announcement", announcement)
    return redirect("schedule:timetable")


@requires(Right.SCHEDULE)
def playlists(request: HttpRequest) -> HttpResponse:
    form = PlaylistForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        playlist = form.save()
        audit(request.user, "made the playlist", playlist)
        return redirect("schedule:playlists")
    entries = Prefetch("entries", queryset=Entry.objects.select_related("item"))
    return render(
        request,
        "schedule/playlists.html",
        {
            "playlists": Playlist.objects.prefetch_related(entries),
            "form": form,
            "entry_form": EntryForm(),
        },
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@requires(Right.SCHEDULE)
def add_entry(request: HttpRequest, pk: int) -> HttpResponse:
    playlist = get_object_or_404(Playlist, pk=pk)
    form = EntryForm(request.POST)
    if form.is_valid():
        last = playlist.entries.order_by("-order").first()
        entry = Entry.objects.create(
            playlist=playlist, item=form.cleaned_data["item"], order=(last.order + 1) if last else 0
        )
        audit(request.user, f"added {entry.item} to the playlist", playlist)
    return redirect("schedule:playlists")


@require_POST
@requires(Right.SCHEDULE)
def remove_entry(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(Entry, pk=pk)
    audit(request.user, f"took {entry.item} out of the playlist", entry.playlist)
    entry.delete()
    return redirect("schedule:playlists")


@requires(Right.SCHEDULE)
def screens(request: HttpRequest) -> HttpResponse:
    """Every screen's group, what it plays and when it was last seen; groups' settings
    (the administrator adds and changes groups)."""
    form = GroupForm(request.POST or None)
    if request.method == "POST":
        if not has_right(request.user, Right.GROUPS):
            return render(
                request, "accounts/refused.html", {"right": Right.GROUPS.value}, status=403
            )
        if form.is_valid():
            group = form.save()
            audit(request.user, "made the screen group", group)
            return redirect("schedule:screens")
    now = clock.now()
    rows = [
        {"screen": s, "recent": s.last_seen is not None and now - s.last_seen < SEEN_RECENTLY}
        for s in Screen.objects.select_related("group")
    ]
    return render(
        request,
        "schedule/screens.html",
        {"rows": rows, "groups": ScreenGroup.objects.select_related("loop"), "form": form},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@requires(Right.SCREENS)
def forget_screen(request: HttpRequest, pk: int) -> HttpResponse:
    screen = get_object_or_404(Screen, pk=pk)
    audit(request.user, "forgot the screen", screen)
    screen.delete()
    return redirect("schedule:screens")


@requires(Right.PROPOSE)
def whats_on(request: HttpRequest) -> HttpResponse:
    """ "What is on the hall screen at 12:15 on Friday?": the answer and the rule."""
    form = WhatIsOnForm(request.GET or None)
    answer = None
    if form.is_valid():
        moment = form.moment()
        group = form.cleaned_data["group"]
        on = what_is_on(group.slug, moment, timetable=timetable(moment))
        name = Playlist.objects.filter(pk=int(on.playlist)).first() if on.playlist else None
        answer = {"on": on, "playlist": name, "group": group}
    return render(
        request, "schedule/whats_on.html", {"form": form, "answer": answer, "rule": CLASH_RULE}
    )
