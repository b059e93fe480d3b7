"""Voice-following: the follower's rules on words, and the listener on real speech."""

from __future__ import annotations

import math
import shutil
import urllib.request
from pathlib import Path

import numpy as np
import pytest

from benchmarks.autocue_voice import first_lines, reading, spoken_lines
from kaizen_studio.autocue.follow import Follower, openings, script_words
from kaizen_studio.autocue.listen import Listener, file_blocks
from kaizen_studio.autocue.prompter import Prompter
from kaizen_studio.autocue.remote import RemoteServer
from kaizen_studio.autocue.render import Look, layout_script
from kaizen_studio.autocue.script import parse_script
from kaizen_studio.autocue.voice import GLIDE_SECONDS, VoiceFollowing, glided

SCRIPT = parse_script(
    """# Minibeasts
ZOE: Spiders have eight legs and most of them spin webs.
RAJ: Ladybirds eat greenfly, which helps the gardeners.
ZOE: Woodlice are not insects, they are related to crabs.
RAJ: Thank you for listening to our minibeast report.
"""
)
LAYOUT = layout_script(SCRIPT, width=1280, look=Look(text_size=64))


def follower() -> tuple[Follower, list[int]]:
    found = Follower(script_words(LAYOUT))
    return found, first_lines(SCRIPT, found)


def test_sentence_openings_are_marked_for_the_recogniser() -> None:
    words = script_words(LAYOUT)
    opening = [w.word for i, w in enumerate(words) if i in openings(words)]
    assert opening == ["spiders", "ladybirds", "woodlice", "thank"]


def test_only_lines_read_aloud_are_followed() -> None:
    words = [w.word for w in script_words(LAYOUT)]
    assert words[:3] == ["spiders", "have", "eight"]  # not the heading, not the names
    assert "zoe" not in words and "minibeasts" not in words


def test_reading_on_moves_the_place_line_by_line() -> None:
    found, lines = follower()
    assert found.position() == lines[0]  # the first line to read waits at the reading line
    assert found.hear(["spiders", "have", "eight", "legs"])
    assert lines[0] < found.position() < lines[1]  # type: ignore[operator]
    found.hear(["spiders", "have", "eight", "legs", "and", "most", "of", "them", "spin", "webs"])
    assert found.position() < lines[1] - 0.25  # type: ignore[operator]  # "webs" may still sound
    assert found.pause()
    assert found.position() == lines[1]  # the next line is up in the pause after this one
    found.hear(["ladybirds", "eat", "greenfly", "which", "helps", "the", "gardeners"])
    assert found.hear(["woodlice", "are"])  # read on without a pause: the next line's words
    assert lines[2] <= found.position() < lines[3]  # type: ignore[operator]


def test_a_stray_word_at_the_end_of_a_line_leaves_it_at_the_reading_line() -> None:
    script = parse_script("MIA: The sun warms the sea and lakes.\nMIA: The warm water rises.\n")
    found = Follower(script_words(layout_script(script, width=1280, look=Look(text_size=64))))
    lines = first_lines(script, found)
    found.hear(["the", "sun", "warms", "the", "sea", "and"])
    # "lakes" missed, "the" guessed: one word of the next line is not enough to go there
    found.hear(["the", "sun", "warms", "the", "sea", "and", "the"])
    assert found.position() < lines[1] - 0.25  # type: ignore[operator]
    assert found.hear(["the", "sun", "warms", "the", "sea", "and", "the", "warm"])
    assert found.position() >= lines[1]  # type: ignore[operator]


def test_an_ad_lib_a_stumble_and_a_repeated_word_leave_the_place() -> None:
    found, _lines = follower()
    found.hear(["spiders", "have", "eight"])
    place = found.place
    for heard in (["oh", "no", "sorry"], ["eight", "eight"], ["spiders"], []):
        assert not found.hear(heard)
        assert found.place == place


