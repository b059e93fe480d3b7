"""A series' podcast feed: RSS 2.0 with the iTunes tags podcast apps require and the
podcast namespace's (``podcast:locked``, ``podcast:guid``, ``podcast:transcript``).

Every address in it is absolute; each episode's enclosure is its MP4 with its length in
bytes and type, its ``guid`` is the vodcast's own UUID (never its address, which changes
when a private series' secret is regenerated), so apps never list an episode twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from email.utils import format_datetime
from xml.etree import ElementTree as ET

from django.conf import settings

from kaizen_studio.channel.library import files
from kaizen_studio.channel.vodcasts.models import Series, Vodcast

ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST = "https://podcastindex.org/namespace/1.0"
ATOM = "http://www.w3.org/2005/Atom"
ET.register_namespace("itunes", ITUNES)
ET.register_namespace("podcast", PODCAST)
ET.register_namespace("atom", ATOM)


def duration(seconds: float) -> str:
    """``H:MM:SS`` as ``itunes:duration`` takes it."""
    whole = round(seconds)
    return f"{whole // 3600}:{whole // 60 % 60:02d}:{whole % 60:02d}"


def _add(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attributes)
    if text is not None:
        element.text = text
    return element


def rss(
    series: Series, episodes: Sequence[tuple[Vodcast, dict[str, str]]], *, feed_url: str
) -> bytes:
    """The feed of ``series`` with ``episodes`` (each a vodcast and its absolute
    addresses, :func:`public.addresses`), newest first, as UTF-8 XML."""
    root = ET.Element("rss", {"version": "2.0"})
    channel = _add(root, "channel")
    title = f"{series.name} · {settings.SCHOOL_NAME}"
    about = f"Micro-lessons made by {series.class_name or 'pupils'} at {settings.SCHOOL_NAME}."
    _add(channel, "title", title)
    _add(channel, "link", episodes[0][1]["page"] if episodes else feed_url)
    _add(channel, "description", about)
    _add(channel, "language", "en-gb")
    _add(channel, f"{{{ATOM}}}link", href=feed_url, rel="self", type="application/rss+xml")
    _add(channel, f"{{{ITUNES}}}author", settings.SCHOOL_NAME)
    _add(channel, f"{{{ITUNES}}}summary", about)
    _add(channel, f"{{{ITUNES}}}explicit", "false")
    _add(channel, f"{{{ITUNES}}}type", "episodic")
    _add(channel, f"{{{ITUNES}}}category", text="Education")
    if series.private:
        _add(channel, f"{{{ITUNES}}}block", "Yes")  # never listed in a directory
    if episodes:
        _add(channel, f"{{{ITUNES}}}image", href=episodes[0][1]["cover"])
        image = _add(channel, "image")
        _add(image, "url", episodes[0][1]["cover"])
        _add(image, "title", title)
        _add(image, "link", episodes[0][1]["page"])
    _add(channel, f"{{{PODCAST}}}locked", "yes")
    _add(channel, f"{{{PODCAST}}}guid", str(series.guid))
    for vodcast, urls in episodes:
        item = vodcast.item
        entry = _add(channel, "item")
        _add(entry, "title", item.title)
        _add(entry, "link", urls["page"])
        _add(entry, "description", vodcast.description or item.title)
        _add(entry, "guid", str(vodcast.guid), isPermaLink="false")
        when = item.approved_at or item.uploaded_at
        _add(entry, "pubDate", format_datetime(when))
        size = (files.library() / item.file_name).stat().st_size
        _add(entry, "enclosure", url=urls["film"], length=str(size), type="video/mp4")
        _add(entry, f"{{{ITUNES}}}duration", duration(item.duration or 0.0))
        _add(entry, f"{{{ITUNES}}}image", href=urls["cover"])
        _add(entry, f"{{{ITUNES}}}explicit", "false")
        _add(entry, f"{{{ITUNES}}}episodeType", "full")
        if vodcast.credits:
            _add(entry, f"{{{ITUNES}}}author", f"{vodcast.credits} · {settings.SCHOOL_NAME}")
        _add(
            entry,
            f"{{{PODCAST}}}transcript",
            url=urls["captions"],
            type="text/vtt",
            language="en-gb",
            rel="captions",
        )
    ET.indent(root)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="utf-8")
