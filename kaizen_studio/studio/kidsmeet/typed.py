"""Driving a kidsmeet by typed commands (``studio live --kidsmeet``): one a line on the
standard input, read by a thread of its own and applied on the command's thread.

Commands: ``pick``, ``start [N]`` (the one picked, or talk N of the running order),
``end``, ``break``, ``order``, ``status``, ``help``. A command that is not one is answered
with the list; nothing typed can stop the show (Ctrl+C does).
"""

from __future__ import annotations

import queue
import threading
from typing import TextIO

from kaizen_studio.core.errors import InputError
from kaizen_studio.studio.kidsmeet.meet import Kidsmeet, MeetState, status_line

HELP = (
    "commands: pick (a presenter at random), start [N] (the one picked, or talk N), end, "
    "break, order, status"
)


def apply(meet: Kidsmeet, line: str) -> str:
    """Apply one typed command to ``meet``; what to say back (never raises for what was
    typed)."""
    words = line.strip().lower().split()
    if not words:
        return ""
    command, rest = words[0], words[1:]
    try:
        if command == "pick":
            talk = meet.pick()
            return f"kidsmeet: picked {talk.name} (Year {talk.year}, {talk.school}): start to begin"
        if command == "start":
            if rest and not rest[0].isdigit():
                return f"kidsmeet: start takes a talk's number, not {rest[0]!r}"
            talk = meet.start_talk(int(rest[0]) - 1 if rest else None)
            return f"kidsmeet: {talk.name} is on: {talk.title} ({meet.order.minutes:g} minutes)"
        if command == "end":
            return end(meet)
        if command == "break":
            return "kidsmeet: " + meet.start_break()
        if command == "order":
            return "\n".join(
                f"kidsmeet: {'done' if i in meet.on else '    '} {i + 1}. {t.name}, Year "
                f"{t.year}, {t.school}: {t.title}"
                for i, t in enumerate(meet.order.talks)
            )
        if command == "help":
            return f"kidsmeet: {HELP}"
        if command == "status":
            return status_line(meet.status())
    except InputError as error:
        return f"kidsmeet: {error}"
    return f"kidsmeet: {command!r} is not a command; {HELP}"


def end(meet: Kidsmeet) -> str:
    """``end``: end the talk that is on, or say that none is (in the break or between
    talks) and what to do instead."""
    status = meet.status()
    if status.state is MeetState.BREAK:
        return "kidsmeet: no talk is on to end: the break goes on until you start the next talk"
    if status.state is not MeetState.TALK or status.current is None:
        return "kidsmeet: no talk is on to end; start one with: start [N]"
    meet.end_talk()
    return f"kidsmeet: {status.current.name}'s talk has ended; " + status_line(
        meet.status()
    ).removeprefix("kidsmeet: ")


class TypedCommands:
    """Lines from ``stream`` (the standard input), queued by a reader thread, applied to
    ``meet`` by :meth:`poll` with the answers written to ``out``."""

    def __init__(self, meet: Kidsmeet, stream: TextIO, out: TextIO) -> None:
        self.meet, self.out = meet, out
        self.lines: queue.Queue[str] = queue.Queue(maxsize=100)
        self._stream = stream
        self._thread = threading.Thread(target=self._read, name="kidsmeet input", daemon=True)

    def poll(self) -> None:
        """Apply what was typed since the last call, saying what each did."""
        for line in self.take():
            words = apply(self.meet, line)
            if words:
                print(words, file=self.out, flush=True)

    def start(self) -> None:
        self._thread.start()

    def _read(self) -> None:
        for line in self._stream:
            try:
                self.lines.put(line, timeout=1.0)
            except queue.Full:
                continue  # typed faster than the show reads: the line is dropped

    def take(self) -> list[str]:
        """The lines typed since the last call."""
        taken = []
        while True:
            try:
                taken.append(self.lines.get_nowait())
            except queue.Empty:
                return taken
