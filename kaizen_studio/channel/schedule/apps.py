"""The schedule app's registration with Django."""

from __future__ import annotations

from django.apps import AppConfig


class ScheduleConfig(AppConfig):
    name = "kaizen_studio.channel.schedule"
    label = "schedule"
    verbose_name = "Timetable and screens"
    default_auto_field = "django.db.models.BigAutoField"
