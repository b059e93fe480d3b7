"""The programme: the compositor at the show's frame rate, and the outputs it feeds.

Each tick of the show's clock, the programme takes the newest frame of the source (the
camera), puts it through the compositor's stages (:mod:`studio.stages`: key, place,
overlays, transition; a stage that fails is taken out and the show goes on) in the look
on show (:mod:`studio.programme_look`), and hands the programme frame to every output
(:mod:`studio.output_hub`). Each output has its own worker thread and bounded queue:
"latest" keeps only the newest frame (previews, the virtual camera), "buffered" keeps a
few seconds (encoders). A full queue drops and counts; the compositor never waits for an
output. An output may take the camera frames the programme used instead
(``feed="camera"``: the clean green take, for re-keying later), stamped with the same
ticks. Given the show's sound (:class:`studio.sound.ShowSound`) the programme starts and
stops it with the show, holds it back until the pictures catch up and mixes in the sound
of a video backdrop or a video file source (:mod:`studio.programme_sound`). The engine
never imports Qt.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from kaizen_studio.core.clock import Clock, Pacer, first_tick, set_up_kept
from kaizen_studio.core.media import AudioBlock, Image, VideoFrame, VideoOutput, VideoSource
from kaizen_studio.core.memory import give_back_large_blocks
from kaizen_studio.keying import Keyer, warm_up
from kaizen_studio.studio.layers import CoverSource, Layers
from kaizen_studio.studio.output_hub import OutputHub
from kaizen_studio.studio.output_link import Feed, Mode, OutputLink
from kaizen_studio.studio.overlays import Overlay
from kaizen_studio.studio.programme_look import ProgrammeLook, Transition
from kaizen_studio.studio.programme_sound import HeldSound, VideoSounds
from kaizen_studio.studio.programme_stats import ProgrammeStats, TickCounts
from kaizen_studio.studio.scenes import Look
from kaizen_studio.studio.show_level import ShowLevels
from kaizen_studio.studio.sound import ShowSound
from kaizen_studio.studio.sources.guest import GuestSource
from kaizen_studio.studio.stages import (
    REPEAT,
    Compositor,
    KeyStage,
    OverlaysStage,
    PlaceStage,
    TransitionStage,
    describe_error,
)

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
        self.size = size
        self.clock = clock or Clock()
        self._overlays = OverlaysStage(on_fault=self._fault)
        self._overlays.overlays = list(overlays or [])
        self._transition = TransitionStage()
        self._videos = VideoSounds(sound, self.clock)
        self._look = ProgrammeLook(
            background=background,
            keyer=keyer,
            overlays=self._overlays,
            transition=self._transition,
            videos=self._videos,
        )
        self._key = KeyStage(
            keyer,
            size=size,
            backdrop=lambda tick: self._look.backdrop(tick, self.layers),
            placement=self._look.placement,
        )
        self.layers = Layers(self._look.guest, sound)
        """the guest and the cover (the break's videos), between the presenter and the
        overlays"""
        self.compositor = Compositor(
            [
                self._key,
                PlaceStage(self._look.placement),
                *self.layers.stages,
                self._overlays,
                self._transition,
            ],
            window=round(fps),
        )
        """the stages each frame goes through, in order"""
        self.levels = ShowLevels(clock=self.clock, fps=fps, key=self._key)
        """steps the show down before it drops a picture, and back up (see studio.step_down)"""
        self.outputs = OutputHub(fps)
        """the outputs fed each tick (see studio.output_hub)"""
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._counts = TickCounts(fps)
        self.sound = sound
        """The show's sound, delivered to this programme, started and stopped with it
        (None: sound is sent to :meth:`send_audio` from elsewhere, or there is none)."""
        self._last_tick = 0.0
        self._held = HeldSound(self.outputs.send_audio, self._audio_limit)
        self._started = False
        self._last_index = -1
        self._pacer: Pacer | None = None
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
        return self.add_outputs((output, feed), mode=mode, seconds=seconds)[0]

    def add_outputs(
        self, *outputs: tuple[VideoOutput, Feed], mode: Mode = "buffered", seconds: float = 3.0
    ) -> list[OutputLink]:
        """Feed each ``(output, feed)`` from the same tick on: each is started first (an
        encoder takes a moment to open), then all are linked at once, so a take and its
        clean camera begin on the same picture. One that fails to start: none is fed."""
        running = self._thread is not None
        return self.outputs.add(*outputs, mode=mode, seconds=seconds, running=running)

    def remove_outputs(self, *links: OutputLink) -> None:
        """Stop feeding the ``links``' outputs from the same tick on (a take and its clean
        camera end on the same picture; the show goes on), then let each finish what it
        holds. Waits for those outputs only."""
        self.detach(*links)
        for link in links:
            self.finish(link)

    def detach(self, *links: OutputLink) -> None:
        """Stop feeding the ``links``' outputs from the same tick on, without waiting."""
        self.outputs.detach(*links)

    def finish(self, link: OutputLink) -> None:
        """Let a detached ``link``'s output encode what it holds, and stop it (waits)."""
        self.outputs.finish(link)

    def show_look(
        self, look: Look, *, transition: Transition = Transition.CUT, seconds: float = 0.5
    ) -> None:
        """Switch to ``look`` (a scene) at the next frame, with a cut or a fade."""
        self._look.ask(look, transition=transition, seconds=seconds)

    @property
    def look(self) -> Look | None:
        """The look on show (None: none yet)."""
        return self._look.look

    @property
    def overlays(self) -> list[Overlay]:
        """Drawn on every programme frame in order; the list may be replaced while live
        (an overlay that fails is taken off it)."""
        return self._overlays.overlays

    @overlays.setter
    def overlays(self, overlays: list[Overlay]) -> None:
        self._overlays.overlays = list(overlays)

    @property
    def kept_overlays(self) -> list[Overlay]:
        """Drawn over the scene's overlays on every frame and kept when the scene changes
        (the kidsmeet's talk caption and pick); a lower third among them stands in for
        the scene's. The list may be replaced while live."""
        return self._overlays.kept

    @kept_overlays.setter
    def kept_overlays(self, overlays: list[Overlay]) -> None:
        self._overlays.kept = list(overlays)

    def _fault(self, words: str) -> None:
        self.compositor.fault(words)

    def send_audio(self, block: AudioBlock) -> None:
        """Hand a block of the show's sound to every output that takes sound (it must not
        block: recorders and streamers queue it).

        Sound is held until the pictures have caught up with it (at most a second), so it
        never runs ahead of them: when the show stops, the sound past the end of the last
        frame is cut, and the recordings' sound ends with their pictures.
        """
        self._held.push(block)

    def _audio_limit(self) -> float:
        behind = self.clock.now() - 1.0
        return max(self._last_tick + 1.0 / self.fps, behind) if self._counts.frames else behind

    @property
    def guest(self) -> GuestSource | None:
        """The partner school's stream the looks may show (None: no guest)."""
        return self.layers.guest

    def set_guest(self, guest: GuestSource | None) -> None:
        """Show ``guest`` where the looks say from now on (its sound mixed in), the one
        before closed; it is started and stopped with the programme."""
        self.layers.set_guest(guest, running=self._thread is not None)

    @property
    def cover(self) -> CoverSource | None:
        """What covers the whole programme now (None: nothing)."""
        return self.layers.cover

    def set_cover(self, cover: CoverSource | None) -> None:
        """Cover the whole programme with ``cover`` (the break's videos), its sound mixed
        in, from the next frame on; None: the show as it was. The one before is closed."""
        self.layers.set_cover(cover, running=self._thread is not None)

    def replace_source(self, source: VideoSource) -> None:
        """Show ``source`` from its next frame on (another camera, a video file) while the
        show goes on: it is started (its sound mixed in), the old one closed."""
        old = self.source
        self._videos.hear(source)
        if self._thread is not None:
            source.start()
        self.source, self._last_index = source, -1
        self._videos.forget(old)
        old.close()

    def start(self) -> None:
        if self._thread is not None:
            return
        give_back_large_blocks()  # pictures made and freed on many threads: RSS flat
        if self.keyer is not None:
            warm_up()  # the keyer's compiled passes, before the first picture wants them
        self._held.reset()
        self._videos.hear(self.source)
        self.source.start()
        self.layers.start()
        for link in self.outputs.links:
            self.outputs.start(link)
        self._stop.clear()
        self._started = True
        self._counts.begin()
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
        self._look.take(self.clock.now())
        deadline = self.clock.now() + 1.0
        while not self._stop.is_set() and self.clock.now() < deadline:
            frame = self.source.read()
            if frame is not None:
                self._key.apply(VideoFrame(frame.image, self.clock.now(), -1))
                return frame.pts
            self.clock.sleep_until(self.clock.now() + 0.005)
        return None

    def _run(self) -> None:
        try:
            if self.look is not None:
                self._videos.play(self.look.backdrop)
            try:
                primed = self._prime()
            except Exception as error:  # the ticks try again; said in the stats and log
                log.error("the first picture failed", exc_info=error)
                self._fault(f"the first picture could not be made ready: {describe_error(error)}")
                primed = None
            with set_up_kept():
                self._tick(primed)
        except Exception as error:  # said in the stats and the log
            log.exception("the programme stopped")
            self._fault(f"the show stopped: {describe_error(error)}")

    def _tick(self, primed: float | None) -> None:
        """Make the programme at every tick until stopped; the ticks a quarter of a frame
        after the source's pictures (:func:`core.clock.first_tick`), given the time of
        one (``primed``). A fault in one tick is reported and the next tick goes on."""
        now = self.clock.now()
        start = now if primed is None else first_tick(primed, now, self.fps)
        self._pacer = Pacer(self.clock, self.fps, start=start)
        while not self._stop.is_set():
            tick = self._pacer.wait()
            try:
                self._one_tick(tick)
            except Exception as error:  # the show goes on to the next tick
                self._counts.failed += 1
                if self._counts.failed == 1:
                    log.error("a programme frame failed", exc_info=error)
                    self.compositor.fault(f"a frame could not be made: {describe_error(error)}")

    def _one_tick(self, tick: float) -> None:
        began = time.perf_counter()
        if self._counts.frames and self.levels.skips(tick, last=self._last_tick):
            self._look_at_load()  # still looked at: the show steps back up when there is room
            return
        changed = self._look.take(tick)
        frame = self.source.read()
        counts = self._counts
        if frame is None:
            counts.waiting += 1
            return
        repeat = (
            frame.index == self._last_index
            and counts.frames > 0
            and not changed
            and (self.look is None or self.look.backdrop.still)
            and self.layers.still(self._look.guest())
        )
        counts.repeated += repeat  # the camera is slower than the show: show it again
        self._last_index = frame.index
        programme = self.compositor.run(
            VideoFrame(frame.image, tick, counts.frames, {REPEAT: repeat})
        )
        handed = time.perf_counter()
        index = counts.frames
        counts.frames += 1
        self._last_tick = tick
        self.outputs.offer(programme, frame.image, index)
        if self.on_frame is not None:
            self.on_frame(programme)
        self._held.release()  # the sound up to this frame's end may go now
        self._look_at_load()
        done = time.perf_counter()
        counts.timings["outputs"].add((done - handed) * 1000.0)
        counts.timings["frame"].add((done - began) * 1000.0)

    def _look_at_load(self) -> None:
        self.levels.look(
            (link.output for link in self.outputs.links),
            key_ms=self.compositor.timings["key"].mean,
            late=self._pacer.late if self._pacer else 0,
        )

    def stats(self) -> ProgrammeStats:
        return self._counts.stats(
            self.compositor.timings,
            late=self._pacer.late if self._pacer else 0,
            said=self._key.message if self._started else "not started",
            faults=tuple(self.compositor.faults),
            outputs=self.outputs.counts(),
            failed=self.outputs.failed,
            level=self.levels.level,
            stepped=self.levels.words,
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
            self._held.end_at(end)
        if self.sound is not None:
            self.sound.stop()
        self._videos.stop()
        for link in self.outputs.links:
            self.finish(link)
        self.source.stop()
        self.layers.stop()

    def close(self) -> None:
        self.stop()
        self.source.close()
        self.layers.close()
        if self.look is not None:
            self.look.backdrop.close()
        self._key.close()
        if self.keyer is not None:
            self.keyer.close()
