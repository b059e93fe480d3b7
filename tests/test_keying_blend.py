"""The compiled screen-spill-blend pass against its formulas, worked in floats."""

from __future__ import annotations

import numpy as np
import pytest

from kaizen_studio.keying.blend import LEAST_SCREEN_LEAN, LUMA, RUN, blend, clear_ends
from kaizen_studio.keying.upsample import Across, across, upsampled

H, W = 37, 53  # not a multiple of anything the kernel might like
SCALE = 8
KEY = (40, 200, 60)  # the screen's colour, BGR
CH, CW = -(-H // SCALE), -(-W // SCALE)


def light(gain: np.ndarray | int, floor: np.ndarray | int, added: np.ndarray | int = 0) -> Across:
    """The coarse light, lean floor and added lean (CH x CW, or one value everywhere)
    across the frame."""
    planes = np.empty((3, CH, CW * SCALE), np.uint8)
    for plane, coarse in zip(planes, (gain, floor, added), strict=True):
        across(np.broadcast_to(np.uint8(coarse), (CH, CW)).copy(), plane, scale=SCALE)
    return Across(planes, 0, CH - 1, SCALE)


def reference(
    frame: np.ndarray,
    screen: np.ndarray,
    alpha: np.ndarray,
    gain: np.ndarray,
    floor: np.ndarray,
    added: np.ndarray,
    background: np.ndarray,
    *,
    primary: int,
    spill: float,
    keep_brightness: bool,
) -> tuple[np.ndarray, np.ndarray]:
    """The module's formulas in floating point."""
    a = alpha.astype(float)[..., None]
    share = np.minimum((255 - a) * gain.astype(float)[..., None] / 128.0, 255.0)
    subject = np.clip(frame - screen * share / 255.0, 0, None)
    subject = np.minimum(subject, a)
    others = [c for c in (0, 1, 2) if c != primary]
    # the screen's channel not left the lowest where the camera's was not
    was = frame[..., primary] >= frame[..., others].min(axis=-1)
    lowest = np.where(was, subject[..., others].min(axis=-1), 0.0)
    subject[..., primary] = np.maximum(subject[..., primary], lowest)
    lean = subject[..., primary] - (subject[..., others[0]] + subject[..., others[1]]) / 2.0
    # the added lean (premultiplied) goes as light, at least that much; the rest as
    # keep_brightness says
    light = added * alpha.astype(float) / 255.0 * spill
    glow = np.maximum(np.clip(lean - floor, 0, None) * spill, light) - light
    key = np.array(KEY, float)  # the screen's light, its other channels evened (greys
    key[others] = key[others].mean()  # stay grey), scaled so that its lean is one level
    key = key / max(key[primary] - (key[others[0]] + key[others[1]]) / 2, LEAST_SCREEN_LEAN)
    subject = subject - light[..., None] * key
    if keep_brightness:  # the lean goes, given back as grey
        subject[..., primary] -= glow
        subject = subject + (glow * LUMA[primary])[..., None]
    else:  # the screen's light goes
        subject = subject - glow[..., None] * key
    subject = np.clip(subject, 0.0, 255.0)
    composite = np.minimum(subject + (255 - a) * background / 255.0, 255.0)
    return subject, composite


def random_inputs(seed: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)

    def image() -> np.ndarray:
        return rng.integers(0, 256, (H, W, 3), dtype=np.uint8)

    return {
        "frame": image(),
        "screen": image(),
        "alpha": rng.integers(0, 256, (H, W), dtype=np.uint8),
        "gain": rng.integers(90, 170, (CH, CW), dtype=np.uint8),  # coarse
        "floor": rng.integers(0, 40, (CH, CW), dtype=np.uint8),
        "added": rng.integers(0, 20, (CH, CW), dtype=np.uint8),
        "background": image(),
    }


@pytest.mark.parametrize("primary", [0, 1, 2])
@pytest.mark.parametrize("spill", [0.0, 0.5, 1.0])
@pytest.mark.parametrize("keep_brightness", [False, True])
def test_blend_follows_its_formulas(primary: int, spill: float, keep_brightness: bool) -> None:
    given = random_inputs(primary * 10 + int(spill * 2))
    foreground = np.empty((H, W, 3), np.uint8)
    composite = np.empty((H, W, 3), np.uint8)
    top = 9  # a stripe from row 9 on, as the keyer's threads cut the frame
    rows = slice(top, H)
    foreground, composite = foreground[rows], composite[rows]
    out = blend(
        given["frame"][rows],
        given["screen"][rows],
        given["alpha"][rows],
        light=light(given["gain"], given["floor"], given["added"]),
        top=top,
        background=given["background"][rows],
        primary=primary,
        spill=spill,
        key_colour=KEY,
        keep_brightness=keep_brightness,
        foreground=foreground,
        composite=composite,
    )
    assert out is composite
    for name in ("gain", "floor", "added"):  # as the pass sees them: interpolated, to the level
        given[name] = np.floor(upsampled(given[name], (W, H), scale=SCALE) + 0.5)
    subject, expected = reference(
        **given, primary=primary, spill=spill, keep_brightness=keep_brightness
    )
    subject, expected = subject[rows], expected[rows]
    # whole-number rounding of each step: a level or two at most
    assert np.abs(foreground - subject).max() <= 2
    assert np.abs(composite - expected).max() <= 3
    assert np.abs(composite - expected).mean() < 0.6


@pytest.mark.parametrize("width", [1, RUN - 1, RUN, 3 * RUN + 5])
def test_clear_ends_finds_where_a_row_stops_being_clear_screen(width: int) -> None:
    rng = np.random.default_rng(width)
    for lo, hi in {(0, width), (0, 0), (1, width - 1), (RUN, width), (width // 2, width // 2 + 1)}:
        lo, hi = min(lo, width), max(min(hi, width), min(lo, width))
        row = np.zeros(width, np.uint8)
        row[lo:hi] = rng.integers(0, 256, hi - lo, dtype=np.uint8)
        if hi > lo:  # the ends of the subject are not clear
            row[lo], row[hi - 1] = 7, 9
        found = clear_ends(row)
        assert found == ((lo, hi) if hi > lo else (found[0], found[0]))


@pytest.mark.parametrize("foreground_too", [True, False])
def test_clear_screen_at_the_ends_of_rows_is_the_background_as_it_is(
    foreground_too: bool,
) -> None:
    given = random_inputs(5)
    for y, clear in enumerate(range(0, 3 * H, 3)):  # up to whole rows of clear screen
        given["alpha"][y, : min(clear, W)] = 0
        given["alpha"][y, max(0, W - clear // 2) :] = 0
    foreground = np.full((H, W, 3), 77, np.uint8)  # what a buffer held before
    composite = np.full((H, W, 3), 77, np.uint8)
    blend(
        given["frame"],
        given["screen"],
        given["alpha"],
        light=light(given["gain"], given["floor"], given["added"]),
        top=0,
        background=given["background"],
        primary=1,
        spill=1.0,
        key_colour=KEY,
        keep_brightness=False,
        foreground=foreground if foreground_too else None,
        composite=composite,
    )
    clear = given["alpha"] == 0
    assert np.array_equal(composite[clear], given["background"][clear])
    if foreground_too:
        assert not foreground[clear].any()
    for name in ("gain", "floor", "added"):
        given[name] = np.floor(upsampled(given[name], (W, H), scale=SCALE) + 0.5)
    subject, expected = reference(**given, primary=1, spill=1.0, keep_brightness=False)
    assert np.abs(composite - expected).max() <= 3
    if foreground_too:
        assert np.abs(foreground - subject).max() <= 2


def test_clear_screen_shows_the_background_and_solid_subject_itself() -> None:
    screen = np.full((H, W, 3), (40, 200, 60), np.uint8)
    background = np.full((H, W, 3), (10, 20, 240), np.uint8)
    alpha = np.zeros((H, W), np.uint8)
    alpha[:, W // 2 :] = 255
    frame = screen.copy()
    frame[:, W // 2 :] = (90, 80, 200)  # a red jumper, no green in it
    foreground, composite = np.empty_like(frame), np.empty_like(frame)
    blend(
        frame,
        screen,
        alpha,
        light=light(128, 0),
        top=0,
        background=background,
        primary=1,
        spill=1.0,
        key_colour=KEY,
        keep_brightness=False,
        foreground=foreground,
        composite=composite,
    )
    assert (composite[:, : W // 2] == background[:, : W // 2]).all()
    assert (foreground[:, : W // 2] == 0).all()
    assert (composite[:, W // 2 :] == (90, 80, 200)).all()


def despilled(frame: np.ndarray, screen: np.ndarray, *, keep_brightness: bool) -> np.ndarray:
    """The subject of a solid ``frame`` (alpha 255 everywhere) on a green screen, the
    spill taken off in full with no floor."""
    foreground, composite = np.empty_like(frame), np.empty_like(frame)
    blend(
        frame,
        screen,
        np.full((H, W), 255, np.uint8),
        light=light(128, 0),
        top=0,
        background=np.zeros_like(frame),
        primary=1,
        spill=1.0,
        key_colour=KEY,
        keep_brightness=keep_brightness,
        foreground=foreground,
        composite=composite,
    )
    return foreground


def test_from_a_full_colour_camera_the_screens_light_comes_off_and_grey_stays_grey() -> None:
    # grey (150, 150, 150) lit a fifth by a screen of (40, 200, 60) too: the glow comes off
    # as light (the frame's brightness goes down), with its blue and red evened, so that
    # what comes back is the grey, its blue and red as far apart as the frame's (the
    # screen's own lean towards red is not taken for the grey's lean towards blue)
    screen = np.full((H, W, 3), (40, 200, 60), np.uint8)
    frame = np.full((H, W, 3), (158, 190, 162), np.uint8)
    foreground = despilled(frame, screen, keep_brightness=False).astype(int)
    assert np.abs(foreground - 150).max() <= 2
    assert (foreground[..., 2] - foreground[..., 0] == 162 - 158).all()
    assert (foreground.mean(axis=2) < frame.mean(axis=2)).all()


def test_from_a_half_colour_camera_the_lean_goes_and_the_luminance_stays() -> None:
    rng = np.random.default_rng(2)
    frame = rng.integers(0, 150, (H, W, 3)).astype(np.uint8)  # room for the grey given back
    frame[..., 1] = np.maximum(frame[..., 0], frame[..., 2]) + 40  # a green glow on all
    before = frame.astype(float) @ [0.114, 0.587, 0.299]
    foreground = despilled(frame, np.zeros_like(frame), keep_brightness=True)
    lean = (
        foreground[..., 1].astype(int) - (foreground[..., 0].astype(int) + foreground[..., 2]) // 2
    )
    assert lean.max() <= 1
    assert np.abs(foreground.astype(float) @ [0.114, 0.587, 0.299] - before).max() <= 1.5


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"primary": 3}, "primary must be 0, 1 or 2"),
        ({"spill": 1.5}, "spill must be 0 to 1"),
        (
            {"light": Across(np.zeros((2, CH, CW * SCALE), np.float32), 0, CH - 1, SCALE)},
            "need 3 uint8 planes",
        ),
        ({"background": np.zeros((H, W, 3), np.uint16)}, "background must be uint8"),
        ({"background": np.zeros((H, 2 * W, 3), np.uint8)[:, ::2]}, "C-contiguous"),
    ],
)
def test_bad_buffers_are_named(change: dict[str, object], words: str) -> None:
    given: dict[str, object] = {
        **random_inputs(0),
        "light": light(128, 0),
        "top": 0,
        "primary": 1,
        "spill": 1.0,
        "key_colour": KEY,
        "keep_brightness": False,
        "foreground": np.empty((H, W, 3), np.uint8),
        "composite": np.empty((H, W, 3), np.uint8),
    }
    given.update(change)
    del given["gain"], given["floor"], given["added"]
    frame, screen, alpha = given.pop("frame"), given.pop("screen"), given.pop("alpha")
    with pytest.raises(ValueError, match=words):
        blend(frame, screen, alpha, **given)  # type: ignore[arg-type]


def test_the_keyer_can_leave_the_foreground_out() -> None:
    from kaizen_studio.keying import Keyer
    from tests.keying_frames import person_frame

    frame, _subject = person_frame()
    background = np.full_like(frame, (30, 60, 200))
    with Keyer(threads=2) as keyer:
        keyer.calibrate(frame)
        both = keyer.process(frame, background)
        assert both.foreground is not None
        composite = both.composite.copy()
        lean = keyer.process(frame, background, foreground=False)
    assert lean.foreground is None
    assert (lean.composite == composite).all()
