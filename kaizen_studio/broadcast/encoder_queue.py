"""The encoder's queue: bounded in bytes, and it tells when the encoder has stalled.

The show hands frames (in 4:2:0, :class:`broadcast.encoder.Planes`) and sound to an encoder
through exactly one queue. A queue bounded in frames holds 750 MB of 1080p BGR pictures
when the encoder stops for 4 s; this one holds at
most ``max_bytes`` whatever the pictures' size, refuses (never waits) past that, and when
nothing has been taken for ``stall_seconds`` while items wait it says so in words (the
output reports it as :attr:`broadcast.stats.OutputState.STALLED`) until the encoder takes
an item again.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque

from kaizen_studio.broadcast.encoder import Picture, Planes
from kaizen_studio.core.media import AudioBlock

log = logging.getLogger(__name__)

MAX_QUEUE_BYTES = 48 * 2**20
"""The most an encoder's queue holds, whatever else asks: 16 pictures in 4:2:0 at
1920x1080 (half a second at 30 fps), 36 at 1280x720. Only a slow or stalled encoder fills
it, and the show steps down long before (:mod:`studio.step_down`, which reads how full it
is); then pictures are dropped, not memory taken. At 96 MiB a 1080p show that fell behind
held 455 MiB (benchmarks.pipeline, 60 s), over the 400 MiB of issue 21."""
ENCODER_STALL_SECONDS = 2.0
"""An encoder that has taken nothing for this long while items wait has stalled."""


def queue_bytes(
    *, width: int, height: int, fps: float, sample_rate: int, channels: int, seconds: float
) -> int:
    """The bytes a queue holds for ``seconds`` of 4:2:0 pictures (:class:`Planes`) and
    float sound, never over :data:`MAX_QUEUE_BYTES` nor under two pictures."""
    picture = width * height * 3 // 2
    per_second = picture * fps + sample_rate * channels * 4
    return max(2 * picture, min(MAX_QUEUE_BYTES, round(seconds * per_second)))


def item_bytes(item: Picture | AudioBlock) -> int:
    """The bytes ``item``'s pixels or samples take."""
    if isinstance(item, AudioBlock):
        return item.samples.nbytes
    return item.planes.nbytes if isinstance(item, Planes) else item.image.nbytes


class EncoderQueue:
    """A FIFO of frames and sound bounded in bytes (thread-safe); control items (the
    end, a cut) always fit and count no bytes.

    Parameters
    ----------
    max_bytes : int
        The most the pictures and sound queued may take.
    stall_seconds : float
        Nothing taken for this long while items wait is a stall (see :attr:`stalled`).
    """

    def __init__(self, max_bytes: int, *, stall_seconds: float = ENCODER_STALL_SECONDS) -> None:
        if max_bytes < 1:
            raise ValueError(f"a queue must hold at least 1 byte, got {max_bytes}")
        if stall_seconds <= 0:
            raise ValueError(f"stall_seconds must be above 0, got {stall_seconds}")
        self.max_bytes, self.stall_seconds = max_bytes, stall_seconds
        self._items: deque[tuple[object, int]] = deque()
        self._bytes = 0
        self._ready = threading.Condition()
        self._taken_at = time.monotonic()
        self.stalled = ""
        """Why the encoder is said to have stalled ('' while it keeps up)."""

    def offer(self, item: Picture | AudioBlock) -> bool:
        """Queue ``item`` unless that would pass the bound; never waits. False when it
        did not fit (the caller counts the drop)."""
        size = item_bytes(item)
        with self._ready:
            if self._bytes + size <= self.max_bytes:
                self._items.append((item, size))
                self._bytes += size
                self._ready.notify()
                return True
            quiet = time.monotonic() - self._taken_at
            if quiet > self.stall_seconds and not self.stalled:
                self.stalled = (
                    f"the encoder has taken nothing for {quiet:.0f} s: pictures are being "
                    "dropped (is the computer too busy? close other programs)"
                )
                log.warning(
                    "encoder stalled: nothing taken for %.1f s, %d bytes queued", quiet, self._bytes
                )
            return False

    def put(self, item: object) -> None:
        """Queue a control item (it always fits)."""
        with self._ready:
            self._items.append((item, 0))
            self._ready.notify()

    def get(self) -> object:
        """The oldest item, waiting for one; the encoder is keeping up again."""
        with self._ready:
            while not self._items:
                self._ready.wait()
            item, size = self._items.popleft()
            self._bytes -= size
            self._taken_at = time.monotonic()
            if self.stalled:
                log.info("the encoder is keeping up again")
                self.stalled = ""
            return item

    @property
    def bytes(self) -> int:
        """Bytes of pictures and sound queued now."""
        return self._bytes
