"""The one check of a role's rights (``has_right``, ``@requires``), and the school's name
and colours for every page (a template context processor)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, ParamSpec

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kaizen_studio.channel.accounts.models import User
from kaizen_studio.channel.accounts.rights import RIGHTS, Right

P = ParamSpec("P")


def has_right(user: User | AnonymousUser, right: Right) -> bool:
    """True if ``user`` is signed in, active, and their role has ``right``."""
    if not isinstance(user, User) or not user.is_active:
        return False
    return right in RIGHTS[user.role_kind]


def requires(right: Right) -> Callable[[Callable[P, HttpResponse]], Callable[P, HttpResponse]]:
    """A view decorator: sign-in first, then a 403 page naming the missing right."""

    def wrap(view: Callable[P, HttpResponse]) -> Callable[P, HttpResponse]:
        @wraps(view)
        def checked(*args: P.args, **kwargs: P.kwargs) -> HttpResponse:
            request = args[0]
            assert isinstance(request, HttpRequest)
            if not has_right(request.user, right):
                return render(request, "accounts/refused.html", {"right": right.value}, status=403)
            return view(*args, **kwargs)

        return login_required(checked)

    return wrap


def school(request: HttpRequest) -> dict[str, Any]:
    """The school's name and colours, and the signed-in user's rights, for templates."""
    user = request.user
    rights = RIGHTS[user.role_kind] if isinstance(user, User) and user.is_active else set()
    main, accent = settings.SCHOOL_COLOURS
    return {
        "school_name": settings.SCHOOL_NAME,
        "school_main": main,
        "school_accent": accent,
        "rights": {right.name for right in rights},
    }
