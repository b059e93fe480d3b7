"""Vodcasts published to the channel through the real nginx + gunicorn: a vodcast made by
studio vodcast sent by ``studio publish`` with an upload token, hidden until a teacher
approves it, then its page, embed and podcast feed (parsed back by feedparser, its
enclosure fetched with a range request through nginx); a private series only at its
secret address; bad uploads refused with a reason and nothing left behind."""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
import time
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from threading import Thread
from urllib.parse import urlsplit

import cv2
import feedparser  # type: ignore[import-untyped]
import pytest

from benchmarks.chromium import Chromium
from kaizen_studio.broadcast.server import free_port
from kaizen_studio.studio.captions import Cue, write_webvtt
from kaizen_studio.studio.cards import TEMPLATES, Cards
from kaizen_studio.studio.vodcast import make_vodcast
from tests.channel_site import Browser, RunningChannel, multipart
from tests.conditions import wait_until
from tests.media_files import FPS, take

pytestmark = pytest.mark.timeout(500)

CUES = [
    Cue(start=3.2, end=5.0, text="A fraction is part of a whole."),
    Cue(start=5.2, end=6.5, text="Let us add two."),
]


@pytest.fixture(scope="module")
def vodcast(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real vodcast (a 2 s take between cards) with its captions and thumbnail beside."""
    folder = tmp_path_factory.mktemp("vodcast")
    take(folder / "take.mp4", frames=2 * FPS)
    cards = Cards(
        school="Hillside Primary",
        class_name="Year 5",
        title="Adding fractions",
        template=TEMPLATES["classic"],
    )
    report = make_vodcast(folder / "take.mp4", folder / "fractions.mp4", cards=cards)
    write_webvtt(CUES, folder / "fractions.vtt")
    assert report.thumbnail == folder / "fractions-thumbnail.png"
    return report.output


def signed_in(channel: RunningChannel, name: str, role: str) -> Browser:
    channel.account(name, role)
    browser = channel.browser()
    assert browser.sign_in(name).status == 302
    return browser


def upload_token(browser: Browser) -> str:
    page = browser.post("/channel/vodcasts/token/", {})
    found = re.search(r'<code id="token">([\w-]+)</code>', page.text)
    assert page.status == 200 and found, page.text
    return found.group(1)


def studio(*argv: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kaizen_studio", "publish", *argv],
        input=stdin, capture_output=True, text=True, timeout=300,
    )  # fmt: skip


def publish(
    channel: RunningChannel, browser: Browser, film: Path, *options: str, waits: bool = False
) -> int:
    """Save the account's token as a user would, publish ``film`` (saying it ``waits`` for
    a teacher or not), return the vodcast id."""
    saved = studio("--save-token", "--server", channel.base, stdin=upload_token(browser) + "\n")
    assert saved.returncode == 0, saved.stderr
    sent = studio(str(film), "--server", channel.base, *options)
    assert sent.returncode == 0, sent.stderr
    said = "waits for a teacher's approval" if waits else "is public once converted"
    assert said in sent.stderr, sent.stderr
    return int(re.search(r"\(vodcast (\d+)\)", sent.stderr).group(1))  # type: ignore[union-attr]


def ready(channel: RunningChannel, pk: int) -> None:
    def converted() -> bool:
        state = channel.shell(
            f"from kaizen_studio.channel.vodcasts.models import Vodcast; "
            f"print(Vodcast.objects.get(pk={pk}).item.state)"
        )
        if state in ("ready", "refused"):
            return True
        time.sleep(0.5)  # pace the questions, not the answer
        return False

    wait_until(converted, timeout=300, what=f"vodcast {pk} to be converted")


def address(channel: RunningChannel, pk: int) -> str:
    return channel.shell(
        f"from kaizen_studio.channel.vodcasts.models import Vodcast; "
        f"print(Vodcast.objects.get(pk={pk}).series.address)"
    )


def test_a_leaders_vodcast_is_hidden_until_a_teacher_approves_it(
    channel: RunningChannel, vodcast: Path, studio_folders: Path
) -> None:
    leader = signed_in(channel, "leader_amy", "digital_leader")
    pk = publish(
        channel, leader, vodcast, "--series", "Year 5 maths", "--title", "Adding fractions",
        "--class", "Year 5", "--credits", "Amir (Year 5), Bea (Year 5)",
        "--description", "How to add two fractions with the same bottom number.", waits=True,
    )  # fmt: skip
    tokens = studio_folders / "upload-tokens.json"
    assert stat.S_IMODE(tokens.stat().st_mode) == 0o600
    ready(channel, pk)
    at = f"/channel/vodcasts/{address(channel, pk)}/{pk}"
    stranger = channel.browser()
    for path in (f"{at}/", f"{at}/embed/", f"{at}/film.mp4", f"{at}/captions.vtt"):
        assert stranger.get(path).status == 404, path
    assert leader.get(f"{at}/").status == 200  # staff see it before
    # the series the leader named is not public either until a teacher approves in it
    assert stranger.get("/channel/vodcasts/year-5-maths/feed.xml").status == 404
    empty = feedparser.parse(leader.get("/channel/vodcasts/year-5-maths/feed.xml").body)
    assert not empty.bozo and empty.entries == []
    item = channel.shell(
        f"from kaizen_studio.channel.vodcasts.models import Vodcast; "
        f"print(Vodcast.objects.get(pk={pk}).item_id)"
    )
    refused = leader.post(f"/channel/library/{item}/approve/", {"approved": "1"})
    assert refused.status == 403
    assert stranger.get(f"{at}/").status == 404

    teacher = signed_in(channel, "mr_oak", "teacher")
    approved = teacher.post(
        f"/channel/library/{item}/approve/", {"approved": "1", "next": f"{at}/"}
    )
    assert approved.status == 302 and approved.headers["Location"] == f"{at}/"

    page = stranger.get(f"{at}/")
    assert page.status == 200
    assert f'src="{channel.base}{at}/film.mp4"' in page.text
    assert f'<track kind="captions" src="{channel.base}{at}/captions.vtt"' in page.text
    assert page.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert f"&lt;iframe src=&quot;{channel.base}{at}/embed/&quot;" in page.text or (
        f'&lt;iframe src="{channel.base}{at}/embed/"' in page.text
    )
    assert "Amir (Year 5)" in page.text
    embed = stranger.get(f"{at}/embed/")
    assert embed.status == 200 and "X-Frame-Options" not in embed.headers
    assert embed.headers["Content-Security-Policy"] == "frame-ancestors *"
    assert "<track" in embed.text and "<header>" not in embed.text
    captions = stranger.get(f"{at}/captions.vtt")
    assert captions.status == 200 and captions.text.startswith("WEBVTT")
    assert "A fraction is part of a whole." in captions.text
    cover = stranger.get(f"{at}/cover.jpg")
    assert cover.status == 200 and cover.body[:3] == b"\xff\xd8\xff"
    poster = stranger.get(f"{at}/poster.jpg")
    assert poster.status == 200 and f'poster="{channel.base}{at}/poster.jpg"' in page.text

    feed = feedparser.parse(stranger.get("/channel/vodcasts/year-5-maths/feed.xml").body)
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "rss20"
    for key in ("title", "link", "description", "language", "image"):
        assert feed.feed.get(key), key
    assert feed.feed.podcast_locked == "yes"
    assert re.fullmatch(r"[0-9a-f-]{36}", feed.feed.podcast_guid)
    assert feed.feed.image.href.startswith(channel.base)
    (entry,) = feed.entries
    assert entry.title == "Adding fractions" and entry.link == f"{channel.base}{at}/"
    assert entry.guidislink is False and re.fullmatch(r"[0-9a-f-]{36}", entry.id)
    assert re.fullmatch(r"0:00:\d\d", entry.itunes_duration)
    assert entry.image.href == f"{channel.base}{at}/cover.jpg"
    (enclosure,) = entry.enclosures
    assert enclosure.type == "video/mp4" and enclosure.href == f"{channel.base}{at}/film.mp4"
    # the enclosure through nginx: its whole length as the feed says, and a range of it
    whole = stranger.get(urlsplit(enclosure.href).path)
    assert whole.status == 200 and len(whole.body) == int(enclosure.length)
    part = stranger.request(urlsplit(enclosure.href).path, headers={"Range": "bytes=100-199"})
    assert part.status == 206 and part.body == whole.body[100:200]
    assert part.headers["Content-Range"] == f"bytes 100-199/{enclosure.length}"
    assert 'url="' + f'{channel.base}{at}/captions.vtt"' in stranger.get(
        "/channel/vodcasts/year-5-maths/feed.xml"
    ).text.replace("podcast:transcript ", "")
    again = feedparser.parse(stranger.get("/channel/vodcasts/year-5-maths/feed.xml").body)
    assert again.entries[0].id == entry.id  # GUIDs stable

    # the screens play it only once a teacher adds it to them
    on_screens = (
        "from kaizen_studio.channel.library.models import ready_items; "
        f"print(ready_items().filter(pk={item}).exists())"
    )
    assert channel.shell(on_screens) == "False"
    assert leader.post(f"/channel/vodcasts/{pk}/screens/", {"screens": "1"}).status == 403
    assert teacher.post(f"/channel/vodcasts/{pk}/screens/", {"screens": "1"}).status == 302
    assert channel.shell(on_screens) == "True"


def test_a_private_series_is_only_at_its_secret_address(
    channel: RunningChannel, vodcast: Path
) -> None:
    teacher = signed_in(channel, "ms_birch", "teacher")
    pk = publish(
        channel, teacher, vodcast, "--series", "Year 3 news", "--title", "Our trip",
        "--class", "Year 3", "--credits", "Zoe",
    )  # fmt: skip
    ready(channel, pk)
    stranger = channel.browser()
    assert stranger.get(f"/channel/vodcasts/year-3-news/{pk}/").status == 200  # teacher's: public
    series = channel.shell(
        "from kaizen_studio.channel.vodcasts.models import Series; "
        "print(Series.objects.get(slug='year-3-news').pk)"
    )
    privacy = f"/channel/vodcasts/series/{series}/privacy/"
    assert teacher.post(privacy, {"private": "1"}).status == 302
    secret = address(channel, pk)
    assert secret.startswith("p-") and len(secret) > 30
    item = channel.shell(
        f"from kaizen_studio.channel.vodcasts.models import Vodcast; "
        f"print(Vodcast.objects.get(pk={pk}).item_id)"
    )
    for path in (
        "/channel/vodcasts/year-3-news/feed.xml",
        f"/channel/vodcasts/year-3-news/{pk}/",
        f"/channel/library/{item}/{item}.mp4",  # not by the library's own address either
        f"/channel/vodcasts/p-wrong{secret[7:]}/feed.xml",
    ):
        assert stranger.get(path).status == 404, path
    feed = stranger.get(f"/channel/vodcasts/{secret}/feed.xml")
    assert feed.status == 200 and feed.headers["Cache-Control"] == "no-store"
    parsed = feedparser.parse(feed.body)
    assert (
        parsed.entries[0]
        .enclosures[0]
        .href.startswith(f"{channel.base}/channel/vodcasts/{secret}/")
    )
    assert stranger.get(f"/channel/vodcasts/{secret}/{pk}/film.mp4").status == 200
    assert teacher.post(privacy, {"regenerate": "1"}).status == 302
    assert stranger.get(f"/channel/vodcasts/{secret}/feed.xml").status == 404  # revoked
    assert stranger.get(f"/channel/vodcasts/{address(channel, pk)}/feed.xml").status == 200


def send(
    channel: RunningChannel, token: str, files: dict[str, bytes], **fields: str
) -> tuple[int, str]:
    """The publish request with ``files`` (name -> bytes) as studio publish makes it."""
    fields = {"title": "Leaves", "series": "Year 2 science", **fields}
    names = list(files)
    boundary, pieces = multipart(fields, names[0], names[0], [files[names[0]]])
    body = b"".join(pieces)
    for name in names[1:]:
        extra = (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{name}"\r\nContent-Type: application/octet-stream\r\n\r\n'
            ).encode()
            + files[name]
            + b"\r\n"
        )
        body = body.replace(f"--{boundary}--\r\n".encode(), extra + f"--{boundary}--\r\n".encode())
    answer = channel.browser().request(
        "/channel/vodcasts/publish/",
        data=body,
        headers={
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "Authorization": f"Bearer {token}",
        },
    )
    return answer.status, answer.text


ITEM_COUNT = "from kaizen_studio.channel.library.models import Item; print(Item.objects.count())"
"""The channel's shell line that prints how many library items there are."""


