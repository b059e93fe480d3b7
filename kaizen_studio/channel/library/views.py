"""The library page: upload (streamed to disk, progress in the page), the items with their
conversion's state, approval by a teacher, and the media files handed to nginx."""

from __future__ import annotations

import logging
import os

from django.core.files.uploadedfile import TemporaryUploadedFile
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from kaizen_studio.channel.accounts.audit import audit
from kaizen_studio.channel.accounts.models import User
from kaizen_studio.channel.accounts.rights import Right
from kaizen_studio.channel.accounts.roles import has_right, requires
from kaizen_studio.channel.library import files, worker
from kaizen_studio.channel.library.forms import UploadForm
from kaizen_studio.channel.library.models import Item, Kind, State

log = logging.getLogger(__name__)

INTERNAL = "/channel/media/library/"
"""nginx's internal location for finished files (``X-Accel-Redirect``)."""


@requires(Right.UPLOAD)
def item_list(request: HttpRequest) -> HttpResponse:
    items = Item.objects.select_related("uploaded_by", "approved_by")
    return render(request, "library/list.html", {"items": items, "form": UploadForm()})


@require_POST
@requires(Right.UPLOAD)
def upload(request: HttpRequest) -> HttpResponse:
    """Take one upload (already on disk, in a temporary file) into the library and queue
    its conversion; JSON for the page's script, a redirect for a plain form."""
    wants_json = "application/json" in request.headers.get("Accept", "")
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        if wants_json:
            return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
        items = Item.objects.select_related("uploaded_by", "approved_by")
        return render(request, "library/list.html", {"items": items, "form": form}, status=400)
    user = request.user
    assert isinstance(user, User)
    uploaded = form.cleaned_data["file"]
    if not isinstance(uploaded, TemporaryUploadedFile):
        raise TypeError(f"uploads must arrive as temporary files, got {type(uploaded).__name__}")
    teacher = has_right(user, Right.APPROVE)
    item = Item.objects.create(
        title=form.cleaned_data["title"],
        class_name=form.cleaned_data["class_name"],
        kind=Kind.RECORDING if form.cleaned_data["from_studio"] else Kind.FILM,
        original_name=os.path.basename(uploaded.name or "upload")[:255],
        uploaded_by=user,
        approved=teacher,
        approved_by=user if teacher else None,
        approved_at=timezone.now() if teacher else None,
    )
    files.make_folders()
    os.replace(uploaded.temporary_file_path(), files.upload_path(item.pk))
    audit(user, "uploaded", item)
    transaction.on_commit(lambda: worker.submit(item.pk))
    if wants_json:
        return JsonResponse({"id": item.pk, "state": item.state})
    return redirect("library:list")


@requires(Right.UPLOAD)
def states(request: HttpRequest) -> JsonResponse:
    """Every item's state, percent and reason, for the page to follow conversions."""
    rows = Item.objects.values("pk", "state", "percent", "reason", "approved", "duration")
    return JsonResponse({"items": list(rows)})


@require_POST
@requires(Right.APPROVE)
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    """A teacher's yes (``approved=1``) or a withdrawal of it (``approved=0``)."""
    item = get_object_or_404(Item, pk=pk)
    item.approved = request.POST.get("approved", "1") == "1"
    item.approved_by = request.user if item.approved else None  # type: ignore[assignment]
    item.approved_at = timezone.now() if item.approved else None
    item.save(update_fields=["approved", "approved_by", "approved_at"])
    audit(request.user, "approved" if item.approved else "withdrew approval of", item)
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return redirect(back)  # the vodcast page's button comes back to it
    return redirect("library:list")


@require_POST
@requires(Right.UPLOAD)
def delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove an item and its files: a teacher any, a digital leader only their own
    unapproved ones."""
    item = get_object_or_404(Item, pk=pk)
    mine = item.uploaded_by_id == request.user.pk and not item.approved
    if not (mine or has_right(request.user, Right.APPROVE)):
        return render(request, "accounts/refused.html", {"right": "remove this item"}, status=403)
    audit(request.user, "removed", item)
    for path in (
        files.library() / item.file_name,
        files.library() / item.thumbnail_name,
        files.upload_path(item.pk),
        files.library() / f"{item.pk}.vtt",  # a vodcast's captions and cover
        files.library() / f"{item.pk}-cover.jpg",
        files.library() / f"{item.pk}-poster.jpg",
    ):
        path.unlink(missing_ok=True)
    item.delete()
    return redirect("library:list")


def media_file(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    """An item's MP4 or thumbnail, sent by nginx: to anyone once approved (screens sign
    in to nothing), to signed-in staff before; a vodcast of a private series only to staff
    here (others reach it at its series' secret address)."""
    item = get_object_or_404(Item, pk=pk)
    if name not in (item.file_name, item.thumbnail_name) or item.state != State.READY:
        raise Http404("no such file")
    private = Item.objects.filter(pk=pk, vodcast__series__private=True).exists()
    if not ((item.approved and not private) or has_right(request.user, Right.UPLOAD)):
        raise Http404("no such file")
    response = HttpResponse(content_type="video/mp4" if name.endswith(".mp4") else "image/jpeg")
    response["X-Accel-Redirect"] = INTERNAL + name
    return response
