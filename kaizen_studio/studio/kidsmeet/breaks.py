"""What plays in a kidsmeet's break: recorded presentations, one after another, until the
next talk starts.

Where the videos come from is a :class:`BreakPlaylist`: today a folder of recorded
presentations (:class:`FolderPlaylist`); the school channel's break playlist is another
playlist with the same one method, to be given to :class:`BreakVideos` in its place.

:class:`BreakVideos` is a source (the one frame interface): each video is played by
:class:`studio.playback.VideoPlayer` (decoded in a worker, paced by the show's clock,
its sound stamped on the same clock); a watcher thread opens the next video when one
ends, so :meth:`BreakVideos.read` never waits for a file to open. A video that cannot be
played is skipped and said in :attr:`BreakVideos.problems`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from kaizen_studio.core.clock import Clock
from kaizen_studio.core.errors import InputError, MissingFileError, StudioError
from kaizen_studio.core.media import AudioBlock, SourceState, VideoFrame
from kaizen_studio.keying import cover_fit
from kaizen_studio.studio.backdrop import VIDEO_SUFFIXES
from kaizen_studio.studio.playback import VideoPlayer

log = logging.getLogger(__name__)


class BreakPlaylist(Protocol):
    """The videos of the breaks, in the order they play."""

    def next_video(self) -> Path | None:
        """The next video to play (None: nothing to play)."""
        ...


class FolderPlaylist:
    """The videos in ``folder`` in name order, round and round."""

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)
        if not self.folder.is_dir():
            raise MissingFileError(f"{self.folder}: no such folder of recorded presentations")
        self.videos = sorted(
            p for p in self.folder.iterdir() if p.suffix.lower() in VIDEO_SUFFIXES and p.is_file()
        )
        if not self.videos:
            kinds = ", ".join(sorted(VIDEO_SUFFIXES))
            raise InputError(f"{self.folder}: has no videos for the break ({kinds})")
        self._next = 0

    def next_video(self) -> Path | None:
        video = self.videos[self._next % len(self.videos)]
        self._next += 1
        return video


class BreakVideos:
    """Plays ``playlist``'s videos one after another at the show's ``size`` on ``clock``.

    ``on_sound`` (settable until :meth:`start`) gets their sound at the show's rate and
    channels. ``start``, ``stop`` and ``close`` are safe to call twice.
    """

    name = "the break's videos"

    def __init__(
        self, playlist: BreakPlaylist, *, size: tuple[int, int], clock: Clock | None = None
    ) -> None:
        self.playlist, self.size = playlist, size
        self.clock = clock or Clock()
        self.on_sound: Callable[[AudioBlock], None] | None = None
        self.playing: Path | None = None
        """the video playing now"""
        self.played: list[Path] = []
        self.problems: list[str] = []
        self._player: VideoPlayer | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(target=self._watch, name="break videos", daemon=True)
            self._thread.start()

    def read(self) -> VideoFrame | None:
        """The newest picture of the video playing (None before the first)."""
        player = self._player
        return None if player is None else player.newest()

    def stop(self) -> None:
        self._stop.set()
        thread, self._thread = self._thread, None
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=10.0)
        if self._player is not None:
            self._player.stop()

    def close(self) -> None:
        self.stop()

    def _watch(self) -> None:
        """Open the next video whenever none plays or the one playing has ended."""
        failures = 0
        while not self._stop.is_set():
            player = self._player
            if player is None or player.state.gone or player.state is SourceState.STOPPED:
                if player is not None and player.state is SourceState.FAILED:
                    self.problems.append(player.message)
                if not self._play_next():
                    failures += 1
                    if failures > 20:  # every video refused: stop trying, keep the last
                        log.warning("no video of the break can be played")
                        return
                else:
                    failures = 0
            self._stop.wait(0.1)

    def _play_next(self) -> bool:
        video = self.playlist.next_video()
        if video is None:
            return False
        size = self.size
        try:
            player = VideoPlayer(
                video,
                clock=self.clock,
                convert=lambda image: cover_fit(image, size),
                loop=False,
                on_sound=self.on_sound,
            )
        except (StudioError, OSError, ValueError) as error:
            self.problems.append(f"{video.name} was skipped: {error}")
            log.warning("the break skips %s: %s", video, error)
            return False
        old, self._player = self._player, player
        player.start()
        if old is not None:
            old.stop()
        self.playing = video
        self.played.append(video)
        log.info("the break plays %s", video.name)
        return True
