"""Prompter frames read back by pixels: speaker colours, reading line, mirroring, themes."""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import pytest

from kaizen_studio.autocue.render import (
    READING_LINE_COLOUR,
    Look,
    Mirror,
    PrompterRenderer,
    Theme,
    confidence_renderer,
)
from kaizen_studio.autocue.script import parse_script

SCRIPT = parse_script(
    "# Scene 1\nSARAH: Have you seen the newsroom?\n[she looks up]\nTOM: No I have not.\n"
    "---\nThe end of the scene.\n"
)
LOOK = Look(text_size=32, margin=10)


def renderer(**changes: Any) -> PrompterRenderer:
    return PrompterRenderer(
        SCRIPT, width=320, height=240, look=dataclasses.replace(LOOK, **changes)
    )


def test_each_speaker_in_their_own_colour_and_directions_dimmed() -> None:
    r = renderer()
    sarah = SCRIPT.speaker_colour("SARAH")
    tom = SCRIPT.speaker_colour("TOM")
    assert sarah != tom
    line_sarah = next(line for line in r.layout.lines if line.text.startswith("Have you"))
    rows = r.layout.strip[line_sarah.top : line_sarah.top + line_sarah.height]
    assert np.all(rows.reshape(-1, 3) == sarah, axis=1).sum() > 50
    assert np.all(rows.reshape(-1, 3) == tom, axis=1).sum() == 0
    line_tom = next(line for line in r.layout.lines if line.text.startswith("No"))
    rows = r.layout.strip[line_tom.top : line_tom.top + line_tom.height]
    assert np.all(rows.reshape(-1, 3) == tom, axis=1).sum() > 50
    direction = next(line for line in r.layout.lines if line.text.startswith("[she"))
    assert direction.style.size < line_tom.style.size
    rows = r.layout.strip[direction.top : direction.top + direction.height]
    assert rows.max() <= 150  # dimmed: never brighter than the dim grey
    assert rows.max() > 100


def test_reading_line_and_arrow_drawn_at_the_reading_height() -> None:
    r = renderer()
    frame = r.render(0.0)
    y = r.reading_y()
    assert y == int(240 * LOOK.reading_line)
    red = np.all(frame == READING_LINE_COLOUR, axis=2)
    assert red[y, 100:].all()  # the line runs across the frame
    assert red[y, 6]  # the arrow at the left edge
    assert not red[y + 20].any()


def test_position_moves_the_text_up_by_the_line_heights() -> None:
    r = renderer()
    first = r.render(0.0).copy()
    second = r.render(1.0).copy()
    shift = r.layout.lines[1].top - r.layout.lines[0].top
    y = r.reading_y()
    # Rows below the reading line: what was at row k + shift is now at row k.
    # (The arrow, a few pixels about the line at the left, is left out.)
    below = slice(y + 12, 240 - shift)
    moved = slice(y + 12 + shift, 240)
    assert np.array_equal(second[below], first[moved])
    assert not np.array_equal(first, second)


def test_the_text_line_at_the_position_sits_on_the_reading_line() -> None:
    r = renderer()
    index = 3
    frame = r.render(float(index)).copy()
    line = r.layout.lines[index]
    y = r.reading_y()
    left = r.layout.left
    assert left >= 20  # the strip is the text column, right of the arrow
    expected = r.layout.strip[line.top + 4 : line.top + line.height]
    assert expected.max() > 0  # the line has text in these rows
    shown = frame[y + 4 : y + line.height, left : left + expected.shape[1]]
    assert np.array_equal(shown, expected)


@pytest.mark.parametrize(
    ("mirror", "flip"),
    [
        (Mirror.HORIZONTAL, np.fliplr),
        (Mirror.VERTICAL, np.flipud),
        (Mirror.BOTH, lambda a: a[::-1, ::-1]),
    ],
)
def test_mirroring_flips_the_frame(mirror: Mirror, flip: object) -> None:
    plain = renderer().render(2.0).copy()
    mirrored = renderer(mirror=mirror).render(2.0)
    assert callable(flip)
    assert np.array_equal(mirrored, flip(plain))
    assert not np.array_equal(mirrored, plain)


