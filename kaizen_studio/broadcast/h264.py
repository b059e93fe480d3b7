"""Choosing the H.264 encoder: the machine's hardware encoder when it has a working one,
else x264 in software.

PyAV's wheels carry FFmpeg's hardware H.264 encoders (Intel Quick Sync ``h264_qsv``, AMD
``h264_amf``, NVIDIA ``h264_nvenc``, the Raspberry Pi's ``h264_v4l2m2m``), but whether one
works depends on the machine's chip and drivers. Each is probed once per process: opened
at a small size and made to encode a few pictures, which takes milliseconds whether it
works or not. :func:`choose_h264` takes the first that works, with the same stream settings
as x264 (a keyframe every second, no B-frames: set by the caller through ``g`` and ``bf``,
which every FFmpeg encoder takes), and says why each other one was passed over.

``KAIZEN_H264_ENCODER`` (an encoder's name, or ``auto``) chooses one by hand: ``libx264``
keeps the software encoder on a machine whose hardware encoder misbehaves.
"""

from __future__ import annotations

import enum
import functools
import logging
import os
from dataclasses import dataclass
from fractions import Fraction

import av
import numpy as np

log = logging.getLogger(__name__)

SOFTWARE = "libx264"
"""FFmpeg's name of the software encoder, which every wheel of PyAV carries."""

ENV_CHOICE = "KAIZEN_H264_ENCODER"
"""The environment variable that names the encoder to use (or ``auto``)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Hardware:
    """A hardware H.264 encoder FFmpeg may have: its name, what it is, the picture layout
    it takes."""

    name: str
    label: str
    pix_fmt: str


HARDWARE = (
    Hardware(name="h264_qsv", label="Intel Quick Sync", pix_fmt="nv12"),
    Hardware(name="h264_nvenc", label="NVIDIA NVENC", pix_fmt="yuv420p"),
    Hardware(name="h264_amf", label="AMD AMF", pix_fmt="yuv420p"),
    Hardware(name="h264_v4l2m2m", label="Raspberry Pi V4L2", pix_fmt="yuv420p"),
)
"""The hardware encoders tried, in order."""


class ProbeResult(enum.Enum):
    """What probing one encoder found."""

    WORKS = "works"
    NOT_IN_THIS_BUILD = "not in this build of FFmpeg"
    WOULD_NOT_OPEN = "would not open"
    MADE_NO_PICTURES = "made no pictures"


@dataclass(frozen=True, slots=True, kw_only=True)
class Probe:
    """One encoder probed: its name, label, picture layout, what was found and why."""

    name: str
    label: str
    pix_fmt: str
    result: ProbeResult
    reason: str = ""

    @property
    def works(self) -> bool:
        return self.result is ProbeResult.WORKS

    @property
    def hardware(self) -> bool:
        return self.name != SOFTWARE

    def describe(self) -> str:
        """One line for ``studio devices`` and the log."""
        kind = "hardware" if self.hardware else "software"
        head = f"{self.label} ({self.name}, {kind}): {self.result.value}"
        return f"{head}: {self.reason}" if self.reason else head


@dataclass(frozen=True, slots=True, kw_only=True)
class H264Choice:
    """The encoder to use, and every probe that led to it."""

    encoder: Probe
    probes: tuple[Probe, ...]
    forced: bool = False

    def summary(self) -> str:
        """Which encoder is in use and why, in one line for the strip and the log."""
        if self.encoder.hardware:
            return f"encoding on the {self.encoder.label} chip ({self.encoder.name})"
        if self.forced:
            return f"encoding in software (x264), as {ENV_CHOICE} asks"
        return "encoding in software (x264): no hardware H.264 encoder works on this machine"


def probe(name: str, label: str, pix_fmt: str, *, width: int = 320, height: int = 240) -> Probe:
    """Open encoder ``name`` at ``width`` x ``height`` and encode three pictures.

    Returns
    -------
    Probe
        ``WORKS`` when it gave back at least one packet; otherwise the step that failed
        and FFmpeg's reason. Never raises for an encoder that is missing or broken.
    """

    def found(result: ProbeResult, reason: str = "") -> Probe:
        return Probe(name=name, label=label, pix_fmt=pix_fmt, result=result, reason=reason)

    try:
        av.codec.Codec(name, "w")
    except av.codec.codec.UnknownCodecError:
        return found(ProbeResult.NOT_IN_THIS_BUILD)
    try:
        context = av.CodecContext.create(name, "w")
        assert isinstance(context, av.VideoCodecContext)
        context.width, context.height, context.pix_fmt = width, height, pix_fmt
        context.time_base, context.framerate = Fraction(1, 30), Fraction(30)
        context.bit_rate = 1_000_000
        context.options = {"g": "30", "bf": "0"}
        context.open()
    except (av.FFmpegError, OSError, ValueError) as error:
        return found(ProbeResult.WOULD_NOT_OPEN, _words(error))
    packets = 0
    try:
        grey = np.full((height, width, 3), 128, np.uint8)
        for i in range(3):
            frame = av.VideoFrame.from_ndarray(grey, format="bgr24").reformat(format=pix_fmt)
            frame.pts = i
            packets += len(context.encode(frame))
        packets += len(context.encode(None))
    except (av.FFmpegError, OSError, ValueError) as error:
        return found(ProbeResult.MADE_NO_PICTURES, _words(error))
    if packets == 0:
        return found(ProbeResult.MADE_NO_PICTURES, "it gave back no packets")
    return found(ProbeResult.WORKS)


@functools.cache
def probe_all() -> tuple[Probe, ...]:
    """Every hardware encoder of :data:`HARDWARE`, then x264: probed once per process."""
    probes = tuple(probe(h.name, h.label, h.pix_fmt) for h in HARDWARE)
    return (*probes, probe(SOFTWARE, "x264", "yuv420p"))


def choose_h264(
    probes: tuple[Probe, ...] | None = None, *, wanted: str | None = None
) -> H264Choice:
    """The first encoder of ``probes`` (default :func:`probe_all`) that works.

    Parameters
    ----------
    probes : tuple of Probe, optional
        What was found, hardware first, x264 last.
    wanted : str, optional
        An encoder's name, ``auto`` or None (default: the ``KAIZEN_H264_ENCODER``
        environment variable, else ``auto``). A wanted encoder that does not work is
        passed over with a warning in the log, as if ``auto``.

    Raises
    ------
    RuntimeError
        When not even x264 works (a broken installation of PyAV).
    """
    probes = probe_all() if probes is None else probes
    wanted = (wanted if wanted is not None else os.environ.get(ENV_CHOICE, "auto")).strip()
    if wanted and wanted != "auto":
        match = [p for p in probes if p.name == wanted]
        if match and match[0].works:
            return H264Choice(encoder=match[0], probes=probes, forced=True)
        known = ", ".join(p.name for p in probes)
        why = match[0].describe() if match else f"not one of {known}"
        log.warning("%s=%s cannot be used (%s); choosing by itself", ENV_CHOICE, wanted, why)
    for found in probes:
        if found.works:
            if found.hardware:
                log.info("H.264 on the hardware encoder %s", found.describe())
            return H264Choice(encoder=found, probes=probes)
    raise RuntimeError(
        "no H.264 encoder works, not even x264: reinstall PyAV (pip install --force-reinstall av)"
    )


def _words(error: BaseException) -> str:
    """FFmpeg's reason without the call it came from ("Operation not permitted")."""
    text = getattr(error, "strerror", None) or str(error).strip() or type(error).__name__
    return f"FFmpeg says {str(text).splitlines()[0][:120]!r} (no chip or driver for it?)"
