"""The keyer: calibration, settings and reusable buffers around the pure kernels.

Settings and calibration are converted into maps once, when they change; a frame then
costs a fixed sequence of OpenCV calls writing into buffers kept from the previous frame
of the same size. The work is cut into horizontal stripes run on a small thread pool
(OpenCV releases the GIL); between the stripe passes, the screen's light, the subject's
lead, the ramp and the solid core are worked out on a coarse grid
(:mod:`keying.coarse`). Only the optional edge clean-up looks at the whole full-size
frame at once.

A keyer serves one caller at a time (one camera's frames, in order).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import cv2
import numpy as np

from kaizen_studio.keying import blend as kb
from kaizen_studio.keying import composite as comp
from kaizen_studio.keying import matte as km
from kaizen_studio.keying import upsample as ku
from kaizen_studio.keying.alpha_pass import alpha_pass
from kaizen_studio.keying.calibrate import MAX_DENOISE, Calibration, Sample, Screen, calibrate
from kaizen_studio.keying.coarse import coarse_maps, hold_still
from kaizen_studio.keying.errors import NotCalibratedError
from kaizen_studio.keying.frames import BGRImage, Matte, check_frame
from kaizen_studio.keying.plate import with_plate
from kaizen_studio.keying.ramp import RampEnds
from kaizen_studio.keying.settings import KeyerSettings
from kaizen_studio.keying.shapes import Mattes
from kaizen_studio.keying.stripes import sample_stripe
from kaizen_studio.keying.tracking import AlphaHold, hold_alpha
from kaizen_studio.keying.workspace import FrameWork

RAMP_MARGIN = 0.02
"""Added to the measured screen spread so the last speck of noise keys out too."""
MIN_OPAQUE_BAND = 0.10
"""The ramp's top end stays at least this far below 1 to absorb noise on the subject."""
UNCALIBRATED_SPREAD = 5.0
"""Levels of screen noise the ramp allows for before a calibration has measured it."""
UNCALIBRATED_STRENGTH = 100
"""A typical screen's lead in levels, for the clip ends shown before a calibration."""
LIGHT_WRAP_RADIUS = 40
"""How far (pixels at 1080p) the background's light wraps over the subject's edge."""
REFERENCE_HEIGHT = 1080
"""Pixel settings are given at 1080p and scaled to the frame's height."""


@dataclass(frozen=True, slots=True)
class KeyResult:
    """The output of :meth:`Keyer.process`; arrays are the keyer's buffers, reused on the
    next call (copy them to keep them).

    alpha : uint8 (h, w), 0 background, 255 subject
    composite : BGR uint8 (h, w, 3)
    foreground : BGR uint8 (h, w, 3), the despilled subject premultiplied by alpha; None
        unless asked for
    """

    alpha: Matte
    composite: BGRImage
    foreground: BGRImage | None


