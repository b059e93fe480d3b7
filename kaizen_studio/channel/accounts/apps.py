"""The accounts app's registration with Django (and its sign-in signals)."""

from __future__ import annotations

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "kaizen_studio.channel.accounts"
    label = "accounts"
    verbose_name = "Staff accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from kaizen_studio.channel.accounts import signals  # noqa: F401  (connects them)