def test_changing_only_the_mirror_keeps_the_strip() -> None:
    r = renderer()
    strip = r.layout.strip
    r.set_look(dataclasses.replace(r.look, mirror=Mirror.HORIZONTAL))
    assert r.layout.strip is strip
    r.set_look(dataclasses.replace(r.look, text_size=40))
    assert r.layout.strip is not strip
    assert r.layout.lines[0].style.size == 40


def test_yellow_theme_draws_plain_text_yellow_on_black() -> None:
    r = renderer(theme=Theme.YELLOW_ON_BLACK)
    last = r.layout.lines[-2]
    assert last.text == "The end of the"
    rows = r.layout.strip[last.top : last.top + last.height].reshape(-1, 3)
    text_colour, _, background = Theme.YELLOW_ON_BLACK.colours
    assert np.all(rows == text_colour, axis=1).sum() > 50
    assert np.all(rows == background, axis=1).sum() > rows.shape[0] // 2
    assert not np.all(rows == (255, 255, 255), axis=1).any()


def test_countdown_digit_drawn_in_the_middle() -> None:
    r = renderer()
    plain = r.render(0.0).copy()
    counting = r.render(0.0, countdown=3)
    middle = (slice(80, 160), slice(120, 200))
    assert not np.array_equal(counting[middle], plain[middle])


def test_past_the_end_the_frame_is_background_below_the_text() -> None:
    r = renderer()
    frame = r.render(float(len(r.layout.lines)))
    assert frame[r.reading_y() + 12 :].max() == 0


def test_confidence_copy_is_small_and_unmirrored() -> None:
    r = confidence_renderer(SCRIPT, width=320, height=180)
    frame = r.render(0.0)
    assert frame.shape == (180, 320, 3)
    assert r.look.mirror is Mirror.NONE
    assert r.look.text_size == 20


def test_bad_settings_named() -> None:
    with pytest.raises(ValueError, match="text_size"):
        Look(text_size=2)
    with pytest.raises(ValueError, match="64x64"):
        PrompterRenderer(SCRIPT, width=32, height=240)


def test_the_strip_drawn_in_tiles_matches_the_whole_script_drawn_at_once() -> None:
    from kaizen_studio.autocue.render import TILE_ROWS, layout_script
    from kaizen_studio.core.draw import blend_bgra, render_text

    long = parse_script("\n\n".join(f"SAM: Line number {i} of the news." for i in range(60)))
    layout = layout_script(long, width=320, look=LOOK)
    strip = layout.strip
    assert strip.shape[0] > 2 * TILE_ROWS  # lines straddle the tiles' edges
    whole = np.zeros(strip.shape, np.uint8)
    for line in layout.lines:
        blend_bgra(whole, render_text(line.text, line.style), line.x - layout.left, line.top)
    assert np.array_equal(strip[0 : strip.shape[0]], whole)
    assert np.array_equal(
        strip[TILE_ROWS - 50 : TILE_ROWS + 50], whole[TILE_ROWS - 50 : TILE_ROWS + 50]
    )


def test_a_long_script_keeps_only_a_few_tiles_drawn() -> None:
    from kaizen_studio.autocue.render import KEPT_TILES, TILE_ROWS

    text = "\n\n".join(f"ZOE: Story {i}: the library has new books." for i in range(1000))
    r = PrompterRenderer(parse_script(text), width=640, height=360, look=LOOK)
    rows = r.layout.strip.shape[0]
    assert rows > 20 * TILE_ROWS
    for position in range(0, len(r.layout.lines), 7):  # scroll through it all
        r.render(float(position))
    kept = r.layout.strip._tiles
    assert len(kept) <= KEPT_TILES
    assert sum(tile.nbytes for tile in kept.values()) <= KEPT_TILES * TILE_ROWS * 640 * 3
