"""Following the reader's voice through the script: where the words heard so far put the
reading line. Pure logic: words in, a line position out; no sound, no recogniser.

The script's read-aloud words are numbered in order, each with the laid-out line it sits
on. :meth:`Follower.hear` takes the newest words the recogniser believes were said (its
partial hypothesis; only the last few matter) and looks for them a little behind and ahead
of the place reached so far. The place moves on only when the heard words match the script
there: the next word alone, or two or more in order further ahead (a skipped line, after
an ad-lib). Words that match nothing (an ad-lib, a stumble) and words already passed (a
repeated word) leave the place where it is; silence leaves it too, so the reading line
holds still when the reader stops.

The line being read stays at the reading line until it is finished: when the last word of
a sentence is heard, the scroll moves on at the pause after it, or when words of the next
sentence are heard, never while the reader may still be saying that last word (the
recogniser often names a word before its last sound has ended).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from kaizen_studio.autocue.render import Layout

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")

LOOK_AHEAD = 40
"""How many script words ahead a match is looked for: a skipped line or two."""

LOOK_BEHIND = 3
"""How many words behind the place reached a match may be (the recogniser revising)."""

TAIL = 4
"""How many of the newest heard words are matched against the script."""

NEAR = 4
"""A match ending within this many words of the place is near: two words in order (one
missed word allowed between) move the place; so does the next word alone, or a telling
word (:data:`TELLING_LETTERS`)."""

TELLING_LETTERS = 5
"""A near word this long, said once nearby, moves the place on its own ("welcome")."""

END_OF_LINE = 2
END_SHARE = 0.4
"""At a pause in the reading, a line with at most END_OF_LINE words, or END_SHARE of its
words, left is taken as read (the recogniser is often a word or two behind the reader)."""

OPENING_WORDS = 4
"""Just after a pause, an utterance of at most this many words may open a later sentence
(:meth:`Follower._opening`)."""

READ_SHARE = 0.8
"""At a pause, a sentence is taken as read when the utterance had at least this share of
the words from where it began to the sentence's end, and some of them matched."""

FAR_MATCH = 3
"""Words that must match in a row, with no gap, to move the place further than NEAR (a
skipped line): common words ("the water") recur all through a script, so one of them must
also be telling (:data:`TELLING_LETTERS`, found nowhere else in reach), or all the heard
words looked at (:data:`TAIL`) must match. They must have been heard since the place last
moved: words that moved it belong to the line being read, not to a later line that shares
them ("the number on the" bottom, read while the recogniser guessed "top"). Just after a
pause fewer may do, at the opening of a sentence (:meth:`Follower._opening`)."""

MOST_ALONG = 0.5
"""The scroll moves along a line as its words are read, but at most this share of the way
to the line below, so the line being read stays the one nearest the reading line."""

NEW_SENTENCE = 2
"""Heard words that run on into the next sentence move the place into it only when at
least this many of them are that sentence's (or one is telling): a stray "the" at the end
of a line is the recogniser's guess more often than the reader's next word."""


def words_of(text: str) -> list[str]:
    """The words of ``text`` as the recogniser writes them: lower case, no punctuation."""
    return _WORD.findall(text.lower())


@dataclass(frozen=True, slots=True)
class ScriptWord:
    """One read-aloud word of the script and where it is laid out: its line, and how far
    along that line (0 to 1) it starts."""

    word: str
    line: int
    along: float
    opens: bool = False  # the first word of a sentence (or of a speaker's line)


def script_words(layout: Layout) -> list[ScriptWord]:
    """The read-aloud words of a laid-out script, in order: its speaker lines and text,
    not speaker names, directions, headings or markers."""
    found: list[ScriptWord] = []
    skipped = set(layout.markers)  # headings and markers: places to jump to, not read
    opens, last = True, -1
    for index, line in enumerate(layout.lines):
        if line.words == 0 or index in skipped:
            continue  # speaker names, directions, headings, markers are not read aloud
        opens = opens or index != last + 1  # after a name, heading or direction
        last = index
        words = words_of(line.text)
        at = 0
        for token in line.text.split():
            for word in words_of(token):
                found.append(ScriptWord(word, index, at / max(len(words), 1), opens))
                opens, at = False, at + 1
            opens = opens or token.endswith((".", "!", "?"))
    return found


