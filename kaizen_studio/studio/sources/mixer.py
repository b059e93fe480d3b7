"""Mixing sound: blocks from several sources summed with gains, and a meter's level.

Pure functions on :class:`~core.media.AudioBlock`; the output takes the first block's
timestamp, so the mix stays on the show's clock.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from kaizen_studio.core.media import AudioBlock

SILENCE_DB = -90.0


def mix(blocks: Sequence[AudioBlock], *, gains: Sequence[float] | None = None) -> AudioBlock:
    """Sum blocks of one rate and shape, each times its gain, clipped to -1..1.

    Parameters
    ----------
    blocks : blocks with the same sample rate and sample shape (n, channels).
    gains : one linear gain per block (default 1.0 each).

    Returns
    -------
    AudioBlock : float32 (n, channels), stamped with the first block's ``pts``.

    Raises
    ------
    ValueError : no blocks, a gain count that differs, or blocks that do not match.
    """
    if not blocks:
        raise ValueError("mix needs at least one block of sound")
    weights = [1.0] * len(blocks) if gains is None else [float(g) for g in gains]
    if len(weights) != len(blocks):
        raise ValueError(f"mix got {len(blocks)} blocks but {len(weights)} gains")
    first = blocks[0]
    for block in blocks[1:]:
        if block.sample_rate != first.sample_rate or block.samples.shape != first.samples.shape:
            raise ValueError(
                f"cannot mix {block.samples.shape} at {block.sample_rate} Hz with "
                f"{first.samples.shape} at {first.sample_rate} Hz: resample first"
            )
    total = np.zeros(first.samples.shape, np.float32)
    for block, gain in zip(blocks, weights, strict=True):
        total += block.samples.astype(np.float32) * np.float32(gain)
    np.clip(total, -1.0, 1.0, out=total)
    return AudioBlock(total, first.sample_rate, first.pts)


def level_db(block: AudioBlock) -> float:
    """The block's RMS level in dBFS (0 is full scale; silence is ``SILENCE_DB``)."""
    if block.samples.size == 0:
        return SILENCE_DB
    rms = float(np.sqrt(np.mean(np.square(block.samples, dtype=np.float64))))
    return SILENCE_DB if rms <= 10 ** (SILENCE_DB / 20) else max(SILENCE_DB, 20 * np.log10(rms))
