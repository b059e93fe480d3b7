"""The crash-safe recording file: fragmented MP4 while recording, faststart MP4 at the end.

While recording, the file is a *fragmented* MP4 under a temporary name beside the final
one: every keyframe (each second) closes a fragment, so if the laptop loses power the file
up to the last second or so still plays. On :meth:`RecordingFile.finish` it is rewritten
once as an ordinary MP4 with its index at the front (it starts playing at once in a
browser or on the class blog) and renamed to the final name; it is called saved only when
it decodes back. The file takes packets already encoded (:mod:`broadcast.encoder`), so the
same packets can be streamed as well.

No take is lost: a recording holds a lock on its partial file, so a partial file found
unlocked is a take a crash left behind; :func:`recover` makes it an ordinary visible file
(``NAME (recovered 2026-12-07 15-40).mp4``) and a new recording never writes over one.
A full disk is logged the moment it happens, with the recording's time at that point.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import time
from collections import deque
from fractions import Fraction
from pathlib import Path
from typing import IO

import av

from kaizen_studio.broadcast.packets import EncodedPacket, StreamHeader, add_mux_streams

try:
    import fcntl
except ImportError:  # not on Windows: partial files are then taken as crashed only by age
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)

FRAGMENTED = {"movflags": "frag_keyframe+empty_moov+default_base_moof"}
EARLY_SOUND = 200
"""Packets of sound (about 4 s of AAC) kept while a recording waits for its first picture."""


class RecordingFile:
    """Writes encoded packets to ``path`` (through a hidden partial file); one take."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.partial = self.path.with_name(f".{self.path.stem}.recording{self.path.suffix}")
        self._container: av.container.OutputContainer | None = None
        self._streams: dict[str, av.stream.Stream] = {}
        self._start: Fraction | None = None  # the first keyframe's time: the file's 0
        self._early: deque[EncodedPacket] = deque(maxlen=EARLY_SOUND)
        self._lock: IO[bytes] | None = None
        self.pictures = 0
        """pictures written so far"""
        self.seconds = 0.0
        """the recording's length so far (its last picture's time)"""
        self.saved = False
        """the final file exists and decodes back (after :meth:`finish`)"""
        self.recovered: list[str] = []
        """what :meth:`open` said about crashed takes it found and made visible"""

    def folder_problem(self) -> str:
        """Why the folder cannot take the recording, or '' when it can."""
        folder = self.path.parent
        if not folder.is_dir():
            return "it does not exist"
        if not os.access(folder, os.W_OK):
            return "it cannot be written to"
        return ""

    def open(self, header: StreamHeader) -> None:
        """Create the partial file (a crashed take left under its name is recovered
        first, never written over); raises OSError or av.FFmpegError."""
        if self.partial.exists():
            self.recovered.append(recover(self.partial))
        self._lock = hold(self.partial)  # made here: the muxer writes it only later
        try:
            container = av.open(str(self.partial), "w", format="mp4", options=FRAGMENTED)
            video, audio = add_mux_streams(container, header)
        except (OSError, av.FFmpegError):
            self._release()
            with contextlib.suppress(OSError):
                if self.partial.stat().st_size == 0:  # nothing recorded: no take to keep
                    self.partial.unlink()
            raise
        self._container, self._streams = container, {"v": video, "a": audio}

    def write(self, packet: EncodedPacket) -> None:
        """Mux one packet; raises OSError or av.FFmpegError (a full disk). The file
        starts at the first keyframe, its times from 0 there (a recording started while
        the encoder was already running for a stream starts within a second); sound
        that the encoder hands over before it is kept until then."""
        if self._container is None:
            raise ValueError(f"the recording {self.path.name} is not open")
        try:
            self._write(packet)
        except OSError as error:
            if error.errno not in (errno.ENOSPC, errno.EDQUOT):
                raise
            at = clock_time(self.seconds)
            log.error("the disk is full: recording %s stopped at %s", self.path.name, at)
            raise OSError(error.errno, f"the disk is full at {at}") from error

    def _write(self, packet: EncodedPacket) -> None:
        if self._start is None:
            if packet.kind != "v" or not packet.keyframe:
                if packet.kind == "a":
                    self._early.append(packet)
                return
            self._start = packet.dts * packet.time_base
            early = list(self._early)
            self._early.clear()
            for sound in early:
                self._mux(sound)
        self._mux(packet)

    def _mux(self, packet: EncodedPacket) -> None:
        assert self._container is not None and self._start is not None
        shift = round(self._start / packet.time_base)
        if packet.dts < shift:
            return  # sound from before the first picture
        self._container.mux(packet.to_av(self._streams[packet.kind], shift=shift))
        if packet.kind == "v":
            self.pictures += 1
            self.seconds = max(self.seconds, float((packet.dts - shift) * packet.time_base))

    def close(self) -> None:
        """Write the trailer (once); raises OSError or av.FFmpegError."""
        container, self._container = self._container, None
        if container is not None:
            container.close()

    def abandon(self) -> None:
        """After a write failed: close what can be closed, keep the partial file (it is
        recovered by the next recording of this name)."""
        container, self._container = self._container, None
        if container is not None:
            with contextlib.suppress(OSError, av.FFmpegError):
                container.close()
        self._release()

    def _release(self) -> None:
        lock, self._lock = self._lock, None
        if lock is not None:
            lock.close()

    def finish(self) -> str:
        """Rewrite the partial file as the final MP4, index at the front, and decode it
        back; return the message for the user: "saved ..." only when the file exists
        and plays (:attr:`saved`). If the rewrite fails the partial file is kept as the
        result; a take with no pictures leaves no file and says so."""
        self._release()
        if self.pictures == 0:
            with contextlib.suppress(OSError):
                self.partial.unlink()
            return f"nothing was recorded to {self.path.name}: no pictures reached it"
        note = ""
        try:
            rewrite(self.partial, self.path)
            self.partial.unlink()
        except (OSError, av.FFmpegError) as error:
            with contextlib.suppress(OSError):
                os.replace(self.partial, self.path)  # still plays: fragmented is fine
            note = f"as recorded: {reason(error)}"
        problem = plays(self.path)
        if problem:
            where = self.path if self.path.exists() else self.partial
            return f"{where.name} was written but does not play ({problem})"
        self.saved = True
        return f"saved {self.path.name}" + (f" ({note})" if note else "")


