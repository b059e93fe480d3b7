"""The converter's worker: one thread per app-server process, fed by a bounded queue.

The upload view only queues an item's id (after its row is committed); the thread claims
it (uploaded -> converting, in one UPDATE, so two processes never take the same item),
converts it (:mod:`convert`) and marks it ready or refused. Ids that do not fit in the
queue are not lost: the item stays "uploaded" in the database and the thread sweeps for
such items whenever it is idle, and once at start (where an item left "converting" by a
killed process is taken again).
"""

from __future__ import annotations

import logging
import queue
import re
import shutil
import threading
import time

from django.db import close_old_connections

from kaizen_studio.channel.library import convert, files
from kaizen_studio.channel.library.models import Item, Kind, State

log = logging.getLogger(__name__)

QUEUE_SIZE = 32
SWEEP_EVERY = 5.0
"""Seconds an idle worker waits before looking for items nobody queued."""

STALE_UPLOAD = 6 * 3600.0
"""Seconds after which a temporary upload file no request is writing any more is removed."""
UPLOAD_NAME = re.compile(r"\d+\.upload")

_queue: queue.Queue[int] = queue.Queue(maxsize=QUEUE_SIZE)
_lock = threading.Lock()
_thread: threading.Thread | None = None


def start() -> None:
    """Start this process's worker thread (safe to call again)."""
    global _thread
    with _lock:
        if _thread is not None and _thread.is_alive():
            return
        _thread = threading.Thread(target=_run, name="library-converter", daemon=True)
        _thread.start()


def submit(pk: int) -> None:
    """Queue item ``pk`` for conversion (never waits: a full queue leaves it to the sweep)."""
    start()
    try:
        _queue.put_nowait(pk)
    except queue.Full:
        log.info("conversion queue full: item %d waits for the next sweep", pk)


def _tidy() -> None:
    """At start (one app-server process: nothing converts yet): items left converting by a
    killed process wait again; half-made work and uploads a killed request left behind
    (Django's temporary files, not ``<id>.upload``) are removed."""
    Item.objects.filter(state=State.CONVERTING).update(state=State.UPLOADED, percent=0)
    files.make_folders()
    for leftover in files.work().iterdir():
        shutil.rmtree(leftover, ignore_errors=True)
    stale = time.time() - STALE_UPLOAD
    for upload in files.incoming().iterdir():
        if not UPLOAD_NAME.fullmatch(upload.name) and upload.stat().st_mtime < stale:
            upload.unlink(missing_ok=True)
            log.info("removed %s, an upload a stopped request left behind", upload.name)


def _run() -> None:
    _tidy()
    while True:
        try:
            pk: int | None = _queue.get(timeout=SWEEP_EVERY)
        except queue.Empty:
            pk = None
        try:
            if pk is not None:
                _convert(pk)
            else:
                for waiting in Item.objects.filter(state=State.UPLOADED).values_list(
                    "pk", flat=True
                )[:QUEUE_SIZE]:
                    _convert(waiting)
        except Exception:  # a bug must not stop later conversions; it is logged in full
            log.exception("the converter failed on item %s", pk)
        finally:
            close_old_connections()


def _convert(pk: int) -> None:
    if not Item.objects.filter(pk=pk, state=State.UPLOADED).update(
        state=State.CONVERTING, percent=0
    ):
        return  # taken by another process, removed, or done already
    item = Item.objects.get(pk=pk)
    last = [-1]

    def progress(percent: int) -> None:
        if percent != last[0]:
            last[0] = percent
            Item.objects.filter(pk=pk).update(percent=percent)

    try:
        result = convert.convert(item.pk, kind=Kind(item.kind), progress=progress)
    except convert.RefusedError as refusal:
        Item.objects.filter(pk=pk).update(state=State.REFUSED, reason=str(refusal)[:300])
        log.info("item %d refused: %s", pk, refusal)
        return
    Item.objects.filter(pk=pk).update(
        state=State.READY,
        percent=100,
        kind=result.kind,
        duration=result.duration,
        width=result.width,
        height=result.height,
    )
    log.info("item %d ready: %s, %.1f s", pk, result.kind, result.duration)
