"""The classroom player (:class:`broadcast.StreamReader`) comes back by itself: after the
school's server is killed and started again, after the show is published again (new
timestamps), and when a show's pictures start later than its sound (a busy machine's
encoder: the probe hears only sound), through a real nginx and real publishers (the
project's RTMP streamer, and ffmpeg)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from benchmarks.partner import Partner
from kaizen_studio.broadcast import MediaServer, PlayerState, StreamReader
from tests.conditions import wait_until
from tests.serve_process import publisher

LATE = 3.0
"""seconds the late publisher's pictures start after its sound (the probe listens 1.5 s)"""


@pytest.fixture
def publishers() -> Iterator[Callable[[str, int], Callable[[], None]]]:
    """Start publishing to a url (even turns: the project's streamer; odd turns: ffmpeg
    with its pictures :data:`LATE`); gives what cuts that publisher off (as a crash
    would). Every publisher is cut off after the test."""
    cuts: list[Callable[[], None]] = []

    def start(url: str, turn: int) -> Callable[[], None]:
        if turn % 2 == 0:
            partner = Partner(url)
            partner.start()
            cut = partner.kill
        else:
            process = publisher(url, seconds=120, picture_after=LATE)

            def cut() -> None:
                process.kill()
                process.wait()
                assert process.stderr is not None
                process.stderr.close()

        cuts.append(cut)
        return cut

    yield start
    for cut in cuts:
        cut()


def test_a_show_whose_pictures_start_after_its_sound_is_seen(
    server: MediaServer, publishers: Callable[[str, int], Callable[[], None]]
) -> None:
    reader = StreamReader(server.play_url, retry=0.2)
    reader.start()
    first = reader.stats.state
    try:
        assert first is PlayerState.CONNECTING
        publishers(server.publish_url, 1)
        wait_until(lambda: reader.stats.frames > 25, what="the late pictures on the player")
        playing = reader.stats.state
        assert playing is PlayerState.PLAYING and reader.stats.on_air
    finally:
        reader.stop()
    assert reader.stats.state is PlayerState.STOPPED


@pytest.mark.parametrize("server_too", [True, False], ids=["server-killed", "show-again"])
def test_the_player_comes_back_after_each_restart(
    server: MediaServer,
    publishers: Callable[[str, int], Callable[[], None]],
    server_too: bool,
) -> None:
    reader = StreamReader(server.play_url, retry=0.2)
    reader.start()
    try:
        for turn in range(4):
            cut = publishers(server.publish_url, turn)
            seen = reader.stats.frames
            wait_until(
                lambda: reader.stats.frames > seen + 25,  # noqa: B023 (waited for here)
                what=f"pictures after restart {turn}",
            )
            assert reader.stats.state is PlayerState.PLAYING
            cut()
            if server_too:
                server.kill()
            wait_until(
                lambda: reader.stats.state is PlayerState.RECONNECTING,
                what="the player to say it is connecting again",
            )
            assert not reader.stats.on_air
            if server_too:
                server.restart()
    finally:
        reader.stop()
    assert reader.stats.reconnects >= 4
