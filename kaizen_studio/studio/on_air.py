"""Recording and going live from the studio window, without Qt.

:class:`OnAir` starts and stops the recording (the programme, and the clean camera beside
it when asked) and the stream on the show's programme. Opening an encoder or starting the
streaming process takes a moment, so that work runs on the control's worker; what a
pupil asked for (:attr:`OnAir.recording`, :attr:`OnAir.live`) changes at once, and what is
true comes from the outputs' states (:meth:`OnAir.recording_status`,
:meth:`OnAir.stream_status`): on air only once the school's server took the stream,
recording only once pictures reach the file. A stream the server refuses (the key) or
whose name another show holds ends by itself: the wish to be live ends with it, and the
job that ends it says why in words.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol

from kaizen_studio.broadcast import BroadcastOutput, OutputState, OutputStats, Recorder
from kaizen_studio.broadcast.streamer import CONNECTING, check_url
from kaizen_studio.core.clock import Clock
from kaizen_studio.core.errors import InputError, StudioError
from kaizen_studio.studio.files import check_output_path
from kaizen_studio.studio.jobs import JobKind
from kaizen_studio.studio.output_link import OutputLink
from kaizen_studio.studio.pipeline import Programme
from kaizen_studio.studio.sources.base import SizedSource


def check_address(url: str) -> None:
    """Raise InputError, in words for a pupil, unless ``url`` is an RTMP address."""
    try:
        check_url(url)
    except ValueError:
        raise InputError(
            "the stream address must start with rtmp:// and name the server and the stream "
            "(rtmp://HOST:PORT/live/NAME); ask your teacher for the school's address (studio "
            "serve prints it)"
        ) from None


class Worker(Protocol):
    def __call__(self, kind: JobKind, work: Callable[[], str]) -> object: ...


@dataclass(kw_only=True)
class _Running:
    """The programme's output (one encoder for the recording and the stream), its link."""

    output: BroadcastOutput
    link: OutputLink

    @property
    def busy(self) -> bool:
        return self.output.recording or self.output.streaming


