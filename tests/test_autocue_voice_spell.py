"""Voice-following: script words the recogniser's dictionary lacks are spelled from words it
knows, and then heard in real speech."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from benchmarks.autocue_voice import reading
from kaizen_studio.autocue.follow import words_of
from kaizen_studio.autocue.listen import Listener, add_pronunciations, file_blocks
from kaizen_studio.autocue.spell import plural_phones, pronounce

KNOWN = {
    "lady": "L EY D IY",
    "birds": "B ER D Z",
    "wood": "W UH D",
    "lice": "L AY S",
    "vapor": "V EY P ER",
    "fizz": "F IH Z",
    "centipede": "S EH N T IH P IY D",
    "box": "B AA K S",
    "cat": "K AE T",
    "ab": "AE B",
    "zai": "Z AY",
    "n": "EH N",
}


def test_unknown_words_are_spelled_from_known_ones() -> None:
    assert pronounce("ladybirds", KNOWN.get) == "L EY D IY B ER D Z"  # two words run together
    assert pronounce("woodlice", KNOWN.get) == "W UH D L AY S"
    assert pronounce("vapour", KNOWN.get) == "V EY P ER"  # the American spelling
    assert pronounce("fizzy", KNOWN.get) == "F IH Z IY"  # an ending added
    assert pronounce("centipedes", KNOWN.get) == "S EH N T IH P IY D Z"
    assert pronounce("zainab", KNOWN.get) == "Z AY EH N AE B"  # a name: the fewest pieces
    assert pronounce("lady", KNOWN.get) == "L EY D IY"  # a known word is itself
    assert pronounce("qqq", KNOWN.get) is None  # nothing spells it


def test_a_plural_sounds_as_english_says_it() -> None:
    assert plural_phones("K AE T") == "K AE T S"
    assert plural_phones("B AA K S") == "B AA K S IH Z"
    assert plural_phones("B ER D") == "B ER D Z"


def test_a_word_that_is_not_letters_is_named() -> None:
    with pytest.raises(ValueError, match="'fizz-y'"):
        pronounce("fizz-y", KNOWN.get)


def test_the_recogniser_is_given_every_word_of_a_script_with_new_words() -> None:
    from pocketsphinx import Decoder

    decoder = Decoder(loglevel="FATAL", lm=None)
    new = ["centipedes", "greenfly", "ladybirds", "minibeast", "minibeasts", "woodlice"]
    words = [*new, "vapour", "fizzy", "oluwaseun", "the"]
    assert all(decoder.lookup_word(w) is None for w in words[:-1])  # not in its dictionary
    added = add_pronunciations(decoder, words)
    assert set(added) == set(words[:-1])
    assert all(decoder.lookup_word(w) == added[w] for w in added)


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng makes the speech")
def test_new_words_in_real_speech_are_heard(tmp_path: Path) -> None:
    lines = ["Ladybirds eat greenfly in the garden.", "Woodlice hide under the logs."]
    words = [w for line in lines for w in words_of(line)]
    read = reading(lines, 150, tmp_path)
    heard: list[list[str]] = []
    listener = Listener(
        words, file_blocks(read.sound), lambda w, _at: heard.append(w), folder=tmp_path
    )
    listener.start()
    assert listener.wait(timeout=120) and listener.error is None
    assert set(listener.spelled) == {"ladybirds", "greenfly", "woodlice"}
    said = {w for hypothesis in heard for w in hypothesis}
    assert {"ladybirds", "woodlice"} <= said, heard
