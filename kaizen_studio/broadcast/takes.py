"""Where one encoder's packets go: the recording file and the stream, each joining and
leaving while the encoder runs.

:class:`Takes` belongs to a :class:`broadcast.BroadcastOutput`: the output's worker hands
it every packet (:meth:`Takes.deliver`), which goes to the crash-safe recording
(:class:`broadcast.mp4.RecordingFile`) and to the streaming child
(:class:`broadcast.streamer.PacketStreamer`). A take joining a running stream starts with
the pictures handed over after the join (a control item in the encoder's queue marks the
place); a take leaving is closed by the worker where it stands in the queue, then
rewritten as an ordinary MP4 here. A file that cannot be written stops the take, keeps
what was recorded, and says so (through ``say``); the stream goes on either way.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable

import av

from kaizen_studio.broadcast.encoder import ProgrammeEncoder
from kaizen_studio.broadcast.encoder_queue import EncoderQueue
from kaizen_studio.broadcast.encoder_worker import EncoderWorker
from kaizen_studio.broadcast.mp4 import RecordingFile, reason
from kaizen_studio.broadcast.packets import EncodedPacket
from kaizen_studio.broadcast.stats import OutputState
from kaizen_studio.broadcast.streamer import PacketStreamer, StatusCallback, check_url

Say = Callable[[OutputState, str, str], None]
"""How the recording's state is told: (state, words, the error's reason or '')."""


class Takes:
    """The recording file and the stream an output's packets go to (see the module).

    Parameters
    ----------
    file : the recording to make first, or None
    stream_url : the stream to start first, or None
    say : tells the recording's state
    stall_seconds, max_delay, on_status : for the stream, as in :class:`PacketStreamer`
    """

    def __init__(
        self,
        *,
        file: RecordingFile | None,
        stream_url: str | None,
        say: Say,
        stall_seconds: float,
        max_delay: float,
        on_status: StatusCallback | None,
    ) -> None:
        self.file, self.stream_url, self._say = file, stream_url, say
        self.stall_seconds, self.max_delay, self.on_status = stall_seconds, max_delay, on_status
        self.streamer: PacketStreamer | None = None
        self.writing = False
        """the recording file takes packets"""
        self.streaming = False
        """the streamer takes packets"""
        self.joining: RecordingFile | None = None
        """a take opened, waiting for its place in the queue"""
        self.bytes = 0
        """bytes written to the recording since it started"""
        self.recording_since = 0.0
        """when the recording started (time.monotonic), 0.0 before"""
        self._consumers = threading.Lock()  # held while a packet goes to the file and stream

    # -- a take ----------------------------------------------------------------------
    def take(
        self,
        file: RecordingFile,
        encoder: ProgrammeEncoder,
        queue: EncoderQueue,
        worker: EncoderWorker,
    ) -> bool:
        """Open ``file`` and hand it the packets from now on; False (said) when it cannot
        be opened."""
        try:
            file.open(encoder.header)
        except (OSError, av.FFmpegError) as error:
            self._say(
                OutputState.FAILED,
                f"cannot record to {file.path.parent}: {reason(error)}",
                reason(error),
            )
            return False

        def join_here() -> None:  # from the pictures handed over after the join, not before
            with self._consumers:
                self.file, self.writing, self.bytes = file, True, 0
                self.joining = None

        thread = worker.thread
        if thread is None or thread is threading.current_thread() or not self.streaming:
            join_here()  # the take is the output's first: every picture queued is its own
        else:  # joining a running stream: the pictures queued before the join are not in it
            self.joining = file
            queue.put(join_here)
        self.recording_since = time.monotonic()
        # on air once the first picture is in the file (see deliver)
        self._say(OutputState.CONNECTING, f"starting the recording to {file.path.name}", "")
        return True

    def start_recording(
        self,
        path: str | os.PathLike[str],
        encoder: ProgrammeEncoder,
        queue: EncoderQueue,
        worker: EncoderWorker,
    ) -> bool:
        """Record to ``path`` as well (see :meth:`BroadcastOutput.start_recording`)."""
        if self.writing or self.joining is not None:
            file = self.joining or self.file
            raise ValueError(f"already recording to {file.path.name if file else '?'}")
        file = RecordingFile(path)
        why = file.folder_problem()
        if why:
            self._say(
                OutputState.FAILED, f"cannot record to the folder {file.path.parent}: {why}", why
            )
            return False
        return self.take(file, encoder, queue, worker)

    def stop_recording(self, queue: EncoderQueue, worker: EncoderWorker) -> None:
        """Finish the recording (see :meth:`BroadcastOutput.stop_recording`)."""
        thread = worker.thread
        if not self.writing and self.joining is None:
            return
        if thread is None or thread is threading.current_thread():
            closed = self._close_recording()
        else:  # the worker closes the file when it gets there; the stream goes on
            done, cut = threading.Event(), list[RecordingFile | None]()

            def close_here() -> None:
                cut.append(self._close_recording())
                done.set()

            queue.put(close_here)
            done.wait()
            closed = cut[0]
        if closed is not None:  # rewritten here, not on the worker: it takes a while
            message = closed.finish()  # "saved ..." only when the file exists and plays
            self._say(OutputState.STOPPED if closed.saved else OutputState.FAILED, message, "")

    def _close_recording(self) -> RecordingFile | None:
        """Take the file off the packets and write its trailer; the file to finish, or
        None when not recording or that failed."""
        with self._consumers:
            file, writing = self.file, self.writing
            self.writing = False
        if not writing or file is None:
            return None
        try:
            file.close()
        except (OSError, av.FFmpegError) as error:
            self._failed_writing(error)
            return None
        return file

    # -- the stream --------------------------------------------------------------------
    def start_stream(self, url: str, encoder: ProgrammeEncoder) -> None:
        """Stream to ``url`` as well (see :meth:`BroadcastOutput.start_stream`)."""
        check_url(url)
        if self.streaming:
            raise ValueError(f"already streaming to {self.stream_url}")
        encoder.fill_silence = True  # players wait for a sound track that never comes
        streamer = PacketStreamer(
            url,
            encoder.header,
            stall_seconds=self.stall_seconds,
            max_delay=self.max_delay,
            on_status=self.on_status,
        )
        streamer.start()
        old, self.streamer, self.stream_url = self.streamer, streamer, url
        with self._consumers:
            self.streaming = True
        if old is not None:
            old.close()

    def stop_stream(self) -> None:
        """End the stream; the recording, if any, goes on. Safe to call when not live."""
        with self._consumers:
            streaming, self.streaming = self.streaming, False
        if streaming and self.streamer is not None:
            self.streamer.stop()

    def end(self) -> None:
        """The output has stopped (the worker finished the recording): end the stream."""
        with self._consumers:
            self.streaming = False
        if self.streamer is not None:
            self.streamer.stop()

    def close(self) -> None:
        """End the stream's child process too."""
        if self.streamer is not None:
            self.streamer.close()

    # -- the packets (on the worker's thread) -------------------------------------------
    def deliver(self, packets: list[EncodedPacket], state: OutputState) -> None:
        """Hand ``packets`` to the file and the stream; ``state`` is the recording's now
        (ON AIR is said once the first picture is in the file)."""
        for packet in packets:
            with self._consumers:
                if self.writing and self.file is not None:
                    try:
                        self.file.write(packet)
                        self.bytes += len(packet.data)
                        if self.file.pictures and state is OutputState.CONNECTING:
                            state = OutputState.ON_AIR
                            self._say(state, f"recording to {self.file.path.name}", "")
                    except (OSError, av.FFmpegError) as error:
                        self._failed_writing(error)
                if self.streaming and self.streamer is not None:
                    self.streamer.send_packet(packet)

    def _failed_writing(self, error: BaseException) -> None:
        assert self.file is not None
        self.writing = False
        self.file.abandon()
        self._say(
            OutputState.FAILED,
            f"the recording stopped: {reason(error)}; what was recorded is "
            f"kept in {self.file.partial.name}",
            reason(error),
        )
