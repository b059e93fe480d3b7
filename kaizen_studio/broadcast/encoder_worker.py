"""The thread that encodes an output's queue: frames and sound in, packets handed on.

:class:`EncoderWorker` opens the encoder on its own thread (which gives way to the show
first: x264's threads inherit its priority), then takes items off the output's
:class:`broadcast.encoder_queue.EncoderQueue` in order: pictures and sound are encoded
and the packets handed to ``deliver``; a control item (a callable) is run where it stands
in the queue (a recording cut there); the end (``None``) flushes the encoder. The effort
asked of the encoder (:class:`broadcast.effort.EncoderEffort`) is taken up before the
next picture, not behind the queue: it is asked because the queue is filling.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable

import av

from kaizen_studio.broadcast.effort import EncoderEffort
from kaizen_studio.broadcast.encoder import Planes, ProgrammeEncoder
from kaizen_studio.broadcast.encoder_queue import EncoderQueue
from kaizen_studio.broadcast.packets import EncodedPacket
from kaizen_studio.core.media import AudioBlock, VideoFrame

log = logging.getLogger(__name__)

Deliver = Callable[[list[EncodedPacket]], None]


class EncoderWorker:
    """Encodes what ``items`` holds on one thread, handing the packets to ``deliver``.

    Parameters
    ----------
    items : the output's queue (frames, sound, control callables, ``None`` the end)
    open_encoder : makes the encoder; called on the worker's thread
    deliver : takes the packets of each item, on the worker's thread
    wanted : False when nothing takes packets now (the frames are then dropped, counted)
    finished : run on the worker's thread once the encoder is flushed
    """

    def __init__(
        self,
        items: EncoderQueue,
        *,
        open_encoder: Callable[[], ProgrammeEncoder],
        deliver: Deliver,
        wanted: Callable[[], bool],
        finished: Callable[[], None],
    ) -> None:
        self.items = items
        self._open, self._deliver, self._wanted = open_encoder, deliver, wanted
        self._finished = finished
        self.encoder: ProgrammeEncoder | None = None
        self.thread: threading.Thread | None = None
        self.ready = threading.Event()
        """set once packets may be delivered (the file and the stream are in place)"""
        self.effort = EncoderEffort.FULL
        """the effort asked of the encoder (less when it falls behind, more when it has
        room); taken up before its next picture (:attr:`taken_effort`)"""
        self.dropped = 0
        """pictures taken off the queue while nothing took packets"""
        self._refused: EncoderEffort | None = None  # the encoder could not take it

    @property
    def backlog(self) -> float:
        """How full the queue is, 0 (keeping up) to 1 (pictures dropped)."""
        return self.items.bytes / self.items.max_bytes

    @property
    def taken_effort(self) -> EncoderEffort:
        """The effort the encoder really works at now (FULL before it starts)."""
        return self.encoder.effort if self.encoder is not None else EncoderEffort.FULL

    def start(self) -> ProgrammeEncoder:
        """Start the thread and return its encoder once open; raises what opening it
        raised (the thread has then ended)."""
        self.ready.clear()
        opened: queue.SimpleQueue[ProgrammeEncoder | BaseException] = queue.SimpleQueue()
        self.thread = threading.Thread(
            target=self._run, args=(opened,), name="broadcast-encoder", daemon=True
        )
        self.thread.start()
        encoder = opened.get()
        if isinstance(encoder, BaseException):
            self.thread.join()
            self.thread = None
            raise encoder
        return encoder

    def stop(self) -> None:
        """Encode what is queued, flush, and wait for the thread; safe to call twice."""
        thread = self.thread
        if thread is None:
            return
        self.items.put(None)
        thread.join()
        self.thread = None

    def _run(self, opened: queue.SimpleQueue[ProgrammeEncoder | BaseException]) -> None:
        try:
            encoder = self._open()
        except (av.FFmpegError, ValueError, OSError) as error:
            opened.put(error)
            return
        self.encoder = encoder
        opened.put(encoder)
        self.ready.wait()  # the file and the streamer, if any, are in place
        while (item := self.items.get()) is not None:
            if callable(item):
                item()
                continue
            assert isinstance(item, Planes | VideoFrame | AudioBlock)
            if not self._wanted():
                self.dropped += not isinstance(item, AudioBlock)
                continue
            wanted = self.effort
            if not isinstance(item, AudioBlock) and wanted not in (encoder.effort, self._refused):
                self._deliver(encoder.set_effort(wanted))
                self._refused = None if encoder.effort is wanted else wanted
            self._deliver(encoder.encode(item))
        self._deliver(encoder.flush())
        self._finished()
