"""The vodcasts' addresses: the staff's list and settings, ``studio publish``'s request,
and the public pages, files and feeds under each series' address."""

from __future__ import annotations

from django.urls import path

from kaizen_studio.channel.vodcasts import public, views

app_name = "vodcasts"
urlpatterns = [
    path("", views.vodcast_list, name="list"),
    path("token/", views.make_token, name="token"),
    path("publish/", views.publish, name="publish"),
    path("series/<int:pk>/privacy/", views.series_privacy, name="privacy"),
    path("<int:pk>/screens/", views.screens, name="screens"),
    path("<str:address>/feed.xml", public.series_feed, name="feed"),
    path("<str:address>/<int:pk>/", public.page, name="page"),
    path("<str:address>/<int:pk>/embed/", public.embed, name="embed"),
    path("<str:address>/<int:pk>/<str:name>", public.media, name="file"),
]