def test_a_skipped_line_is_followed_once_the_next_one_is_clearly_heard() -> None:
    found, lines = follower()
    found.hear(["spiders", "have", "eight", "legs", "and", "most", "of", "them", "spin", "webs"])
    assert not found.hear(["they"])  # one common word far ahead is not enough
    assert found.hear(["woodlice", "are", "not", "insects"])
    assert lines[2] <= found.position() < lines[3]  # type: ignore[operator]


def test_a_pause_near_the_end_of_a_line_finishes_it_and_not_before() -> None:
    found, lines = follower()
    found.hear(["spiders", "have"])
    assert not found.pause()  # most of the line is still to come
    found.hear(["spiders", "have", "eight", "legs", "and", "most", "of", "them", "spin"])
    assert found.pause()
    assert found.position() == lines[1]


def test_a_stop_in_the_middle_of_a_line_holds_the_place() -> None:
    found, _lines = follower()
    found.hear(["spiders", "have"])
    place = found.place
    for _ in range(5):  # the reader stops, and stays stopped
        assert not found.pause()
        assert not found.hear([])
    assert found.place == place


def test_a_pause_after_a_sentence_heard_loosely_moves_to_the_next() -> None:
    found, lines = follower()
    heard = ["spiders", "have", "ate", "legs", "on", "most", "of", "them", "spun", "web"]
    for end in range(1, len(heard) + 1):  # the recogniser's growing hypothesis
        found.hear(heard[:end])
    assert found.position() < lines[1]  # type: ignore[operator]  # the end was misheard
    assert found.pause()  # but the utterance was as long as the sentence
    assert found.position() == lines[1]


def test_an_ad_lib_as_long_as_a_line_does_not_finish_it() -> None:
    found, lines = follower()
    found.hear(["oh", "sorry", "i", "lost", "my", "place", "for", "a", "moment", "now"])
    assert not found.pause()
    assert found.position() == lines[0]


def test_an_utterance_opening_a_later_sentence_after_a_pause_goes_there() -> None:
    found, lines = follower()
    found.hear(["spiders", "have", "eight", "legs", "and", "most", "of", "them", "spin"])
    found.pause()
    assert found.position() == lines[1]
    assert not found.hear(["they"])  # one common word is not enough
    assert found.hear(["woodlice", "are"])  # the ladybirds' line was skipped
    assert lines[2] <= found.position() < lines[3]  # type: ignore[operator]


def test_common_words_heard_in_an_ad_lib_do_not_jump_ahead() -> None:
    script = parse_script(
        "MIA: The cat sat on the mat.\nMIA: A dog ran in the park.\n"
        "MIA: Birds sing in the trees.\nMIA: The sun is in the sky.\n"
    )
    found = Follower(script_words(layout_script(script, width=1280, look=Look(text_size=64))))
    lines = first_lines(script, found)
    assert not found.hear(["oh", "in", "the", "park"])  # three common words, far ahead
    assert found.position() == lines[0]
    assert found.hear(["ran", "in", "the", "park"])  # four in a row: the reader is there
    assert found.position() >= lines[1]  # type: ignore[operator]


