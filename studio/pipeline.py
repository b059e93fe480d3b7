"""The programme: the compositor at the show's frame rate, and the outputs it feeds.

Each tick of the show's clock, the compositor takes the newest frame of the source (the
camera), keys it over the background and hands the programme frame to every output. Each
output has its own worker thread and bounded queue: "latest" keeps only the newest frame
(previews, the virtual camera), "buffered" keeps a few seconds (encoders). A full queue
drops and counts; the compositor never waits for an output. The engine never imports Qt.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

import cv2
import numpy as np

from keying import Keyer, NoScreenFoundError, cover_fit
from keying.composite import add_background
from studio.clock import Clock, Pacer
from studio.media import AudioBlock, Image, VideoFrame, VideoOutput, VideoSource
from studio.overlays import Overlay
from studio.scenes import Look

Mode = Literal["latest", "buffered"]


@dataclass
class OutputLink:
    """One output, its queue and its worker."""

    output: VideoOutput
    mode: Mode
    capacity: int
    sent: int = 0
    dropped: int = 0
    failed: str = ""
    frames: queue.Queue[VideoFrame | None] = field(init=False)
    thread: threading.Thread | None = None

    def __post_init__(self) -> None:
        self.frames = queue.Queue(maxsize=1 if self.mode == "latest" else self.capacity)

    def offer(self, frame: VideoFrame) -> None:
        """Hand ``frame`` over without waiting: drop the oldest (latest) or this one."""
        if self.mode == "latest":
            try:
                self.frames.get_nowait()
                self.dropped += 1
            except queue.Empty:
                pass
        try:
            self.frames.put_nowait(frame)
        except queue.Full:
            self.dropped += 1

    def run(self) -> None:
        while True:
            frame = self.frames.get()
            if frame is None:
                return
            if self.failed:
                continue
            try:
                self.output.send(frame)
                self.sent += 1
            except (OSError, ValueError, RuntimeError) as error:
                self.failed = f"{type(self.output).__name__} stopped: {error}"


@dataclass(frozen=True, slots=True)
class ProgrammeStats:
    """The show's health as numbers (shown in the status strip)."""

    frames: int
    late: int
    repeated: int
    waiting: int
    key_ms: float
    cpu: float
    outputs: dict[str, tuple[int, int]]
    message: str


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
        self._key_ms = 0.0
        self._message = "not started"
        self._last_index = -1
        self._pacer: Pacer | None = None
        self._cpu = (0.0, 0.0, 0.0)
        self.on_frame: Callable[[VideoFrame], None] | None = None

    def add_output(
        self, output: VideoOutput, *, mode: Mode = "buffered", seconds: float = 3.0
    ) -> OutputLink:
        """Feed ``output`` from now on (its own worker and bounded queue)."""
        link = OutputLink(output, mode, max(2, round(seconds * self.fps)))
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
        self.overlays = list(look.overlays)
        if self.keyer is not None:
            self.keyer.settings = look.keyer
        return True

    def send_audio(self, block: AudioBlock) -> None:
        """Hand a block of the show's sound to every output that takes sound (it must not
        block: recorders and streamers queue it)."""
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

    def start(self) -> None:
        if self._thread is not None:
            return
        self.source.start()
        for link in self.links:
            self._start_link(link)
        self._stop.clear()
        self._message = "on"
        self._cpu = (time.monotonic(), time.process_time(), 0.0)
        self._thread = threading.Thread(target=self._run, name="programme", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        self._pacer = Pacer(self.clock, self.fps)
        last: Image | None = None
        shown: Image | None = None
        while not self._stop.is_set():
            tick = self._pacer.wait()
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
                self._key_ms = (time.perf_counter() - started) * 1000.0
            picture = last
            if self.overlays or self._fade is not None:
                picture = last.copy()
                for overlay in list(self.overlays):
                    overlay.draw(picture, tick)
                picture = self._faded(picture, tick)
            shown = picture
            programme = VideoFrame(picture, tick, self._frames)
            self._frames += 1
            for link in list(self.links):
                link.offer(programme)
            if self.on_frame is not None:
                self.on_frame(programme)

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
        if self.size is not None and image.shape[1::-1] != self.size:
            image = cover_fit(image, self.size)
        background = self._backdrop(tick)
        if self.keyer is None or background is None:
            return image.copy()
        if not self.keyer.calibrated:
            try:
                self.keyer.calibrate(image)
            except NoScreenFoundError as error:
                self._message = f"showing the camera unkeyed: {error}"
                return image.copy()
            self._message = "on: " + (
                self.keyer.calibration.describe() if self.keyer.calibration else ""
            )
        result = self.keyer.process(image, background)
        placement = self.look.placement if self.look is not None else None
        if placement is None or (placement.x == 0.5 and placement.scale == 1.0):
            composite: Image = result.composite.copy()
            return composite
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
        outputs = {type(link.output).__name__: (link.sent, link.dropped) for link in self.links}
        failed = [link.failed for link in self.links if link.failed]
        return ProgrammeStats(
            frames=self._frames,
            late=self._pacer.late if self._pacer else 0,
            repeated=self._repeated,
            waiting=self._waiting,
            key_ms=self._key_ms,
            cpu=cpu,
            outputs=outputs,
            message="; ".join([self._message, *failed]),
        )

    def stop(self) -> None:
        """Stop the compositor, let the outputs finish what they hold, stop the source."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5.0)
            self._thread = None
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
        if self.keyer is not None:
            self.keyer.close()


def placed(
    foreground: Image, alpha: np.ndarray, background: Image, *, x: float, scale: float
) -> Image:
    """The keyed presenter (premultiplied ``foreground`` and its ``alpha``) moved so their
    centre is at ``x`` across (0..1) and sized by ``scale`` about their feet, over
    ``background``."""
    h, w = alpha.shape
    shift = (x - 0.5) * w
    move = np.array(
        [[scale, 0, (1 - scale) * w / 2 + shift], [0, scale, (1 - scale) * h]], np.float32
    )
    matte = cv2.warpAffine(alpha, move, (w, h), flags=cv2.INTER_LINEAR)
    subject = cv2.warpAffine(foreground, move, (w, h), flags=cv2.INTER_LINEAR)
    rest = cv2.cvtColor(cv2.bitwise_not(matte), cv2.COLOR_GRAY2BGR)
    return add_background(subject, background, rest, out=np.empty_like(subject))


def solid_background(size: tuple[int, int], colour: tuple[int, int, int]) -> Image:
    """A plain background of ``colour`` (B, G, R)."""
    background = np.empty((size[1], size[0], 3), np.uint8)
    background[...] = colour
    return background
