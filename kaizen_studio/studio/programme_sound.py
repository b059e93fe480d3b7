"""The programme's sound: the show's sound held back until the pictures have caught up,
and the sounds of the videos it plays (a video backdrop, a video file source) mixed in.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable

from kaizen_studio.core.clock import Clock
from kaizen_studio.core.media import AudioBlock, VideoSource
from kaizen_studio.studio.backdrop import Backdrop
from kaizen_studio.studio.sound import ShowSound, SoundFeed
from kaizen_studio.studio.sources.video_file import VideoFileSource


class HeldSound:
    """Blocks of sound held until ``limit()`` (the end of the last picture made, or a
    second ago) has passed their end, then handed to ``send`` in order: the sound never
    runs ahead of the pictures, and when the show stops it is cut at the last picture's
    end. Thread-safe."""

    def __init__(self, send: Callable[[AudioBlock], None], limit: Callable[[], float]) -> None:
        self._send, self._limit = send, limit
        self._lock = threading.Lock()
        self._held: deque[AudioBlock] = deque()
        self._end: float | None = None  # stopped: no sound after this

    def reset(self) -> None:
        """Take sound again (a show started), nothing held."""
        with self._lock:
            self._end = None
            self._held.clear()

    def push(self, block: AudioBlock) -> None:
        """Hold ``block`` (dropped once ended) and send what may go."""
        with self._lock:
            if self._end is not None:
                return  # the show has stopped
            self._held.append(block)
            self._forward(self._limit())

    def release(self) -> None:
        """Send what may go now (a picture was made)."""
        with self._lock:
            self._forward(self._limit())

    def end_at(self, end: float) -> None:
        """Send the sound up to ``end`` (the block across it cut there), drop the rest and
        take no more."""
        with self._lock:
            self._forward(end, cut=True)
            self._end = end

    def _forward(self, limit: float, *, cut: bool = False) -> None:
        held = self._held
        while held and held[0].pts + held[0].duration <= limit + 1e-9:
            self._send(held.popleft())
        if cut and held:
            keep = round((limit - held[0].pts) * held[0].sample_rate)
            if keep > 0:
                first = held[0]
                self._send(AudioBlock(first.samples[:keep], first.sample_rate, first.pts))
            held.clear()


class VideoSounds:
    """The video backdrop playing live, and the sounds of videos mixed into ``sound``
    (None: no show sound; videos play silent)."""

    def __init__(self, sound: ShowSound | None, clock: Clock) -> None:
        self.sound, self.clock = sound, clock
        self.playing: Backdrop | None = None
        self._feeds: list[SoundFeed] = []  # the video sounds added here

    def play(self, backdrop: Backdrop) -> None:
        """Play ``backdrop`` live (a video: decoded in a worker, its sound mixed in),
        stopping and closing the one before."""
        if backdrop is self.playing:
            return
        replaced = self.playing
        self.stop()
        if replaced is not None:
            replaced.close()  # its file too: a look's video is opened afresh for each look
        if not backdrop.still:
            feed = self._feed(f"the background {backdrop.spec}")
            backdrop.play(self.clock, on_sound=None if feed is None else feed.push)
            self.playing = backdrop

    def stop(self) -> None:
        """Stop the backdrop playing, and its sound."""
        playing, self.playing = self.playing, None
        if playing is not None:
            playing.stop()
            self._forget(f"the background {playing.spec}")

    def hear(self, source: VideoSource) -> None:
        """Mix a video file source's sound into the show's sound."""
        if isinstance(source, VideoFileSource) and source.on_sound is None:
            feed = self._feed(source.name, replaces_test_sound=True)
            if feed is not None:
                source.on_sound = feed.push

    def forget(self, source: VideoSource) -> None:
        """Stop mixing a video file source's sound (it is shown no more)."""
        if isinstance(source, VideoFileSource):
            self._forget(source.name)

    def _feed(self, name: str, *, replaces_test_sound: bool = False) -> SoundFeed | None:
        if self.sound is None:
            return None
        feed = self.sound.feed(name, replaces_test_sound=replaces_test_sound)
        self._feeds.append(feed)
        return feed

    def _forget(self, name: str) -> None:
        for feed in [f for f in self._feeds if f.name == name]:
            self._feeds.remove(feed)
            if self.sound is not None:
                self.sound.remove_feed(feed)
