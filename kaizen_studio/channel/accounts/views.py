"""Accounts (administrators add and switch off accounts) and the audit log page."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from kaizen_studio.channel.accounts.audit import audit
from kaizen_studio.channel.accounts.forms import NewAccountForm
from kaizen_studio.channel.accounts.models import AuditEntry, User
from kaizen_studio.channel.accounts.rights import Right
from kaizen_studio.channel.accounts.roles import requires

AUDIT_PAGE = 50


@requires(Right.ACCOUNTS)
def accounts(request: HttpRequest) -> HttpResponse:
    """Every account, and a form to add one."""
    form = NewAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        audit(request.user, "added account", f"{user.username} ({user.get_role_display()})")
        return redirect("accounts:list")
    users = User.objects.order_by("role", "username")
    return render(request, "accounts/list.html", {"form": form, "users": users})


@require_POST
@requires(Right.ACCOUNTS)
def set_active(request: HttpRequest, pk: int) -> HttpResponse:
    """Switch an account off (it can no longer sign in) or on again; never one's own."""
    user = get_object_or_404(User, pk=pk)
    if user.pk != request.user.pk:
        user.is_active = request.POST.get("active") == "1"
        user.save(update_fields=["is_active"])
        audit(request.user, "switched on" if user.is_active else "switched off", user.username)
    return redirect("accounts:list")


@requires(Right.AUDIT)
def audit_log(request: HttpRequest) -> HttpResponse:
    """The audit log, newest first, 50 lines a page."""
    page = Paginator(AuditEntry.objects.all(), AUDIT_PAGE).get_page(request.GET.get("page"))
    return render(request, "accounts/audit.html", {"page": page})