class Follower:
    """The reader's place in ``words``: the index of the next word to be said."""

    def __init__(self, words: Sequence[ScriptWord]) -> None:
        self.words = list(words)
        self.place = 0
        self.anchor = 0  # the place when the utterance being heard began
        self.said = 0  # the words heard in that utterance so far
        self.used: list[str] = []  # the words heard when the place last moved
        self.held = False  # a sentence was heard to its end: move on at the pause after it

    def position(self) -> float | None:
        """The line position (line index + fraction along it) of the next word to be read
        (the first, before anything was heard); past the last word, the line after it;
        None for a script with nothing to read aloud."""
        if not self.words:
            return None
        if self.held and self.place > 0:  # the last word of a sentence may still be sounding
            return float(self.words[self.place - 1].line)
        if self.place >= len(self.words):
            return self.words[-1].line + 1.0
        word = self.words[self.place]
        return word.line + min(word.along, MOST_ALONG)

    def hear(self, heard: Sequence[str]) -> bool:
        """Move the place on if the newest of ``heard`` match the script ahead of it;
        return whether it moved."""
        tail = [w for text in heard[-TAIL:] for w in words_of(text)][-TAIL:]
        self.said = len(heard)
        if not tail or not self.words:
            return False
        fresh = len(heard) - _common_start(heard, self.used)  # heard since the place moved
        best: tuple[int, int] | None = None  # (words matched, index after the last one)
        low = max(0, self.place - LOOK_BEHIND)
        high = min(len(self.words), self.place + LOOK_AHEAD)
        for end in range(low + 1, high + 1):
            near = end <= self.place + NEAR
            matched = self._matched(tail, end, gaps=near)
            telling = near and self._telling(end - 1)
            needed = 1 if end == self.place + 1 or (near and telling) else 2
            if matched < (needed if near else FAR_MATCH):
                continue
            if not near and min(matched, fresh) < FAR_MATCH:
                continue  # words that already moved the place, read again as a later line's
            if not near and matched < TAIL and not self._any_telling(end - matched, end):
                continue  # "on the top": common words, found all through a script
            if (
                best is None
                or matched > best[0]
                or (matched == best[0] and abs(end - self.place) < abs(best[1] - self.place))
            ):
                best = (matched, end)
        if best is not None:
            best = (best[0], self._clipped(best[1], best[0]))
        elif self.place == self.anchor:
            best = self._opening(words_of(" ".join(heard)))
        if best is None or best[1] <= self.place:
            return False  # nothing ahead matches (an ad-lib), or only behind (a repeat)
        end = best[1]
        self.place, self.used = end, list(heard)
        self.held = end == len(self.words) or self.words[end].opens
        return True

    def _clipped(self, end: int, matched: int) -> int:
        """Where a match of ``matched`` words ending at ``end`` puts the place: if it runs
        on into a later sentence by fewer than :data:`NEW_SENTENCE` words (none of them
        telling), at that sentence's opening, where the scroll holds until the pause."""
        opening = next((i for i in range(end - 1, self.place - 1, -1) if self.words[i].opens), None)
        if opening is None:
            return end
        inside = min(end - opening, matched)
        if inside >= NEW_SENTENCE or self._any_telling(opening, end):
            return end
        return opening

    def _opening(self, utterance: list[str]) -> tuple[int, int] | None:
        """The reader, just after a pause, began a later sentence than the one expected (a
        skipped line): the utterance is that sentence's first words (the recogniser may
        have missed the very first), two in a row, or one :data:`TELLING_LETTERS` long
        found nowhere else in reach. Returns (words matched, index after the last)."""
        if not utterance or len(utterance) > OPENING_WORDS:
            return None
        high = min(len(self.words), self.place + LOOK_AHEAD)
        for start in range(self.place + 1, high):
            if not self.words[start].opens:
                continue
            for at in (start, start + 1):
                matched = 0
                while (
                    matched < len(utterance)
                    and at + matched < high
                    and self.words[at + matched].word == utterance[matched]
                ):
                    matched += 1
                if matched < len(utterance):
                    continue  # every word heard must be the sentence's, in order
                if matched >= 2 or self._telling(at, far=True):
                    return matched, at + matched
        return None

    def _any_telling(self, start: int, end: int) -> bool:
        """Whether any word from ``start`` to ``end`` is telling, looking far."""
        return any(self._telling(i, far=True) for i in range(start, end))

    def _telling(self, index: int, *, far: bool = False) -> bool:
        """Whether the word at ``index`` tells where the reader is: a word of at least
        :data:`TELLING_LETTERS` letters found nowhere else near the place (with ``far``,
        nowhere else in the words looked at)."""
        word = self.words[index].word
        if len(word) < TELLING_LETTERS:
            return False
        reach = LOOK_AHEAD if far else NEAR
        near = self.words[max(0, self.place - LOOK_BEHIND) : self.place + reach + 1]
        return sum(w.word == word for w in near) == 1

    def pause(self) -> bool:
        """The reader paused (the recogniser starts a new utterance): if at most
        :data:`END_OF_LINE` words of the line are left, the line is finished (its last
        words were said but not yet recognised), and so is the sentence when the
        utterance was as long as the rest of it, with some of the script's words in it
        (:data:`READ_SHARE`); move to the next line or sentence and return True. After an
        utterance with nothing heard, never: the reader has stopped."""
        held, self.held = self.held, False
        moved = self._pause(self.said)
        self.anchor, self.said, self.used = self.place, 0, []
        return moved or held

    def _pause(self, said: int) -> bool:
        if not self.words or not 0 < self.place < len(self.words) or said == 0:
            return False  # nothing said since the last pause: the reader has stopped
        if self.words[self.place].opens:
            return False  # the sentence was heard to its end: the place is the next one's
        if self.place > self.anchor:  # some of the utterance was the script's
            end = next(
                (i for i in range(self.place + 1, len(self.words)) if self.words[i].opens),
                len(self.words),
            )
            if end < len(self.words) and said >= READ_SHARE * (end - self.anchor):
                self.place = end
                return True
        line = self.words[self.place].line
        rest = 0
        for word in self.words[self.place :]:
            if word.line != line:
                break
            rest += 1
        said = sum(1 for w in self.words[: self.place] if w.line == line)
        if rest > max(END_OF_LINE, (said + rest) * END_SHARE) or self.place + rest >= len(
            self.words
        ):
            return False
        self.place += rest
        return True

    def _matched(self, tail: list[str], end: int, *, gaps: bool) -> int:
        """How many of ``tail``'s last words, in order, are the script's words ending at
        ``end`` (the last heard word must be the script word just before ``end``); with
        ``gaps``, one script word the recogniser missed may stand between two."""
        if self.words[end - 1].word != tail[-1]:
            return 0
        matched, i = 1, end - 2
        for word in reversed(tail[:-1]):
            if i < 0:
                break
            if self.words[i].word == word:
                matched += 1
                i -= 1
            elif gaps and i >= 1 and self.words[i - 1].word == word:
                matched += 1
                i -= 2
            else:
                break
        return matched


def _common_start(a: Sequence[str], b: Sequence[str]) -> int:
    """How many words ``a`` and ``b`` begin with in common."""
    same = 0
    while same < min(len(a), len(b)) and a[same] == b[same]:
        same += 1
    return same


def openings(words: Sequence[ScriptWord]) -> list[int]:
    """The indices of ``words`` that open a sentence (where an utterance is likely to
    begin), for the recogniser's language model."""
    return [i for i, w in enumerate(words) if w.opens]
