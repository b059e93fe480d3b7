"""The studio's controls, without Qt: what the window's buttons do to the running show.

:class:`StudioControl` owns the camera (or the demo presenter), the keyer, the programme,
the sound, the recording and the stream. The window calls its methods from the GUI thread
and polls :meth:`StudioControl.programme_picture`, :meth:`StudioControl.camera_picture`
and :meth:`StudioControl.status`; anything that may take a while (opening a camera,
finishing a recording, calibrating) runs on the control's own worker, so the window never
waits for it. Errors come back as :class:`Job` results for the window to show. The key's
own controls are in :mod:`studio.key_controls`; the recordings folder's free space is
watched by :mod:`studio.disk_watch` (:meth:`StudioControl.disk_space`: LOW_DISK early).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from kaizen_studio.broadcast.recorder import recover_folder
from kaizen_studio.core.clock import Clock
from kaizen_studio.core.errors import DeviceError, InputError
from kaizen_studio.core.media import Image, SourceState, VideoFrame, VideoSource
from kaizen_studio.keying import (
    KeyCheck,
    KeyerSettings,
)
from kaizen_studio.studio.backdrop import Backdrop
from kaizen_studio.studio.checklist import screen_tips
from kaizen_studio.studio.disk_watch import DiskSpace, DiskWatch
from kaizen_studio.studio.jobs import Job, JobKind
from kaizen_studio.studio.key_controls import KeyControls, key_check_words
from kaizen_studio.studio.on_air import OnAir
from kaizen_studio.studio.output_link import LatestPicture
from kaizen_studio.studio.overlays import LowerThird, Overlay, Ticker
from kaizen_studio.studio.pipeline import Programme
from kaizen_studio.studio.programme_look import Transition
from kaizen_studio.studio.scenes import Look, look_for
from kaizen_studio.studio.shared_keyer import SharedKeyer
from kaizen_studio.studio.show import Scene, Show
from kaizen_studio.studio.show_record import ShowRecord, start_show
from kaizen_studio.studio.sound import ShowSound
from kaizen_studio.studio.sources import CameraSource, DemoPresenterSource, list_cameras
from kaizen_studio.studio.sources.base import MeasuredSource
from kaizen_studio.studio.sources.guest import GuestSource
from kaizen_studio.studio.status_words import Status
from kaizen_studio.studio.step_down import ShowLevel


class StudioControl(KeyControls):
    """The running show the window drives.

    ``camera``: 'auto' (the first camera, else the demo presenter), 'demo', or a camera
    index or name. ``recordings``: the folder recordings go to.
    """

    def __init__(
        self,
        show: Show,
        *,
        camera: str = "auto",
        recordings: Path,
        stream_url: str = "",
        microphone: str | None = None,
        keyer_settings: KeyerSettings | None = None,
    ) -> None:
        self.show = show
        self.camera_choice, self.stream_url = camera, stream_url
        self.microphone = microphone
        self.clock = Clock()
        self.keyer_settings = keyer_settings or KeyerSettings()
        """the key's settings at the start (remembered from the last run)"""
        self.keyer = SharedKeyer(self.keyer_settings)
        self.size = show.size
        self.source: VideoSource | None = None
        self.programme: Programme | None = None
        self.record: ShowRecord | None = None  # this show's entry in shows.txt
        self.preview = LatestPicture()
        self.scene_index = 0
        self.sound = ShowSound(clock=self.clock, microphone=microphone)
        """the microphone (or the test sound) mixed with the sound of video backgrounds"""
        self.starting = "getting the camera ready"
        self.source_problem = ""
        """why the camera chosen is not showing ('' when it is)"""
        self.key_message = ""
        self.key_check: KeyCheck | None = None
        self.plate: Image | None = None
        self._worker = ThreadPoolExecutor(1, thread_name_prefix="studio control")
        self._outputs = ThreadPoolExecutor(1, thread_name_prefix="studio outputs")
        """starting and finishing recordings and streams (slow) without holding up the key"""
        self._closed = threading.Event()
        self.jobs: list[Job] = []
        """work started by buttons, until the window has shown how it ended"""
        self.on_air = OnAir(
            title=show.title,
            size=self.size,
            fps=show.fps,
            clock=self.clock,
            recordings=recordings,
            run=self._output_job,
            programme=self._need_programme,
        )
        self.disk = DiskWatch(recordings, bitrate=self._recording_bitrate)
        """the recordings folder's free space (:meth:`disk_space`)"""
        self.disk.start()
        self._fps_window: tuple[float, int] = (time.monotonic(), 0)
        self._late_marks: list[tuple[float, int]] = []
        self._fps = 0.0

    # -- starting and stopping -------------------------------------------------------
    def start(self) -> Job:
        """Open the camera (or draw the demo presenter) and start the show, on the worker."""
        return self._job(JobKind.START, self._start)

    def _start(self) -> str:
        source = self._open_source()
        programme = Programme(
            source,
            fps=self.show.fps,
            keyer=self.keyer,
            size=self.size,
            clock=self.clock,
            sound=self.sound,
        )
        if self.show.guest is not None:  # a partner school, shown where the scenes say
            url, name = self.show.guest
            programme.set_guest(GuestSource(url, name=name, size=self.size, clock=self.clock))
        programme.show_look(self._look(self.show.scenes[0], self.keyer_settings))
        programme.add_output(self.preview, mode="latest")
        programme.start()
        self.record = start_show(self.show.title, f"the studio window, camera {self.camera_choice}")
        self.source, self.programme = source, programme
        self.starting = ""
        problem = f" ({self.source_problem})" if self.source_problem else ""
        recovered = "".join(f"; {note}" for note in self._recover_takes())
        return f"The show is on: {self.show.title}{problem}{recovered}"

    def _recover_takes(self) -> list[str]:
        """Takes a crash left hidden in the recordings folder, made visible (said so)."""
        folder = self.on_air.recordings
        return recover_folder(folder) if folder.is_dir() else []

    def _look(self, scene: Scene, keyer: KeyerSettings | None = None) -> Look:
        """The look of ``scene``; a scene that sets no keyer settings keeps the key as it is
        (the sliders' positions), or ``keyer``."""
        look = look_for(scene, self.size, now=self.clock.now(), on_air=self.on_air.on_air_now)
        if look.keyer == KeyerSettings():
            look.keyer = keyer or self.keyer.settings
        return look

    def _open_source(self, *, fallback: bool = True) -> VideoSource:
        """The camera chosen; with ``fallback``, the demo presenter when it cannot be
        opened (the reason kept in :attr:`source_problem`: the show goes on)."""
        choice = self.camera_choice
        self.source_problem = ""
        if choice == "auto":
            choice = "0" if list_cameras() else "demo"
        if choice != "demo":
            which: int | str = int(choice) if choice.isdigit() else choice
            try:
                return CameraSource(which, clock=self.clock)
            except DeviceError as error:
                if not fallback:
                    raise
                self.source_problem = f"{error}; the demo presenter stands in"
        presenter = DemoPresenterSource(size=self.size, fps=self.show.fps, clock=self.clock)
        presenter.start()
        # the show starts on the presenter's first picture; the rest of the loop (100
        # pictures, 0.2 s each at 1280x720) is drawn while the show plays
        self.starting = "drawing the demo presenter"
        while not presenter.drawn:
            if presenter.stats().state is SourceState.FAILED:
                presenter.close()
                raise DeviceError(presenter.stats().message)
            time.sleep(0.05)
        return presenter

    def close(self) -> None:
        """Stop everything, finishing a recording properly (waits for it)."""
        self._closed.set()
        self.disk.close()
        self._worker.shutdown(wait=True)
        self._outputs.shutdown(wait=True)  # the programme finishes the outputs it still has
        if self.programme is not None:
            self.programme.close()
            if self.record is not None:  # after the close: the outputs' figures are final
                self.record.stop(
                    self.programme, [self.on_air.last_recording, self.on_air.last_stream]
                )
        elif self.source is not None:
            self.source.close()
        self.keyer.close()

    @property
    def running(self) -> bool:
        return self.programme is not None

    def _job(self, kind: JobKind, work: Callable[[], str]) -> Job:
        job = Job(kind=kind, future=self._worker.submit(work))
        self.jobs.append(job)
        return job

    def _output_job(self, kind: JobKind, work: Callable[[], str]) -> Job:
        job = Job(kind=kind, future=self._outputs.submit(work))
        self.jobs.append(job)
        return job

    def finished_jobs(self) -> list[Job]:
        """Jobs that have ended since the last call (each reported once)."""
        done = [job for job in self.jobs if job.future.done()]
        self.jobs = [job for job in self.jobs if job not in done]
        return done

    def _need_programme(self) -> Programme:
        if self.programme is None:
            raise InputError("the show has not started yet; wait a moment")
        return self.programme

    # -- pictures for the window ---------------------------------------------------------
    def programme_picture(self) -> VideoFrame | None:
        return self.preview.frame

    def camera_picture(self) -> VideoFrame | None:
        return self.source.read() if self.source is not None else None

    # -- scenes, backgrounds and captions ---------------------------------------------------
    def show_scene(self, index: int, *, transition: Transition = Transition.CUT) -> Job:
        """Switch to scene ``index`` (its background is drawn on the worker)."""
        if not 0 <= index < len(self.show.scenes):
            raise InputError(f"the show has scenes 1 to {len(self.show.scenes)}, not {index + 1}")
        programme = self._need_programme()
        self.scene_index = index
        scene = self.show.scenes[index]

        def work() -> str:
            look = self._look(scene)
            programme.show_look(look, transition=transition)
            return f"Scene {index + 1}: {scene.name}"

        return self._job(JobKind.SCENE, work)

    def set_background(self, spec: str, *, transition: Transition = Transition.CUT) -> Job:
        """Put ``spec`` (a built-in name, a picture or video file, '#RRGGBB') behind the
        presenter, keeping the scene's captions."""

        def work() -> str:
            programme = self._need_programme()
            backdrop = Backdrop(spec, self.size, fit=True)
            now = programme.look
            look = Look(
                backdrop,
                list(programme.overlays),
                now.placement if now else Look(backdrop).placement,
                self.keyer.settings,
                Path(spec).name,
            )
            programme.show_look(look, transition=transition)
            return f"Background: {Path(spec).name}"

        return self._job(JobKind.BACKGROUND, work)

    def _replace_overlay(self, kind: type, overlay: Overlay | None) -> None:
        programme = self._need_programme()
        kept: list[Overlay] = [o for o in programme.overlays if not isinstance(o, kind)]
        if overlay is not None:
            kept.append(overlay)
        programme.overlays = kept

    def set_lower_third(self, name: str, role: str) -> None:
        """Show a caption with ``name`` and ``role`` (an empty name takes it away)."""
        name, role = name.strip(), role.strip()
        caption = LowerThird(name, role, shown_at=self.clock.now()) if name else None
        self._replace_overlay(LowerThird, caption)

    def set_ticker(self, text: str) -> None:
        """Scroll each non-empty line of ``text`` along the bottom (none: no ticker)."""
        items = [line.strip() for line in text.splitlines() if line.strip()]
        self._replace_overlay(Ticker, Ticker(items) if items else None)

    def captions(self) -> tuple[tuple[str, str], list[str]]:
        """The lower third's (name, role) and the ticker's headlines now on the programme
        (a kept lower third, e.g. the kidsmeet's talk caption, stands in for the scene's:
        the last one in drawing order is the one seen)."""
        caption, headlines = ("", ""), []
        drawn = [*self.programme.overlays, *self.programme.kept_overlays] if self.programme else []
        for overlay in drawn:
            if isinstance(overlay, LowerThird):
                caption = (overlay.name, overlay.role)
            elif isinstance(overlay, Ticker):
                headlines = list(overlay.items)
        return caption, headlines

    # -- recording and streaming (see studio.on_air) -----------------------------------------
    @property
    def recording(self) -> bool:
        return self.on_air.recording

    @property
    def live(self) -> bool:
        return self.on_air.live

    # -- status ------------------------------------------------------------------------------
    def _recording_bitrate(self) -> float:
        """The recording's bits a second now (0.0 when not recording)."""
        stats, _, _ = self.on_air.recording_status()
        if not self.on_air.recording or stats is None:
            return 0.0
        return stats.bitrate_kbps * 1000.0

    def disk_space(self) -> DiskSpace:
        """The recordings folder's room as a typed state (LOW_DISK with the minutes left
        at the current bitrate, FULL, ...), for the window to warn with."""
        return self.disk.space

    def status(self) -> Status:
        programme = self.programme
        calibration = self.keyer.calibration
        stats = programme.stats() if programme else None
        now = time.monotonic()
        began, frames = self._fps_window
        if stats is not None and now - began >= 1.0:
            self._fps = (stats.frames - frames) / (now - began)
            self._fps_window = (now, stats.frames)
        late = stats.late if stats else 0
        self._late_marks = [(t, n) for t, n in self._late_marks if now - t <= 5.0]
        self._late_marks.append((now, late))
        source = self.source if isinstance(self.source, MeasuredSource) else None
        recording, recording_file, recording_seconds = self.on_air.recording_status()
        streaming, streaming_seconds = self.on_air.stream_status()
        return Status(
            starting=self.starting,
            source=source.stats() if source is not None else None,
            frames=stats.frames if stats else 0,
            fps=self._fps,
            late=late,
            late_recently=late - self._late_marks[0][1],
            programme_message=stats.message if stats else "",
            level=stats.level if stats else ShowLevel.FULL,
            stepped=stats.stepped if stats else "",
            key_message=self.key_message,
            recording=recording,
            recording_file=recording_file,
            recording_seconds=recording_seconds,
            streaming=streaming,
            streaming_seconds=streaming_seconds,
            sound_db=self.sound.level_db,
            sound_message=self.sound.status,
            disk_free_bytes=self.disk.space.free_bytes,
            disk=self.disk.space,
            key_tips=(tuple(screen_tips(calibration)) if calibration else ())
            + tuple(w for w in (key_check_words(self.key_check),) if w),
        )

    def replace_source(self, source: VideoSource) -> None:
        """Show ``source`` from now on (a camera plugged back in); the old one is closed."""
        self._need_programme().replace_source(source)
        self.source, self.starting = source, ""

    def retry_camera(self) -> Job:
        """Open the camera again (after it was unplugged) and switch to it."""

        def work() -> str:
            self.replace_source(self._open_source(fallback=False))
            return "The camera is back"

        return self._job(JobKind.RETRY_CAMERA, work)

    def use_camera(self, choice: str) -> Job:
        """Switch to camera ``choice`` (an index, a name, or 'demo') while the show goes on."""

        if self.on_air.recording_camera:
            raise InputError(
                "stop recording first: the camera's own recording cannot change camera mid-take"
            )

        def work() -> str:
            previous, self.camera_choice = self.camera_choice, choice
            try:
                self.replace_source(self._open_source(fallback=False))
            except DeviceError:
                self.camera_choice = previous
                raise
            return f"Showing {'the demo presenter' if choice == 'demo' else f'camera {choice}'}"

        return self._job(JobKind.CAMERA, work)
