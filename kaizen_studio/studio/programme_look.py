"""The look (scene) the programme shows, and the one asked for at its next tick.

:class:`ProgrammeLook` keeps the look on show and the one asked for; at a tick it takes
the one asked for (with a cut or a fade: :class:`studio.stages.TransitionStage`), plays
its backdrop (a video plays live, its sound mixed in), puts up its overlays and gives the
keyer its settings. It answers the key stage's questions: the backdrop at a tick (the
guest behind it when the look says so), where the presenter goes, where the guest goes.
"""

from __future__ import annotations

import enum

from kaizen_studio.core.media import Image
from kaizen_studio.keying import Keyer
from kaizen_studio.studio.guest_look import GuestLook
from kaizen_studio.studio.layers import Layers
from kaizen_studio.studio.programme_sound import VideoSounds
from kaizen_studio.studio.scenes import Look
from kaizen_studio.studio.show import Placement
from kaizen_studio.studio.stages import OverlaysStage, TransitionStage

MAX_FADE_SECONDS = 5.0


class Transition(enum.Enum):
    """How the programme changes to a new look: at once, or blended over some seconds."""

    CUT = "cut"
    FADE = "fade"

    @classmethod
    def named(cls, text: str) -> Transition:
        """The transition called ``text``; ValueError naming the choices otherwise."""
        try:
            return cls(text.strip().lower())
        except ValueError:
            choices = ", ".join(transition.value for transition in cls)
            raise ValueError(f"a transition is one of {choices}, not {text!r}") from None


class ProgrammeLook:
    """The programme's look now and next (see the module); ``background`` is shown while
    no look has been."""

    def __init__(
        self,
        *,
        background: Image | None,
        keyer: Keyer | None,
        overlays: OverlaysStage,
        transition: TransitionStage,
        videos: VideoSounds,
    ) -> None:
        self.background, self.keyer = background, keyer
        self._overlays, self._transition, self._videos = overlays, transition, videos
        self.look: Look | None = None
        """the look on show (None: none yet, the background)"""
        self._pending: tuple[Look, Transition, float] | None = None

    def ask(self, look: Look, *, transition: Transition, seconds: float) -> None:
        """Show ``look`` from the next tick, with a cut or a fade of ``seconds``."""
        if not 0.0 < seconds <= MAX_FADE_SECONDS:
            raise ValueError(f"a fade lasts 0 to 5 seconds, got {seconds}")
        self._pending = (look, transition, seconds)

    def take(self, tick: float) -> bool:
        """Take the look asked for at ``tick``, if any (True: the look changed)."""
        pending, self._pending = self._pending, None
        if pending is None:
            return False
        look, transition, seconds = pending
        if transition is Transition.FADE:
            self._transition.fade(tick, seconds)
        self.look = look
        self._videos.play(look.backdrop)
        self._overlays.overlays = list(look.overlays)
        if self.keyer is not None:
            self.keyer.settings = look.keyer
        return True

    def backdrop(self, tick: float, layers: Layers) -> Image | None:
        """What the presenter is keyed over at ``tick`` (the guest of ``layers`` behind
        it when the look says so)."""
        if self.look is None:
            return self.background
        backdrop = self.look.backdrop.at(tick)
        if self.look.guest is GuestLook.BEHIND:
            return layers.behind(backdrop)
        return backdrop

    def placement(self) -> Placement | None:
        """Where the look puts the presenter (None: as the camera sees them)."""
        return self.look.placement if self.look is not None else None

    def guest(self) -> GuestLook:
        """Where the look puts the partner school's guest."""
        return self.look.guest if self.look is not None else GuestLook.OFF
