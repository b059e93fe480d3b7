"""The prompter's brain, without Qt: a script, its scroll model and one renderer.

Keys, clicker buttons and remote commands all become command names applied here, so the
window, the remote and the tests drive the same code.
"""

from __future__ import annotations

import dataclasses

from kaizen_studio.autocue.remote import RemoteServer, RemoteStatus
from kaizen_studio.autocue.render import Look, Mirror, PrompterRenderer
from kaizen_studio.autocue.script import Script
from kaizen_studio.autocue.scroll import ScrollModel, lines_per_second
from kaizen_studio.autocue.voice import VoiceFollowing
from kaizen_studio.core.media import Image

TEXT_SIZE_STEP = 1.15
MIRROR_CYCLE = (Mirror.NONE, Mirror.HORIZONTAL, Mirror.VERTICAL, Mirror.BOTH)


class Prompter:
    """A script scrolling on a display of ``width`` x ``height`` at ``words_per_minute``."""

    def __init__(
        self,
        script: Script,
        *,
        width: int,
        height: int,
        words_per_minute: float = 120.0,
        look: Look | None = None,
    ):
        self.renderer = PrompterRenderer(script, width=width, height=height, look=look)
        self.words_per_minute = float(words_per_minute)
        layout = self.renderer.layout
        speed = lines_per_second(words_per_minute, words_per_line=layout.words_per_line)
        self.model = ScrollModel(len(layout.lines), markers=layout.markers, speed=speed)
        self.voice: VoiceFollowing | None = None

    def follow_voice(self, voice: VoiceFollowing, now: float) -> None:
        """Let ``voice`` move the scroll from now on (until the keys or the remote do)."""
        self.model.pause(now)
        self.voice = voice
        voice.start()

    def apply(self, command: str, now: float) -> None:
        """Apply a named command: start, pause, toggle, faster, slower, next, previous,
        home, end, reverse, bigger, smaller, mirror, voice (follow the voice again, or
        stop). Any command that moves the scroll takes it back from the voice."""
        model = self.model
        if command == "voice" and self.voice is not None:
            if self.voice.active:
                self.voice.hand_back()
            else:
                model.pause(now)
                self.voice.resume(model.position(now))
            return
        if self.voice is not None and command not in ("bigger", "smaller", "mirror"):
            self.voice.hand_back()
        actions = {
            "start": lambda: model.play(now, countdown=model.position(now) == 0.0),
            "pause": lambda: model.pause(now),
            "toggle": lambda: model.toggle(now),
            "faster": lambda: model.faster(now),
            "slower": lambda: model.slower(now),
            "next": lambda: model.next_marker(now),
            "previous": lambda: model.previous_marker(now),
            "home": lambda: model.home(now),
            "end": lambda: model.end(now),
            "reverse": lambda: model.reverse(now),
            "bigger": lambda: self._resize(now, TEXT_SIZE_STEP),
            "smaller": lambda: self._resize(now, 1 / TEXT_SIZE_STEP),
            "mirror": self._next_mirror,
        }
        action = actions.get(command)
        if action is None:
            raise ValueError(
                f"unknown autocue command {command!r}; expected one of {sorted(actions)}"
            )
        action()

    def _next_mirror(self) -> None:
        look = self.renderer.look
        following = MIRROR_CYCLE[(MIRROR_CYCLE.index(look.mirror) + 1) % len(MIRROR_CYCLE)]
        self.renderer.set_look(dataclasses.replace(look, mirror=following))

    def _resize(self, now: float, factor: float) -> None:
        look = self.renderer.look
        size = round(min(max(look.text_size * factor, 24), 300))
        if size == look.text_size:
            return
        old_lines = max(self.model.total_lines, 1.0)
        fraction = self.model.position(now) / old_lines
        was_playing = self.model.state(now).playing
        self.renderer.set_look(dataclasses.replace(look, text_size=size))
        layout = self.renderer.layout
        speed = lines_per_second(self.words_per_minute, words_per_line=layout.words_per_line)
        model = ScrollModel(len(layout.lines), markers=layout.markers, speed=speed)
        model.seek(now, fraction * len(layout.lines))
        if was_playing:
            model.play(now, countdown=False)
        self.model = model
        if self.voice is not None:
            self.voice.relayout(layout)

    def frame(self, now: float) -> Image:
        """The frame to show at ``now`` (BGR uint8; reused by the next call)."""
        if self.voice is not None and self.voice.active:
            self.model.seek(now, self.voice.glide(self.model.position(now), now))
        state = self.model.state(now)
        return self.renderer.render(state.position, countdown=state.countdown)

    def drain(self, remote: RemoteServer, now: float) -> None:
        """Apply the remote's waiting commands and publish the current line to it."""
        for command in remote.take_commands():
            self.apply(command, now)
        state = self.model.state(now)
        line = self.renderer.layout.line_at(state.position)
        remote.set_status(RemoteStatus(line=line, playing=state.playing, speed=state.speed))
