"""A partner school's stream in the show, through the real nginx: its pictures in the box,
its sound in the mix, the card when it is killed, and back by itself when it returns; the
show making frames all along. Looks and show-file mistakes without a server."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from benchmarks.partner import COLOUR, TONE, Partner
from kaizen_studio.broadcast import MediaServer
from kaizen_studio.core.clock import Clock
from kaizen_studio.core.errors import InputError
from kaizen_studio.core.media import AudioBlock, VideoFrame
from kaizen_studio.studio.backdrop import Backdrop
from kaizen_studio.studio.control import StudioControl
from kaizen_studio.studio.guest_look import BOXES, CARD, GuestLook, GuestStage, card_text
from kaizen_studio.studio.output_link import LatestPicture
from kaizen_studio.studio.pipeline import Programme
from kaizen_studio.studio.scenes import BESIDE_GUEST, Look, look_for
from kaizen_studio.studio.show import Scene, Show, read_show
from kaizen_studio.studio.sound import ShowSound
from kaizen_studio.studio.sources import StillSource
from kaizen_studio.studio.sources.guest import GuestSource, GuestState, to_show_sound
from tests.conditions import wait_until
from tests.conftest import guest_urls

SIZE = (320, 180)


class Heard:
    """An output that keeps the programme's sound (a real consumer of the show)."""

    def __init__(self) -> None:
        self.blocks: list[AudioBlock] = []

    def start(self) -> None:
        return None

    def send(self, frame: VideoFrame) -> None:
        return None

    def send_audio(self, block: AudioBlock) -> None:
        self.blocks.append(block)

    def stop(self) -> None:
        return None

    def tone_share(self, after: int) -> float:
        """How much of the sound since block ``after`` is the partner's 1 kHz tone."""
        samples = np.concatenate([b.samples[:, 0] for b in self.blocks[after:]])
        spectrum = np.abs(np.fft.rfft(samples))
        freqs = np.fft.rfftfreq(len(samples), 1 / 48000)
        band = (freqs > TONE - 20) & (freqs < TONE + 20)
        return float(spectrum[band].sum() / max(spectrum.sum(), 1e-9))


def box_of(image: np.ndarray, look: GuestLook) -> np.ndarray:
    x, y, w, h = BOXES[look].pixels((image.shape[1], image.shape[0]))
    return image[y + h // 4 : y + h // 2, x + 4 : x + w // 4]  # above the label, off the words


def near(patch: np.ndarray, colour: tuple[int, int, int], within: float = 40.0) -> bool:
    return bool(np.abs(patch.reshape(-1, 3).mean(0) - np.array(colour)).max() < within)


@pytest.fixture
def show_with_guest(server: MediaServer, tmp_path: Path):  # type: ignore[no-untyped-def]
    clock = Clock()
    sound = ShowSound(clock=clock, speech=False)  # a 440 Hz voice: the guest's is 1 kHz
    grey = np.full((SIZE[1], SIZE[0], 3), 90, np.uint8)
    programme = Programme(
        StillSource(grey, clock=clock), fps=25, keyer=None, size=SIZE, clock=clock, sound=sound
    )
    url, publish = guest_urls(server, "Hawes Side")
    guest = GuestSource(url, name="Hawes Side", size=SIZE, clock=clock)
    programme.set_guest(guest)
    programme.show_look(Look(backdrop=Backdrop("#000000", SIZE, fit=True), guest=GuestLook.BESIDE))
    picture, heard = LatestPicture(), Heard()
    programme.add_output(picture, mode="latest")
    programme.add_output(heard)
    partner = Partner(publish, size=SIZE)
    yield programme, guest, picture, heard, partner
    partner.stop()
    programme.close()


def test_a_killed_guest_shows_the_card_and_comes_back_by_itself(show_with_guest, tmp_path):  # type: ignore[no-untyped-def]
    programme, guest, picture, heard, partner = show_with_guest
    programme.start()
    wait_until(lambda: picture.frame is not None, what="the first programme picture")
    assert guest.state is GuestState.CONNECTING
    assert near(box_of(picture.frame.image, GuestLook.BESIDE), CARD)  # "Connecting to ..."
    partner.start()
    wait_until(lambda: guest.state is GuestState.ON, what="the guest to be on")
    wait_until(lambda: near(box_of(picture.frame.image, GuestLook.BESIDE), COLOUR), what="its box")
    cv2.imwrite(str(tmp_path / "guest-beside.png"), picture.frame.image)
    before = len(heard.blocks)
    wait_until(lambda: len(heard.blocks) > before + 100, what="two seconds of the show's sound")
    assert heard.tone_share(before) > 0.05, "the guest's 1 kHz tone is in the show's sound"
    assert "the guest Hawes Side" in programme.sound.status

    partner.kill()
    wait_until(lambda: guest.state is GuestState.RECONNECTING, what="the guest to be lost")
    wait_until(lambda: near(box_of(picture.frame.image, GuestLook.BESIDE), CARD), what="the card")
    cv2.imwrite(str(tmp_path / "guest-card.png"), picture.frame.image)
    frames = programme.stats().frames
    wait_until(lambda: programme.stats().frames > frames + 25, what="the show to go on")
    assert guest.stats().state is GuestState.RECONNECTING  # the show went on without it

    partner.start()
    wait_until(lambda: guest.state is GuestState.ON, what="the guest to come back")
    wait_until(lambda: near(box_of(picture.frame.image, GuestLook.BESIDE), COLOUR), what="it")
    stats = guest.stats()
    assert stats.losses == 1 and stats.joins >= 2
    assert 0.1 <= stats.delay < 5.0


def test_the_card_says_who_and_why() -> None:
    assert card_text("Hawes Side", GuestState.RECONNECTING) == "Reconnecting to Hawes Side..."
    assert card_text("Hawes Side", GuestState.CONNECTING) == "Connecting to Hawes Side..."


def test_full_screen_and_behind_put_the_guest_where_the_look_says(server: MediaServer) -> None:
    clock = Clock()
    url, publish = guest_urls(server, "Full")
    guest = GuestSource(url, name="Hawes Side", size=SIZE, clock=clock)
    partner = Partner(publish, size=SIZE)
    look = [GuestLook.FULL]
    stage = GuestStage(lambda: look[0])
    stage.guest = guest
    guest.start()
    partner.start()
    try:
        wait_until(lambda: guest.state is GuestState.ON, what="the guest")
        wait_until(lambda: guest.read() is not None, what="a picture due")
        frame = VideoFrame(np.zeros((SIZE[1], SIZE[0], 3), np.uint8), clock.now())
        shown = stage.apply(frame).image
        assert near(shown[60:120, 100:220], COLOUR)  # the whole picture is the guest
        look[0] = GuestLook.BEHIND
        black = np.zeros((SIZE[1], SIZE[0], 3), np.uint8)
        assert not stage.apply(VideoFrame(black.copy(), clock.now())).image.any()
        behind = stage.behind(black)
        assert near(box_of(behind, GuestLook.BEHIND), COLOUR) and not black.any()
        look[0] = GuestLook.OFF
        stage.apply(VideoFrame(black.copy(), clock.now()))
        assert not guest.audible  # a scene without the guest does not hear it
    finally:
        partner.stop()
        guest.close()


def test_beside_moves_an_unplaced_presenter_left() -> None:
    scene = Scene(name="Link", background="#000000", guest="beside")
    assert look_for(scene, SIZE).placement == BESIDE_GUEST
    assert look_for(
        Scene(name="Plain", background="#000000"), SIZE, guest=GuestLook.BEHIND
    ).guest is (GuestLook.BEHIND)


def test_the_guest_sound_is_made_the_show_s_rate_and_channels() -> None:
    mono = AudioBlock(np.ones((441, 1), np.float32), 44100, 0.0)
    samples = to_show_sound(mono, rate=48000, channels=2)
    assert samples.shape == (480, 2) and samples.dtype == np.float32


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ('guest = { url = "ftp://x", name = "Hawes" }', "line 2: url 'ftp://x'"),
        ('guest = { url = "rtmp://h/live/g" }', 'line 2: guest is written { url = "rtmp://...'),
        ('[[scene]]\nguest = "sideways"', "line 3: the guest's look is one of off, full, beside"),
    ],
)
def test_show_file_guest_mistakes_name_the_line(tmp_path: Path, text: str, words: str) -> None:
    path = tmp_path / "show.toml"
    scene = "" if "[[scene]]" in text else '\n[[scene]]\nname = "A"'
    path.write_text(f'title = "Meet"\n{text}{scene}\n', encoding="utf-8")
    with pytest.raises(InputError, match=None) as caught:
        read_show(path)
    assert words in str(caught.value)


