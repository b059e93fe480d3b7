"""What anyone may see of a vodcast once a teacher has approved it: its page (the player
with its captions), the embed page for a class blog (the only page other sites may frame),
its files (sent by nginx, with ranges) and its series' podcast feed.

Every address starts with the series' address (:attr:`Series.address`: its name, or its
secret when private). Signed-in staff also see what is not approved yet; to anyone else
that is a 404, the same as an address that does not exist.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.clickjacking import xframe_options_exempt

from kaizen_studio.channel.accounts.rights import Right
from kaizen_studio.channel.accounts.roles import has_right
from kaizen_studio.channel.library.models import State
from kaizen_studio.channel.library.views import INTERNAL
from kaizen_studio.channel.vodcasts import feed
from kaizen_studio.channel.vodcasts.models import Series, Vodcast

FILES = {
    "film.mp4": "video/mp4",
    "captions.vtt": "text/vtt",
    "cover.jpg": "image/jpeg",
    "poster.jpg": "image/jpeg",
}


def find_series(address: str) -> Series:
    if address.startswith("p-"):
        return get_object_or_404(Series, private=True, token=address.removeprefix("p-"))
    return get_object_or_404(Series, private=False, slug=address)


def find_vodcast(request: HttpRequest, address: str, pk: int) -> Vodcast:
    """The vodcast if it is in that series and public (or the asker is staff)."""
    series = find_series(address)
    vodcast = get_object_or_404(Vodcast.objects.select_related("item", "series"), pk=pk)
    if vodcast.series_id != series.pk or vodcast.item.state != State.READY:
        raise Http404("no such vodcast")
    if not (vodcast.item.approved or has_right(request.user, Right.UPLOAD)):
        raise Http404("no such vodcast")
    return vodcast


def addresses(request: HttpRequest, vodcast: Vodcast) -> dict[str, str]:
    """The vodcast's absolute addresses: page, embed, its three files and the feed."""
    at = {"address": vodcast.series.address, "pk": vodcast.pk}
    urls = {
        "page": reverse("vodcasts:page", kwargs=at),
        "embed": reverse("vodcasts:embed", kwargs=at),
        "film": reverse("vodcasts:file", kwargs={**at, "name": "film.mp4"}),
        "captions": reverse("vodcasts:file", kwargs={**at, "name": "captions.vtt"}),
        "cover": reverse("vodcasts:file", kwargs={**at, "name": "cover.jpg"}),
        "poster": reverse("vodcasts:file", kwargs={**at, "name": "poster.jpg"}),
        "feed": reverse("vodcasts:feed", kwargs={"address": vodcast.series.address}),
    }
    return {name: request.build_absolute_uri(url) for name, url in urls.items()}


def _page(request: HttpRequest, vodcast: Vodcast, template: str) -> HttpResponse:
    context = {"vodcast": vodcast, "item": vodcast.item, "urls": addresses(request, vodcast)}
    return render(request, template, context)


def page(request: HttpRequest, address: str, pk: int) -> HttpResponse:
    response = _page(request, find_vodcast(request, address, pk), "vodcasts/page.html")
    response["Content-Security-Policy"] = "frame-ancestors 'none'"
    response["Cache-Control"] = "no-store" if address.startswith("p-") else "max-age=60"
    return response


@xframe_options_exempt  # the one page a class blog on another site may show in an iframe
def embed(request: HttpRequest, address: str, pk: int) -> HttpResponse:
    response = _page(request, find_vodcast(request, address, pk), "vodcasts/embed.html")
    response["Content-Security-Policy"] = "frame-ancestors *"
    return response


def media(request: HttpRequest, address: str, pk: int, name: str) -> HttpResponse:
    """The film, captions, cover or poster, sent by nginx from the library folder."""
    vodcast = find_vodcast(request, address, pk)
    if name not in FILES:
        raise Http404("no such file")
    stored = {
        "film.mp4": vodcast.item.file_name,
        "captions.vtt": vodcast.captions_name,
        "cover.jpg": vodcast.cover_name,
        "poster.jpg": vodcast.poster_name,
    }[name]
    response = HttpResponse(content_type=FILES[name])
    response["X-Accel-Redirect"] = INTERNAL + stored
    return response


def series_feed(request: HttpRequest, address: str) -> HttpResponse:
    """The series' podcast RSS: its approved vodcasts only, to anyone with the address.

    A series with nothing approved in it is a 404 to anyone but staff: its name was typed
    by whoever published first (maybe a digital leader) and no teacher has seen it yet."""
    series = find_series(address)
    public = (
        Vodcast.objects.select_related("item", "series")
        .filter(series=series, item__state=State.READY, item__approved=True)
        .order_by("-item__approved_at", "-pk")
    )
    if not public.exists() and not has_right(request.user, Right.UPLOAD):
        raise Http404("no such series")
    episodes = [(v, addresses(request, v)) for v in public]
    link = request.build_absolute_uri(reverse("vodcasts:feed", kwargs={"address": address}))
    body = feed.rss(series, episodes, feed_url=link)
    response = HttpResponse(body, content_type="application/rss+xml; charset=utf-8")
    response["Cache-Control"] = "no-store" if series.private else "max-age=300"
    return response
