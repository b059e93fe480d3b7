"""The library through the real nginx + gunicorn: uploads converted in the background to
web-safe MP4s that PyAV plays back, a pupil's upload waiting for a teacher, and damaged or
wrong files refused with a reason and nothing half-made left behind."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import time
import zipfile
from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image

from tests.channel_site import Browser, RunningChannel, item_id
from tests.conditions import wait_until
from tests.media_files import take

pytestmark = pytest.mark.timeout(400)

CONVERTED = 240.0
"""Seconds a small item may take to convert on a busy machine."""


def state_of(browser: Browser, pk: int) -> dict[str, object]:
    answer = browser.get("/channel/library/states.json")
    assert answer.status == 200, answer.text
    return next(row for row in json.loads(answer.text)["items"] if row["pk"] == pk)


def finished(browser: Browser, pk: int) -> dict[str, object]:
    """The item's state once it is ready or refused (asked at most 5 times a second)."""
    seen: dict[str, object] = {}

    def done() -> bool:
        seen.update(state_of(browser, pk))
        if seen["state"] in ("ready", "refused"):
            return True
        time.sleep(0.2)  # pace the questions, not the answer
        return False

    wait_until(done, timeout=CONVERTED, what=f"item {pk} to be converted or refused")
    return seen


def files_of(channel: RunningChannel, pk: int) -> list[str]:
    """Every file the library keeps for item ``pk``, in any of its folders."""
    media = channel.channel.media
    return sorted(
        str(path.relative_to(media))
        for path in media.rglob("*")
        if path.is_file() and (path.name.split(".")[0] == str(pk) or path.parent.name == str(pk))
    )


def signed_in(channel: RunningChannel, name: str, role: str) -> Browser:
    channel.account(name, role)
    browser = channel.browser()
    assert browser.sign_in(name).status == 302
    return browser


def test_a_pupils_film_is_converted_and_waits_for_a_teacher(
    channel: RunningChannel, take_clip: Path, tmp_path: Path
) -> None:
    pupil = signed_in(channel, "leader_sam", "digital_leader")
    answer = pupil.upload(take_clip, title="Our volcano", class_name="Year 4")
    assert answer.status == 200, answer.text
    pk = item_id(answer)
    state = finished(pupil, pk)
    assert state["state"] == "ready", state
    assert state["approved"] is False
    # staff may watch it; a screen (no account) may not, until a teacher approves it
    film = pupil.get(f"/channel/library/{pk}/{pk}.mp4")
    assert film.status == 200 and film.headers["Content-Type"] == "video/mp4"
    assert channel.browser().get(f"/channel/library/{pk}/{pk}.mp4").status == 404
    assert film.body.index(b"moov") < film.body.index(b"mdat")  # faststart
    saved = tmp_path / "back.mp4"
    saved.write_bytes(film.body)
    with av.open(str(saved)) as container:
        assert container.streams.video[0].codec_context.name == "h264"
        assert container.streams.audio[0].codec_context.name == "aac"
        pictures = [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]
    assert len(pictures) >= 20  # 1 s at 25 fps
    assert pictures[0].shape == (180, 320, 3) and pictures[0].std() > 10  # a picture
    thumbnail = Image.open(io.BytesIO(pupil.get(f"/channel/library/{pk}/{pk}.jpg").body))
    assert thumbnail.format == "JPEG" and thumbnail.width == 320

    teacher = signed_in(channel, "mrs_ali", "teacher")
    assert teacher.post(f"/channel/library/{pk}/approve/", {"approved": "1"}).status == 302
    screen = channel.browser().get(f"/channel/library/{pk}/{pk}.mp4")
    assert screen.status == 200 and screen.body == film.body  # sent by nginx
    ready = channel.shell(
        "from kaizen_studio.channel.library.models import ready_items; "
        "print([(i.pk, i.title, round(i.duration), i.web_url) for i in ready_items()])"
    )
    assert f"({pk}, 'Our volcano', 1, '/channel/library/{pk}/{pk}.mp4')" in ready
    log = teacher.get("/channel/accounts/audit/").text
    assert f"leader_sam</td><td>uploaded</td><td>Item #{pk} &quot;Our volcano&quot;" in log
    assert f"mrs_ali</td><td>approved</td><td>Item #{pk} &quot;Our volcano&quot;" in log
    assert files_of(channel, pk) == [f"library/{pk}.jpg", f"library/{pk}.mp4"]


def test_a_teachers_upload_is_approved_at_once(channel: RunningChannel, take_clip: Path) -> None:
    teacher = signed_in(channel, "mr_yew", "teacher")
    pk = item_id(teacher.upload(take_clip, title="Assembly", from_studio="on"))
    state = finished(teacher, pk)
    assert state["state"] == "ready" and state["approved"] is True
    assert channel.browser().get(f"/channel/library/{pk}/{pk}.mp4").status == 200


