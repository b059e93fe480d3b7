"""Sign-ins, sign-outs, failed sign-ins and lockouts written to the audit log."""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from kaizen_studio.channel.accounts.audit import audit, client_address
from kaizen_studio.channel.accounts.models import User


@receiver(user_logged_in)
def signed_in(sender: object, request: HttpRequest | None, user: User, **_: Any) -> None:
    audit(user, "signed in", f"from {client_address(request)}")


@receiver(user_logged_out)
def signed_out(sender: object, request: HttpRequest | None, user: User | None, **_: Any) -> None:
    audit(user, "signed out", f"from {client_address(request)}")


@receiver(user_login_failed)
def failed(
    sender: object, credentials: dict[str, Any], request: HttpRequest | None = None, **_: Any
) -> None:
    name = str(credentials.get("username", ""))[:150]
    audit(None, "failed sign-in", f"as {name!r} from {client_address(request)}")


@receiver(user_locked_out)
def locked_out(sender: object, request: HttpRequest | None, username: str, **_: Any) -> None:
    audit(None, "locked out", f"{username!r} from {client_address(request)}")
