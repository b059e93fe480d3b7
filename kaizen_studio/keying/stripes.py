"""The keyer's first pass over one horizontal stripe of a frame: the key (the screen's
channel's lead over the other two), denoised, and what the coarse grid samples of it and of
the colour (:mod:`keying.coarse` works on those samples once the whole frame is done)."""

from __future__ import annotations

import cv2

from kaizen_studio.keying import matte as km
from kaizen_studio.keying.frames import BGRImage
from kaizen_studio.keying.workspace import FrameWork


def sample_stripe(
    frame: BGRImage, st: FrameWork, rows: slice, *, primary: int, radius: int
) -> None:
    """Key frame ``rows`` (with the stripe's halo of neighbours) into the stripe's halo
    buffers, and write the coarse samples of its blocks into ``st``.

    Parameters
    ----------
    frame : BGR uint8 (h, w, 3), C-contiguous, the whole camera frame
    st : the frame's workspace; ``rows`` must be one of its ``stripes``
    rows : the stripe's frame rows
    primary : the screen's channel (0 blue, 1 green, 2 red)
    radius : the key's denoising radius in pixels (0: none)

    Writes ``st.sample_small`` (float32 BGR, the colour about the middle of each block),
    ``st.half_small`` (uint8, the smoothed key at the middle pixel) and ``st.peak_small``
    (uint8, the most screen-like pixel of the block and one round it) for the coarse rows
    the stripe samples.
    """
    h = frame.shape[0]
    lo, hi = max(0, rows.start - st.halo_rows), min(h, rows.stop + st.halo_rows)
    work = st.work[rows.start]
    half, smoothed, peak = (b[: hi - lo] for b in work.halo)
    km.colour_difference(frame[lo:hi], primary=primary, signed=True, out=half)
    km.denoise(half, radius=radius, out=smoothed)
    sampled = st.sample_rows[work.coarse] - lo
    # the colour about the middle of each block, for the screen's light (the four middle
    # pixels, as a bilinear shrink by exactly the grid's scale samples them); a last block
    # cut short by the frame's bottom shrunk on its own, so that every way of cutting the
    # frame into stripes gives the same samples
    c0, c1 = work.coarse.start, work.coarse.stop
    scale = st.scale
    whole = min(c1, h // scale)
    for a, b in ((c0, whole), (max(c0, whole), c1)):
        if b > a:
            st.sample_small[a:b] = cv2.resize(
                frame[a * scale : min(h, b * scale)],
                (st.sample_small.shape[1], b - a),
                interpolation=cv2.INTER_LINEAR,
            )
    st.half_small[work.coarse] = smoothed[sampled][:, st.sample_cols]
    # the most screen-like pixel of each block: thin gaps of screen are not missed
    cv2.dilate(smoothed, st.peak_kernel, dst=peak)
    st.peak_small[work.coarse] = peak[sampled][:, st.sample_cols]
