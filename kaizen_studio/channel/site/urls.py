"""The channel's addresses, all under ``/channel/`` (nginx sends that path to gunicorn)."""

from __future__ import annotations

from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from django.views.generic import RedirectView

urlpatterns: list[URLPattern | URLResolver] = [
    path("channel/", RedirectView.as_view(pattern_name="library:list"), name="home"),
    path("channel/accounts/", include("kaizen_studio.channel.accounts.urls")),
    path("channel/library/", include("kaizen_studio.channel.library.urls")),
    path("channel/vodcasts/", include("kaizen_studio.channel.vodcasts.urls")),
    path("channel/admin/", admin.site.urls),
    # the timetable and widgets (branch chscreens) go here:
    path("channel/schedule/", include("kaizen_studio.channel.schedule.urls")),
    path("channel/widgets/", include("kaizen_studio.channel.widgets.urls")),
    path("channel/screen/", include("kaizen_studio.channel.schedule.screen_urls")),
]
