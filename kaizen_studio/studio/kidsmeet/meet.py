"""Kidsmeet mode: the running order driving the show, without Qt.

:class:`Kidsmeet` is what the window's panel and ``studio live --kidsmeet`` both drive:
pick the next presenter at random from those not yet on (the names spin on the programme
and land on them), start their talk (their name, year, school and title in the lower
third, their timer counting down), end it, or go to the break (recorded presentations
cover the programme until the next talk starts). It works on a
:class:`studio.pipeline.Programme` through its public methods only, from one thread at a
time (the window's, or the command's).
"""

from __future__ import annotations

import enum
import random
from collections.abc import Callable
from dataclasses import dataclass

from kaizen_studio.core.clock import Clock
from kaizen_studio.core.errors import InputError
from kaizen_studio.studio.kidsmeet.breaks import BreakPlaylist, BreakVideos, FolderPlaylist
from kaizen_studio.studio.kidsmeet.order import RunningOrder, Talk
from kaizen_studio.studio.kidsmeet.pick import PickAnimation, pick_presenter
from kaizen_studio.studio.kidsmeet.timer import TalkTimer, TimerReading
from kaizen_studio.studio.overlays import LowerThird, Overlay
from kaizen_studio.studio.pipeline import Programme


class MeetState(enum.Enum):
    WAITING = "waiting"
    """between talks, nothing else on"""
    TALK = "talk"
    BREAK = "break"


@dataclass(frozen=True, slots=True, kw_only=True)
class MeetStatus:
    """Where the meet is, for the panel and the command's lines."""

    state: MeetState
    current: Talk | None
    """the talk on now (or last on)"""
    next_up: Talk | None
    """the presenter picked, not yet started"""
    done: int
    left: int
    timer: TimerReading
    playing: str = ""
    """the break's video playing now"""


class Kidsmeet:
    """``order`` run on ``programme()`` (the programme may be replaced: it is asked for
    each time) on ``clock``. ``playlist``: the break's videos (default: the order's
    ``breaks`` folder; None there too: a break shows the show as it is)."""

    def __init__(
        self,
        order: RunningOrder,
        programme: Callable[[], Programme | None],
        *,
        clock: Clock,
        playlist: BreakPlaylist | None = None,
        size: tuple[int, int] = (1280, 720),
        rng: random.Random | None = None,
    ) -> None:
        self.order, self.programme, self.clock, self.size = order, programme, clock, size
        self.playlist = playlist or (FolderPlaylist(order.breaks) if order.breaks else None)
        self.rng = rng or random.Random()
        self.timer = TalkTimer(clock, seconds=order.minutes * 60.0)
        self.on: list[int] = []
        """the talks that have started, by number, in order"""
        self.next_up: int | None = None
        self.current: int | None = None
        self.state = MeetState.WAITING
        self._mine: list[Overlay] = []  # the overlays this meet put on the programme

    @property
    def waiting(self) -> list[int]:
        """The talks not yet on, by number."""
        return [i for i in range(len(self.order.talks)) if i not in self.on]

    def pick(self) -> Talk:
        """Pick the next presenter at random from those not yet on, and spin the names on
        the programme; :class:`InputError` once everyone has been on."""
        waiting = self.waiting
        try:
            chosen = pick_presenter(waiting, rng=self.rng)
        except ValueError as error:
            raise InputError(str(error)) from None
        self.next_up = chosen
        talk = self.order.talks[chosen]
        names = [self.order.talks[i].name for i in waiting]
        spin = PickAnimation(
            names=names,
            chosen=waiting.index(chosen),
            shown_at=self.clock.now(),
            under=f"Year {talk.year}, {talk.school}",
        )
        self._lay([o for o in self._mine if isinstance(o, LowerThird)] + [spin])
        return talk

    def start_talk(self, number: int | None = None) -> Talk:
        """Start talk ``number`` (default: the one picked): its lower third and timer, the
        break ended. :class:`InputError` if there is none to start."""
        if number is None:
            number = self.next_up
        if number is None:
            raise InputError("pick a presenter first (or choose one from the running order)")
        if not 0 <= number < len(self.order.talks):
            raise InputError(f"the running order has talks 1 to {len(self.order.talks)}")
        talk = self.order.talks[number]
        programme = self.programme()
        if programme is not None:
            programme.set_cover(None)
        self.current, self.next_up, self.state = number, None, MeetState.TALK
        if number not in self.on:
            self.on.append(number)
        self.timer.start(talk.name)
        self._lay([LowerThird(talk.name, talk.role, shown_at=self.clock.now() + 0.5)])
        return talk

    def end_talk(self) -> None:
        """The talk is over: the timer stops, the lower third goes."""
        self.timer.stop()
        if self.state is MeetState.TALK:
            self.state = MeetState.WAITING
        self._lay([])

    def start_break(self) -> str:
        """The break: the recorded presentations cover the programme until the next talk
        starts. What is said about it."""
        self.end_talk()
        self.state = MeetState.BREAK
        programme = self.programme()
        if self.playlist is None:
            return "The break: no recorded presentations were given (--breaks FOLDER)"
        if programme is not None:
            programme.set_cover(BreakVideos(self.playlist, size=self.size, clock=self.clock))
        return "The break: the recorded presentations play until the next talk"

    def _lay(self, overlays: list[Overlay]) -> None:
        """Put ``overlays`` on the programme in place of this meet's last ones, kept over
        every scene (a scene change leaves them on); the talk's lower third stands in for
        the scene's while it is shown."""
        programme = self.programme()
        if programme is not None:
            programme.kept_overlays = overlays
        self._mine = overlays

    def status(self) -> MeetStatus:
        talks = self.order.talks
        programme = self.programme()
        cover = programme.cover if programme is not None else None
        playing = cover.playing if isinstance(cover, BreakVideos) and cover.playing else None
        return MeetStatus(
            state=self.state,
            current=None if self.current is None else talks[self.current],
            next_up=None if self.next_up is None else talks[self.next_up],
            done=len(self.on),
            left=len(self.waiting),
            timer=self.timer.reading(),
            playing=playing.name if playing is not None else "",
        )

    def close(self) -> None:
        """Take this meet's overlays and the break off the programme."""
        self.timer.stop()
        self._lay([])
        programme = self.programme()
        if programme is not None and isinstance(programme.cover, BreakVideos):
            programme.set_cover(None)


def status_line(status: MeetStatus) -> str:
    """The meet in one line (the command prints it)."""
    words = {
        MeetState.WAITING: "between talks",
        MeetState.TALK: f"{status.current.name if status.current else ''} is presenting",
        MeetState.BREAK: "the break" + (f", playing {status.playing}" if status.playing else ""),
    }[status.state]
    timer = status.timer
    over = "over time" if timer.remaining < 0 else "left"
    clock = (
        f", {timer.text} {over} ({timer.colour.value})" if status.state is MeetState.TALK else ""
    )
    up = f"; next: {status.next_up.name}" if status.next_up else ""
    return f"kidsmeet: {words}{clock}; {status.done} on, {status.left} to go{up}"
