"""The staff's side of vodcasts: the list with each series' feed address (private or
not, its secret regenerated), "add to the screens", the upload token for
``studio publish``, and the publish request itself.

``studio publish`` signs in with a per-account upload token (made on the vodcasts page,
shown once, kept here only as its SHA-256), sent as ``Authorization: Bearer``. That
request carries no cookie, so it needs no CSRF token; every other request here is a
signed-in browser's, with Django's CSRF check.
"""

from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path

from django.core.files.uploadedfile import TemporaryUploadedFile, UploadedFile
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from kaizen_studio.channel.accounts.audit import audit
from kaizen_studio.channel.accounts.models import User
from kaizen_studio.channel.accounts.rights import Right, Role
from kaizen_studio.channel.accounts.roles import has_right, requires
from kaizen_studio.channel.library import files, worker
from kaizen_studio.channel.library.models import Item, Kind
from kaizen_studio.channel.vodcasts import checks
from kaizen_studio.channel.vodcasts.checks import PublishError
from kaizen_studio.channel.vodcasts.models import Series, UploadToken, Vodcast, new_token

log = logging.getLogger(__name__)

FIELD_LIMITS = {"title": 120, "series": 80, "class_name": 60, "description": 2000, "credits": 300}


@requires(Right.UPLOAD)
def vodcast_list(request: HttpRequest) -> HttpResponse:
    vodcasts = Vodcast.objects.select_related("item", "series", "item__approved_by")
    return render(
        request,
        "vodcasts/list.html",
        {"vodcasts": vodcasts, "series": Series.objects.all(), "token": None},
    )


@require_POST
@requires(Right.UPLOAD)
def make_token(request: HttpRequest) -> HttpResponse:
    """A new upload token for the signed-in account (the old one stops working), shown
    once on the page."""
    token = secrets.token_urlsafe(32)
    UploadToken.objects.update_or_create(
        user=request.user, defaults={"digest": UploadToken.digest_of(token)}
    )
    audit(request.user, "made an upload token", "studio publish")
    vodcasts = Vodcast.objects.select_related("item", "series")
    context = {"vodcasts": vodcasts, "series": Series.objects.all(), "token": token}
    return render(request, "vodcasts/list.html", context)


@require_POST
@requires(Right.APPROVE)
def series_privacy(request: HttpRequest, pk: int) -> HttpResponse:
    """``private=1|0`` sets a series private or public; ``regenerate=1`` gives it a new
    secret, so every address given out before stops working."""
    series = get_object_or_404(Series, pk=pk)
    if "private" in request.POST:
        series.private = request.POST["private"] == "1"
    if request.POST.get("regenerate") == "1":
        series.token = new_token()
    series.save(update_fields=["private", "token"])
    if "private" in request.POST:
        audit(request.user, "made private" if series.private else "made public", series)
    if request.POST.get("regenerate") == "1":
        audit(request.user, "gave a new secret address to", series)
    return redirect("vodcasts:list")


@require_POST
@requires(Right.APPROVE)
def screens(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a vodcast to the screens' playlists (``screens=1``) or take it off."""
    vodcast = get_object_or_404(Vodcast, pk=pk)
    vodcast.screens = request.POST.get("screens", "1") == "1"
    vodcast.save(update_fields=["screens"])
    audit(request.user, "added to the screens" if vodcast.screens else "took off the screens",
          vodcast.item)  # fmt: skip
    return redirect("vodcasts:list")


def _token_user(request: HttpRequest) -> User | None:
    kind, _, token = request.headers.get("Authorization", "").partition(" ")
    if kind != "Bearer" or not token:
        return None
    found = UploadToken.objects.select_related("user").filter(
        digest=UploadToken.digest_of(token.strip())
    )
    row = found.first()
    return row.user if row is not None and row.user.is_active else None


def _refuse(reason: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"error": reason}, status=status)


