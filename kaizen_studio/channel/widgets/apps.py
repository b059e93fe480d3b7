"""The widgets app's registration with Django."""

from __future__ import annotations

from django.apps import AppConfig


class WidgetsConfig(AppConfig):
    name = "kaizen_studio.channel.widgets"
    label = "widgets"
    verbose_name = "Widgets"
    default_auto_field = "django.db.models.BigAutoField"
