"""The keyer on made-up frames with known answers."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from kaizen_studio.keying import (
    Keyer,
    KeyerSettings,
    Mattes,
    NotCalibratedError,
    rectangle,
    straight_foreground,
)
from tests.keying_frames import GREEN, JUMPER, SKIN, add_noise, inner, person_frame


def keyed(frame: np.ndarray, **settings: float) -> tuple[Keyer, np.ndarray]:
    keyer = Keyer(KeyerSettings(**settings), threads=1)  # type: ignore[arg-type]
    keyer.calibrate(frame)
    return keyer, keyer.matte(frame).astype(np.float64) / 255.0


def test_screen_keys_to_zero_and_subject_to_one() -> None:
    frame, subject = person_frame()
    _, alpha = keyed(frame)
    background = inner(~subject)
    assert alpha[background].max() == 0.0
    assert alpha[inner(subject)].min() == 1.0


def test_uneven_light_still_keys_clean() -> None:
    # the left edge of the cloth gets half the light of the right edge
    frame, subject = person_frame(uneven=0.5)
    _, alpha = keyed(frame)
    assert alpha[inner(~subject)].max() <= 1 / 255
    assert alpha[inner(subject)].min() == 1.0


def test_dark_green_jumper_is_not_keyed_out() -> None:
    frame, subject = person_frame(clothes=JUMPER)
    _, alpha = keyed(frame)
    assert alpha[inner(subject)].mean() > 0.99
    assert (alpha[inner(subject)] < 0.5).mean() == 0.0


GREY = (150, 150, 150)


def test_half_mix_recovers_its_colour() -> None:
    h, w = 120, 160
    screen = np.array(GREEN, np.float32)
    frame = np.ones((h, w, 1), np.float32) * screen
    band = slice(40, 80)
    frame[:, band] = 0.5 * np.array(GREY, np.float32) + 0.5 * screen
    frame_u8 = add_noise(frame, 1.0)
    # a wide half-transparent region is not solid, so no solid core here
    keyer, alpha = keyed(frame_u8, core_distance=0)
    mixed = alpha[10:-10, 45:75]
    assert abs(mixed.mean() - 0.5) < 0.08
    result = keyer.process(frame_u8, np.zeros((h, w, 3), np.uint8))
    assert result.foreground is not None
    colour = straight_foreground(result.foreground, result.alpha)[10:-10, 45:75]
    assert np.abs(colour.reshape(-1, 3).mean(0) - GREY).max() < 8
    # on black, the composite is the subject's share only: no green left behind
    comp = result.composite[10:-10, 45:75].reshape(-1, 3).astype(float).mean(0)
    assert comp[1] <= max(comp[0], comp[2]) + 3


def test_spill_on_the_edges_goes() -> None:
    frame, subject = person_frame(clothes=(200, 200, 200), noise=0.0)
    spilled = frame.astype(np.int16)
    rim = subject & ~inner(subject, 10)
    spilled[rim, 1] += 30  # green light bounced onto the edges of a white shirt
    spilled_u8 = np.clip(spilled, 0, 255).astype(np.uint8)
    keyer = Keyer(threads=1)
    keyer.calibrate(spilled_u8)
    shirt = keyer.process(spilled_u8, np.zeros_like(frame)).composite[rim & inner(subject, 3)]
    assert (shirt[:, 1].astype(int) - np.maximum(shirt[:, 0], shirt[:, 2])).max() <= 2


def test_green_clothes_keep_their_colour() -> None:
    frame, subject = person_frame(clothes=JUMPER, noise=0.0)
    keyer = Keyer(threads=1)
    keyer.calibrate(frame)
    result = keyer.process(frame, np.zeros_like(frame))
    jumper = result.composite[inner(subject, 4)].astype(float).mean(0)
    assert np.abs(jumper - JUMPER).max() <= 2


def test_garbage_and_holdout_mattes() -> None:
    frame, _subject = person_frame()
    frame[:40, :20] = SKIN  # a light stand in the corner, outside the garbage matte
    frame[200:, 150:170] = GREEN  # a green prop on the desk, inside the holdout
    keyer = Keyer(threads=1)
    keyer.calibrate(frame)
    keyer.mattes = Mattes.of(
        garbage=[rectangle(0.1, 0.0, 0.9, 1.0)], holdout=[rectangle(0.45, 0.8, 0.55, 1.0)]
    )
    alpha = keyer.matte(frame)
    assert alpha[5:35, 2:15].max() == 0
    assert alpha[205:235, 152:168].min() == 255


def test_stripes_on_threads_give_the_same_answer() -> None:
    frame, _ = person_frame(h=243, w=320, uneven=0.3)
    background = np.full((100, 50, 3), (20, 90, 200), np.uint8)
    out = []
    for threads in (1, 3):
        with Keyer(KeyerSettings(denoise=2), threads=threads) as keyer:
            keyer.calibrate(frame)
            result = keyer.process(frame, background)
            out.append((result.alpha.copy(), result.composite.copy()))
    assert np.array_equal(out[0][0], out[1][0])
    assert np.array_equal(out[0][1], out[1][1])


def test_cleanup_settings_change_the_matte() -> None:
    frame, _subject = person_frame()
    _, plain = keyed(frame)
    _, shrunk = keyed(frame, shrink=10)
    _, soft = keyed(frame, softness=10)
    assert shrunk.sum() < plain.sum()
    assert ((soft > 0) & (soft < 1)).sum() > ((plain > 0) & (plain < 1)).sum()


def test_keying_before_calibration_says_what_to_do() -> None:
    frame, _ = person_frame()
    with pytest.raises(NotCalibratedError, match="calibrate"):
        Keyer().process(frame, frame)


@pytest.mark.parametrize(
    ("bad", "words"),
    [
        (np.zeros((240, 320, 3), np.float64), "float64"),
        (np.zeros((240, 320, 4), np.uint8), "240x320x4"),
        (np.zeros((240, 320), np.uint8), "240x320"),
        ("frame.png", "str"),
    ],
)
def test_bad_frames_are_named(bad: object, words: str) -> None:
    with pytest.raises((ValueError, TypeError), match=words):
        Keyer().calibrate(bad)  # type: ignore[arg-type]


def test_skin_edge_beside_solid_skin_keys_at_its_true_alpha() -> None:
    # skin leads green by -50: a plain colour-difference key reads a half mix as about
    # two-thirds opaque; measured against the solid skin beside it, it is a half again
    h, w = 120, 240
    screen = np.array(GREEN, np.float32)
    frame = np.ones((h, w, 1), np.float32) * screen
    frame[:, :100] = SKIN
    frame[:, 100:108] = 0.5 * np.array(SKIN, np.float32) + 0.5 * screen
    _, alpha = keyed(add_noise(frame, 1.0))
    assert abs(alpha[20:-20, 101:107].mean() - 0.5) < 0.08


def test_a_thin_gap_of_screen_between_arm_and_body_stays_clear() -> None:
    h, w = 480, 640
    frame = np.ones((h, w, 1), np.float32) * np.array(GREEN, np.float32)
    frame[100:, 200:300] = SKIN  # body
    frame[100:, 303:340] = SKIN  # arm, with a 3-pixel gap of screen
    _, alpha = keyed(add_noise(frame, 1.0))
    assert alpha[150:450, 301].max() < 0.5


def test_light_wrap_brightens_the_edge_only() -> None:
    frame, subject = person_frame()
    white = np.full_like(frame, 255)
    plain = Keyer(threads=1)
    wrapped = Keyer(KeyerSettings(light_wrap=1.0), threads=1)
    out = []
    for keyer in (plain, wrapped):
        keyer.calibrate(frame)
        out.append(keyer.process(frame, white).composite.astype(int))
    edge = subject & ~inner(subject, 3)
    assert out[1][edge].mean() > out[0][edge].mean() + 5
    deep = inner(subject, 30)
    assert np.abs(out[1][deep] - out[0][deep]).max() <= 1


def test_1080p_and_4k_frames_are_keyed_on_a_grid_as_coarse_as_a_720p_ones() -> None:
    from kaizen_studio.keying.workspace import grid_scale

    assert [grid_scale(h) for h in (240, 720, 1080, 1440, 2160, 4320)] == [8, 8, 12, 16, 24, 48]
    with pytest.raises(ValueError, match="at least 1 pixel tall, got 0"):
        grid_scale(0)
    frame, subject = person_frame(h=1080, w=1920, uneven=0.3, noise=0.0)
    big = cv2.resize(frame, (3840, 2160), interpolation=cv2.INTER_NEAREST)
    background = np.full((90, 160, 3), (20, 90, 200), np.uint8)
    grids, alphas = [], []
    for picture in (frame, big):
        with Keyer(threads=1) as keyer:
            keyer.calibrate(picture)
            alphas.append(keyer.process(picture, background).alpha.copy())
            assert keyer._frame is not None
            grids.append(keyer._frame.sample_small.shape)
    assert grids[0] == grids[1] == (90, 160, 3)  # the same part of the picture per block
    shrunk = cv2.resize(alphas[1], (1920, 1080), interpolation=cv2.INTER_AREA)
    assert np.abs(shrunk.astype(int) - alphas[0]).mean() < 0.5
    assert alphas[0][inner(subject)].min() == 255 and alphas[0][inner(~subject)].max() == 0


def test_a_thin_green_sleeve_far_from_the_body_keeps_its_colour() -> None:
    # a bottle-green jumper with a sleeve too thin to be solid, reaching far from the body:
    # its lean towards the screen colour is the jumper's own, not spill to take away
    h, w = 240, 320
    yy, xx = np.mgrid[0:h, 0:w]
    body = (np.abs(xx - w / 2) < w * 0.18) & (yy > h * 0.25)
    shoulder = round(w / 2 + w * 0.18)
    sleeve = (xx >= shoulder) & (xx < shoulder + 80) & (np.abs(yy - 120) < 7)
    clean = np.array(GREEN, np.float32) * np.ones((h, w, 1), np.float32)
    clean[body | sleeve] = JUMPER
    frame = add_noise(clean, 0.0)
    keyer = Keyer(threads=1)
    keyer.calibrate(frame)
    result = keyer.process(frame, np.zeros_like(frame))
    far = (xx > shoulder + 30) & (xx < shoulder + 70) & (np.abs(yy - 120) < 4)
    assert result.alpha[far].min() == 255
    # before, the sleeve beyond the solid body's reach came out grey: (61, 56, 51)
    assert np.abs(result.composite[far].astype(float).mean(0) - JUMPER).max() <= 2
