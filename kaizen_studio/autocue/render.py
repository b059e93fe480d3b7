"""Prompter frames: the script laid out once into a tall strip, each frame a crop of it.

Laying out and drawing text is slow (Pillow); a frame is only a copy of rows of the strip
at the scroll position, the reading line and arrow, and an optional flip for the
beam-splitter glass, so a 1920x1080 frame costs a few milliseconds. The strip is drawn in
tiles when they are first shown, and only a few are kept (:class:`Strip`), so its memory
does not grow with the script's length.
"""

from __future__ import annotations

import enum
import functools
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field

import cv2
import numpy as np

from kaizen_studio.autocue.script import BlockKind, Script
from kaizen_studio.core.draw import TextStyle, blend_bgra, render_text, text_size, wrap_text
from kaizen_studio.core.media import Image


class Theme(enum.Enum):
    """High-contrast colour schemes: (text, dimmed text, background) in BGR."""

    WHITE_ON_BLACK = "white"
    YELLOW_ON_BLACK = "yellow"

    @property
    def colours(self) -> tuple[tuple[int, int, int], tuple[int, int, int], tuple[int, int, int]]:
        """(text, dimmed, background) BGR colours."""
        if self is Theme.YELLOW_ON_BLACK:
            return (0, 235, 255), (60, 140, 160), (0, 0, 0)
        return (255, 255, 255), (150, 150, 150), (0, 0, 0)


class Mirror(enum.Enum):
    """How the frame is flipped for the glass: none, left-right, upside-down, or both."""

    NONE = "none"
    HORIZONTAL = "horizontal"
    VERTICAL = "vertical"
    BOTH = "both"


_FLIP_CODES = {Mirror.HORIZONTAL: 1, Mirror.VERTICAL: 0, Mirror.BOTH: -1}
READING_LINE_COLOUR = (0, 0, 220)  # red, BGR
TILE_ROWS = 1024
"""Rows of the strip drawn at a time."""
KEPT_TILES = 8
"""Tiles kept drawn (enough for a 4K-high frame and the next tile); older ones are drawn
again if the script scrolls back to them: about 37 MB for a 1920-wide prompter."""


@dataclass(frozen=True, slots=True)
class Look:
    """Settings of a prompter display, with their ranges checked on creation."""

    text_size: int = 96
    line_width: float = 0.8  # fraction of the frame width the text may use
    margin: int = 40  # pixels at each side, at least
    theme: Theme = Theme.WHITE_ON_BLACK
    reading_line: float = 0.33  # fraction of the height from the top
    mirror: Mirror = Mirror.NONE

    RANGES: tuple[tuple[str, float, float], ...] = field(
        default=(
            ("text_size", 16, 400),
            ("line_width", 0.3, 1.0),
            ("margin", 0, 800),
            ("reading_line", 0.1, 0.9),
        ),
        repr=False,
    )

    def __post_init__(self) -> None:
        for name, low, high in self.RANGES:
            value = getattr(self, name)
            if not low <= value <= high:
                raise ValueError(f"{name} must be {low} to {high}, got {value}")


@dataclass(frozen=True, slots=True)
class LaidLine:
    """One line of the strip: its text, style, top in pixels and words read aloud."""

    text: str
    style: TextStyle
    top: int
    height: int
    x: int
    words: int


