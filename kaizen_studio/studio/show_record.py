"""The teacher's log (studio.log) and a plain-text record of each show beside it (shows.txt).

:func:`start_log` sends every module's log lines (``logging.getLogger(__name__)``) to the
log file, kept small. A :class:`ShowRecord`, started when a show starts and stopped when
it stops (by the studio window and by ``studio live``), adds to ``shows.txt`` what a
teacher wants to read afterwards: when the show ran and how long, its figures (frames
made, late, dropped; each recording and stream with its frames and state), the files it
saved, and every problem logged while it ran.
"""

from __future__ import annotations

import logging
import logging.handlers
import time
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from kaizen_studio.broadcast import BroadcastOutput
from kaizen_studio.studio.app_settings import log_dir
from kaizen_studio.studio.pipeline import Programme

log = logging.getLogger(__name__)
LOG_NAME, RECORD_NAME = "studio.log", "shows.txt"
_HANDLER = "kaizen-studio-log"  # the name of the handler start_log adds
_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def start_log(folder: Path | None = None) -> Path | None:
    """Write the log of every module to ``folder``/studio.log (default: the platform's log
    folder; 2 MB, two old copies), replacing one set up before; None when the folder
    cannot be made (the show goes on without a log file)."""
    folder = log_dir() if folder is None else folder
    path = folder / LOG_NAME
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == _HANDLER]:
        if isinstance(old, logging.FileHandler) and Path(old.baseFilename) == path.resolve():
            return path  # already writing there
        root.removeHandler(old)
        old.close()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=2_000_000, backupCount=2, encoding="utf-8"
        )
    except OSError:
        return None
    handler.set_name(_HANDLER)
    handler.setFormatter(logging.Formatter(_FORMAT))
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    return path


def stop_log() -> None:
    """Close the log file :func:`start_log` opened (safe when there is none)."""
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == _HANDLER]:
        root.removeHandler(old)
        old.close()


def log_folder() -> Path:
    """The folder of the log file :func:`start_log` set up (else the platform's)."""
    for handler in logging.getLogger().handlers:
        if handler.get_name() == _HANDLER and isinstance(handler, logging.FileHandler):
            return Path(handler.baseFilename).parent
    return log_dir()


class _Heard(logging.Handler):
    """Keeps the problems (warnings and errors) logged while a show runs, and what the
    outputs said (recordings saved, streams refused)."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.WARNING or record.name.startswith("kaizen_studio.broadcast"):
            when = time.strftime("%H:%M:%S", time.localtime(record.created))
            self.lines.append(f"{when} {record.levelname.lower()}: {record.getMessage()}")


class ShowRecord:
    """One show's entry in ``shows.txt``: :meth:`start` when it starts, :meth:`stop` with
    the programme and its outputs when it stops (each safe to call twice)."""

    def __init__(self, title: str, *, how: str, folder: Path | None = None) -> None:
        self.title, self.how, self.folder = title, how, folder
        self.started: datetime | None = None
        self._heard: _Heard | None = None
        self.path: Path | None = None
        """The record's file, once written."""

    def start(self) -> ShowRecord:
        if self._heard is None:
            self.started = datetime.now().astimezone()
            self._heard = _Heard()
            ours = logging.getLogger("kaizen_studio")
            if ours.getEffectiveLevel() > logging.INFO:
                ours.setLevel(logging.INFO)  # what the outputs say reaches the record
            ours.addHandler(self._heard)
            log.info("show started: %s (%s)", self.title, self.how)
        return self

    def stop(
        self, programme: Programme | None, outputs: Sequence[object | None] = ()
    ) -> Path | None:
        """Write the record of the show that ``programme`` made and ``outputs`` took
        (BroadcastOutputs and Recorders; others are left out); its file, or None when it
        cannot be written (said in the log)."""
        heard, self._heard = self._heard, None
        if heard is None or self.started is None:
            return self.path
        logging.getLogger("kaizen_studio").removeHandler(heard)
        ended = datetime.now().astimezone()
        text = self.text(programme, outputs, ended, heard.lines)
        log.info(
            "show stopped: %s after %.1f s", self.title, (ended - self.started).total_seconds()
        )
        path = (self.folder or log_folder()) / RECORD_NAME
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("a", encoding="utf-8") as record:
                record.write(text)
        except OSError as error:
            log.error("could not write the show's record to %s: %s", path, error)
            return None
        self.path = path
        return path

    def text(
        self,
        programme: Programme | None,
        outputs: Sequence[object | None],
        ended: datetime,
        heard: Sequence[str],
    ) -> str:
        """The record in words, as written to the file."""
        assert self.started is not None
        seconds = (ended - self.started).total_seconds()
        lines = [
            f"Show: {self.title} ({self.how})",
            f"  started   {self.started:%Y-%m-%d %H:%M:%S}",
            f"  stopped   {ended:%Y-%m-%d %H:%M:%S} (ran {seconds:.1f} s)",
        ]
        if programme is not None:
            stats = programme.stats()
            made = stats.frames / programme.fps
            lines.append(
                f"  pictures  {stats.frames} made ({made:.1f} s at {programme.fps:g} fps), "
                f"{stats.late} late, {stats.repeated} repeated"
            )
            for name, (taken, dropped) in stats.outputs.items():
                lines.append(f"  output    {name}: {taken} frames taken, {dropped} dropped")
        for output in dict.fromkeys(outputs):  # (one output may record and stream)
            if not isinstance(output, BroadcastOutput):
                continue
            if output.file is not None:
                rec = output.recording_stats()
                saved = output.file.path if output.file.path.exists() else None
                lines.append(
                    f"  recording {output.file.path}: {rec.state}, {rec.frames_sent} frames, "
                    f"{rec.frames_dropped} dropped" + ("" if saved else " (no file written)")
                )
            if output.stream_url is not None:
                sent = output.stream_stats()
                lines.append(
                    f"  stream    {output.stream_url.split('?')[0]}: {sent.state}, "
                    f"{sent.frames_sent} frames sent, {sent.frames_dropped} dropped, "
                    f"{sent.reconnects} reconnects"
                    + (f"; last problem: {sent.last_error}" if sent.last_error else "")
                )
        lines.append("  what happened:" if heard else "  what happened: nothing went wrong")
        lines += [f"    {line}" for line in heard]
        return "\n".join(lines) + "\n\n"


def start_show(title: str, how: str) -> ShowRecord:
    """A started :class:`ShowRecord` of the show ``title`` (``how``: what ran it)."""
    return ShowRecord(title, how=how).start()
