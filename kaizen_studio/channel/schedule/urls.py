"""The timetable's staff addresses (under /channel/schedule/)."""

from __future__ import annotations

from django.urls import path

from kaizen_studio.channel.schedule import views

app_name = "schedule"
urlpatterns = [
    path("", views.timetable_page, name="timetable"),
    path("place/", views.add_placement, name="place"),
    path("placement/<int:pk>/remove/", views.remove_placement, name="remove-placement"),
    path("announce/", views.announce, name="announce"),
    path("announcement/<int:pk>/end/", views.end_announcement, name="end-announcement"),
    path("playlists/", views.playlists, name="playlists"),
    path("playlists/<int:pk>/add/", views.add_entry, name="add-entry"),
    path("entry/<int:pk>/remove/", views.remove_entry, name="remove-entry"),
    path("screens/", views.screens, name="screens"),
    path("screens/<int:pk>/forget/", views.forget_screen, name="forget-screen"),
    path("whats-on/", views.whats_on, name="whats-on"),
]
