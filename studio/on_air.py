"""Recording and going live from the studio window, without Qt.

:class:`OnAir` starts and stops the recording (the programme, and the clean camera beside
it when asked) and the stream on the show's programme. Opening an encoder or starting the
streaming process takes a moment, so that work runs on the control's worker; the state a
button shows (:attr:`OnAir.recording`, :attr:`OnAir.live`) changes at once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol

from broadcast import BroadcastOutput, OutputStats, Recorder
from studio.clock import Clock
from studio.errors import InputError, StudioError
from studio.files import check_output_path
from studio.output_link import OutputLink
from studio.pipeline import Programme


class Worker(Protocol):
    def __call__(self, what: str, work: Callable[[], str]) -> object: ...


@dataclass
class _Running:
    """One output on the programme: what it is, its link, when it started."""

    output: Recorder | BroadcastOutput
    link: OutputLink | None
    started: float
    camera: tuple[Recorder, OutputLink] | None = None


class OnAir:
    """The show's recording and stream; ``run`` hands slow work to the control's worker,
    ``programme`` gives the running programme (or raises)."""

    def __init__(
        self,
        *,
        title: str,
        size: tuple[int, int],
        fps: float,
        clock: Clock,
        recordings: Path,
        run: Worker,
        programme: Callable[[], Programme],
    ) -> None:
        self.title, self.size, self.fps, self.clock = title, size, fps, clock
        self.recordings = recordings
        self._run, self._programme = run, programme
        self._recording: _Running | None = None
        self._stream: _Running | None = None
        self.last_recording: Recorder | None = None
        self.last_stream: BroadcastOutput | None = None
        self.recording = False
        self.recording_camera = False
        """the clean camera is being recorded too (its size is fixed for the take)"""
        self.live = False

    # -- recording ---------------------------------------------------------------------
    def recording_name(self) -> Path:
        stamp = datetime.now().strftime("%Y-%m-%d %H.%M.%S")
        safe = "".join(c for c in self.title if c.isalnum() or c in " -_").strip()
        path = self.recordings / f"{safe or 'Show'} {stamp}.mp4"
        take = 1
        while path.exists() or path.with_name(f"{path.stem} camera.mp4").exists():
            take += 1  # a second take within the same second keeps the first
            path = self.recordings / f"{safe or 'Show'} {stamp} ({take}).mp4"
        return path

    def start_recording(self, *, camera_too: bool = False) -> Path:
        """Start recording to a new file in the recordings folder (returned at once; the
        encoder opens on the worker). With ``camera_too`` the clean camera is recorded
        beside it as '... camera.mp4', for re-keying later with ``studio key``."""
        self._programme()
        if self.recording:
            raise InputError("already recording")
        self.recordings.mkdir(parents=True, exist_ok=True)
        path = check_output_path(self.recording_name())
        self.recording = True

        self.recording_camera = camera_too

        def work() -> str:
            programme = self._programme()
            camera = None
            try:
                width, height = self.size
                recorder = Recorder(path, width=width, height=height, fps=self.fps)
                if camera_too:
                    cw, ch = getattr(programme.source, "size", self.size)
                    clean = Recorder(
                        path.with_name(f"{path.stem} camera.mp4"),
                        width=cw - cw % 2,
                        height=ch - ch % 2,
                        fps=self.fps,
                    )
                    camera = (clean, programme.add_output(clean, feed="camera"))
                link = programme.add_output(recorder)
            except Exception:  # the button goes back to RECORD; the job says why
                self.recording = self.recording_camera = False
                if camera is not None:
                    programme.remove_output(camera[1])
                raise
            self._recording = _Running(recorder, link, self.clock.now(), camera)
            self.last_recording = recorder
            return f"Recording to {path.name}"

        self._run("Start recording", work)
        return path

    def stop_recording(self) -> None:
        """Finish the recording (and the camera's) on the worker; the show goes on."""
        self.recording = self.recording_camera = False

        def work() -> str:
            held, self._recording = self._recording, None
            if held is None or held.link is None:
                return "Not recording"
            programme = self._programme()
            programme.remove_output(held.link)
            recorders = [held.output]
            if held.camera is not None:
                programme.remove_output(held.camera[1])
                recorders.append(held.camera[0])
            problems = [r.stats().message for r in recorders if r.stats().state == "failed"]
            if problems:
                raise StudioError("; ".join(problems))
            names = " and ".join(r.path.name for r in recorders if isinstance(r, Recorder))
            return f"Saved {names} ({held.output.stats().frames_sent} pictures)"

        self._run("Stop recording", work)

    # -- the stream ----------------------------------------------------------------------
    def go_live(self, url: str) -> None:
        """Stream to ``url`` (checked at once; the streaming process starts on the worker)."""
        self._programme()
        if not url.startswith(("rtmp://", "rtmps://")):
            raise InputError(
                f"the stream address {url!r} must start with rtmp://; ask your teacher for "
                "the school's address (studio serve prints it)"
            )
        if self.live:
            raise InputError("already live")
        self.live = True

        def work() -> str:
            width, height = self.size
            try:
                streamer = BroadcastOutput(stream=url, width=width, height=height, fps=self.fps)
                link = self._programme().add_output(streamer)
            except Exception:  # the button goes back to GO LIVE; the job says why
                self.live = False
                raise
            self._stream = _Running(streamer, link, self.clock.now())
            self.last_stream = streamer
            return "Going live to the classroom screens..."

        self._run("Go live", work)

    def stop_live(self) -> None:
        self.live = False

        def work() -> str:
            held, self._stream = self._stream, None
            if held is None or held.link is None:
                return "Not live"
            self._programme().remove_output(held.link)
            return f"Off air ({held.output.stats().frames_sent} pictures sent)"

        self._run("Stop the stream", work)

    # -- status --------------------------------------------------------------------------
    def recording_status(self) -> tuple[OutputStats | None, str, float]:
        """The recording's stats (or the last one's), its file name, seconds so far."""
        held, last = self._recording, self.last_recording
        seconds = self.clock.now() - held.started if held else 0.0
        if last is None:
            return None, "", seconds
        return last.stats(), last.path.name, seconds

    def stream_status(self) -> tuple[OutputStats | None, float]:
        held, last = self._stream, self.last_stream
        seconds = self.clock.now() - held.started if held else 0.0
        return (last.stream_stats() if last else None), seconds