def test_a_guest_address_that_is_not_a_stream_is_refused() -> None:
    with pytest.raises(InputError, match="rtmp://HOST:PORT/live/NAME"):
        GuestSource("hawes-side", name="Hawes Side")


def test_a_guest_over_hls_from_a_partner_s_server(server: MediaServer) -> None:
    clock = Clock()
    rtmp, publish = guest_urls(server, "HLS")
    partner = Partner(publish, size=SIZE)
    url = f"http://127.0.0.1:{server.http_port}/hls/{rtmp.rsplit('/', 1)[1]}.m3u8"
    guest = GuestSource(url, name="Kew Road", size=SIZE, clock=clock)
    assert guest.hold > 1.0 and guest.lost_after >= 3.0  # a segment at a time
    partner.start()
    guest.start()
    try:
        wait_until(lambda: guest.state is GuestState.ON, what="the guest over HLS")

        def shown() -> bool:
            frame = guest.read()
            return frame is not None and near(frame.image[60:120, 100:220], COLOUR)

        wait_until(shown, what="its pictures")
    finally:
        partner.stop()
        guest.close()


def test_the_studio_shows_a_show_file_s_guest_where_its_scenes_say(
    server: MediaServer, tmp_path: Path
) -> None:
    url, publish = guest_urls(server, "Studio")
    show = Show(
        title="Link-up",
        fps=25,
        size=SIZE,
        scenes=(
            Scene(name="Studio", background="#000000"),
            Scene(name="Link", background="#000000", guest="full"),
        ),
        guest=(url, "Hawes Side"),
    )
    partner = Partner(publish, size=SIZE)
    control = StudioControl(show, camera="demo", recordings=tmp_path)
    control.start()
    partner.start()
    try:
        wait_until(lambda: control.programme is not None, what="the show to start")
        programme = control.programme
        assert programme is not None and programme.guest is not None
        assert programme.guest.name == "Hawes Side"
        wait_until(lambda: programme.guest.state is GuestState.ON, what="the guest")  # type: ignore[union-attr]
        assert control.programme_picture() is not None
        assert not near(control.programme_picture().image[60:120, 100:220], COLOUR)  # type: ignore[union-attr]
        control.show_scene(1)

        def full() -> bool:
            frame = control.programme_picture()
            return frame is not None and near(frame.image[60:120, 100:220], COLOUR)

        wait_until(full, what="the guest full screen in the scene that says so")
    finally:
        partner.stop()
        control.close()
