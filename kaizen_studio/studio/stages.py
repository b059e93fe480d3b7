"""The compositor: an ordered list of stages (key, place, overlays, transition) that each
take a programme frame and give one back, each timed, none able to stop the show.

Every stage has the one frame interface (:class:`core.media.VideoFrame` in, out; its
``pts`` is the show's tick). A stage that raises is taken out of the show, its fallback
(if any) put in its place, and the fault reported in words (:attr:`Compositor.faults`)
and in the log; the frame goes on through the stages after it. The overlays stage does
the same for each overlay: a ticker that cannot be drawn is taken off, the rest stay.

Ownership of the picture: the key stage composites into a new picture the outputs keep
(marked :data:`OWNED`); when it has none of its own (no key, the camera's picture; a
repeat of the last) the place stage (or its fallback) makes the one copy the outputs
keep; the overlays draw on that picture; the transition may blend it into a new one.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import cv2
import numpy as np

from kaizen_studio.core.media import Image, VideoFrame
from kaizen_studio.keying import Keyer, NoScreenFoundError, cover_fit
from kaizen_studio.studio.overlays import LowerThird, Overlay
from kaizen_studio.studio.placement import placed
from kaizen_studio.studio.programme_stats import Rolling
from kaizen_studio.studio.show import Placement

log = logging.getLogger(__name__)

REPEAT = "repeat"
"""frame.meta key: True when the camera's picture is the one keyed last tick (the camera
is slower than the show, the backdrop is still): the key stage gives its last result."""
KEYED = "keyed"
"""frame.meta key: the :class:`Keyed` layers, for the place stage."""
OWNED = "owned"
"""frame.meta key: True when the picture is a new one the programme may keep (the key
composited straight into it), so the place stage need not copy it."""


class Stage(Protocol):
    """One step of the compositor."""

    name: str
    """its name in the timings and in the reports ('key', 'place', ...)"""

    def apply(self, frame: VideoFrame) -> VideoFrame:
        """The frame made by this stage from ``frame`` (same ``pts``)."""
        ...

    def fallback(self) -> Stage | None:
        """What stands in for this stage once it has failed (None: nothing)."""
        ...


@dataclass(frozen=True, slots=True)
class Keyed:
    """The presenter as layers, for placing: premultiplied ``foreground`` (BGR uint8),
    its ``alpha`` (uint8, h x w) and the ``background`` fitted to their size."""

    foreground: Image
    alpha: np.ndarray
    background: Image


def _is_centred(placement: Placement | None) -> bool:
    return placement is None or (placement.x == 0.5 and placement.scale == 1.0)


class KeyStage:
    """Fits the camera's picture to the show's ``size`` and keys it over the backdrop
    (``backdrop(tick)``; None: shown as it is). The picture it gives is borrowed: the
    keyer's buffer or the camera's, valid until its next call. The keyer calibrates itself
    on the first picture; with no screen found the camera is shown as it is and
    :attr:`message` says why (the show never stops for it). While :attr:`divisor` is
    more than 1 (the show stepped down, :mod:`studio.step_down`) the picture is keyed at
    1/divisor of its width and height and scaled back up: less work, a softer picture."""

    name = "key"
    divisor = 1
    """the picture is keyed at 1/divisor of its width and height (1: at its own size)"""

    def __init__(
        self,
        keyer: Keyer | None,
        *,
        size: tuple[int, int] | None,
        backdrop: Callable[[float], Image | None],
        placement: Callable[[], Placement | None],
    ) -> None:
        self.keyer, self.size = keyer, size
        self._backdrop, self._placement = backdrop, placement
        self._last: VideoFrame | None = None
        self.message = "on"
        self._small: SmallKey | None = None

    def apply(self, frame: VideoFrame) -> VideoFrame:
        if frame.meta.get(REPEAT) and self._last is not None:
            last = self._last  # its picture is the outputs' already: not owned again
            meta = {k: v for k, v in last.meta.items() if k != OWNED}
            return VideoFrame(last.image, frame.pts, frame.index, meta)
        self._last = None  # the keyer's buffers change now
        image = frame.image
        if self.size is not None and image.shape[1::-1] != self.size:
            image = cover_fit(image, self.size)
        self._owned = False
        self._last = VideoFrame(self._keyed(image, frame.pts), frame.pts, frame.index, {})
        layers = self._layers
        if layers is not None:
            self._last.meta[KEYED] = layers
        self._last.meta[OWNED] = self._owned
        return self._last

    def _keyed(self, image: Image, tick: float) -> Image:
        self._layers: Keyed | None = None
        background = self._backdrop(tick)
        keyer = self.keyer
        if keyer is None or background is None:
            return image
        if not keyer.calibrated:
            try:
                keyer.calibrate(image)
            except NoScreenFoundError as error:
                self.message = f"showing the camera unkeyed: {error}"
                log.warning("%s", self.message)
                return image
            calibration = keyer.calibration
            self.message = "on: " + (calibration.describe() if calibration else "")
        if _is_centred(self._placement()):  # composited into the outputs' own picture
            self._owned = True
            if self.divisor > 1:
                self._small = self._small or SmallKey(keyer)
                return self._small.key(image, background, divisor=self.divisor)
            out = np.empty_like(image)
            return keyer.process(image, background, foreground=False, out=out).composite
        result = keyer.process(image, background)
        assert result.foreground is not None  # asked for
        self._layers = Keyed(
            result.foreground, result.alpha, cover_fit(background, image.shape[1::-1])
        )
        return result.composite

    def fallback(self) -> Stage | None:
        self.message = "the key stopped working: showing the camera as it is"
        return Fit(self.size)

    def close(self) -> None:
        """Stop the cheaper path's keyer, if it ever ran (the main keyer is the caller's)."""
        if self._small is not None:
            self._small.close()


class SmallKey:
    """The key's cheaper paths: a second keyer, calibrated as ``keyer``, keys the picture
    made smaller over the backdrop at that size; the composite is scaled back up into a
    new picture (the outputs keep it). CPU at 1080p on one thread: the full key 22 ms,
    at half size 10.4 (+0.8 down, 2.8 up), at a quarter 4.2 (+1.1 down, 2.2 up): the
    keyer's coarse grid costs the same at any size."""

    def __init__(self, keyer: Keyer) -> None:
        self.keyer = Keyer(keyer.settings, mattes=keyer.mattes, threads=keyer.threads)
        self.main = keyer
        self._backdrop: tuple[Image, Image] | None = None  # (the backdrop, made smaller)

    def key(self, image: Image, background: Image, *, divisor: int) -> Image:
        """``image`` keyed over ``background`` at 1/``divisor`` (2 or 4) of its size."""
        if divisor not in (2, 4):
            raise ValueError(f"the key is made smaller by 2 or 4, got {divisor}")
        h, w = image.shape[:2]
        small = image
        for _ in range(divisor // 2):  # halving by INTER_AREA is OpenCV's fast path
            height, width = small.shape[:2]
            small = cv2.resize(
                small, (max(8, width // 2), max(8, height // 2)), interpolation=cv2.INTER_AREA
            )
        size = small.shape[1::-1]
        calibration = self.main.calibration
        if calibration is not None and self.keyer.calibration is not calibration:
            self.keyer.calibration = calibration
        if self.keyer.settings is not self.main.settings:
            self.keyer.settings = self.main.settings
        fitted = self._backdrop
        if fitted is None or fitted[0] is not background or fitted[1].shape[1::-1] != size:
            self._backdrop = fitted = (background, cover_fit(background, size))
        keyed = self.keyer.process(small, fitted[1], foreground=False).composite
        picture: Image = cv2.resize(keyed, (w, h), interpolation=cv2.INTER_LINEAR)
        return picture

    def close(self) -> None:
        self.keyer.close()


class Fit:
    """The camera as it is, fitted to ``size``: what stands in for a key that failed."""

    name = "key"

    def __init__(self, size: tuple[int, int] | None) -> None:
        self.size = size

    def apply(self, frame: VideoFrame) -> VideoFrame:
        image = frame.image
        if self.size is not None and image.shape[1::-1] != self.size:
            image = cover_fit(image, self.size)
        return VideoFrame(image, frame.pts, frame.index)

    def fallback(self) -> Stage | None:
        return None


class PlaceStage:
    """Moves and sizes the keyed presenter where the look says (``placement()``), over
    the backdrop; the picture it gives is a new one, the programme's to keep."""

    name = "place"

    def __init__(self, placement: Callable[[], Placement | None]) -> None:
        self._placement = placement

    def apply(self, frame: VideoFrame) -> VideoFrame:
        layers = frame.meta.get(KEYED)
        placement = self._placement()
        if not isinstance(layers, Keyed) or placement is None or _is_centred(placement):
            image = frame.image if frame.meta.get(OWNED) else frame.image.copy()
            return VideoFrame(image, frame.pts, frame.index)
        image = placed(
            layers.foreground,
            layers.alpha,
            layers.background,
            x=placement.x,
            scale=placement.scale,
        )
        return VideoFrame(image, frame.pts, frame.index)

    def fallback(self) -> Stage | None:
        return Copy()


class Copy:
    """The picture copied as it is (the presenter where the camera saw them): what stands
    in for a place stage that failed."""

    name = "place"

    def apply(self, frame: VideoFrame) -> VideoFrame:
        return VideoFrame(frame.image.copy(), frame.pts, frame.index)

    def fallback(self) -> Stage | None:
        return None


class OverlaysStage:
    """Draws each overlay in turn on the picture, in place, at the frame's tick: the
    scene's (:attr:`overlays`), then those kept over every scene (:attr:`kept`); a lower
    third among the kept stands in for the scene's. An overlay that raises is taken off
    (``on_fault`` told why); the others stay."""

    name = "overlays"

    def __init__(self, on_fault: Callable[[str], None]) -> None:
        self.overlays: list[Overlay] = []
        """the scene's, drawn in order; the list may be replaced while live"""
        self.kept: list[Overlay] = []
        """drawn over the scene's and kept when the scene changes (the kidsmeet's talk
        caption and pick); the list may be replaced while live"""
        self._on_fault = on_fault

    def apply(self, frame: VideoFrame) -> VideoFrame:
        scene, kept = self.overlays, self.kept
        if any(isinstance(o, LowerThird) for o in kept):
            scene = [o for o in scene if not isinstance(o, LowerThird)]
        for overlay in [*scene, *kept]:
            try:
                overlay.draw(frame.image, frame.pts)
            except Exception as error:  # any fault: that overlay goes, the rest stay
                log.error("the %s failed", describe(overlay), exc_info=error)
                self.overlays = [o for o in self.overlays if o is not overlay]
                self.kept = [o for o in self.kept if o is not overlay]
                self._on_fault(f"the {describe(overlay)} was taken off: {describe_error(error)}")
        return frame

    def fallback(self) -> Stage | None:
        return None


class TransitionStage:
    """Fades from the last picture shown to the new look over ``seconds`` once
    :meth:`fade` is called; otherwise passes the picture on."""

    name = "transition"

    def __init__(self) -> None:
        self._shown: Image | None = None
        self._fade: tuple[Image, float, float] | None = None

    def fade(self, tick: float, seconds: float) -> None:
        """Start a fade at ``tick`` from the picture shown last (none yet: a cut)."""
        if self._shown is not None:
            self._fade = (self._shown.copy(), tick, seconds)

    def apply(self, frame: VideoFrame) -> VideoFrame:
        picture = frame.image
        if self._fade is not None:
            before, start, seconds = self._fade
            share = (frame.pts - start) / seconds
            if share >= 1.0 or before.shape != picture.shape:
                self._fade = None
            else:
                picture = cv2.addWeighted(before, 1.0 - share, picture, share, 0.0)
        self._shown = picture
        return VideoFrame(picture, frame.pts, frame.index)

    def fallback(self) -> Stage | None:
        return None


def describe(overlay: object) -> str:
    """An overlay's name in words ('ticker', 'lower third', ...)."""
    name = type(overlay).__name__
    words = {"LowerThird": "lower third", "ClockOverlay": "clock", "LiveBadge": "LIVE badge"}
    return words.get(name, name.lower())


def describe_error(error: BaseException) -> str:
    """An error in a few words, its kind named when its text is empty."""
    return str(error) or type(error).__name__


class Compositor:
    """Runs ``stages`` in order on each frame, timing each over the last ``window``
    frames. A stage that raises is replaced by its fallback (or removed) and the fault
    kept in :attr:`faults` and logged; the frame goes on."""

    def __init__(self, stages: list[Stage], *, window: int) -> None:
        self.stages = list(stages)
        self.window = window
        self.timings: dict[str, Rolling] = {s.name: Rolling(window) for s in stages}
        """each stage's time per frame in ms, by name, kept when a stage is replaced"""
        self.faults: list[str] = []
        """what went wrong, in words, oldest first (the last few kept)"""

    def fault(self, words: str) -> None:
        """Report a fault in words (kept, logged)."""
        log.warning("the show goes on: %s", words)
        self.faults = [*self.faults[-7:], words]

    def run(self, frame: VideoFrame) -> VideoFrame:
        for stage in list(self.stages):
            began = time.perf_counter()
            try:
                frame = stage.apply(frame)
            except Exception as error:  # noqa: BLE001 -- any fault: that stage goes (logged)
                frame = self._drop(stage, error, frame)
            self.timings[stage.name].add((time.perf_counter() - began) * 1000.0)
        return frame

    def _drop(self, stage: Stage, error: BaseException, frame: VideoFrame) -> VideoFrame:
        """Take ``stage`` out for good, its stand-in (if any) in its place and applied to
        ``frame`` at once; the frame to go on with."""
        log.error("the %s stage failed", stage.name, exc_info=error)
        index = next(i for i, s in enumerate(self.stages) if s is stage)
        stand_in = stage.fallback()
        if stand_in is None:
            del self.stages[index]
            self.fault(f"the {stage.name} was taken off: {describe_error(error)}")
            return frame
        self.stages[index] = stand_in
        self.fault(f"the {stage.name} failed ({describe_error(error)}); a simpler one stands in")
        try:
            return stand_in.apply(frame)
        except Exception as again:  # noqa: BLE001 -- the stand-in too goes (logged)
            return self._drop(stand_in, again, frame)

    def stage(self, name: str) -> Stage | None:
        """The stage called ``name`` now in the list (None: taken off)."""
        return next((s for s in self.stages if s.name == name), None)
