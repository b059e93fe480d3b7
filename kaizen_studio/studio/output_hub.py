"""The programme's outputs: linked, started, fed each tick and ended, never waited for.

:class:`OutputHub` holds the programme's :class:`studio.output_link.OutputLink` objects.
Outputs are linked all at once (a take and its clean camera begin on the same picture)
and unlinked all at once, then each finishes what it holds. Each tick the hub offers the
programme frame, or the camera frame the programme used (``feed="camera"``), to every
link without waiting, and hands the show's sound to those that take it.
"""

from __future__ import annotations

import threading

from kaizen_studio.core.media import AudioBlock, Image, VideoFrame, VideoOutput
from kaizen_studio.studio.output_link import Feed, Mode, OutputLink


class OutputHub:
    """The outputs of a programme at ``fps`` (see the module)."""

    def __init__(self, fps: float) -> None:
        self.fps = fps
        self.links: list[OutputLink] = []
        """the outputs fed now; replaced in one assignment, so a tick sees all or none"""

    def add(
        self, *outputs: tuple[VideoOutput, Feed], mode: Mode, seconds: float, running: bool
    ) -> list[OutputLink]:
        """Link each ``(output, feed)``: each started first when the show is ``running``
        (an encoder takes a moment to open), then all linked at once. One that fails to
        start: none is linked (those started are finished)."""
        if any(feed not in ("programme", "camera") for _, feed in outputs):
            raise ValueError(f"an output is fed the 'programme' or the 'camera': {outputs!r}")
        capacity = max(2, round(seconds * self.fps))
        links = [OutputLink(output, mode, capacity, feed) for output, feed in outputs]
        started: list[OutputLink] = []
        try:
            for link in links if running else []:
                self.start(link)
                started.append(link)
        except BaseException:
            for link in started:
                self.finish(link)
            raise
        self.links = [*self.links, *links]
        return links

    def detach(self, *links: OutputLink) -> None:
        """Stop feeding ``links`` from the same tick on, without waiting."""
        if any(all(link is not held for held in self.links) for link in links):
            raise ValueError("that output is not on this programme")
        self.links = [held for held in self.links if all(held is not link for link in links)]

    @staticmethod
    def start(link: OutputLink) -> None:
        """Start ``link``'s output and its worker thread."""
        link.output.start()
        link.thread = threading.Thread(
            target=link.run, daemon=True, name=f"output {type(link.output).__name__}"
        )
        link.thread.start()

    @staticmethod
    def finish(link: OutputLink) -> None:
        """Let a detached ``link``'s output encode what it holds, and stop it (waits)."""
        if link.thread is not None:
            link.frames.put(None)
            link.thread.join(timeout=30.0)
            link.thread = None
            link.output.stop()

    def offer(self, programme: VideoFrame, camera: Image, index: int) -> None:
        """Hand this tick's ``programme`` frame to the outputs fed the programme, and the
        ``camera`` picture it was made from (stamped the same, numbered ``index``) to
        those fed the camera; never waits."""
        clean: VideoFrame | None = None
        for link in list(self.links):
            if link.feed == "camera":
                clean = clean or VideoFrame(camera, programme.pts, index)
                link.offer(clean)
            else:
                link.offer(programme)

    def send_audio(self, block: AudioBlock) -> None:
        """Hand ``block`` to every output that takes sound (the link knows which)."""
        for link in list(self.links):
            link.send_audio(block)

    def counts(self) -> dict[str, tuple[int, int]]:
        """Frames sent and dropped, by output name ('(camera)' for a clean feed)."""
        return {
            type(link.output).__name__ + (" (camera)" if link.feed == "camera" else ""): (
                link.sent,
                link.dropped,
            )
            for link in self.links
        }

    @property
    def failed(self) -> list[str]:
        """Why each output that failed stopped."""
        return [link.failed for link in self.links if link.failed]
