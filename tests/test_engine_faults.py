"""Faults in the compositor and its input: a stage that fails is taken out and the show
goes on; captions and ticker feeds are bounded where they enter; feeds that trickle, that
are binary or UTF-16, or that attack the XML parser are refused with a reason."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from kaizen_studio.core.errors import InputError
from kaizen_studio.core.feeds import HEADLINE_CHARS, HEADLINES_MAX, fetch, ticker_items
from kaizen_studio.core.media import Image, VideoFrame
from kaizen_studio.studio.overlays import LiveBadge, LowerThird, Ticker
from kaizen_studio.studio.pipeline import Programme
from kaizen_studio.studio.scenes import look_for
from kaizen_studio.studio.show import Scene
from kaizen_studio.studio.sources import StillSource
from kaizen_studio.studio.stages import Compositor, Copy, OverlaysStage, TransitionStage
from tests.conditions import wait_until


class Broken:
    """A stage or overlay that raises as a bad input does deep inside a library."""

    name = "place"

    def __init__(self) -> None:
        self.calls = 0

    def apply(self, frame: VideoFrame) -> VideoFrame:
        self.calls += 1
        raise ValueError("too many characters in string")

    def draw(self, image: Image, t: float) -> None:
        self.calls += 1
        raise ValueError("too many characters in string")

    def fallback(self) -> Copy:
        return Copy()


class Marker:
    """An overlay that paints its corner white: proof it was drawn."""

    def draw(self, image: Image, t: float) -> None:
        image[0:2, 0:2] = 255


def test_a_stage_that_raises_is_replaced_by_its_stand_in_and_said_in_words() -> None:
    broken = Broken()
    compositor = Compositor([broken, TransitionStage()], window=5)
    picture = np.zeros((8, 8, 3), np.uint8)
    for tick in range(3):
        out = compositor.run(VideoFrame(picture, float(tick), tick))
        assert out.pts == float(tick) and np.array_equal(out.image, picture)
        assert out.image is not picture  # the stand-in copied it, as the place stage does
    assert broken.calls == 1  # taken out at its first fault, never called again
    assert [type(s).__name__ for s in compositor.stages] == ["Copy", "TransitionStage"]
    assert compositor.faults == [
        "the place failed (too many characters in string); a simpler one stands in"
    ]
    assert compositor.timings["place"].mean >= 0.0 and "transition" in compositor.timings


def test_an_overlay_that_raises_is_taken_off_and_the_others_stay() -> None:
    said: list[str] = []
    stage = OverlaysStage(on_fault=said.append)
    broken = Broken()
    stage.overlays = [broken, Marker()]
    for tick in range(3):
        out = stage.apply(VideoFrame(np.zeros((8, 8, 3), np.uint8), float(tick), tick))
        assert out.image[0, 0, 0] == 255  # the marker still drawn every frame
    assert broken.calls == 1 and len(stage.overlays) == 1
    assert said == ["the broken was taken off: too many characters in string"]


def test_the_show_goes_on_when_an_overlay_fails_and_says_so() -> None:
    picture = np.full((48, 64, 3), 80, np.uint8)
    programme = Programme(
        StillSource(picture), fps=25, overlays=[Broken(), LiveBadge(lambda: True)]
    )
    frames: list[VideoFrame] = []
    programme.on_frame = frames.append
    programme.start()
    try:
        wait_until(lambda: len(frames) >= 10, timeout=60.0)
    finally:
        programme.stop()
    stats = programme.stats()
    assert stats.frames >= 10
    assert stats.faults == ("the broken was taken off: too many characters in string",)
    assert "the broken was taken off" in stats.message
    assert [type(o).__name__ for o in programme.overlays] == ["LiveBadge"]
    assert not np.array_equal(frames[-1].image, picture)  # the LIVE badge is on it


class Hiccup(StillSource):
    """A camera whose third read raises, as a driver can."""

    def __init__(self, image: Image) -> None:
        super().__init__(image)
        self.reads = 0

    def read(self) -> VideoFrame:
        self.reads += 1
        if self.reads in (1, 3):  # the first read is the programme's priming one
            raise RuntimeError("the driver hiccuped")
        return super().read()


def test_a_frame_that_fails_is_reported_and_the_next_tick_goes_on() -> None:
    programme = Programme(Hiccup(np.full((48, 64, 3), 80, np.uint8)), fps=25)
    programme.start()
    try:
        wait_until(lambda: programme.stats().frames >= 10, timeout=60.0)
    finally:
        programme.stop()
    assert programme.stats().faults == (
        "the first picture could not be made ready: the driver hiccuped",
        "a frame could not be made: the driver hiccuped",
    )


def test_captions_and_tickers_are_bounded_where_they_enter() -> None:
    with pytest.raises(InputError, match=r"name is 20000 characters long; .* at most 60"):
        LowerThird("x" * 20_000)
    with pytest.raises(InputError, match="has 40000 headlines; the ticker takes at most 20"):
        Ticker([f"headline {i}" for i in range(40_000)])
    with pytest.raises(InputError, match=r"headline 1 is 1900000 characters long"):
        Ticker(["x" * 1_900_000])
    scene = Scene(name="News", background="#202020", lower_third=("y" * 20_000, "role"))
    with pytest.raises(InputError, match=r"^scene 'News': the lower third's name is 20000"):
        look_for(scene, (64, 48))
    ticker = Ticker(["z" * HEADLINE_CHARS] * HEADLINES_MAX)  # the most it takes: drawn
    picture = np.zeros((720, 1280, 3), np.uint8)
    ticker.draw(picture, 1.0)
    assert picture[-10:].any()


def rss(titles: list[str]) -> bytes:
    items = "".join(f"<item><title>{t}</title></item>" for t in titles)
    channel = f"<channel><title>Blog</title>{items}</channel>"
    return f"<?xml version='1.0'?><rss version='2.0'>{channel}</rss>".encode()


def test_a_huge_feed_gives_its_first_headlines_each_cut_to_length(tmp_path: Path) -> None:
    many = tmp_path / "many.xml"
    many.write_bytes(rss([f"Story {i}" for i in range(40_000)]))
    assert ticker_items(many) == [f"Story {i}" for i in range(HEADLINES_MAX)]
    long = tmp_path / "long.rss"
    long.write_bytes(rss(["word " * 380_000]))  # a 1.9 MB title
    (title,) = ticker_items(long)
    assert len(title) <= HEADLINE_CHARS and title.endswith("…") and title.startswith("word word")


def test_a_long_atom_feed_gives_its_first_headlines(tmp_path: Path) -> None:
    entries = "".join(f"<entry><title>Robot {i}</title></entry>" for i in range(500))
    atom = tmp_path / "robots.atom"
    atom.write_text(
        f'<feed xmlns="http://www.w3.org/2005/Atom"><title>Club</title>{entries}</feed>',
        encoding="utf-8",
    )
    assert ticker_items(atom) == [f"Robot {i}" for i in range(HEADLINES_MAX)]


def test_binary_junk_and_utf16_are_refused_with_the_reason(tmp_path: Path) -> None:
    junk = tmp_path / "junk.txt"
    junk.write_bytes(bytes(range(256)) * 40)
    with pytest.raises(InputError, match=r"junk\.txt: holds binary data, not text"):
        ticker_items(junk)
    latin = tmp_path / "latin.txt"
    latin.write_bytes("Our trip to the café\n".encode("latin-1"))
    with pytest.raises(InputError, match=r"latin\.txt: is not a UTF-8 text file \(byte 19"):
        ticker_items(latin)
    wide = tmp_path / "wide.txt"
    wide.write_bytes("Sports day\nOur trip\n".encode("utf-16"))
    with pytest.raises(InputError, match=r"wide\.txt: is UTF-16 text; save it as UTF-8"):
        ticker_items(wide)
    wide_no_mark = tmp_path / "wide2.txt"
    wide_no_mark.write_bytes("Sports day\n".encode("utf-16-le"))
    with pytest.raises(InputError, match="is UTF-16 text"):
        ticker_items(wide_no_mark)
    text = tmp_path / "ok.txt"
    text.write_text("Sports day\n\nOur trip\n", encoding="utf-8")
    assert ticker_items(text) == ["Sports day", "Our trip"]


def test_feeds_that_attack_the_parser_or_are_not_feeds_are_refused(tmp_path: Path) -> None:
    laughs = tmp_path / "laughs.xml"
    laughs.write_text(
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><rss><channel><item><title>&lol2;</title>'
        "</item></channel></rss>",
        encoding="utf-8",
    )
    with pytest.raises(InputError, match="entities or external references, which are refused"):
        ticker_items(laughs)
    secret = tmp_path / "secret.txt"
    secret.write_text("the password", encoding="utf-8")
    xxe = tmp_path / "xxe.xml"
    xxe.write_text(
        f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file://{secret}">]>'
        "<rss><channel><item><title>&x;</title></item></channel></rss>",
        encoding="utf-8",
    )
    with pytest.raises(InputError, match="refused"):
        ticker_items(xxe)
    page = tmp_path / "page.xml"
    page.write_text("<html><body><title>A page</title></body></html>", encoding="utf-8")
    with pytest.raises(InputError, match=r"page\.xml: is XML, but not an RSS or Atom feed"):
        ticker_items(page)


class _Trickle(http.server.BaseHTTPRequestHandler):
    """Sends a whole feed, one byte every 0.2 s (about 30 s for the body)."""

    def do_GET(self) -> None:
        body = rss(["Sports day", "Our trip"])
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            for byte in body:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                if self.server.stopping.wait(0.2):  # type: ignore[attr-defined]
                    return
        except OSError:
            return  # the client hung up: what this test wants

    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture
def trickling() -> Iterator[str]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Trickle)
    httpd.stopping = threading.Event()  # type: ignore[attr-defined]
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/feed.xml"
    finally:
        httpd.stopping.set()  # type: ignore[attr-defined]
        httpd.shutdown()
        httpd.server_close()
        thread.join()


@pytest.mark.timeout(60)
def test_a_feed_that_trickles_is_cut_off_at_one_deadline_for_the_whole_fetch(
    trickling: str,
) -> None:
    # each byte comes well within any per-read timeout; only a deadline for the whole
    # fetch stops it before the body (about 30 s) has all come
    with pytest.raises(InputError, match=r"the feed took longer than 1 s to arrive"):
        fetch(trickling, timeout=1.0)
