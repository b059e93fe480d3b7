"""The vodcasts app's registration with Django."""

from __future__ import annotations

from django.apps import AppConfig


class VodcastsConfig(AppConfig):
    name = "kaizen_studio.channel.vodcasts"
    label = "vodcasts"
    verbose_name = "Vodcasts"
    default_auto_field = "django.db.models.BigAutoField"
