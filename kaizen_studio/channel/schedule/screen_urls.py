"""The screens' own addresses (under /channel/screen/): the page and its data, public."""

from __future__ import annotations

from django.urls import path

from kaizen_studio.channel.schedule import screen

app_name = "screen"
urlpatterns = [
    path("", screen.page, name="page"),
    path("data.json", screen.data, name="data"),
]
