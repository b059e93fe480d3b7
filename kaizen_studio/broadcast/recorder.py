"""Recording the programme with its sound to MP4 (H.264 + AAC), crash-safe.

The file is written as :class:`broadcast.mp4.RecordingFile` does: a fragmented MP4 under
a hidden name while recording (it still plays if the laptop loses power), rewritten once
as an ordinary MP4 with its index at the front on stop. Encoding runs in a worker thread
fed by a bounded queue: ``send`` never waits and never raises; a full disk or an
unwritable folder stops the recording, says so in :meth:`Recorder.stats`, and keeps what
was recorded playable. A recorder is a :class:`broadcast.BroadcastOutput` that only
records; to stream as well from the same encoder, use that class with ``stream=``.

Every command that records names its file through :func:`take_path`: a take a crash left
behind under that name is recovered first, and an existing file is never written over
without ``overwrite`` (the next free ``NAME-2.mp4`` is taken instead), each said in words.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from kaizen_studio.broadcast.mp4 import free_name, in_use, recover
from kaizen_studio.broadcast.output import BroadcastOutput
from kaizen_studio.core.errors import InputError


class Recorder(BroadcastOutput):
    """Records frames and audio blocks (stamped on the show's clock) to ``path``."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        width: int,
        height: int,
        fps: float,
        sample_rate: int = 48000,
        channels: int = 2,
        video_bitrate: int | None = None,
        buffer_seconds: float = 4.0,
    ) -> None:
        super().__init__(
            record=path,
            width=width,
            height=height,
            fps=fps,
            sample_rate=sample_rate,
            channels=channels,
            video_bitrate=video_bitrate,
            buffer_seconds=buffer_seconds,
        )

    @property
    def path(self) -> Path:
        """The final MP4."""
        assert self.file is not None
        return self.file.path

    @property
    def partial(self) -> Path:
        """The fragmented MP4 while recording (and after a failure)."""
        assert self.file is not None
        return self.file.partial


@dataclass(frozen=True, slots=True, kw_only=True)
class TakePath:
    """Where a take will be recorded, and what was done to get there, in words."""

    path: Path
    notes: tuple[str, ...] = ()


def take_path(path: str | os.PathLike[str], *, overwrite: bool = False) -> TakePath:
    """The file to record ``path``'s take to: ``path`` itself, or with ``overwrite``
    False and ``path`` taken, the next free ``NAME-2.mp4``, ``NAME-3.mp4``... A take left
    hidden by a crash under that name (``.NAME.recording.mp4``, no recording writing it)
    is made an ordinary visible file first. ``notes`` says what was done. Raises
    :class:`InputError` when another recording is writing ``path`` now."""
    wanted = Path(path)
    notes: list[str] = []
    partial = wanted.with_name(f".{wanted.stem}.recording{wanted.suffix}")
    if partial.exists():
        if in_use(partial):
            raise InputError(
                f"{wanted}: another recording is being made to this file now; give another name"
            )
        notes.append(recover(partial))
    chosen = wanted if overwrite else free_name(wanted)
    if chosen != wanted:
        notes.append(
            f"{wanted.name} is there already: recording to {chosen.name} "
            "(--overwrite records over it)"
        )
    elif overwrite and wanted.exists():
        notes.append(f"{wanted.name} will be replaced when this take is saved")
    return TakePath(path=chosen, notes=tuple(notes))


def recover_folder(folder: str | os.PathLike[str]) -> list[str]:
    """Make every take a crash left hidden in ``folder`` (``.NAME.recording.mp4`` that no
    recording is writing) an ordinary visible file; what was done, in words."""
    notes = []
    for partial in sorted(Path(folder).glob(".*.recording.mp4")):
        if partial.is_file() and not in_use(partial):
            notes.append(recover(partial))
    return notes
