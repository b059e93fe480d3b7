"""The streaming process: mux FLV to RTMP, reconnect with growing delays, die with the show.

Runs in a child process started by :class:`broadcast.streamer.RtmpStreamer` (which hands
it raw frames: it encodes H.264 + AAC here) or :class:`broadcast.streamer.PacketStreamer`
(which hands it packets already encoded in the show's process: it only muxes them). It
reports its state (:class:`broadcast.stats.OutputState`) through an event queue and its
counts through shared values; it updates a heartbeat after every step so the show's
process can tell a hung write from a quiet one.

What the server said is read from how FFmpeg's first write fails (that write opens the
RTMP session and returns only once the server has answered the publish):
- it succeeds: the server accepted the stream (``NetStream.Publish.Start``): ON AIR;
- EIO: the server closed the connection, as nginx does when ``on_publish`` says no (a
  wrong or missing key) or the application name is wrong: REFUSED;
- EPERM: the server answered the publish with an error status, as nginx-rtmp does when
  another publisher holds the name ("already publishing"): NAME_TAKEN;
- ECONNREFUSED, EPIPE, ECONNRESET...: the server cannot be reached or went away.
A refusal or a taken name is tried once more, then the process says so and ends: it
never loops on a stream that cannot go out. A stream that has been on air keeps trying
instead (a server restarting may refuse for a moment, or still hold the lost
connection's name), saying so in words.

The process dies with the show whatever kills the show, and leaves Ctrl+C to it
(:mod:`lifeline`); the connection itself is :mod:`rtmp_connection`'s.
"""

from __future__ import annotations

import errno
import queue
import time
from typing import TYPE_CHECKING, Any

import av

from kaizen_studio.broadcast.lifeline import die_with_parent, ignore_interrupts
from kaizen_studio.broadcast.packets import EncodedPacket, give_way
from kaizen_studio.broadcast.rtmp_connection import RtmpConnection, StreamSettings, abandon
from kaizen_studio.broadcast.stats import OutputState

COUNTERS = ("sent", "dropped", "late", "bytes", "reconnects", "heartbeat", "taken_bytes")
"""Shared doubles, each written by one side: all by the child but ``heartbeat``'s first
value; ``taken_bytes`` (the bytes of the items it took off its queue) bounds the queue
in bytes on the show's side."""
FIRST_DELAY = 2.0
GROWTH = 1.5
MAX_DELAY = 4.5
"""The longest wait between tries: 2 s, 3 s, then 4.5 s each time, so the stream is back
within about 5 s of the server's return however long it was away."""
REFUSED_DELAY = 3.0
"""The wait before the one more try after a refusal or a taken name (a show that has just
ended may still hold the name for a moment)."""
TRIES_WHEN_REFUSED = 2
"""A stream the server refuses this many times in a row stops for good."""
REFUSED = "The school's server said no: ask your teacher for the stream key."


def name_taken_words(url: str) -> str:
    """What to say when another show holds the stream name of ``url``."""
    return (
        f"Another show is already live as '{stream_name(url)}' on this server: end that "
        "show first, or give this one another name at the end of the stream address."
    )


def stream_name(url: str) -> str:
    """The stream's name: the last part of ``url``'s path, without the key."""
    return safe_url(url).rstrip("/").rsplit("/", 1)[-1]


def safe_url(url: str) -> str:
    """``url`` without its query (and so without any stream key), fit for a message."""
    return url.split("?", 1)[0]


def scrub(text: str, url: str) -> str:
    """``text`` (an error FFmpeg gave, which may quote the address) with ``url``'s query,
    and so its stream key, taken out."""
    base, _, query = url.partition("?")
    text = text.replace(url, base)
    for part in query.split("&") if query else []:
        secret = part.partition("=")[2]
        if secret:
            text = text.replace(secret, "***")
    return text


def reconnect_delays(*, first: float = FIRST_DELAY, growth: float = GROWTH, cap: float) -> Any:
    """Yield the waits between reconnect attempts: 2 s, then x1.5 each time, up to ``cap``."""
    delay = first
    while True:
        yield min(delay, cap)
        delay *= growth


if TYPE_CHECKING:  # NumPy is loaded only by a raw stream's child (broadcast.rtmp_raw)
    import numpy as np

    from kaizen_studio.broadcast.rtmp_raw import RawEncoding

    Item = tuple[str, np.ndarray, float] | EncodedPacket
Event = tuple[OutputState, str, str]


def item_bytes(item: Item) -> int:
    """The bytes of a queued item: a raw picture's or sound's array, a packet's data."""
    return len(item.data) if isinstance(item, EncodedPacket) else item[1].nbytes


"""(state, words for the strip, technical reason for the log)"""