def vodcast_files(vodcast: Path) -> dict[str, bytes]:
    """A made vodcast's upload: the film, its captions and its thumbnail."""
    return {
        "film": vodcast.read_bytes(),
        "captions": vodcast.with_suffix(".vtt").read_bytes(),
        "thumbnail": vodcast.with_name("fractions-thumbnail.png").read_bytes(),
    }


def test_bad_uploads_are_refused_with_a_reason_and_leave_nothing(
    channel: RunningChannel, vodcast: Path
) -> None:
    teacher = signed_in(channel, "mrs_ash", "teacher")
    token = upload_token(teacher)
    good = vodcast_files(vodcast)
    count = ITEM_COUNT
    before = channel.shell(count)
    media = channel.channel.media
    files_before = sorted(p.name for p in media.rglob("*") if p.is_file())
    cases = [
        ({**good, "film": b"this is my homework, not a film\n" * 50}, {}, "not a video"),
        ({"film": good["film"], "thumbnail": good["thumbnail"]}, {}, "captions file is missing"),
        ({**good, "captions": b"WEBVTT\n\n" + b"x" * 2_000_000}, {}, "the most is 1024 kB"),
        ({**good, "captions": b"1\n00:00:01,000 --> 00:00:02,000\nhi\n"}, {}, "not WebVTT"),
        ({**good, "thumbnail": b"GIF89 nonsense"}, {}, "thumbnail is not a picture"),
        (good, {"credits": "Amir Khan (Year 5)"}, "first names only"),
        (good, {"credits": "Amir", "title": "Amir Khan adds fractions"}, "never a surname"),
        (good, {"credits": "Amir", "series": "Amir Khan's maths"}, "the series has"),
    ]
    for files, fields, reason in cases:
        status, text = send(channel, token, files, **fields)
        assert status == 400 and reason in text, (reason, status, text)
    assert send(channel, "not-a-token", good)[0] == 401
    assert send(channel, token + "x", good)[0] == 401
    assert channel.shell(count) == before
    assert sorted(p.name for p in media.rglob("*") if p.is_file()) == files_before
    # and the command line names what is missing, in one line, exit 2
    missing = studio(str(vodcast.with_name("nothing.mp4")), "--server", channel.base,
                     "--series", "S", "--title", "T")  # fmt: skip
    assert missing.returncode == 2 and "does not exist" in missing.stderr
    assert "Traceback" not in missing.stderr
    no_token = studio(
        str(vodcast), "--server", "http://127.0.0.1:9", "--series", "S", "--title", "T"
    )
    assert no_token.returncode == 2 and "no upload token" in no_token.stderr
    assert os.environ.get("KAIZEN_STUDIO_CONFIG")


