"""Overlays: readable text where it belongs, a ticker that moves, feeds read."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from kaizen_studio.core.errors import InputError
from kaizen_studio.studio.overlays import ClockOverlay, LiveBadge, LowerThird, Ticker, ticker_items


def blank(h: int = 360, w: int = 640) -> np.ndarray:
    return np.full((h, w, 3), 120, np.uint8)


def test_lower_third_shows_an_accented_name_in_the_lower_left() -> None:
    frame = blank()
    LowerThird("Zoë Ångström", "Year 5 reporter").draw(frame, t=1.0)
    band = frame[250:330, 10:300]
    assert (band.max(axis=2) > 220).sum() > 200  # white letters
    assert len(np.unique(band)) > 20  # anti-aliased edges, not a two-colour stencil
    assert np.all(frame[:200] == 120)  # nothing above it


def test_lower_third_slides_in() -> None:
    early, later = blank(), blank()
    third = LowerThird("Sam", shown_at=1.0)
    third.draw(early, t=0.9)
    third.draw(later, t=1.6)
    assert np.all(early == 120) and not np.all(later == 120)


def test_ticker_scrolls_right_to_left() -> None:
    ticker = Ticker(["School fair on Friday", "Year 6 won the quiz"])
    a, b = blank(), blank()
    ticker.draw(a, t=0.0)
    ticker.draw(b, t=0.5)
    strip_a, strip_b = a[320:, :].astype(int), b[320:, :].astype(int)
    shift = round(0.5 * ticker.speed * 360)
    assert not np.array_equal(strip_a, strip_b)
    assert np.abs(strip_a[:, shift + 50 : 550] - strip_b[:, 50 : 550 - shift]).mean() < 2


def test_badge_and_clock_draw_in_the_top_corners() -> None:
    frame = blank()
    LiveBadge(lambda: True).draw(frame, 0.0)
    ClockOverlay().draw(frame, 0.0)
    assert frame[15:25, 15:25, 2].mean() > 180  # red badge top left
    assert not np.all(frame[10:40, 540:630] == 120)  # the time top right


def test_the_live_badge_shows_only_while_the_show_is_on_air() -> None:
    live = False
    badge = LiveBadge(lambda: live)
    frame = blank()
    badge.draw(frame, 0.0)
    assert np.array_equal(frame, blank())  # recording only, or the stream not yet taken
    live = True
    badge.draw(frame, 1.0)
    assert frame[15:25, 15:25, 2].mean() > 180


def test_ticker_reads_text_rss_and_atom(tmp_path: Path) -> None:
    text = tmp_path / "news.txt"
    text.write_text("\ufeffFirst headline\n\nSecond headline\n", encoding="utf-8")
    rss = tmp_path / "blog.rss"
    rss.write_text(
        "<rss><channel><title>Class 4 blog</title><item><title>Our trip</title>"
        "</item><item><title>Spelling bee</title></item></channel></rss>"
    )
    atom = tmp_path / "blog.atom"
    atom.write_text(
        '<feed xmlns="http://www.w3.org/2005/Atom"><title>Y6</title>'
        "<entry><title>Robots!</title></entry></feed>"
    )
    assert ticker_items(text) == ["First headline", "Second headline"]
    assert ticker_items(rss) == ["Our trip", "Spelling bee"]
    assert ticker_items(atom) == ["Robots!"]
    broken = tmp_path / "broken.xml"
    broken.write_text("<rss><channel>")
    with pytest.raises(InputError, match="not a readable RSS or Atom feed"):
        ticker_items(broken)
    with pytest.raises(InputError, match="no headlines"):
        Ticker(["  "])


def test_blend_bgra_in_whole_numbers_matches_the_exact_blend() -> None:
    from kaizen_studio.core.draw import blend_bgra

    rng = np.random.default_rng(3)
    frame = rng.integers(0, 256, (40, 60, 3), dtype=np.uint8)
    tile = rng.integers(0, 256, (20, 30, 4), dtype=np.uint8)
    expected = frame.astype(np.float64)
    a = tile[..., 3:4] / 255.0
    expected[5:25, 7:37] = expected[5:25, 7:37] * (1 - a) + tile[..., :3] * a
    blend_bgra(frame, tile, 7, 5)
    assert np.abs(frame - np.floor(expected + 0.5)).max() == 0


def test_the_ticker_drawn_in_one_piece_looks_as_band_then_headlines() -> None:
    from kaizen_studio.core.draw import blend_bgra
    from kaizen_studio.studio.overlays import Ticker, _band

    ticker = Ticker(["Sports day is on Friday", "Bring a water bottle"])
    picture = np.random.default_rng(4).integers(0, 256, (180, 320, 3), dtype=np.uint8)
    for t in (0.0, 0.37, 11.1):
        one, two = picture.copy(), picture.copy()
        ticker.draw(one, t)
        h, w = two.shape[:2]
        strip = ticker._strip(h)
        top = h - strip.shape[0] - h // 60
        blend_bgra(two, _band(w, strip.shape[0] + h // 60, (60, 20, 10), 0.85), 0, top)
        offset = round(t * ticker.speed * h) % strip.shape[1]
        for x in range(w - offset - 3 * strip.shape[1], w, strip.shape[1]):
            blend_bgra(two, strip, x, top + h // 120)
        assert np.abs(one.astype(int) - two.astype(int)).max() <= 2


def test_a_prepared_tile_blends_exactly_as_blend_bgra_does() -> None:
    from kaizen_studio.core.draw import blend_bgra
    from kaizen_studio.studio.overlays import Prepared

    rng = np.random.default_rng(5)
    frame = rng.integers(0, 256, (40, 60, 3), dtype=np.uint8)
    tile = rng.integers(0, 256, (20, 90, 4), dtype=np.uint8)
    tile[:3, :, 3] = 0  # transparent and opaque corners
    tile[-3:, :, 3] = 255
    prepared = Prepared(tile)
    for x, y, columns in ((7, 5, None), (-9, 30, None), (50, -4, None), (3, 2, slice(20, 70))):
        one, two = frame.copy(), frame.copy()
        prepared.blend(one, x, y, columns=columns)
        blend_bgra(two, tile if columns is None else tile[:, columns], x, y)
        assert np.array_equal(one, two), (x, y, columns)
    with pytest.raises(ValueError, match="BGRA uint8 tile"):
        Prepared(tile[..., :3])


def test_the_lower_third_in_one_piece_looks_as_its_pieces_blended_in_turn() -> None:
    from kaizen_studio.core.draw import TextStyle, blend_bgra, render_text
    from kaizen_studio.studio.overlays import _band

    third = LowerThird("Zoë Ångström", "Year 5", shown_at=0.0)
    picture = np.random.default_rng(6).integers(0, 256, (360, 640, 3), dtype=np.uint8)
    one, two = picture.copy(), picture.copy()
    third.draw(one, 2.0)
    h = 360
    name = render_text("Zoë Ångström", TextStyle(size=h // 16, bold=True))
    role = render_text("Year 5", TextStyle(size=h // 26, colour=(230, 230, 230)))
    width = max(name.shape[1], role.shape[1]) + h // 20
    band = _band(width, name.shape[0] + role.shape[0] + h // 40, (30, 30, 30), 0.8)
    x, y = round(h * 0.05), round(h * 0.72)
    blend_bgra(two, band, x, y)
    blend_bgra(two, _band(h // 90, band.shape[0], third.accent, 1.0), x, y)
    blend_bgra(two, name, x + h // 40, y)
    blend_bgra(two, role, x + h // 40, y + name.shape[0])
    assert np.abs(one.astype(int) - two.astype(int)).max() <= 2