def run_stream(
    settings: StreamSettings,
    items: Any,
    events: Any,
    counters: dict[str, Any],
    lifeline: Any = None,
    parent: int | None = None,
) -> None:
    """The child's main loop (see the module docstring)."""
    ignore_interrupts()
    if lifeline is not None and parent is not None:
        die_with_parent(lifeline, parent)
    raw: RawEncoding | None = None  # the raw items' times, for each connection
    if settings.header is None:
        give_way()  # it encodes: the show's process comes first
        # imported here: a child that only muxes packets never loads NumPy and OpenCV
        from kaizen_studio.broadcast.rtmp_raw import RawEncoding

    def beat() -> None:
        counters["heartbeat"].value = time.monotonic()

    def add(name: str, amount: float = 1) -> None:
        counters[name].value += amount

    def say(state: OutputState, words: str, why: str = "") -> None:
        event: Event = (state, words, why)
        events.put(event)

    connection: RtmpConnection | None = None
    delays = reconnect_delays(cap=settings.max_delay)
    retry_at = 0.0
    attempt = 0
    refusals = 0
    live = False  # the server has taken this connection's first packet
    been_live = False
    where = safe_url(settings.url)

    def retry_later(why: str, refusal: OutputState | None) -> float | None:
        """When to try again, having said why; None when it is time to stop."""
        nonlocal attempt, refusals
        why = scrub(why, settings.url)
        attempt += 1
        if refusal is None:
            refusals = 0
            wait = next(delays)
            if been_live:
                words = f"The stream is reconnecting... (try {attempt}, next in {wait:.0f} s)"
                say(OutputState.RECONNECTING, words, f"{where}: {why}")
            else:
                words = (
                    "Cannot reach the school's server (is studio serve running?): "
                    f"trying again in {wait:.0f} s (try {attempt})"
                )
                say(OutputState.CONNECTING, words, f"{where}: {why}")
            return time.monotonic() + wait
        refusals += 1
        if refusal is OutputState.REFUSED:
            words = REFUSED
            detail = (
                f"{where} would not take the stream ({why}): a wrong or missing stream "
                "key, or a wrong name after the port (it should be live)"
            )
        else:
            words = name_taken_words(settings.url)
            detail = f"{where}: the server says another publisher holds the name ({why})"
        if been_live:  # a show that was on air keeps trying (a server restarting)
            say(
                OutputState.RECONNECTING,
                f"{words} Trying again in {REFUSED_DELAY:.0f} s...",
                detail,
            )
            return time.monotonic() + REFUSED_DELAY
        if refusals >= TRIES_WHEN_REFUSED:
            say(refusal, words, f"{detail}; tried {refusals} times, stopped")
            return None
        say(
            OutputState.CONNECTING,
            f"{words} Trying once more in {REFUSED_DELAY:.0f} s...",
            detail,
        )
        return time.monotonic() + REFUSED_DELAY

    while True:
        beat()
        if connection is None and time.monotonic() >= retry_at:
            try:
                connection = RtmpConnection(settings)
                raw = RawEncoding(settings) if settings.header is None else None
                live = False  # "live" only once the server has taken the first packet
            except (OSError, av.FFmpegError) as error:
                when = retry_later(f"cannot reach it: {error}", refusal=None)
                retry_at = when if when is not None else retry_at
            beat()
        try:
            item: Item | None = items.get(timeout=0.25)
        except queue.Empty:
            continue
        if item is None:
            break
        add("taken_bytes", item_bytes(item))
        is_video = item.kind == "v" if isinstance(item, EncodedPacket) else item[0] == "v"
        if connection is None:
            add("dropped", is_video)
            continue
        try:
            if isinstance(item, EncodedPacket):
                packets, sent = connection.take(item)
                add("dropped", is_video and not packets)
            else:
                assert raw is not None
                packets, sent = raw.encode(connection, *item)
            for packet in packets:
                connection.container.mux(packet)
                add("bytes", packet.size)
            add("sent", sent)
            if packets and not live:
                live = True
                add("reconnects", been_live)
                been_live = True
                delays = reconnect_delays(cap=settings.max_delay)
                attempt = refusals = 0
                say(OutputState.ON_AIR, "On air: the school's server took the stream.")
        except (OSError, av.FFmpegError) as error:
            add("dropped", is_video)
            abandon(connection)
            connection = None
            code = getattr(error, "errno", None)
            refusal = None
            if not live and code == errno.EIO:
                refusal = OutputState.REFUSED
            elif not live and code == errno.EPERM:
                refusal = OutputState.NAME_TAKEN
            why = f"lost: {error}" if live else f"cannot reach it: {error}"
            when = retry_later(str(error) if refusal else why, refusal)
            if when is None:
                break  # said why; the show's side stops sending
            retry_at = when
    if connection is not None:
        try:
            connection.close()
        except (OSError, av.FFmpegError) as error:
            say(
                OutputState.STOPPED,
                "The stream has ended.",
                scrub(f"closing: {error}", settings.url),
            )
    beat()