def test_the_page_and_the_embed_play_with_captions_in_chromium(
    channel: RunningChannel, vodcast: Path, tmp_path: Path
) -> None:
    teacher = signed_in(channel, "mr_elm", "teacher")
    pk = publish(
        channel, teacher, vodcast, "--series", "Year 6 science", "--title", "Why leaves fall",
        "--class", "Year 6", "--credits", "Noor (Year 6), Ola (Year 6)",
        "--description", "Trees save water in winter by dropping their leaves.",
    )  # fmt: skip
    ready(channel, pk)
    at = f"{channel.base}/channel/vodcasts/{address(channel, pk)}/{pk}"
    blog = tmp_path / "blog.html"  # a class blog on another site, with the embed code in it
    blog.write_text(
        f'<h1>Year 6 blog</h1><iframe id="v" src="{at}/embed/" width="640" height="360" '
        f'style="border:0"></iframe><iframe id="page" src="{at}/" width="300" height="200">'
        "</iframe>"
    )
    captions_shown = (
        "(() => { const v = document.querySelector('video'); const t = v.textTracks[0];"
        " return v.readyState >= 1 && t.mode === 'showing' && t.cues !== null"
        " && t.cues.length; })()"
    )
    with Chromium(tmp_path / "profile", width=1100, height=900) as browser:
        browser.open(f"{at}/")
        assert browser.wait_for(captions_shown, len(CUES), seconds=60)
        browser.evaluate("document.querySelector('video').currentTime = 4.0")
        active = "(() => { const c = document.querySelector('video').textTracks[0].activeCues;"
        active += " return c && c.length ? c[0].text : ''; })()"
        assert browser.wait_for(active, CUES[0].text, seconds=30)
        cv2.imwrite(str(tmp_path / "page.png"), browser.screenshot(exact=True)[0])
        browser.open(f"{at}/embed/")
        assert browser.wait_for(captions_shown, len(CUES), seconds=60)
        # the blog from another site (origin): its load waits for the frames' loads
        handler = partial(SimpleHTTPRequestHandler, directory=str(tmp_path))
        with ThreadingHTTPServer(("127.0.0.1", free_port()), handler) as other_site:
            Thread(target=other_site.serve_forever, daemon=True).start()
            try:
                browser.open(f"http://127.0.0.1:{other_site.server_port}/blog.html")
                cv2.imwrite(str(tmp_path / "blog.png"), browser.screenshot(exact=True)[0])
            finally:
                other_site.shutdown()


