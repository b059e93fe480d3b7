"""Writing output files so that a failure never leaves a half-written file behind, and
one program at a time in a folder that must not be shared (:func:`hold_folder`)."""

from __future__ import annotations

import contextlib
import fcntl
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from kaizen_studio.core.errors import InputError, MissingFileError

_UMASK = os.umask(0)
os.umask(_UMASK)  # read once, at import, while nothing else runs


def check_output_path(path: str | os.PathLike[str]) -> Path:
    """Return ``path`` as a Path after checking that its folder exists and is writable.

    Raises
    ------
    MissingFileError
        The folder does not exist.
    InputError
        The path is a folder, or the folder cannot be written.
    """
    out = Path(path)
    folder = out.parent if str(out.parent) else Path(".")
    if folder.exists() and not folder.is_dir():
        raise InputError(
            f"{out}: {folder} is a file, not a folder; save into a folder (such as "
            f"{out.name} on its own, for the current folder)"
        )
    if not folder.is_dir():
        raise MissingFileError(f"{out}: the folder {folder} does not exist; create it first")
    if out.is_dir():
        raise InputError(f"{out}: is a folder; give a file name")
    if not os.access(folder, os.W_OK) or not _can_create_in(folder):
        raise InputError(
            f"{out}: the folder {folder} cannot be written to (read-only or not "
            "yours); save into another folder, such as your home folder"
        )
    return out


def _can_create_in(folder: Path) -> bool:
    """Whether a new file can really be made in ``folder``: ``os.access`` says yes to
    root for any folder, even /proc or a read-only disk. The probe file is removed."""
    try:
        fd, name = tempfile.mkstemp(prefix=".kaizen-probe.", dir=folder)
    except OSError:
        return False
    os.close(fd)
    with contextlib.suppress(FileNotFoundError):
        os.unlink(name)
    return True


def check_video_output_path(path: str | os.PathLike[str]) -> Path:
    """:func:`check_output_path` for a video the studio writes: always H.264 and AAC in
    MP4, so the name must end in ``.mp4`` (a file named ``.avi`` holding MP4 would open in
    the wrong player, or in none).

    Raises
    ------
    InputError : another ending (and as :func:`check_output_path`)
    """
    out = check_output_path(path)
    if out.suffix.lower() != ".mp4":
        ending = f"'{out.suffix}'" if out.suffix else "no ending"
        raise InputError(
            f"{out}: videos are written as MP4, and this name has {ending}; "
            f"end it with .mp4 (such as {out.with_suffix('.mp4').name})"
        )
    return out


@contextlib.contextmanager
def atomic_output(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it to ``path`` only on success.

    The temporary name keeps the file's suffix so that encoders that choose a format by
    extension still work. If the body raises, the temporary file is removed and ``path``
    is left as it was.
    """
    out = check_output_path(path)
    fd, tmp_name = tempfile.mkstemp(
        prefix=f".{out.stem}.", suffix=f".partial{out.suffix}", dir=out.parent or "."
    )
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        # mkstemp makes the file private; give it the mode any new file of the user's gets
        os.chmod(tmp, out.stat().st_mode & 0o777 if out.exists() else 0o666 & ~_UMASK)
        os.replace(tmp, out)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


@contextlib.contextmanager
def hold_folder(folder: Path, *, lock: str, taken: str, remove: bool = False) -> Iterator[None]:
    """Hold an exclusive lock on ``folder/lock`` (with this process's id written in it)
    while the block runs. When another process holds it, raise InputError with ``taken``,
    in which ``{pid}`` becomes " (pid N)" of the holder. The system lets go of the lock
    when the process ends, however it ends; the file is never inherited by children.
    With ``remove``, the lock's file is deleted (still held) when the block ends, for a
    folder of results that should hold nothing else."""
    with open(folder / lock, "a+", encoding="ascii") as file:
        try:
            fcntl.flock(file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            file.seek(0)
            pid = file.read().strip()
            shown = f" (pid {pid})" if pid.isdigit() else ""
            raise InputError(taken.format(pid=shown)) from None
        file.seek(0)
        file.truncate()
        file.write(f"{os.getpid()}\n")
        file.flush()
        try:
            yield
        finally:
            if remove:
                (folder / lock).unlink(missing_ok=True)
