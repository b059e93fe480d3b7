"""What the programme may lay over the presenter besides the overlays: a partner school's
stream (the guest, where the look says) and a source that covers the whole picture for a
while (the break's recorded presentations in a kidsmeet), each with its sound mixed into
the show's.

Both are compositor stages (after the presenter is placed, before the overlays, so a
lower third or the pick of the next presenter still shows over them). They only read
their sources, which never wait: no frame of the show is late because of them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from kaizen_studio.core.media import AudioBlock, Image, VideoFrame
from kaizen_studio.keying import cover_fit
from kaizen_studio.studio.guest_look import GuestLook, GuestStage
from kaizen_studio.studio.sound import ShowSound, SoundFeed
from kaizen_studio.studio.sources.guest import GuestSource
from kaizen_studio.studio.stages import Stage


class CoverSource(Protocol):
    """A source with a name and a sound (the one frame interface, and ``on_sound``)."""

    name: str
    on_sound: Callable[[AudioBlock], None] | None

    def start(self) -> None: ...

    def read(self) -> VideoFrame | None: ...

    def stop(self) -> None: ...

    def close(self) -> None: ...


class CoverStage:
    """Puts ``source``'s newest picture over the whole frame (None: passes it on);
    between two videos it keeps the last picture."""

    name = "cover"

    def __init__(self) -> None:
        self.source: CoverSource | None = None
        self._last: Image | None = None

    def apply(self, frame: VideoFrame) -> VideoFrame:
        source = self.source
        if source is None:
            self._last = None
            return frame
        newest = source.read()
        if newest is not None:
            self._last = newest.image
        if self._last is not None:
            frame.image[:] = cover_fit(self._last, frame.size)
        return frame

    def fallback(self) -> CoverStage | None:
        return None


class Layers:
    """The guest (shown as ``look()`` says) and the cover, their stages and sounds (mixed
    into ``sound``; None: no show sound)."""

    def __init__(self, look: Callable[[], GuestLook], sound: ShowSound | None) -> None:
        self.sound = sound
        self.guest_stage = GuestStage(look)
        self.cover_stage = CoverStage()
        self.stages: list[Stage] = [self.guest_stage, self.cover_stage]
        """in the compositor's order"""
        self._feeds: dict[str, SoundFeed] = {}

    @property
    def guest(self) -> GuestSource | None:
        return self.guest_stage.guest

    @property
    def cover(self) -> CoverSource | None:
        return self.cover_stage.source

    def set_guest(self, guest: GuestSource | None, *, running: bool) -> None:
        """Show ``guest`` from now on (started if the show is ``running``), its sound
        mixed in; the one before closed."""
        if guest is not None:
            guest.on_sound = self._feed("guest", f"the guest {guest.name}")
        elif "guest" in self._feeds:
            self._feed("guest", None)
        if guest is not None and running:
            guest.start()
        old, self.guest_stage.guest = self.guest_stage.guest, guest
        if old is not None:
            old.close()

    def set_cover(self, cover: CoverSource | None, *, running: bool) -> None:
        """Cover the programme with ``cover`` from the next frame (None: uncover), its
        sound mixed in; the one before closed."""
        if cover is not None:
            cover.on_sound = self._feed("cover", cover.name)
        else:
            self._feed("cover", None)
        if cover is not None and running:
            cover.start()
        old, self.cover_stage.source = self.cover_stage.source, cover
        if old is not None:
            old.close()

    def _feed(self, role: str, name: str | None) -> Callable[[AudioBlock], None] | None:
        """A new sound feed for ``role`` called ``name`` (None: none), the old one gone."""
        old = self._feeds.pop(role, None)
        if old is not None and self.sound is not None:
            self.sound.remove_feed(old)
        if name is None or self.sound is None:
            return None
        feed = self.sound.feed(name)
        self._feeds[role] = feed
        return feed.push

    def still(self, look: GuestLook) -> bool:
        """Whether the backdrop the key uses stays the same from frame to frame."""
        return look is not GuestLook.BEHIND and self.cover is None

    def behind(self, backdrop: Image) -> Image:
        """``backdrop`` with the guest's box drawn in (a new picture) for the key."""
        return self.guest_stage.behind(backdrop) if self.guest is not None else backdrop

    def start(self) -> None:
        for source in (self.guest, self.cover):
            if source is not None:
                source.start()

    def stop(self) -> None:
        for source in (self.guest, self.cover):
            if source is not None:
                source.stop()

    def close(self) -> None:
        for source in (self.guest, self.cover):
            if source is not None:
                source.close()