def test_words_that_moved_the_place_are_not_read_again_as_the_next_line() -> None:
    script = parse_script(
        "LEO: The number on the bottom tells you how many parts there are.\n"
        "LEO: The number on the top tells you how many parts you have.\n"
    )
    found = Follower(script_words(layout_script(script, width=1280, look=Look(text_size=64))))
    lines = first_lines(script, found)
    heard = ["the", "number", "on", "the"]
    for end in range(1, len(heard) + 1):
        found.hear(heard[:end])
    # the recogniser's passing guess at "bottom": with the words already heard it is the
    # next line's opening, but those words were this line's, so the reader stays here
    assert not found.hear([*heard, "top"])
    assert found.position() < lines[1] - 0.25  # type: ignore[operator]
    assert found.hear([*heard, "bottom"])
    assert found.position() < lines[1] - 0.25  # type: ignore[operator]


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng makes the speech")
def test_the_scroll_holds_still_while_the_reader_is_silent(tmp_path: Path) -> None:
    read = reading(spoken_lines(SCRIPT)[:2], 150, tmp_path)
    silence = np.zeros(16000 * 4, np.int16)
    prompter = Prompter(SCRIPT, width=1280, height=720)
    voice = VoiceFollowing(
        prompter.renderer.layout, file_blocks(np.concatenate([read.sound, silence]))
    )
    try:
        voice.start()
        assert voice.listener.wait(timeout=120) and voice.listener.error is None
        settled = voice.target()
        assert settled is not None and settled > 0  # it followed the two lines...
        assert [voice.target() for _ in range(3)] == [settled] * 3  # ...and stays put
        shown = [voice.glide(settled, t) for t in (10.0, 10.5, 11.0)]
        assert shown == [settled] * 3  # the scroll shown does not creep on
    finally:
        voice.close()


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng makes the speech")
def test_the_listener_follows_a_real_reading_with_a_skipped_line(tmp_path: Path) -> None:
    read = reading(spoken_lines(SCRIPT), 150, tmp_path, skip=2)
    found, lines = follower()
    reached: dict[int, float] = {}

    def heard(words: list[str], at: float) -> None:
        found.hear(words)
        note(at)

    def paused(at: float) -> None:
        found.pause()
        note(at)

    def note(at: float) -> None:
        for number, line in enumerate(lines):
            position = found.position()
            if number not in reached and position is not None and position >= line - 0.25:
                reached[number] = at

    listener = Listener(
        [w.word for w in found.words],
        file_blocks(read.sound),
        heard,
        folder=tmp_path,
        on_pause=paused,
    )
    listener.start()
    assert listener.wait(timeout=120) and listener.error is None
    assert set(reached) >= {0, 1, 3}  # every line read was reached...
    for number in (1, 3):  # ...and before its reader got far into it (seconds of sound)
        assert reached[number] <= read.starts[number] + 1.5, (number, reached, read.starts)


def test_a_far_move_of_the_scroll_takes_hardly_longer_than_a_move_of_one_line() -> None:
    def frames_to_reach(goal: float) -> int:
        shown, frames = 0.0, 0
        while shown < goal - 0.25:
            later = glided(shown, goal, 1 / 60, glide_seconds=GLIDE_SECONDS)
            assert shown < later <= goal  # no jump backwards, no overshoot
            shown, frames = later, frames + 1
        return frames

    one = frames_to_reach(1.0)
    assert one > 1  # a glide, not a jump
    longer = math.ceil(GLIDE_SECONDS * 60)  # frames: the glide's own time, however far
    for far in (2.0, 4.0, 10.0):  # the reader skipped lines: the scroll is soon there
        assert frames_to_reach(far) <= one + longer


def test_the_remote_takes_the_scroll_back_from_the_voice_at_once() -> None:
    silence = iter([np.zeros(1600, np.int16)] * 5)
    prompter = Prompter(SCRIPT, width=640, height=360)
    voice = VoiceFollowing(prompter.renderer.layout, silence)
    remote = RemoteServer("127.0.0.1", 0, code="123456")
    remote.start()
    try:
        prompter.follow_voice(voice, 0.0)
        request = urllib.request.Request(remote.url + "control/start?code=123456", method="POST")
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 204
        prompter.drain(remote, 1.0)  # the window's next frame
        assert not voice.active  # the remote has it now
        assert prompter.model.state(1.0).playing
    finally:
        remote.stop()
        voice.close()


def test_the_keys_take_the_scroll_back_from_the_voice_and_v_gives_it_again() -> None:
    silence = iter([np.zeros(1600, np.int16)] * 5)
    prompter = Prompter(SCRIPT, width=640, height=360)
    voice = VoiceFollowing(prompter.renderer.layout, silence)
    try:
        prompter.follow_voice(voice, 0.0)
        assert voice.active
        prompter.apply("faster", 1.0)
        assert not voice.active  # the keys (or the remote) have it now
        prompter.apply("bigger", 2.0)  # the text size is no hand-over, and the words follow
        prompter.apply("voice", 3.0)
        assert voice.active and voice.follower.words == script_words(prompter.renderer.layout)
    finally:
        voice.close()