class Keyer:
    """A chroma keyer for one camera.

    Parameters
    ----------
    settings : the adjustments (defaults key a typical screen with no tuning)
    mattes : garbage and holdout shapes
    threads : stripes worked on at once; default: the machine's cores (at most 8)

    Use :meth:`calibrate` once on a camera frame, then :meth:`process` every frame.
    :meth:`close` (or a ``with`` block) stops the worker threads.
    """

    def __init__(
        self,
        settings: KeyerSettings | None = None,
        *,
        mattes: Mattes | None = None,
        threads: int | None = None,
    ) -> None:
        if threads is not None and not 1 <= threads <= 64:
            raise ValueError(f"threads must be 1 to 64, got {threads}")
        self._threads = threads or min(8, os.cpu_count() or 1)
        self._pool: ThreadPoolExecutor | None = None
        self._settings = settings or KeyerSettings()
        self._mattes = mattes or Mattes()
        self._calibration: Calibration | None = None
        self._frame: FrameWork | None = None
        self._background: BGRImage | None = None
        self._fitted: BGRImage | None = None
        self._hold: AlphaHold | None = None  # the alpha where the picture is still
        self.clip_black = self.clip_white = 0.0
        self._derive()

    # -- configuration -------------------------------------------------------------
    @property
    def settings(self) -> KeyerSettings:
        return self._settings

    @settings.setter
    def settings(self, settings: KeyerSettings) -> None:
        if not isinstance(settings, KeyerSettings):
            raise TypeError(f"expected KeyerSettings, got {type(settings).__name__}")
        self._settings = settings
        self._derive()

    @property
    def mattes(self) -> Mattes:
        return self._mattes

    @mattes.setter
    def mattes(self, mattes: Mattes) -> None:
        if not isinstance(mattes, Mattes):
            raise TypeError(f"expected Mattes, got {type(mattes).__name__}")
        self._mattes = mattes
        self._frame = None

    @property
    def calibration(self) -> Calibration | None:
        return self._calibration

    @calibration.setter
    def calibration(self, calibration: Calibration) -> None:
        if not isinstance(calibration, Calibration):
            raise TypeError(f"expected a Calibration, got {type(calibration).__name__}")
        self._calibration = calibration
        self._frame = None
        self._derive()

    @property
    def calibrated(self) -> bool:
        return self._calibration is not None

    @property
    def threads(self) -> int:
        return self._threads

    def calibrate(
        self,
        frame: BGRImage,
        *,
        screen: Screen = "auto",
        sample: Sample | None = None,
        plate: BGRImage | None = None,
    ) -> Calibration:
        """Measure the screen in ``frame`` (see :func:`keying.calibrate`) and use it."""
        calibration = calibrate(frame, screen=screen, sample=sample, plate=plate)
        self.calibration = calibration
        return calibration

    def set_background(self, background: BGRImage | None) -> None:
        """A still background used when :meth:`process` is given none; fitted once."""
        self._background = (
            None if background is None else check_frame(background, name="background", smallest=1)
        )
        self._fitted = None

    def close(self) -> None:
        """Stop the worker threads (safe to call twice; the keyer restarts them if used)."""
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None

    def __enter__(self) -> Keyer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _derive(self) -> None:
        """Convert settings and calibration into ramp ends and tables, once."""
        s, cal = self._settings, self._calibration
        self._ends = RampEnds(
            spread=cal.spread[s.denoise] if cal else UNCALIBRATED_SPREAD,
            margin=RAMP_MARGIN,
            cleanup=s.background_cleanup,
            solidity=s.subject_solidity,
            min_band=MIN_OPAQUE_BAND,
        )
        typical = np.array([[self._typical_strength()]], np.float32)
        self.clip_black, self.clip_white = (float(v[0, 0]) for v in self._ends.ends(typical))
        if self._frame is not None:
            self._place_ends(self._frame)
            self._frame.held = None  # new settings: every map worked out afresh
        self._hold = None

    def _typical_strength(self) -> int:
        cal = self._calibration
        if cal is None:
            return UNCALIBRATED_STRENGTH
        key = cal.key_colour
        lead = key[cal.primary] - max(v for i, v in enumerate(key) if i != cal.primary)
        return int(np.clip(lead, 1, 255))

    def _place_ends(self, st: FrameWork) -> None:
        st.black_small, st.white_small = self._ends.ends(st.strength_small)

    def _ramp_maps(self, st: FrameWork) -> None:
        """This frame's maps on the coarse grid (see :mod:`keying.coarse`)."""
        assert self._calibration is not None  # _buffers checked it
        coarse_maps(
            st,
            calibration=self._calibration,
            ends=self._ends,
            core_pixels=self._scaled(self._settings.core_distance, st.size[1]),
        )
        if st.unreliable_small is not None:  # no screen colour there: nothing is spill
            st.floor_small = np.maximum(st.floor_small, st.unreliable_small)
            st.added_small = cv2.multiply(st.added_small, 255 - st.unreliable_small, scale=1 / 255)
        hold_still(st, noise=self._ends.spread)

    def _scaled(self, pixels: int, height: int) -> int:
        return round(pixels * height / REFERENCE_HEIGHT)

    def _buffers(self, frame: BGRImage) -> FrameWork:
        check_frame(frame)
        if self._calibration is None:
            raise NotCalibratedError(
                "the keyer has not seen the screen yet: calibrate it on a camera frame "
                "(Auto key) first"
            )
        h, w = frame.shape[:2]
        if self._frame is None or self._frame.size != (w, h):
            self._frame = FrameWork(self._calibration, self._mattes, w, h, self._threads)
            self._place_ends(self._frame)
            self._fitted = None
            self._hold = AlphaHold(w, h)
        return self._frame

    def _each_stripe(self, st: FrameWork, work: Callable[[slice], None]) -> None:
        if self._threads == 1:
            for rows in st.stripes:
                work(rows)
            return
        if self._pool is None:
            self._pool = ThreadPoolExecutor(self._threads, thread_name_prefix="keyer")
        for _ in self._pool.map(work, st.stripes):
            pass

    # -- per frame -----------------------------------------------------------------
    def matte(self, frame: BGRImage) -> Matte:
        """The alpha matte of ``frame``: uint8 (h, w), 255 subject (a reused buffer)."""
        return self._matte(np.ascontiguousarray(frame), self._buffers(frame))

    def _matte(
        self, frame: BGRImage, st: FrameWork, then: Callable[[slice], None] | None = None
    ) -> Matte:
        """The matte into ``st.alpha``; ``then`` is run on each stripe's rows once the
        whole matte is done (at once after each stripe's alpha when nothing works on the
        whole matte first: one hand-over to the threads fewer, the stripe's rows still
        in the cache)."""
        s, h = self._settings, frame.shape[0]
        primary = self._calibration.primary  # type: ignore[union-attr]
        radius = min(s.denoise, MAX_DENOISE)

        def difference(rows: slice) -> None:
            sample_stripe(frame, st, rows, primary=primary, radius=radius)

        def alpha(rows: slice) -> None:
            work = st.work[rows.start]
            for across, maps in (
                (work.ramp, (st.offset_small, st.span_small, st.clear_small, st.core_small)),
                (work.light, (st.gain_code_small, st.floor_small, st.added_small)),
            ):
                for plane, coarse in zip(across.planes, maps, strict=True):
                    ku.across(coarse[work.c0 : work.c1], plane, scale=st.scale)
            top = rows.start - max(0, rows.start - st.halo_rows)
            raw, smoothed = (b[top : top + rows.stop - rows.start] for b in work.halo[:2])
            # the smoothed key (the raw one when denoise is 0) decides where the solid
            # subject is (255 up to offset) and, below, where the clear screen is; the
            # raw key keeps hair and soft edges sharp in between
            alpha_pass(raw, smoothed, ramp=work.ramp, top=rows.start, out=st.alpha[rows])

        self._each_stripe(st, difference)
        self._ramp_maps(st)
        whole = bool(s.shrink or s.despeckle or s.softness) or (
            st.garbage is not None or st.holdout is not None or st.plate is not None
        )
        hold = self._hold or AlphaHold(st.size[0], st.size[1])
        self._hold = hold
        if then is not None and not whole:

            def alpha_then(rows: slice) -> None:
                alpha(rows)
                hold_alpha(st.alpha, frame, hold, rows=rows)
                then(rows)

            self._each_stripe(st, alpha_then)
            return st.alpha
        self._each_stripe(st, alpha)
        if st.plate is not None:
            with_plate(st.alpha, frame, st.plate, out=st.alpha)
        if s.shrink:
            km.shrink_grow(st.alpha, pixels=self._scaled(s.shrink, h), out=st.alpha)
        if s.despeckle:
            km.despeckle(st.alpha, pixels=max(1, self._scaled(s.despeckle, h)), out=st.alpha)
        if s.softness:
            km.soften(st.alpha, pixels=max(1, self._scaled(s.softness, h)), out=st.alpha)
        if st.garbage is not None:
            cv2.min(st.alpha, st.garbage, dst=st.alpha)
        if st.holdout is not None:
            cv2.max(st.alpha, st.holdout, dst=st.alpha)

        def held_then(rows: slice) -> None:
            hold_alpha(st.alpha, frame, hold, rows=rows)
            if then is not None:
                then(rows)

        self._each_stripe(st, held_then)
        return st.alpha

    def process(
        self,
        frame: BGRImage,
        background: BGRImage | None = None,
        *,
        foreground: bool = True,
        out: BGRImage | None = None,
    ) -> KeyResult:
        """Key ``frame`` and composite it over ``background`` (any size: cover-fitted;
        None: the one given to :meth:`set_background`); ``foreground`` False when only
        the matte and the composite are wanted (a little faster); ``out`` the caller's
        picture to composite into (the frame's shape, C-contiguous; None: a reused one)."""
        st = self._buffers(frame)
        composited = st.composite_buffer(out)
        frame = np.ascontiguousarray(frame)
        plate = np.ascontiguousarray(self._fit_background(background, st.size))
        calibration = self._calibration
        assert calibration is not None  # _buffers checked it
        spill = self._settings.spill

        def composite(rows: slice) -> None:
            kb.blend(
                frame[rows],
                st.screen[rows],
                st.alpha[rows],
                light=st.work[rows.start].light,  # made by the stripe's alpha pass
                top=rows.start,
                background=plate[rows],
                primary=calibration.primary,
                spill=spill,
                key_colour=calibration.key_colour,
                keep_brightness=calibration.soft_chroma,
                foreground=st.foreground[rows] if foreground else None,
                composite=composited[rows],
            )

        self._matte(frame, st, then=composite)
        if self._settings.light_wrap > 0:
            comp.light_wrap(
                composited,
                plate,
                st.alpha,
                strength=self._settings.light_wrap,
                radius=self._scaled(LIGHT_WRAP_RADIUS, frame.shape[0]),
            )
        return KeyResult(
            alpha=st.alpha,
            composite=composited,
            foreground=st.foreground if foreground else None,
        )

    def _fit_background(self, background: BGRImage | None, size: tuple[int, int]) -> BGRImage:
        if background is not None:
            return comp.cover_fit(background, size)
        if self._background is None:
            raise ValueError("no background: pass one to process() or call set_background()")
        if self._fitted is None or self._fitted.shape[1::-1] != size:
            self._fitted = comp.cover_fit(self._background, size)
        return self._fitted


def warm_up() -> None:
    """Compile the keyer's compiled passes now (or load them from the disk cache: about
    0.2 s; the first time on a machine about 1.5 s), on a tiny made-up frame, so that the
    first pictures of a show do not wait for them."""
    frame = np.empty((48, 64, 3), np.uint8)
    frame[...] = (40, 190, 60)  # a green screen
    frame[8:40, 16:48] = (120, 110, 170)  # and someone in front of it
    with Keyer(threads=1) as keyer:
        keyer.calibrate(frame)
        background = np.zeros_like(frame)
        keyer.process(frame, background)
        keyer.process(frame, background, foreground=False)
