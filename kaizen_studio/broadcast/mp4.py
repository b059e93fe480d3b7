"""The crash-safe recording file: fragmented MP4 while recording, faststart MP4 at the end.

While recording, the file is a *fragmented* MP4 under a temporary name beside the final
one: every keyframe (each second) closes a fragment, so if the laptop loses power the file
up to the last second or so still plays. On :meth:`RecordingFile.finish` it is rewritten
once as an ordinary MP4 with its index at the front (it starts playing at once in a
browser or on the class blog) and renamed to the final name. The file takes packets
already encoded (:mod:`broadcast.encoder`), so the same packets can be streamed as well.
"""

from __future__ import annotations

import contextlib
import os
from collections import deque
from fractions import Fraction
from pathlib import Path

import av

from kaizen_studio.broadcast.encoder import EncodedPacket, StreamHeader, add_mux_streams

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
        self.pictures = 0
        """pictures written so far"""

    def folder_problem(self) -> str:
        """Why the folder cannot take the recording, or '' when it can."""
        folder = self.path.parent
        if not folder.is_dir():
            return "it does not exist"
        if not os.access(folder, os.W_OK):
            return "it cannot be written to"
        return ""

    def open(self, header: StreamHeader) -> None:
        """Create the partial file; raises OSError or av.FFmpegError."""
        container = av.open(str(self.partial), "w", format="mp4", options=FRAGMENTED)
        video, audio = add_mux_streams(container, header)
        self._container, self._streams = container, {"v": video, "a": audio}

    def write(self, packet: EncodedPacket) -> None:
        """Mux one packet; raises OSError or av.FFmpegError (a full disk). The file
        starts at the first keyframe, its times from 0 there (a recording started while
        the encoder was already running for a stream starts within a second); sound
        that the encoder hands over before it is kept until then."""
        if self._container is None:
            raise ValueError(f"the recording {self.path.name} is not open")
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
        self.pictures += packet.kind == "v"

    def close(self) -> None:
        """Write the trailer (once); raises OSError or av.FFmpegError."""
        container, self._container = self._container, None
        if container is not None:
            container.close()

    def abandon(self) -> None:
        """After a write failed: close what can be closed, keep the partial file."""
        container, self._container = self._container, None
        if container is not None:
            with contextlib.suppress(OSError, av.FFmpegError):
                container.close()

    def finish(self) -> str:
        """Rewrite the partial file as the final MP4, index at the front; return the
        message for the user (the partial file is kept as the result if that fails)."""
        final_tmp = self.path.with_name(f".{self.path.stem}.final{self.path.suffix}")
        try:
            with (
                av.open(str(self.partial)) as source,
                av.open(
                    str(final_tmp), "w", format="mp4", options={"movflags": "+faststart"}
                ) as target,
            ):
                streams = {s.index: target.add_stream_from_template(s) for s in source.streams}
                for packet in source.demux():
                    if packet.dts is None:
                        continue
                    packet.stream = streams[packet.stream.index]
                    target.mux(packet)
            os.replace(final_tmp, self.path)
            self.partial.unlink()
        except (OSError, av.FFmpegError) as error:
            with contextlib.suppress(OSError):
                os.replace(self.partial, self.path)  # still plays: fragmented is fine
            with contextlib.suppress(OSError):
                final_tmp.unlink()
            return f"saved {self.path.name} (as recorded: {reason(error)})"
        return f"saved {self.path.name}"


def reason(error: BaseException) -> str:
    """An error in a few words (an OSError's own text, lower case)."""
    if isinstance(error, OSError) and error.strerror:
        return error.strerror.lower()
    return str(error)
