"""The live pipeline benchmarks' show: the demo presenter as an H.264 clip (the camera)
and the four overlays drawn over it."""

from __future__ import annotations

from pathlib import Path

import av

from kaizen_studio.studio.overlays import ClockOverlay, LiveBadge, LowerThird, Overlay, Ticker
from kaizen_studio.studio.sources.demo import DEMO_PRESENTER
from kaizen_studio.studio.synthetic import render_scene


def presenter_clip(path: Path, size: tuple[int, int], fps: int, seconds: float = 2.0) -> None:
    """Write ``seconds`` of the demo presenter at ``size`` and ``fps`` to ``path``
    (H.264, CRF 18): a loop the file source plays."""
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=fps)
        stream.width, stream.height, stream.pix_fmt = *size, "yuv420p"
        stream.options = {"crf": "18", "preset": "veryfast"}
        for i in range(round(seconds * fps)):
            image = render_scene(DEMO_PRESENTER, t=i / fps, size=size).image
            frame = av.VideoFrame.from_ndarray(image, format="bgr24")
            frame.pts = i
            container.mux(stream.encode(frame))
        container.mux(stream.encode(None))


def four_overlays() -> list[Overlay]:
    """The show's four overlays: a lower third, a ticker, the LIVE badge (always on) and
    the clock."""
    return [
        LowerThird("Zoë Ångström", "Year 5"),
        Ticker(["Sports day on Friday", "Quiz winners"]),
        LiveBadge(on_air=lambda: True),
        ClockOverlay(),
    ]