def test_a_program_renamed_mp4_is_refused_and_nothing_is_left(
    channel: RunningChannel, tmp_path: Path
) -> None:
    teacher = signed_in(channel, "ms_bin", "teacher")
    program = tmp_path / "ls"
    shutil.copy(shutil.which("ls") or "/bin/ls", program)
    pk = item_id(teacher.upload(program, title="Sports day", name="sports-day.mp4"))
    state = finished(teacher, pk)
    assert state["state"] == "refused"
    assert "another kind of file renamed" in str(state["reason"])
    assert files_of(channel, pk) == []
    page = teacher.get("/channel/library/").text
    assert "another kind of file renamed" in page
    assert teacher.get(f"/channel/library/{pk}/{pk}.mp4").status == 404


def test_a_film_cut_short_is_refused(channel: RunningChannel, tmp_path: Path) -> None:
    teacher = signed_in(channel, "mr_cut", "teacher")
    whole = tmp_path / "whole.mp4"
    take(whole, frames=45)
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    pk = item_id(teacher.upload(cut, title="Cut"))
    state = finished(teacher, pk)
    assert state["state"] == "refused" and "damaged or cut short" in str(state["reason"])
    assert files_of(channel, pk) == []
    # with its index at the front it opens, but a third of its pictures are missing
    front = tmp_path / "front.mp4"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(whole), "-c", "copy", "-movflags", "+faststart",
         str(front)],
        check=True, timeout=60,
    )  # fmt: skip
    cut.write_bytes(front.read_bytes()[: front.stat().st_size * 2 // 3])
    pk = item_id(teacher.upload(cut, title="Cut at the end"))
    state = finished(teacher, pk)
    assert state["state"] == "refused" and "cut short or damaged" in str(state["reason"])
    assert files_of(channel, pk) == []


def test_a_forty_megapixel_picture_is_refused(channel: RunningChannel, tmp_path: Path) -> None:
    teacher = signed_in(channel, "ms_big", "teacher")
    huge = tmp_path / "huge.png"
    Image.new("L", (7300, 5500), 128).save(huge)  # 40.2 megapixels
    pk = item_id(teacher.upload(huge, title="Huge"))
    state = finished(teacher, pk)
    assert state["state"] == "refused"
    assert "7300 x 5500 (40 megapixels): the most is 24 megapixels" in str(state["reason"])
    assert files_of(channel, pk) == []


def test_a_picture_and_a_photostory_become_films_that_move(
    channel: RunningChannel, tmp_path: Path
) -> None:
    teacher = signed_in(channel, "mrs_story", "teacher")
    rng = np.random.default_rng(4)
    pictures = []
    for n in range(3):
        path = tmp_path / f"page-{n}.jpg"
        noise = rng.integers(0, 255, (60, 80, 3), dtype=np.uint8)
        Image.fromarray(noise).resize((800, 600), Image.Resampling.BICUBIC).save(path)
        pictures.append(path)
    sound = tmp_path / "voice.m4a"
    with av.open(str(sound), "w") as container:
        stream = container.add_stream("aac", rate=48000)
        stream.layout = "mono"
        tone = (0.2 * np.sin(2 * np.pi * 330 * np.arange(48000 * 3) / 48000)).astype(np.float32)
        for start in range(0, tone.size, 1024):
            frame = av.AudioFrame.from_ndarray(
                tone[None, start : start + 1024], format="fltp", layout="mono"
            )
            frame.sample_rate, frame.pts = 48000, start
            container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
    story = tmp_path / "story.zip"
    with zipfile.ZipFile(story, "w") as packed:
        for path in pictures:
            packed.write(path, path.name)
        packed.write(sound, sound.name)

    picture_pk = item_id(teacher.upload(pictures[0], title="One picture"))
    story_pk = item_id(teacher.upload(story, title="Our trip"))
    for pk, kind, seconds in ((picture_pk, "picture", 8.0), (story_pk, "photostory", 3.0)):
        state = finished(teacher, pk)
        assert state["state"] == "ready", state
        assert abs(float(str(state["duration"])) - seconds) < 0.3
        film = tmp_path / f"{pk}.mp4"
        film.write_bytes(teacher.get(f"/channel/library/{pk}/{pk}.mp4").body)
        with av.open(str(film)) as container:
            assert container.streams.audio[0].codec_context.name == "aac"
            frames = [f.to_ndarray(format="gray") for f in container.decode(video=0)]
        assert frames[0].shape == (720, 1280)
        # the picture moves: the first and last frames of a picture differ, but gently
        step = np.abs(frames[1].astype(int) - frames[0].astype(int)).mean()
        whole = np.abs(frames[len(frames) // 4].astype(int) - frames[0].astype(int)).mean()
        assert 0 < step < whole, (kind, step, whole)
    shell = channel.shell(
        "from kaizen_studio.channel.library.models import Item; "
        f"print(Item.objects.get(pk={story_pk}).kind, Item.objects.get(pk={picture_pk}).kind)"
    )
    assert shell == "photostory picture"
