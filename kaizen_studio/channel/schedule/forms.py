"""The timetable's forms: a placement, an announcement, a playlist, a screen group, and
the question "what is on?"."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings

from kaizen_studio.channel.library.models import ready_items
from kaizen_studio.channel.schedule.models import Placement, Playlist, ScreenGroup
from kaizen_studio.channel.timetable import WEEKDAYS

DAY_CHOICES = [(str(i), name) for i, name in enumerate(WEEKDAYS)]


class PlacementForm(forms.ModelForm):  # type: ignore[type-arg]
    days = forms.MultipleChoiceField(
        choices=DAY_CHOICES, widget=forms.CheckboxSelectMultiple, initial=["0", "1", "2", "3", "4"]
    )

    class Meta:
        model = Placement
        fields = ("name", "playlist", "group", "start", "end", "first_day", "last_day")
        widgets: ClassVar[dict[str, forms.Widget]] = {
            "start": forms.TimeInput(attrs={"type": "time"}),
            "end": forms.TimeInput(attrs={"type": "time"}),
            "first_day": forms.DateInput(attrs={"type": "date"}),
            "last_day": forms.DateInput(attrs={"type": "date"}),
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self.instance.weekdays = "".join(sorted(cleaned.get("days") or []))
        return cleaned


class AnnouncementForm(forms.Form):
    text = forms.CharField(max_length=140, label="Words on the screens")
    minutes = forms.IntegerField(
        min_value=1, max_value=7 * 24 * 60, initial=60, label="For minutes"
    )
    groups = forms.ModelMultipleChoiceField(
        queryset=ScreenGroup.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="None ticked: every screen.",
    )


class PlaylistForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Playlist
        fields = ("name", "school_loop")


class EntryForm(forms.Form):
    item = forms.ModelChoiceField(queryset=ready_items(), label="Add from the library")


class GroupForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = ScreenGroup
        fields = ("slug", "title", "loop", "layout", "panel")


class WhatIsOnForm(forms.Form):
    group = forms.ModelChoiceField(queryset=ScreenGroup.objects.all(), to_field_name="slug")
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    time = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}))

    def moment(self) -> datetime:
        """The instant the school's clocks read the day and time asked (the first of a
        repeated hour)."""
        day: date = self.cleaned_data["day"]
        wall: time = self.cleaned_data["time"]
        return datetime.combine(day, wall, ZoneInfo(settings.TIME_ZONE))


def ends_after(minutes: int, now: datetime) -> datetime:
    return now + timedelta(minutes=minutes)