def test_a_pupils_surname_alone_is_refused_wherever_it_is_sent(
    channel: RunningChannel, vodcast: Path
) -> None:
    """A surname on its own passes the first-name checks; the channel knows its pupils'
    surnames (their accounts) and refuses them in every text that reaches a public page."""
    channel.shell(
        "from kaizen_studio.channel.accounts.models import User\n"
        "User.objects.create_user('ngozi', role='digital_leader', first_name='Ngozi',"
        " last_name='Okafor')"
    )
    teacher = signed_in(channel, "mr_birch", "teacher")
    token = upload_token(teacher)
    good = vodcast_files(vodcast)
    count = ITEM_COUNT
    before = channel.shell(count)
    spoken = good["captions"] + b"\n00:00:01.500 --> 00:00:01.900\nI'm Ngozi OKAFOR\n"
    cases = [
        (good, {"credits": "Okafor (Year 5)"}, "the credits has 'Okafor'"),
        (good, {"title": "Fractions by the okafor twins"}, "the title has"),
        (good, {"description": "Filmed at Okafor's house"}, "the description has"),
        ({**good, "captions": spoken}, {}, "the captions has"),
    ]
    for files, fields, reason in cases:
        status, text = send(channel, token, files, **fields)
        assert status == 400 and reason in text and "a pupil's surname" in text, (status, text)
    assert channel.shell(count) == before
    # a word that only contains it, and a teacher's surname, are no surnames of pupils
    status, text = send(channel, token, good, title="Okaforia and Mrs Ash")
    assert status == 200, text