class Strip:
    """The script's text column drawn top to bottom (BGR uint8, ``shape`` rows x columns),
    in tiles of :data:`TILE_ROWS` rows drawn when first asked for; at most
    :data:`KEPT_TILES` are kept. ``strip[a:b]`` gives rows a to b (a new array);
    :meth:`copy_rows` copies them into a frame without one."""

    def __init__(
        self,
        lines: Sequence[LaidLine],
        *,
        height: int,
        width: int,
        left: int,
        background: tuple[int, int, int],
    ) -> None:
        self.shape = (max(height, 1), width, 3)
        self._lines, self._left, self._background = lines, left, background
        self._tops = np.array([line.top for line in lines], np.int64)
        self._bottoms = np.array([line.top + line.height for line in lines], np.int64)
        self._tiles: OrderedDict[int, Image] = OrderedDict()

    def _tile(self, index: int) -> Image:
        tile = self._tiles.get(index)
        if tile is not None:
            self._tiles.move_to_end(index)
            return tile
        y0 = index * TILE_ROWS
        rows = min(TILE_ROWS, self.shape[0] - y0)
        tile = np.empty((rows, self.shape[1], 3), np.uint8)
        tile[...] = self._background
        # the lines reaching into this tile: tops before its end, bottoms after its start
        first = int(np.searchsorted(self._bottoms, y0, side="right"))
        last = int(np.searchsorted(self._tops, y0 + rows, side="left"))
        for line in self._lines[first:last]:
            blend_bgra(tile, render_text(line.text, line.style), line.x - self._left, line.top - y0)
        self._tiles[index] = tile
        while len(self._tiles) > KEPT_TILES:
            self._tiles.popitem(last=False)
        return tile

    def copy_rows(self, start: int, stop: int, out: Image) -> None:
        """Copy rows ``start`` to ``stop`` (within the strip) into ``out``."""
        row = start
        while row < stop:
            index = row // TILE_ROWS
            tile = self._tile(index)
            end = min(stop, (index + 1) * TILE_ROWS)
            out[row - start : end - start] = tile[row - index * TILE_ROWS : end - index * TILE_ROWS]
            row = end

    def __getitem__(self, rows: slice) -> Image:
        start, stop, step = rows.indices(self.shape[0])
        if step != 1:
            raise ValueError("the strip is read in runs of rows")
        out = np.empty((max(stop - start, 0), *self.shape[1:]), np.uint8)
        self.copy_rows(start, stop, out)
        return out


@dataclass(frozen=True, slots=True)
class Layout:
    """The script laid out for a width and look: lines, marker lines and the strip."""

    lines: tuple[LaidLine, ...]
    markers: tuple[int, ...]  # line indices
    strip: Strip  # the whole script, only the text column, drawn as it is shown
    width: int  # of the frame
    left: int  # frame column of the strip's first column

    @property
    def words_per_line(self) -> float:
        """Average words on a line, for converting words per minute to lines per second."""
        words = sum(line.words for line in self.lines)
        return max(words / max(len(self.lines), 1), 1.0)

    def line_top(self, position: float) -> float:
        """The strip row of a (fractional) line position."""
        if not self.lines:
            return 0.0
        index = int(position)
        if index >= len(self.lines):
            last = self.lines[-1]
            return float(last.top + last.height)
        line = self.lines[index]
        return line.top + (position - index) * line.height

    def line_at(self, position: float) -> str:
        """The text of the line at a position ('' past the end)."""
        index = int(position)
        return self.lines[index].text if 0 <= index < len(self.lines) else ""


