"""The ticker read from a feed at a web address: a real HTTP server on loopback."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from kaizen_studio.core.errors import InputError
from kaizen_studio.studio.overlays import ticker_items
from kaizen_studio.studio.show import read_show

RSS = (
    "<?xml version='1.0' encoding='utf-8'?><rss><channel><title>Class 4 blog</title>"
    "<item><title>Our trip to the café</title></item><item><title>Sports day</title></item>"
    "</channel></rss>"
).encode()


class _Feed(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path != "/feed.xml":
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        self.send_header("Content-Length", str(len(RSS)))
        self.end_headers()
        self.wfile.write(RSS)

    def log_message(self, format: str, *args: object) -> None:  # quiet test output
        return


@pytest.fixture
def feed_url() -> Iterator[str]:
    """The address of a small RSS server on loopback (not the media server)."""
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Feed)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


def test_ticker_reads_the_titles_of_a_feed_at_an_address(feed_url: str) -> None:
    assert ticker_items(f"{feed_url}/feed.xml") == ["Our trip to the café", "Sports day"]


def test_a_feed_address_that_fails_is_one_clear_error(feed_url: str) -> None:
    with pytest.raises(InputError, match=r"/missing\.xml: could not read the feed"):
        ticker_items(f"{feed_url}/missing.xml")


def test_a_show_file_takes_a_feed_address_for_its_ticker(feed_url: str, tmp_path: Path) -> None:
    show = tmp_path / "show.toml"
    show.write_text(
        f'[[scene]]\nname = "News"\nbackground = "newsroom"\nticker = "{feed_url}/feed.xml"\n',
        encoding="utf-8",
    )
    scene = read_show(show).scenes[0]
    assert scene.ticker == f"{feed_url}/feed.xml"