def hold(partial: Path) -> IO[bytes] | None:
    """Hold a lock on ``partial`` while it is being recorded (released when this process
    ends, however it ends); None where there are no locks."""
    if fcntl is None:
        return None
    handle = partial.open("ab")
    fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
    return handle


def in_use(partial: Path) -> bool:
    """Whether a recording (of this or another process) is writing ``partial`` now."""
    if fcntl is None:
        return time.time() - partial.stat().st_mtime < 60
    with partial.open("rb") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
    return False


def rewrite(source: Path, target: Path) -> None:
    """Rewrite the MP4 ``source`` as ``target`` with its index at the front (through a
    hidden file, renamed at the end); raises OSError or av.FFmpegError."""
    tmp = target.with_name(f".{target.stem}.final{target.suffix}")
    try:
        with (
            av.open(str(source)) as src,
            av.open(str(tmp), "w", format="mp4", options={"movflags": "+faststart"}) as out,
        ):
            streams = {s.index: out.add_stream_from_template(s) for s in src.streams}
            for packet in src.demux():
                if packet.dts is None:
                    continue
                packet.stream = streams[packet.stream.index]
                out.mux(packet)
        os.replace(tmp, target)
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()


def plays(path: Path) -> str:
    """'' when ``path`` decodes back (a picture at its start, its header readable),
    else why not, in a few words."""
    if not path.exists():
        return "the file is missing"
    try:
        with av.open(str(path)) as container:
            if not container.streams.video:
                return "it has no pictures"
            next(container.decode(video=0))
    except StopIteration:
        return "no picture decodes"
    except (OSError, av.FFmpegError) as error:
        return reason(error)
    return ""


def free_name(path: Path) -> Path:
    """``path``, or the first of ``NAME-2.mp4``, ``NAME-3.mp4``... that neither exists
    nor is being recorded."""
    candidate, number = path, 1
    while (
        candidate.exists()
        or candidate.with_name(f".{candidate.stem}.recording{candidate.suffix}").exists()
    ):
        number += 1
        candidate = path.with_name(f"{path.stem}-{number}{path.suffix}")
    return candidate


def recover(partial: Path) -> str:
    """Make the crashed take ``partial`` (a hidden ``.NAME.recording.mp4`` no recording
    holds) an ordinary visible file, ``NAME (recovered YYYY-MM-DD HH-MM).mp4`` (when the
    crash was), rewritten with its index at the front if it can be, else as it is; what
    was done, in words. Raises FileExistsError if a recording is writing it now."""
    if in_use(partial):
        raise FileExistsError(errno.EEXIST, "a recording is writing it now", str(partial))
    name = partial.name.removeprefix(".").removesuffix(f".recording{partial.suffix}")
    when = time.strftime("%Y-%m-%d %H-%M", time.localtime(partial.stat().st_mtime))
    target = free_name(partial.with_name(f"{name} (recovered {when}){partial.suffix}"))
    try:
        rewrite(partial, target)
        partial.unlink()
    except (OSError, av.FFmpegError) as error:
        log.warning("%s: kept as recorded (%s)", partial.name, reason(error))
        os.replace(partial, target)
    problem = plays(target)
    said = f"a take cut short by a crash was recovered as {target.name}" + (
        f", but it does not play ({problem})" if problem else ""
    )
    log.warning(said)
    return said


def clock_time(seconds: float) -> str:
    """``seconds`` as M:SS (H:MM:SS from an hour)."""
    whole = max(0, int(seconds))
    hours, rest = divmod(whole, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


def reason(error: BaseException) -> str:
    """An error in a few words (an OSError's own text, lower case)."""
    if isinstance(error, OSError) and error.strerror:
        return error.strerror.lower()
    return str(error)
