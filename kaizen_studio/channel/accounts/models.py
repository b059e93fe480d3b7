"""A staff member's account (with its role) and one line of the audit log."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractUser
from django.db import models

from kaizen_studio.channel.accounts.rights import Role


class User(AbstractUser):
    """A member of staff or a digital leader (a pupil), with one role."""

    role = models.CharField(max_length=20, choices=Role.choices, default=Role.DIGITAL_LEADER)

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Django's admin site is for administrators only
        self.is_staff = self.is_superuser = self.role == Role.ADMINISTRATOR
        super().save(*args, **kwargs)

    @property
    def role_kind(self) -> Role:
        return Role(self.role)


class AuditEntry(models.Model):
    """Who did what to what, and when; written by :func:`audit.audit` only. The name is
    kept as text too, so a line outlives the account it names."""

    when = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL)
    username = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=60)
    target = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ("-when", "-id")
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.when:%Y-%m-%d %H:%M:%S} {self.username or '-'} {self.action} {self.target}"
