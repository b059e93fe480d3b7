"""A partner school publishing its show to a server: the real RTMP streamer (an encoder in
its own process) fed pictures of one colour and a 1 kHz tone at the show's pace, which can
be killed (its encoder process ended with SIGKILL, the link cut, no goodbye) and started
again."""

from __future__ import annotations

import os
import signal
import threading
import time

import numpy as np

from kaizen_studio.broadcast import OutputState, RtmpStreamer
from kaizen_studio.core.media import AudioBlock, VideoFrame

COLOUR = (200, 60, 180)
"""the partner's pictures (BGR): a magenta no scene has"""
TONE = 1000.0
"""the partner's sound (Hz): far from the test sound's voice"""


class Partner:
    """Publishes to ``url`` from :meth:`start` until :meth:`kill` or :meth:`stop`."""

    def __init__(
        self, url: str, *, size: tuple[int, int] = (320, 180), fps: int = 25, stamp: bool = False
    ) -> None:
        self.url, self.size, self.fps, self.stamp = url, size, fps, stamp
        self.sent: list[float] = []
        """the monotonic time each picture was handed to the encoder (picture i: sent[i])"""
        self._streamer: RtmpStreamer | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        w, h = self.size
        self._streamer = RtmpStreamer(self.url, width=w, height=h, fps=self.fps)
        self._streamer.start()
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="partner", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        streamer = self._streamer
        assert streamer is not None
        w, h = self.size
        block = 48000 // self.fps
        tone = (0.3 * np.sin(2 * np.pi * TONE * np.arange(block) / 48000)).astype(np.float32)
        start = time.monotonic()
        i = 0
        while not self._stop.is_set():
            pts = start + i / self.fps
            picture = np.empty((h, w, 3), np.uint8)
            picture[:] = COLOUR
            if self.stamp:  # the picture's number in 12 black/white bars along the top
                bars = (i >> np.arange(12)) & 1
                step = w // 12
                picture[: h // 8, : 12 * step] = np.repeat(bars * 255, step)[None, :, None]
            self.sent.append(time.monotonic())
            streamer.send(VideoFrame(picture, pts, i))
            streamer.send_audio(AudioBlock(np.stack([tone, tone], 1), 48000, pts))
            i += 1
            self._stop.wait(max(0.0, start + i / self.fps - time.monotonic()))

    @property
    def on_air(self) -> bool:
        """Whether the server has taken the partner's stream."""
        streamer = self._streamer
        return streamer is not None and streamer.stats().state is OutputState.ON_AIR

    def kill(self) -> None:
        """Cut the link as a crash would: the encoder process killed, then no more sent."""
        streamer = self._streamer
        if streamer is not None and streamer.pid is not None:
            os.kill(streamer.pid, signal.SIGKILL)
        self.stop()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        if self._streamer is not None:
            self._streamer.stop()
            self._streamer = None


def stamped_number(image: np.ndarray) -> int:
    """The number a stamped picture carries (its bars read back)."""
    h, w = image.shape[:2]
    row = image[h // 16, :, 1].astype(np.float32)
    step = w // 12
    bits = [row[k * step + step // 4 : (k + 1) * step - step // 4].mean() > 128 for k in range(12)]
    return sum(int(bit) << k for k, bit in enumerate(bits))
