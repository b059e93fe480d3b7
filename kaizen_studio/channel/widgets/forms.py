"""The widgets' forms: a feed, a house's points, the birthday CSV, an award, sports news."""

from __future__ import annotations

from django import forms

from kaizen_studio.channel.widgets.models import Award, Feed, House, SportsNews


class FeedForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Feed
        fields = ("class_name", "url")


class HouseForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = House
        fields = ("name", "colour", "points")
        widgets = {"colour": forms.TextInput(attrs={"type": "color"})}  # noqa: RUF012


class BirthdaysForm(forms.Form):
    file = forms.FileField(
        label="The office's CSV",
        help_text=(
            "Needs a header row with the first name, the class and the date of birth. Only "
            "those three are read (and of the date, only day and month); every other column "
            "is dropped and never stored. The new list replaces the old one."
        ),
    )


class AwardForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Award
        fields = ("title", "first_name", "class_name", "reason", "until")
        widgets = {"until": forms.DateInput(attrs={"type": "date"})}  # noqa: RUF012


class SportsForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = SportsNews
        fields = ("text", "until")
        widgets = {"until": forms.DateInput(attrs={"type": "date"})}  # noqa: RUF012
