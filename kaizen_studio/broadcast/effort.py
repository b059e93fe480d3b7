"""How hard the H.264 encoder works: the steps a show takes down when it falls behind.

An encoder that cannot keep up would drop pictures; instead the show asks it for less
work, one :class:`EncoderEffort` step at a time: x264's fastest analysis (``ultrafast``'s
motion search and decisions, about a quarter less CPU at 1080p), then fewer bits (a tenth
less again). Each step reopens the encoder at a keyframe with the *same* stream headers
(SPS/PPS: the options that would change them are pinned, and ``stitchable`` keeps the
picture parameter set's starting quantiser the same whatever the rate), so the recording
and the stream go on as one H.264 stream that every player follows.
"""

from __future__ import annotations

import enum


class EncoderEffort(enum.IntEnum):
    """How much work the encoder is asked for, most first."""

    FULL = 0
    """the show's own options (:data:`broadcast.encoder.RECORDING` or ``LOW_LATENCY``)"""
    FASTER = 1
    """x264's fastest analysis, the stream headers unchanged"""
    LEANER = 2
    """as FASTER, and fewer bits: 0.6 of the bitrate, or 5 steps more of CRF"""

    @property
    def words(self) -> str:
        """What this step does, for the status strip and the log."""
        return {
            EncoderEffort.FULL: "the encoder at full quality",
            EncoderEffort.FASTER: "a faster encoder setting",
            EncoderEffort.LEANER: "a faster encoder setting and a lower bitrate",
        }[self]


HEADER_PINNED = "cabac=1:8x8dct=1:weightp=1:ref=1"
"""x264 options of ``superfast`` (the show's preset) that the stream headers carry,
given again to ``ultrafast`` so that its headers are the same."""
STITCHABLE = "stitchable=1"
"""Every x264 effort's headers the same whatever the rate control asks (see the module)."""
LEANER_BITRATE = 0.6
"""The share of the bitrate kept at :attr:`EncoderEffort.LEANER`."""
LEANER_CRF = 5
"""CRF steps added at :attr:`EncoderEffort.LEANER` when the rate is x264's own choice
(about 0.6 of the bits; x264's default CRF is 23)."""
DEFAULT_CRF = 23


def x264_options(
    base: dict[str, str], effort: EncoderEffort, *, bitrate: int | None
) -> dict[str, str]:
    """``base`` (x264 options of a show encoded at ``bitrate``, None: at a CRF) as
    asked at ``effort``: ``stitchable`` always (the same headers at every effort); from
    FASTER, ``ultrafast`` with the header's options pinned; at LEANER with no bitrate, a
    higher CRF (with one, :func:`effort_bitrate` lowers it: a CRF would override it)."""
    if not isinstance(effort, EncoderEffort):
        raise TypeError(f"expected an EncoderEffort, got {effort!r}")
    params = [p for p in base.get("x264-params", "").split(":") if p]
    options = dict(base)
    if effort >= EncoderEffort.FASTER:
        options["preset"] = "ultrafast"
        params = [p for p in params if not p.startswith("mbtree")] + [HEADER_PINNED]
    if effort >= EncoderEffort.LEANER and bitrate is None:
        crf = int(base.get("crf", DEFAULT_CRF)) + LEANER_CRF
        options["crf"] = str(min(51, crf))
    options["x264-params"] = ":".join([*params, STITCHABLE])
    return options


def effort_bitrate(bitrate: int | None, effort: EncoderEffort) -> int | None:
    """The bitrate asked at ``effort`` of one of ``bitrate`` (None: the encoder's own)."""
    if bitrate is None or effort < EncoderEffort.LEANER:
        return bitrate
    return round(bitrate * LEANER_BITRATE)
