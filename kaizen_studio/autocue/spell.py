"""Pronunciations for script words the recogniser's dictionary lacks, spelled from words it
knows: a pupil's script has names and new words ("minibeasts", "greenfly", "vapour").

:func:`pronounce` takes a word and ``lookup`` (the dictionary: a word's ARPAbet phones or
None) and builds the phones from known words: the word itself; its British spelling
written the American way ("vapour" as "vapor"); a known word with an ending added (the
plural "centipedes", "fizzy" from "fizz"); two or three known words run together
("lady" + "birds", "wood" + "lice"); and, as a last resort, the fewest known pieces that
spell it, single letters only where nothing longer fits (names). Pure: no
recogniser, no files.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import cache

log = logging.getLogger(__name__)

Lookup = Callable[[str], str | None]
"""A word's phones in the dictionary (space-separated ARPAbet), or None when unknown."""

VOICELESS = frozenset({"P", "T", "K", "F", "TH"})
SIBILANT = frozenset({"S", "Z", "SH", "ZH", "CH", "JH"})

SPELLINGS = (("our", "or"), ("ise", "ize"), ("yse", "yze"), ("tre", "ter"), ("ogue", "og"))
"""British endings and their American spelling, which the (US English) dictionary uses."""

SMALLEST_PART = 3
"""The shortest known word a compound is split into ("lady" + "birds", not "l" + ...)."""

SMALLEST_PIECE = 1
"""The shortest known piece in the last resort (the fewest pieces that spell the word, so
single letters only where nothing longer fits)."""


def plural_phones(phones: str) -> str:
    """``phones`` with the plural ending said after them: "iz" after a hiss, "s" after a
    voiceless sound, "z" otherwise."""
    last = phones.split()[-1]
    if last in SIBILANT:
        return f"{phones} IH Z"
    return f"{phones} {'S' if last in VOICELESS else 'Z'}"


def pronounce(word: str, lookup: Lookup) -> str | None:
    """The phones of ``word`` (lower case letters) built from words ``lookup`` knows, or
    None when no spelling from known words was found."""
    if not word.isalpha():
        raise ValueError(f"expected a word of letters to pronounce, got {word!r}")
    known = cache(lookup)

    def whole(part: str) -> str | None:
        """A part as a known word, by its American spelling, or with an ending added."""
        found = known(part)
        if found is not None:
            return found
        for british, american in SPELLINGS:
            if part.endswith(british) and (found := known(part[: -len(british)] + american)):
                return found
        if part.endswith("ies") and (found := known(part[:-3] + "y")):
            return plural_phones(found)
        if part.endswith("es") and (found := known(part[:-2])) and found.split()[-1] in SIBILANT:
            return plural_phones(found)
        if part.endswith("s") and not part.endswith("ss") and (found := known(part[:-1])):
            return plural_phones(found)
        if part.endswith("y") and len(part) > SMALLEST_PART and (found := known(part[:-1])):
            return f"{found} IY"
        return None

    found = whole(word)
    if found is not None:
        return found
    for first in range(len(word) - SMALLEST_PART, SMALLEST_PART - 1, -1):  # longest first
        head, tail = whole(word[:first]), word[first:]
        if head is None:
            continue
        rest = whole(tail)
        if rest is None and len(tail) >= 2 * SMALLEST_PART:
            rest = _two_parts(tail, whole)
        if rest is not None:
            return f"{head} {rest}"
    found = _fewest_pieces(word, known)
    if found is None:
        log.info("no pronunciation could be spelled for %r from known words", word)
    return found


def _two_parts(word: str, whole: Callable[[str], str | None]) -> str | None:
    for first in range(len(word) - SMALLEST_PART, SMALLEST_PART - 1, -1):
        head, tail = whole(word[:first]), whole(word[first:])
        if head is not None and tail is not None:
            return f"{head} {tail}"
    return None


def _fewest_pieces(word: str, known: Lookup) -> str | None:
    """The phones of the fewest known pieces (of at least :data:`SMALLEST_PIECE` letters,
    longest first on a tie) that spell ``word``, or None."""
    best: list[tuple[int, str] | None] = [None] * (len(word) + 1)  # (pieces, phones) to i
    best[0] = (0, "")
    for start in range(len(word)):
        reached = best[start]
        if reached is None:
            continue
        for end in range(len(word), start + SMALLEST_PIECE - 1, -1):
            phones = known(word[start:end])
            if phones is None:
                continue
            pieces = reached[0] + 1
            if best[end] is None or pieces < best[end][0]:  # type: ignore[index]
                best[end] = (pieces, f"{reached[1]} {phones}".strip())
    found = best[len(word)]
    return None if found is None else found[1]
