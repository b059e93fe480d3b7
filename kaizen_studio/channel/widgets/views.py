"""The widgets' staff page (teachers): feeds with their state, house points, the birthday
import, awards and sports news. Every change goes through :func:`accounts.audit.audit`."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST
from PIL import Image as PILImage

from kaizen_studio.channel.accounts.audit import audit
from kaizen_studio.channel.accounts.rights import Right
from kaizen_studio.channel.accounts.roles import requires
from kaizen_studio.channel.widgets.birthdays import read_birthdays
from kaizen_studio.channel.widgets.forms import (
    AwardForm,
    BirthdaysForm,
    FeedForm,
    HouseForm,
    SportsForm,
)
from kaizen_studio.channel.widgets.models import (
    Award,
    Birthday,
    Feed,
    House,
    SportsNews,
    reader,
)
from kaizen_studio.core.errors import InputError

FORMS: dict[str, type[BaseForm]] = {
    "feed": FeedForm,
    "house": HouseForm,
    "award": AwardForm,
    "sports": SportsForm,
}
KINDS: dict[str, Any] = {
    "feed": Feed,
    "house": House,
    "award": Award,
    "sports": SportsNews,
    "birthday": Birthday,
}


def _page(request: HttpRequest, status: int = 200, **given: Any) -> HttpResponse:
    forms = {f"{kind}_form": form() for kind, form in FORMS.items()}
    context = {
        **forms,
        "birthdays_form": BirthdaysForm(),
        "feeds": Feed.objects.all(),
        "houses": House.objects.all(),
        "birthdays": Birthday.objects.count(),
        "awards": Award.objects.all(),
        "sports": SportsNews.objects.all(),
        **given,
    }
    return render(request, "widgets/widgets.html", context, status=status)


@requires(Right.WIDGETS)
def widgets(request: HttpRequest) -> HttpResponse:
    return _page(request)


@require_POST
@requires(Right.WIDGETS)
def add(request: HttpRequest, kind: str) -> HttpResponse:
    """Add a feed, a house, an award or a line of sports news."""
    if kind not in FORMS:
        return _page(request, 404)
    form = FORMS[kind](request.POST)
    if not form.is_valid():
        return _page(request, 400, **{f"{kind}_form": form})
    made = form.save()  # type: ignore[attr-defined]
    audit(request.user, f"added the {kind}", made)
    if kind == "feed":
        reader.kick()
    return redirect("widgets:widgets")


@require_POST
@requires(Right.WIDGETS)
def points(request: HttpRequest, pk: int) -> HttpResponse:
    """A house's new total."""
    house = get_object_or_404(House, pk=pk)
    try:
        total = int(request.POST.get("points", ""))
    except ValueError:
        total = -1
    if not 0 <= total <= 1_000_000:
        return _page(request, 400, problem="house points must be a whole number from 0")
    before, house.points = house.points, total
    house.save(update_fields=["points"])
    audit(request.user, f"set the points ({before} -> {total}) of", house)
    return redirect("widgets:widgets")


@require_POST
@requires(Right.WIDGETS)
def remove(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    if kind not in KINDS or kind == "birthday":
        return _page(request, 404)
    thing = get_object_or_404(KINDS[kind], pk=pk)
    audit(request.user, f"removed the {kind}", thing)
    thing.delete()
    return redirect("widgets:widgets")


LOGO_BYTES = 4_000_000
LOGO_PIXELS = 256


def logo_path() -> Path:
    return Path(settings.MEDIA_ROOT) / "school-logo.png"


def logo(request: HttpRequest) -> HttpResponse:
    """The school's logo for the screens (public), as the PNG the upload was made into."""
    try:
        return HttpResponse(logo_path().read_bytes(), content_type="image/png")
    except FileNotFoundError:
        raise Http404("no logo yet") from None


@require_POST
@requires(Right.WIDGETS)
def set_logo(request: HttpRequest) -> HttpResponse:
    """Take a picture as the school's logo: read by Pillow, at most 4 MB and 25
    megapixels, redrawn as a 256-pixel PNG (the upload itself is never served)."""
    upload = request.FILES.get("logo")
    if upload is None or upload.size is None or upload.size > LOGO_BYTES:
        return _page(request, 400, problem="choose a picture of at most 4 MB for the logo")
    try:
        with PILImage.open(upload) as picture:
            if picture.width * picture.height > 25_000_000:
                raise ValueError(f"{picture.width}x{picture.height} is too large")
            picture.thumbnail((LOGO_PIXELS, LOGO_PIXELS))
            spare = logo_path().with_suffix(".new")
            picture.convert("RGBA").save(spare, format="PNG")
    except (OSError, ValueError, PILImage.DecompressionBombError) as error:
        return _page(request, 400, problem=f"the logo must be a picture (PNG, JPEG): {error}")
    os.replace(spare, logo_path())
    audit(request.user, "changed the school's logo", upload.name)
    return redirect("widgets:widgets")


@require_POST
@requires(Right.WIDGETS)
def birthdays(request: HttpRequest) -> HttpResponse:
    """Replace the birthdays with the office's CSV (only first name, class, day, month)."""
    form = BirthdaysForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, 400, birthdays_form=form)
    upload = form.cleaned_data["file"]
    try:
        imported = read_birthdays(upload.read(2_000_001), file=upload.name or "the file")
    except InputError as error:
        return _page(request, 400, problem=str(error))
    with transaction.atomic():
        Birthday.objects.all().delete()
        Birthday.objects.bulk_create(
            Birthday(first_name=b.first_name, class_name=b.class_name, month=b.month, day=b.day)
            for b in imported.birthdays
        )
    audit(request.user, f"imported {len(imported.birthdays)} birthdays from", upload.name)
    dropped = ", ".join(imported.dropped) or "none"
    said = f"Imported {len(imported.birthdays)} birthdays. Columns dropped unread: {dropped}."
    return _page(request, imported=said)
