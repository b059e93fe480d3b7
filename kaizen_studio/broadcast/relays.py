"""The server's status read from nginx's own statistics: the show, the guests on air and
each partner relay's health.

nginx answers ``rtmp_stat all`` at ``/stat`` (loopback only) with XML, parsed here with
defusedxml (no entities, no external references). A relay nginx is pushing appears as a
client of the stream it relays, at the partner's address (``HOST:PORT/APP/STREAM?key=``)
with the flash version ``ngx-local-relay``; a partner whose server is away has none until
nginx's retry gets through. nginx sends each relay the whole stream it relays (the show,
or a guest's passed on), so a connected relay's bitrate is that stream's; its ``dropped``
counts the frames nginx dropped for it.
:func:`write_status` keeps the status as FOLDER/status.json (served on loopback only),
with no key in it.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import asdict, dataclass
from pathlib import Path
from xml.etree.ElementTree import Element

from defusedxml import ElementTree

from kaizen_studio.broadcast.partners import SHOW, Partner
from kaizen_studio.broadcast.stream_key import GUEST_PREFIX, write_private
from kaizen_studio.core.errors import DeviceError

STATUS_FILE = "status.json"
RELAY_CLIENT = "ngx-local-relay"


@dataclass(frozen=True, kw_only=True)
class RelayHealth:
    """One partner relay: connected now or not, for how long, at what bitrate (bits per
    second, nginx's figure over its last 10 s), and frames nginx dropped for it."""

    name: str
    url: str
    connected: bool
    seconds: float
    bitrate: int
    dropped: int


@dataclass(frozen=True, kw_only=True)
class ServerStatus:
    """What the server is doing now: the show on air (its bitrate), the guest streams
    being published, and every partner relay."""

    on_air: bool
    bitrate: int
    guests: tuple[str, ...]
    relays: tuple[RelayHealth, ...]


def fetch_stat(url: str, *, timeout: float = 2.0) -> bytes:
    """nginx's statistics XML from ``url``; DeviceError in one line when nginx does not
    answer."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as answer:
            data: bytes = answer.read()
    except (OSError, urllib.error.URLError) as error:
        raise DeviceError(f"nginx's statistics at {url} did not answer: {error}") from None
    return data


def parse_status(xml: bytes, partners: tuple[Partner, ...]) -> ServerStatus:
    """The status in nginx's statistics ``xml`` for ``partners``; ValueError naming the
    problem when it is not nginx's statistics."""
    try:
        root = ElementTree.fromstring(xml)
    except ElementTree.ParseError as error:
        raise ValueError(f"nginx's statistics are not XML: {error}") from None
    if root.tag != "rtmp":
        raise ValueError(f"expected nginx's <rtmp> statistics, got <{root.tag}>")
    streams = {
        stream.findtext("name", ""): stream
        for stream in root.iterfind("server/application/live/stream")
    }
    show = streams.get(SHOW)
    on_air = show is not None and show.find("publishing") is not None
    bitrate = _number(show, "bw_in") if on_air else 0
    relays = {
        (name, _relay_target(client)): client
        for name, stream in streams.items()
        for client in stream.iterfind("client")
        if client.findtext("flashver", "") == RELAY_CLIENT
    }
    health = []
    for partner in partners:
        client = relays.get((partner.relay, partner.url.removeprefix("rtmp://")))
        connected = client is not None and client.find("active") is not None
        relayed = streams.get(partner.relay)
        health.append(
            RelayHealth(
                name=partner.name,
                url=partner.url,
                connected=connected,
                seconds=_number(client, "time") / 1000 if connected else 0.0,
                bitrate=_number(relayed, "bw_in") if connected else 0,
                dropped=_number(client, "dropped") if connected else 0,
            )
        )
    guests = tuple(
        sorted(
            name
            for name, stream in streams.items()
            if name.startswith(GUEST_PREFIX) and stream.find("publishing") is not None
        )
    )
    return ServerStatus(on_air=on_air, bitrate=bitrate, guests=guests, relays=tuple(health))


def _relay_target(client: Element) -> str:
    """A relay client's ``HOST:PORT/APP/STREAM`` without its key."""
    return client.findtext("address", "").split("?", 1)[0]


def _number(element: Element | None, tag: str) -> int:
    text = "" if element is None else element.findtext(tag, "")
    return int(text) if text.lstrip("-").isdigit() else 0


def write_status(folder: Path, status: ServerStatus) -> None:
    """Keep ``status`` as ``folder``/status.json, replaced whole (a reader never sees
    half of it)."""
    write_private(folder / STATUS_FILE, json.dumps(asdict(status), indent=2) + "\n")


def drop_publisher(http_port: int, stream: str, *, timeout: float = 2.0) -> None:
    """Ask nginx (its control address, loopback only) to cut whoever publishes
    ``stream`` now; nothing if no one does; DeviceError when nginx does not answer."""
    query = urllib.parse.urlencode({"app": "live", "name": stream})
    url = f"http://127.0.0.1:{http_port}/control/drop/publisher?{query}"
    try:
        with urllib.request.urlopen(url, timeout=timeout) as answer:
            answer.read()
    except urllib.error.HTTPError as error:
        if error.code != 404:  # 404: no such publisher
            raise DeviceError(f"nginx would not cut {stream}: {error}") from None
    except (OSError, urllib.error.URLError) as error:
        raise DeviceError(f"nginx's control at {url} did not answer: {error}") from None
