"""The programme: the compositor at the show's frame rate, and the outputs it feeds.

Each tick of the show's clock, the compositor takes the newest frame of the source (the
camera), keys it over the background and hands the programme frame to every output. Each
output has its own worker thread and bounded queue: "latest" keeps only the newest frame
(previews, the virtual camera), "buffered" keeps a few seconds (encoders). A full queue
drops and counts; the compositor never waits for an output. An output may take the camera
frames the programme used instead (``feed="camera"``: the clean green take, for re-keying
later), stamped with the same ticks. Given the show's sound (:class:`studio.sound.ShowSound`)
the programme starts and stops it with the show and mixes in the sound of a video backdrop
(played in a worker, :meth:`studio.backdrop.Backdrop.play`) or a video file source. The
engine never imports Qt.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable

import cv2

from kaizen_studio.core.clock import Clock, Pacer, first_tick, set_up_kept
from kaizen_studio.core.media import AudioBlock, Image, VideoFrame, VideoOutput, VideoSource
from kaizen_studio.keying import Keyer, NoScreenFoundError, cover_fit, warm_up
from kaizen_studio.studio.backdrop import Backdrop
from kaizen_studio.studio.output_link import Feed, Mode, OutputLink
from kaizen_studio.studio.overlays import Overlay
from kaizen_studio.studio.placement import placed
from kaizen_studio.studio.programme_stats import STAGES, ProgrammeStats, Rolling
from kaizen_studio.studio.scenes import Look
from kaizen_studio.studio.sound import ShowSound, SoundFeed
from kaizen_studio.studio.sources.video_file import VideoFileSource

log = logging.getLogger(__name__)


class Programme:
    """Keys ``source`` over ``background`` at ``fps`` and feeds the outputs.

    ``keyer`` None passes the source through unkeyed. The keyer calibrates itself on the
    first frame; if no screen is found the programme shows the camera as it is and says
    why in :meth:`stats` (the show never stops for it).
    """

    def __init__(
        self,
        source: VideoSource,
        *,
        fps: float = 25.0,
        keyer: Keyer | None = None,
        background: Image | None = None,
        size: tuple[int, int] | None = None,
        overlays: list[Overlay] | None = None,
        clock: Clock | None = None,
        sound: ShowSound | None = None,
    ) -> None:
        if not 1 <= fps <= 60:
            raise ValueError(f"the show's frame rate must be 1 to 60, got {fps}")
        self.source, self.fps, self.keyer = source, fps, keyer
        self.background, self.size = background, size
        self.overlays: list[Overlay] = list(overlays or [])
        """Drawn on every programme frame in order; the list may be changed while live."""
        self.look: Look | None = None
        self._pending: tuple[Look, str, float] | None = None
        self._fade: tuple[Image, float, float] | None = None
        self.clock = clock or Clock()
        self.links: list[OutputLink] = []
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._frames = self._repeated = self._waiting = 0
        self._timings = {stage: Rolling(round(fps)) for stage in (*STAGES, "frame")}
        self.sound = sound
        """The show's sound, delivered to this programme, started and stopped with it
        (None: sound is sent to :meth:`send_audio` from elsewhere, or there is none)."""
        self._playing: Backdrop | None = None  # the backdrop playing live
        self._last_tick = 0.0
        self._audio_lock = threading.Lock()
        self._held_audio: deque[AudioBlock] = deque()  # waiting for the pictures
        self._sound_end: float | None = None  # stopped: no sound after this
        self._feeds: list[SoundFeed] = []  # the video sounds this programme added
        self._message = "not started"
        self._last_index = -1
        self._pacer: Pacer | None = None
        self._cpu = (0.0, 0.0, 0.0)
        self.on_frame: Callable[[VideoFrame], None] | None = None

    def add_output(
        self,
        output: VideoOutput,
        *,
        mode: Mode = "buffered",
        seconds: float = 3.0,
        feed: Feed = "programme",
    ) -> OutputLink:
        """Feed ``output`` from now on (its own worker and bounded queue) with the
        programme, or with ``feed="camera"`` the camera frames it used (unkeyed, at the
        camera's size, stamped with the programme's ticks: the clean take)."""
        if feed not in ("programme", "camera"):
            raise ValueError(f"an output is fed the 'programme' or the 'camera', got {feed!r}")
        link = OutputLink(output, mode, max(2, round(seconds * self.fps)), feed)
        self.links.append(link)
        if self._thread is not None:
            self._start_link(link)
        return link

    def remove_output(self, link: OutputLink) -> None:
        """Stop feeding ``link``'s output: it gets what it already holds, then stops (a
        recording ends while the show goes on). Waits for that output only."""
        if link not in self.links:
            raise ValueError("that output is not on this programme")
        self.links = [other for other in self.links if other is not link]
        if link.thread is not None:
            link.frames.put(None)
            link.thread.join(timeout=30.0)
            link.thread = None
            link.output.stop()

    def show_look(self, look: Look, *, transition: str = "cut", seconds: float = 0.5) -> None:
        """Switch to ``look`` (a scene) at the next frame, with a ``cut`` or a ``fade``."""
        if transition not in ("cut", "fade"):
            raise ValueError(f"transition must be 'cut' or 'fade', got {transition!r}")
        if not 0.0 < seconds <= 5.0:
            raise ValueError(f"a fade lasts 0 to 5 seconds, got {seconds}")
        self._pending = (look, transition, seconds)

    def _take_pending(self, tick: float, last: Image | None) -> bool:
        pending, self._pending = self._pending, None
        if pending is None:
            return False
        look, transition, seconds = pending
        if transition == "fade" and last is not None:
            self._fade = (last.copy(), tick, seconds)
        self.look = look
        self._play(look.backdrop)
        self.overlays = list(look.overlays)
        if self.keyer is not None:
            self.keyer.settings = look.keyer
        return True

    def send_audio(self, block: AudioBlock) -> None:
        """Hand a block of the show's sound to every output that takes sound (it must not
        block: recorders and streamers queue it).

        Sound is held until the pictures have caught up with it (at most a second), so it
        never runs ahead of them: when the show stops, the sound past the end of the last
        frame is cut, and the recordings' sound ends with their pictures.
        """
        with self._audio_lock:
            if self._sound_end is not None:
                return  # the show has stopped
            self._held_audio.append(block)
            self._forward_audio(self._audio_limit())

    def _audio_limit(self) -> float:
        behind = self.clock.now() - 1.0
        return max(self._last_tick + 1.0 / self.fps, behind) if self._frames else behind

    def _forward_audio(self, limit: float, *, cut: bool = False) -> None:
        """Send the held blocks that end by ``limit`` (with ``cut``, the one across it
        cut there, the rest dropped); called holding the audio lock, to keep the order."""
        held = self._held_audio
        while held and held[0].pts + held[0].duration <= limit + 1e-9:
            self._send_audio(held.popleft())
        if cut and held:
            keep = round((limit - held[0].pts) * held[0].sample_rate)
            if keep > 0:
                first = held[0]
                self._send_audio(AudioBlock(first.samples[:keep], first.sample_rate, first.pts))
            held.clear()

    def _send_audio(self, block: AudioBlock) -> None:
        for link in list(self.links):
            take = getattr(link.output, "send_audio", None)
            if take is not None and not link.failed:
                take(block)

    def _start_link(self, link: OutputLink) -> None:
        link.output.start()
        link.thread = threading.Thread(
            target=link.run, daemon=True, name=f"output {type(link.output).__name__}"
        )
        link.thread.start()

    def _play(self, backdrop: Backdrop) -> None:
        """Play ``backdrop`` live (a video: decoded in a worker, its sound mixed in),
        stopping the one before."""
        if backdrop is self._playing:
            return
        replaced = self._playing
        self._stop_playing()
        if replaced is not None:
            replaced.close()  # its file too: a look's video is opened afresh for each look
        if not backdrop.still:
            feed = self._feed(f"the background {backdrop.spec}")
            backdrop.play(self.clock, on_sound=None if feed is None else feed.push)
            self._playing = backdrop

    def _stop_playing(self) -> None:
        playing, self._playing = self._playing, None
        if playing is not None:
            playing.stop()
            name = f"the background {playing.spec}"
            for feed in [f for f in self._feeds if f.name == name]:
                self._feeds.remove(feed)
                if self.sound is not None:
                    self.sound.remove_feed(feed)

    def _feed(self, name: str) -> SoundFeed | None:
        if self.sound is None:
            return None
        feed = self.sound.feed(name)
        self._feeds.append(feed)
        return feed

    def _hear(self, source: VideoSource) -> None:
        """Mix a video file source's sound into the show's sound."""
        if isinstance(source, VideoFileSource) and source.on_sound is None:
            feed = self._feed(source.name)
            if feed is not None:
                source.on_sound = feed.push

    def replace_source(self, source: VideoSource) -> None:
        """Show ``source`` from its next frame on (another camera, a video file) while the
        show goes on: it is started (its sound mixed in), the old one closed."""
        old = self.source
        self._hear(source)
        if self._thread is not None:
            source.start()
        self.source, self._last_index = source, -1
        if isinstance(old, VideoFileSource) and self.sound is not None:
            for feed in [f for f in self._feeds if f.name == old.name]:
                self._feeds.remove(feed)
                self.sound.remove_feed(feed)
        old.close()

    def start(self) -> None:
        if self._thread is not None:
            return
        if self.keyer is not None:
            warm_up()  # the keyer's compiled passes, before the first picture wants them
        with self._audio_lock:
            self._sound_end = None
            self._held_audio.clear()
        self._hear(self.source)
        self.source.start()
        for link in self.links:
            self._start_link(link)
        self._stop.clear()
        self._message = "on"
        self._cpu = (time.monotonic(), time.process_time(), 0.0)
        self._thread = threading.Thread(target=self._run, name="programme", daemon=True)
        self._thread.start()
        if self.sound is not None:  # (a sound used by an earlier programme comes here now)
            self.sound.deliver = self.send_audio
            self.sound.start()

    def _prime(self) -> float | None:
        """Before the first tick: take the pending look, wait (up to a second) for the
        source's first frame and key it once, unshown. The keyer calibrates itself on it
        and sets up its buffers (90 ms at 1080p, once), which in the first tick would make
        it late and lose the two ticks after it. The frame's time (None: no frame)."""
        self._take_pending(self.clock.now(), None)
        deadline = self.clock.now() + 1.0
        while not self._stop.is_set() and self.clock.now() < deadline:
            frame = self.source.read()
            if frame is not None:
                self._compose(frame.image, self.clock.now())
                return frame.pts
            self.clock.sleep_until(self.clock.now() + 0.005)
        return None

    def _run(self) -> None:
        if self.look is not None:
            self._play(self.look.backdrop)
        primed = self._prime()
        with set_up_kept():
            self._tick(primed)

    def _tick(self, primed: float | None) -> None:
        """Make the programme at every tick until stopped; the ticks a quarter of a frame
        after the source's pictures (:func:`core.clock.first_tick`), given the time of
        one (``primed``)."""
        now = self.clock.now()
        start = now if primed is None else first_tick(primed, now, self.fps)
        self._pacer = Pacer(self.clock, self.fps, start=start)
        last: Image | None = None
        shown: Image | None = None
        timed = self._timings
        while not self._stop.is_set():
            tick = self._pacer.wait()
            began = time.perf_counter()
            changed = self._take_pending(tick, shown)
            frame = self.source.read()
            if frame is None:
                self._waiting += 1
                continue
            if (
                frame.index == self._last_index
                and last is not None
                and not changed
                and (self.look is None or self.look.backdrop.still)
            ):
                self._repeated += 1  # the camera is slower than the show: show it again
            else:
                self._last_index = frame.index
                started = time.perf_counter()
                last = self._compose(frame.image, tick)
                timed["key"].add((time.perf_counter() - started) * 1000.0)
            stage = time.perf_counter()
            picture = last.copy()  # the one copy: outputs keep it; the keyer reuses ``last``
            for overlay in list(self.overlays):
                overlay.draw(picture, tick)
            faded = time.perf_counter()
            timed["overlays"].add((faded - stage) * 1000.0)
            picture = self._faded(picture, tick)
            handed = time.perf_counter()
            timed["fade"].add((handed - faded) * 1000.0)
            shown = picture
            index = self._frames
            programme = VideoFrame(picture, tick, index)
            self._frames += 1
            self._last_tick = tick
            camera: VideoFrame | None = None
            for link in list(self.links):
                if link.feed == "camera":
                    camera = camera or VideoFrame(frame.image, tick, index)
                    link.offer(camera)
                else:
                    link.offer(programme)
            if self.on_frame is not None:
                self.on_frame(programme)
            with self._audio_lock:  # the sound up to this frame's end may go now
                self._forward_audio(self._audio_limit())
            done = time.perf_counter()
            timed["outputs"].add((done - handed) * 1000.0)
            timed["frame"].add((done - began) * 1000.0)

    def _faded(self, picture: Image, tick: float) -> Image:
        if self._fade is None:
            return picture
        before, start, seconds = self._fade
        share = (tick - start) / seconds
        if share >= 1.0 or before.shape != picture.shape:
            self._fade = None
            return picture
        blended: Image = cv2.addWeighted(before, 1.0 - share, picture, share, 0.0)
        return blended

    def _backdrop(self, tick: float) -> Image | None:
        if self.look is not None:
            return self.look.backdrop.at(tick)
        return self.background

    def _compose(self, image: Image, tick: float = 0.0) -> Image:
        """The camera keyed over the backdrop; not a copy (the keyer's own buffer, or the
        camera's picture): valid until the next call, never to be drawn on."""
        if self.size is not None and image.shape[1::-1] != self.size:
            image = cover_fit(image, self.size)
        background = self._backdrop(tick)
        if self.keyer is None or background is None:
            return image
        if not self.keyer.calibrated:
            try:
                self.keyer.calibrate(image)
            except NoScreenFoundError as error:
                self._message = f"showing the camera unkeyed: {error}"
                log.warning("%s", self._message)
                return image
            self._message = "on: " + (
                self.keyer.calibration.describe() if self.keyer.calibration else ""
            )
        placement = self.look.placement if self.look is not None else None
        if placement is None or (placement.x == 0.5 and placement.scale == 1.0):
            return self.keyer.process(image, background, foreground=False).composite
        result = self.keyer.process(image, background)
        assert result.foreground is not None  # asked for
        return placed(
            result.foreground,
            result.alpha,
            cover_fit(background, image.shape[1::-1]),
            x=placement.x,
            scale=placement.scale,
        )

    def stats(self) -> ProgrammeStats:
        now, cpu_now = time.monotonic(), time.process_time()
        began, cpu_began, _ = self._cpu
        cpu = (cpu_now - cpu_began) / max(now - began, 1e-6) if began else 0.0
        outputs = {
            type(link.output).__name__ + (" (camera)" if link.feed == "camera" else ""): (
                link.sent,
                link.dropped,
            )
            for link in self.links
        }
        failed = [link.failed for link in self.links if link.failed]
        timed = {stage: rolling.mean for stage, rolling in self._timings.items()}
        return ProgrammeStats(
            frames=self._frames,
            late=self._pacer.late if self._pacer else 0,
            repeated=self._repeated,
            waiting=self._waiting,
            key_ms=timed["key"],
            cpu=cpu,
            outputs=outputs,
            message="; ".join([self._message, *failed]),
            overlays_ms=timed["overlays"],
            fade_ms=timed["fade"],
            outputs_ms=timed["outputs"],
            frame_ms=timed["frame"],
        )

    def stop(self) -> None:
        """Stop the compositor and the sound (cut at the end of the last frame), let the
        outputs finish what they hold, stop the source and a video backdrop."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5.0)
            self._thread = None
            end = self._last_tick + 1.0 / self.fps
            if self.sound is not None:  # let the sound reach the end of the last frame
                self.clock.sleep_until(end + 0.03)
            with self._audio_lock:
                self._forward_audio(end, cut=True)
                self._sound_end = end
        if self.sound is not None:
            self.sound.stop()
        self._stop_playing()
        for link in self.links:
            if link.thread is not None:
                link.frames.put(None)
                link.thread.join(timeout=30.0)
                link.thread = None
                link.output.stop()
        self.source.stop()

    def close(self) -> None:
        self.stop()
        self.source.close()
        if self.look is not None:
            self.look.backdrop.close()
        if self.keyer is not None:
            self.keyer.close()
