"""The ticker's feeds: the class blogs' RSS/Atom read in the background, each on its own.

Each feed is read by :mod:`kaizen_studio.core.feeds` (one deadline for the whole fetch, at
most 2 MB, defusedxml refusing entities and external references, feedparser reading RSS
and Atom): a feed that is broken, hostile, huge or slow is refused with its reason and
the others still show. :class:`Background` runs the reading in a thread of its own, one
round at a time, so no screen's request ever waits on a class blog.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from kaizen_studio.core.errors import InputError
from kaizen_studio.core.feeds import FEED_SECONDS, feed_titles, fetch, is_feed_address

log = logging.getLogger(__name__)

REFRESH_SECONDS = 300.0
"""A feed is read again when its last reading is older than this."""


@dataclass(frozen=True, kw_only=True)
class FeedReading:
    """One reading of one feed: its headlines, or the reason it was refused."""

    url: str
    headlines: tuple[str, ...] = ()
    problem: str = ""


def check_address(url: str) -> str:
    """``url`` stripped; InputError in one line unless it is an http(s) address."""
    url = url.strip()
    if not is_feed_address(url):
        raise InputError(f"{url!r} is not a feed's address: give one starting http:// or https://")
    return url


def read_feed(url: str, *, timeout: float = FEED_SECONDS) -> FeedReading:
    """Read one feed; never raises for what the feed or its server does."""
    try:
        titles = feed_titles(fetch(url, timeout=timeout), name=url)
    except InputError as error:
        log.info("ticker feed refused: %s", error)
        return FeedReading(url=url, problem=str(error))
    return FeedReading(url=url, headlines=tuple(titles))


def read_feeds(urls: Iterable[str], *, timeout: float = FEED_SECONDS) -> list[FeedReading]:
    """Each feed read in turn within ``timeout`` seconds; a bad one spoils none other."""
    return [read_feed(url, timeout=timeout) for url in urls]


class Background:
    """Runs ``work`` in a daemon thread when kicked, one run at a time: a kick while it
    runs is ignored (the run under way will do). A run that raises is logged, not lost."""

    def __init__(self, work: Callable[[], None], *, name: str) -> None:
        self._work, self._name = work, name
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        with self._lock:
            return self._thread is not None and self._thread.is_alive()

    def kick(self) -> bool:
        """Start a run unless one is under way; whether one was started."""
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                return False
            self._thread = threading.Thread(target=self._run, daemon=True, name=self._name)
            self._thread.start()
            return True

    def join(self, timeout: float | None = None) -> None:
        with self._lock:
            thread = self._thread
        if thread is not None:
            thread.join(timeout)

    def _run(self) -> None:
        try:
            self._work()
        except Exception:
            log.exception("%s failed; it is tried again at the next kick", self._name)
