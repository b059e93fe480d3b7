"""Class blogs' feeds for the tests: RSS, Atom and hostile ones written as files, served
by a loopback web server (the real HTTP path a feed takes)."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def rss(titles: list[str]) -> str:
    items = "".join(f"<item><title>{t}</title></item>" for t in titles)
    channel = f"<channel><title>Blog</title>{items}</channel>"
    return f'<?xml version="1.0"?><rss version="2.0">{channel}</rss>'


ATOM = (
    '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
    "<title>Year 6</title><entry><title>Our Viking longboat</title></entry></feed>"
)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        return


@contextmanager
def serve_feeds(tmp_path: Path) -> Iterator[str]:
    """A loopback web server of feed files in ``tmp_path/feeds``; its address."""
    folder = tmp_path / "feeds"
    folder.mkdir()
    secret = tmp_path / "secret.txt"
    secret.write_text("the office password", encoding="utf-8")
    (folder / "year3.xml").write_text(rss(["Sports day", "Our trip to the farm"]), "utf-8")
    (folder / "year6.xml").write_text(ATOM, "utf-8")
    (folder / "laughs.xml").write_text(
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
        '<rss version="2.0"><channel><item><title>&lol3;</title></item></channel></rss>',
        "utf-8",
    )
    (folder / "xxe.xml").write_text(
        f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file://{secret}">]>'
        '<rss version="2.0"><channel><item><title>&x;</title></item></channel></rss>',
        "utf-8",
    )
    (folder / "huge.xml").write_text(rss(["x" * 100] * 30_000), "utf-8")
    (folder / "broken.xml").write_text("<rss><channel><item><title>cut off", "utf-8")
    handler = functools.partial(_Quiet, directory=str(folder))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()