class OnAir:
    """The show's recording and stream; ``run`` hands slow work to the control's worker,
    ``programme`` gives the running programme (or raises). Recording and streaming at
    once share one encoder: whichever starts second joins the first's."""

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
        self._output: _Running | None = None
        self._camera: tuple[Recorder, OutputLink] | None = None
        self._recording_since: float | None = None
        self._taking = False  # a take was started (it may have failed since)
        self._live_since: float | None = None
        self.last_recording: BroadcastOutput | None = None
        self.last_stream: BroadcastOutput | None = None
        self.recording = False
        self.recording_camera = False
        """the clean camera is being recorded too (its size is fixed for the take)"""
        self.live = False
        """a pupil asked to be live (the stream's state says whether it is on air)"""

    def _join(
        self,
        programme: Programme,
        *,
        record: Path | None = None,
        stream: str | None = None,
        camera: Recorder | None = None,
    ) -> tuple[BroadcastOutput, OutputLink | None]:
        """The programme's output with ``record`` or ``stream`` added: joined to the one
        running, or a new one; and the link of the clean ``camera`` take, fed from the
        same tick as a new output."""
        held = self._output
        if held is not None and held.busy:
            if record is not None and not held.output.start_recording(record):
                raise StudioError(held.output.recording_stats().message)
            if stream is not None:
                held.output.start_stream(stream)
            clean = programme.add_output(camera, feed="camera") if camera is not None else None
            return held.output, clean
        if held is not None:  # what it had failed: start afresh
            programme.remove_outputs(held.link)
            self._output = None
        width, height = self.size
        output = BroadcastOutput(
            record=record, stream=stream, width=width, height=height, fps=self.fps
        )
        if camera is None:
            self._output = _Running(output=output, link=programme.add_output(output))
            return output, None
        link, clean = programme.add_outputs((output, "programme"), (camera, "camera"))
        self._output = _Running(output=output, link=link)
        return output, clean

    def _leave(self, programme: Programme) -> None:
        """Remove the programme's output once it neither records nor streams."""
        held = self._output
        if held is not None and not held.busy:
            programme.remove_outputs(held.link)
            self._output = None

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
        encoder opens on the worker, or the stream's is joined). With ``camera_too`` the
        clean camera is recorded beside it as '... camera.mp4', for re-keying later with
        ``studio key``."""
        self._programme()
        if self.recording:
            raise InputError("already recording")
        self.recordings.mkdir(parents=True, exist_ok=True)
        path = check_output_path(self.recording_name())
        self.recording = True

        self.recording_camera = camera_too

        def work() -> str:
            programme = self._programme()
            clean: Recorder | None = None
            try:
                if camera_too:
                    source = programme.source
                    cw, ch = source.size if isinstance(source, SizedSource) else self.size
                    clean = Recorder(
                        path.with_name(f"{path.stem} camera.mp4"),
                        width=cw - cw % 2,
                        height=ch - ch % 2,
                        fps=self.fps,
                    )
                output, link = self._join(programme, record=path, camera=clean)
            except Exception:  # the button goes back to RECORD; the job says why
                self.recording = self.recording_camera = False
                if clean is not None:  # never linked (an output that fails is not)
                    clean.stop()
                raise
            self._camera = (clean, link) if clean is not None and link is not None else None
            self._recording_since = None  # counted once on air
            self.last_recording, self._taking = output, True
            return f"Recording to {path.name}"

        self._run(JobKind.START_RECORDING, work)
        return path

    def stop_recording(self) -> None:
        """Finish the recording (and the camera's) on the worker; the show, and the
        stream, go on."""
        self.recording = self.recording_camera = False

        def work() -> str:
            taking, self._taking, self._recording_since = self._taking, False, None
            held, camera, self._camera = self._output, self._camera, None
            if not taking or held is None:
                return "Not recording"
            programme = self._programme()
            # the take and its clean camera end on the same tick: both leave the
            # programme at once, then each encodes what it holds into its file
            clean = [camera[1]] if camera is not None else []
            if held.output.streaming:  # the stream goes on; the take is cut now
                programme.detach(*clean)
                held.output.stop_recording()
            else:
                programme.detach(held.link, *clean)
                programme.finish(held.link)
                self._output = None
            for link in clean:
                programme.finish(link)
            outputs: list[BroadcastOutput] = [held.output]
            if camera is not None:
                outputs.append(camera[0])
            stats = [o.recording_stats() for o in outputs]
            problems = [s.message for s in stats if s.state is OutputState.FAILED]
            if problems:
                raise StudioError("; ".join(problems))
            names = " and ".join(o.file.path.name for o in outputs if o.file is not None)
            return f"Saved {names} ({stats[0].frames_sent} pictures)"

        self._run(JobKind.STOP_RECORDING, work)

    # -- the stream ----------------------------------------------------------------------
    def go_live(self, url: str) -> None:
        """Stream to ``url`` (checked at once; the streaming process starts on the
        worker, from the recording's encoder when recording)."""
        self._programme()
        check_address(url)
        if self.live:
            raise InputError("already live")
        self.live = True
        self.last_stream, self._live_since = None, None  # the last stream's state is not ours

        def work() -> str:
            try:
                output, _ = self._join(self._programme(), stream=url)
            except Exception:  # the button goes back to GO LIVE; the job says why
                self.live = False
                raise
            self.last_stream = output
            return "Connecting to the school's server..."

        self._run(JobKind.GO_LIVE, work)

    def stop_live(self) -> None:
        self.live = False
        self._run(JobKind.STOP_LIVE, self._end_stream)

    def _end_stream(self, why: str = "") -> str:
        """End the stream (on the worker); ``why`` it ended by itself, or how it went."""
        self._live_since = None
        held = self._output
        if held is None or not held.output.streaming:
            return why or "Not live"
        held.output.stop_stream()
        self._leave(self._programme())
        return why or f"Off air ({held.output.stream_stats().frames_sent} pictures sent)"

    # -- status --------------------------------------------------------------------------
    def recording_status(self) -> tuple[OutputStats | None, str, float]:
        """The recording's stats (or the last one's), its file name, seconds since its
        first picture reached the file. A recording that failed ends the wish to record
        (its job says why)."""
        last = self.last_recording
        if last is None or last.file is None:
            return None, "", 0.0
        stats = last.recording_stats()
        if stats.state is OutputState.ON_AIR and self._recording_since is None:
            self._recording_since = self.clock.now()
        if self.recording and stats.state is OutputState.FAILED:
            self.stop_recording()  # the button goes back to RECORD; the job says why
        since = self._recording_since
        seconds = self.clock.now() - since if since is not None else 0.0
        return stats, last.file.path.name, seconds

    def on_air_now(self) -> bool:
        """True while the school's server has the stream (what the LIVE badge shows); a
        plain query, safe from the programme's thread: it starts and ends nothing."""
        last = self.last_stream
        return last is not None and last.stream_stats().state is OutputState.ON_AIR

    def stream_status(self) -> tuple[OutputStats | None, float]:
        """The stream's stats (CONNECTING until the stream exists) and seconds since the
        school's server took it. A stream that ended by itself (refused, the name taken,
        failed) ends the wish to be live, and a job ends the stream saying why."""
        last = self.last_stream
        if last is None:
            waiting = OutputStats(state=OutputState.CONNECTING, message=CONNECTING)
            return (waiting if self.live else None), 0.0
        stats = last.stream_stats()
        if stats.state is OutputState.ON_AIR and self._live_since is None:
            self._live_since = self.clock.now()
        if self.live and stats.state.final and stats.state is not OutputState.STOPPED:
            self.live = False
            self._run(JobKind.STOP_LIVE, lambda: self._end_stream(stats.message))
        since = self._live_since
        return stats, (self.clock.now() - since if since is not None else 0.0)
