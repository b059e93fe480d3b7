"""The one way a change reaches the audit log: ``audit(user, action, target)``."""

from __future__ import annotations

import logging

from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.http import HttpRequest

from kaizen_studio.channel.accounts.models import AuditEntry, User

log = logging.getLogger(__name__)


def audit(user: User | AnonymousUser | None, action: str, target: object = "") -> AuditEntry:
    """Write one line: ``user`` (None or anonymous for the system or a stranger) did
    ``action`` (a short verb phrase, e.g. ``"approved"``) to ``target`` (a model
    instance, shown as ``Kind #id "text"``, or any text). Returns the line."""
    if isinstance(target, models.Model):
        text = f'{type(target).__name__} #{target.pk} "{target}"'
    else:
        text = str(target)
    who = user if isinstance(user, User) else None
    entry = AuditEntry.objects.create(
        user=who, username=who.get_username() if who else "", action=action, target=text[:300]
    )
    log.info("audit: %s %s %s", entry.username or "-", action, text)
    return entry


def client_address(request: HttpRequest | None) -> str:
    """The browser's address: nginx puts it in X-Real-IP (overwriting any a browser
    sent), as every request reaches the app server from loopback."""
    if request is None:
        return ""
    return str(request.META.get("HTTP_X_REAL_IP") or request.META.get("REMOTE_ADDR", ""))