def layout_script(script: Script, *, width: int, look: Look) -> Layout:
    """Lay the script out for a frame ``width`` pixels wide and draw the strip."""
    if width < 64:
        raise ValueError(f"the prompter must be at least 64 pixels wide, got {width}")
    text_colour, dim_colour, background = look.theme.colours
    usable = max(32, min(int(width * look.line_width), width - 2 * look.margin))
    left = (width - usable) // 2
    size = look.text_size
    lines: list[LaidLine] = []
    markers: list[int] = []
    top = 0
    gap = size // 2

    def add(text: str, style: TextStyle, *, words: bool, centre: bool = False) -> None:
        nonlocal top
        for piece in wrap_text(text, style, usable):
            w, h = text_size(piece, style)
            x = left + (usable - w) // 2 if centre else left
            lines.append(LaidLine(piece, style, top, h, x, len(piece.split()) if words else 0))
            top += h

    for block in script.blocks:
        if lines:
            top += gap
        if block.kind is BlockKind.SPEAKER:
            colour = script.speaker_colour(block.speaker)
            add(
                block.speaker,
                TextStyle(size=max(16, size * 2 // 3), colour=colour, bold=True),
                words=False,
            )
            add(block.text, TextStyle(size=size, colour=colour), words=True)
        elif block.kind is BlockKind.DIRECTION:
            add(
                f"[{block.text}]",
                TextStyle(size=max(16, size // 2), colour=dim_colour),
                words=False,
            )
        elif block.kind is BlockKind.HEADING:
            markers.append(len(lines))
            add(block.text, TextStyle(size=size, colour=text_colour, bold=True), words=True)
        elif block.kind is BlockKind.MARKER:
            markers.append(len(lines))
            label = f"— {block.text} —" if block.text else "— — —"
            add(
                label,
                TextStyle(size=max(16, size // 2), colour=dim_colour),
                words=False,
                centre=True,
            )
        else:
            add(block.text, TextStyle(size=size, colour=text_colour), words=True)
    laid = tuple(lines)
    strip = Strip(laid, height=top, width=usable, left=left, background=background)
    return Layout(laid, tuple(markers), strip, width, left)


class PrompterRenderer:
    """Draws prompter frames of one size; re-lays the strip only when the look changes."""

    def __init__(self, script: Script, *, width: int, height: int, look: Look | None = None):
        if width < 64 or height < 64:
            raise ValueError(f"the prompter must be at least 64x64 pixels, got {width}x{height}")
        self.script = script
        self.width = width
        self.height = height
        self._look = look or Look()
        self._layout = layout_script(script, width=width, look=self._look)
        self._frame = np.zeros((height, width, 3), np.uint8)
        self._out = np.zeros_like(self._frame)
        self._blank: Image | None = None

    @property
    def look(self) -> Look:
        """The current look."""
        return self._look

    @property
    def layout(self) -> Layout:
        """The current layout (changes when the text size, width or theme change)."""
        return self._layout

    def set_look(self, look: Look) -> None:
        """Change the look; the strip is redrawn only if the text itself looks different."""
        relayout = (look.text_size, look.line_width, look.margin, look.theme) != (
            self._look.text_size,
            self._look.line_width,
            self._look.margin,
            self._look.theme,
        )
        self._look = look
        if relayout:
            self._layout = layout_script(self.script, width=self.width, look=look)

    def _blank_frame(self) -> Image:
        colour = self._look.theme.colours[2]
        if self._blank is None or tuple(self._blank[0, 0]) != colour:
            self._blank = np.empty((self.height, self.width, 3), np.uint8)
            self._blank[...] = colour
        return self._blank

    def reading_y(self) -> int:
        """The frame row of the reading line."""
        return int(self.height * self._look.reading_line)

    def render(self, position: float, *, countdown: int = 0) -> Image:
        """The frame (BGR uint8, height x width) with line ``position`` at the reading line.

        The returned array is reused by the next call; copy it to keep it.
        """
        frame = self._frame
        strip = self._layout.strip
        blank = self._blank_frame()
        reading = self.reading_y()
        start = round(self._layout.line_top(position)) - reading
        src0, src1 = max(start, 0), min(start + self.height, strip.shape[0])
        dst0, dst1 = src0 - start, max(src1 - start, src0 - start)
        left = self._layout.left
        right = left + strip.shape[1]
        # Copies from a ready-made blank frame: broadcasting a colour is far slower.
        frame[:, :left] = blank[:, :left]
        frame[:, right:] = blank[:, right:]
        frame[:dst0, left:right] = blank[:dst0, left:right]
        strip.copy_rows(src0, src1, frame[dst0:dst1, left:right])
        frame[dst1:, left:right] = blank[dst1:, left:right]
        self._draw_reading_line(frame, reading)
        if countdown:
            self._draw_countdown(frame, countdown)
        code = _FLIP_CODES.get(self._look.mirror)
        if code is None:
            return frame
        cv2.flip(frame, code, dst=self._out)
        return self._out

    def _draw_reading_line(self, frame: Image, y: int) -> None:
        size = max(8, self._look.text_size // 3)
        thickness = max(2, self._look.text_size // 32)
        cv2.line(frame, (size + 8, y), (self.width - 1, y), READING_LINE_COLOUR, thickness)
        arrow = np.array([[4, y - size // 2], [4 + size, y], [4, y + size // 2]], np.int32)
        cv2.fillConvexPoly(frame, arrow, READING_LINE_COLOUR, lineType=cv2.LINE_AA)

    def _draw_countdown(self, frame: Image, count: int) -> None:
        tile = _countdown_tile(count, min(self.height // 2, 400))
        th, tw = tile.shape[:2]
        blend_bgra(frame, tile, (self.width - tw) // 2, (self.height - th) // 2)


@functools.lru_cache(maxsize=16)
def _countdown_tile(count: int, size: int) -> np.ndarray:
    style = TextStyle(size=size, colour=(0, 235, 255), bold=True, outline=4)
    return render_text(str(count), style)


def confidence_renderer(script: Script, *, width: int = 480, height: int = 270) -> PrompterRenderer:
    """A small, unmirrored prompter for the studio preview (never the programme output)."""
    size = max(16, height // 9)
    look = Look(text_size=size, line_width=0.95, margin=4, reading_line=0.33)
    return PrompterRenderer(script, width=width, height=height, look=look)