@csrf_exempt  # a token in a header, no cookie: nothing a third-party page could forge
@require_POST
def publish(request: HttpRequest) -> JsonResponse:
    """Take a finished vodcast: ``film``, ``captions`` (.vtt) and ``thumbnail`` files;
    ``title``, ``series``, ``class_name``, ``description``, ``credits`` fields. Checks all
    of it first; then makes the library item (converted as every upload is), its captions
    and cover. A teacher's is approved at once; a digital leader's waits for a teacher."""
    user = _token_user(request)
    if user is None:
        return _refuse("no valid upload token: make one on the vodcasts page", 401)
    if not has_right(user, Right.UPLOAD):
        return _refuse(f"{user.get_username()} may not upload", 403)
    fields = {name: request.POST.get(name, "").strip() for name in FIELD_LIMITS}
    for name, most in FIELD_LIMITS.items():
        if len(fields[name]) > most:
            return _refuse(f"the {name} is over {most} characters: make it shorter")
    for name in ("title", "series"):
        if not fields[name]:
            return _refuse(f"give the vodcast's {name}")
    sent: dict[str, UploadedFile] = {}
    for name, what in (("film", "the MP4"), ("captions", "the .vtt"), ("thumbnail", "the PNG")):
        upload = request.FILES.get(name)
        if not isinstance(upload, UploadedFile):
            return _refuse(f"the {name} file is missing: send {what} with the vodcast")
        sent[name] = upload
    film = sent["film"]
    if not isinstance(film, TemporaryUploadedFile):
        raise TypeError(f"uploads must arrive as temporary files, got {type(film).__name__}")
    try:
        names = checks.check_credits(fields["credits"])
        checks.check_text(fields["title"], names, what="title")
        checks.check_text(fields["series"], names, what="series")
        checks.check_text(fields["description"], names, what="description")
        checks.check_film(Path(film.temporary_file_path()))
        captions = checks.check_captions(_small(sent["captions"], checks.MOST_CAPTION_BYTES))
        texts = {**fields, "class": fields["class_name"], "captions": captions}
        del texts["class_name"]
        checks.check_surnames(texts, _pupils_surnames())
        cover, poster = checks.cover_jpegs(_small(sent["thumbnail"], checks.MOST_COVER_BYTES))
    except PublishError as refusal:
        return _refuse(str(refusal))
    vodcast = _make(user, fields, film, captions, (cover, poster))
    return JsonResponse(
        {"id": vodcast.pk, "item": vodcast.item_id, "approved": vodcast.item.approved}
    )


def _pupils_surnames() -> list[str]:
    """The surnames the channel's digital leaders' accounts hold (the names no public page
    or feed may show)."""
    pupils = User.objects.filter(role=Role.DIGITAL_LEADER).exclude(last_name="")
    return list(pupils.values_list("last_name", flat=True))


def _small(upload: UploadedFile, most: int) -> bytes:
    """Read a small file, never more than one byte past ``most`` (the check says why)."""
    upload.seek(0)
    return upload.read(most + 1)


def _make(
    user: User,
    fields: dict[str, str],
    film: TemporaryUploadedFile,
    captions: str,
    pictures: tuple[bytes, bytes],
) -> Vodcast:
    teacher = has_right(user, Right.APPROVE)
    files.make_folders()
    written: list[Path] = []
    try:
        with transaction.atomic():
            slug = slugify(fields["series"])[:80] or "vodcasts"
            series, _ = Series.objects.get_or_create(
                slug=slug, defaults={"name": fields["series"], "class_name": fields["class_name"]}
            )
            item = Item.objects.create(
                title=fields["title"],
                class_name=fields["class_name"],
                kind=Kind.RECORDING,
                original_name=os.path.basename(film.name or "vodcast.mp4")[:255],
                uploaded_by=user,
                approved=teacher,
                approved_by=user if teacher else None,
                approved_at=timezone.now() if teacher else None,
            )
            vodcast = Vodcast.objects.create(
                item=item,
                series=series,
                description=fields["description"],
                credits=fields["credits"],
            )
            for name, data in (
                (vodcast.captions_name, captions.encode()),
                (vodcast.cover_name, pictures[0]),
                (vodcast.poster_name, pictures[1]),
            ):
                partial = files.work() / f"{name}.partial"
                partial.write_bytes(data)
                written.append(files.library() / name)
                partial.replace(written[-1])
            written.append(files.upload_path(item.pk))
            os.replace(film.temporary_file_path(), written[-1])
            audit(user, "published", item)
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    transaction.on_commit(lambda: worker.submit(item.pk))
    return vodcast
