"""Where the screen's picture is: the automatic garbage matte.

Two parts of a frame are never subject, or cannot be told from it, and calibration finds
them by itself:

- black bars a player or an editor added round the picture (a 4:3 picture pillar-boxed
  in a 16:9 frame, a letter-boxed film): rows or columns at the frame's edges with no
  light in them at all. No camera sees pure black; they are cut away.
- everything beyond a screen that covers only part of the picture (a small board in a
  cluttered room): where there is no screen behind, a chroma key cannot tell a subject
  from the room, and keeps it all. When the screen stops short of the picture's edges on
  at least three sides, what lies beyond its outline and the columns below it (whoever
  stands in front of a board comes up from the floor) is cut away: a subject there is
  cut away too, and calibration says so.

The result is a tuple of polygons in normalised coordinates, the subject staying within
them, as :class:`keying.shapes.Mattes` takes a garbage matte.
"""

from __future__ import annotations

import cv2
import numpy as np
import numpy.typing as npt

from kaizen_studio.keying.frames import BGRImage
from kaizen_studio.keying.shapes import Polygon, rectangle

BLACK = 8
"""A bar's pixels stay at or below this level (0..255) in every channel: digital black,
with a little room for the codec's ringing."""
BLACK_SHARE = 0.995
"""...in this share of the bar's pixels (a subtitle or a logo may lie in it)."""
MIN_BAR = 0.005
"""A bar is at least this share of the frame's width (or height) across."""
BAR_EDGE = 3
"""Pixels beyond a bar's last black row or column that still mix it in (two), and one for
the garbage matte's smoothed edge."""
EDGE_GAP = 0.02
"""A screen that stops this share of the picture's side short of an edge does not reach
it."""
SHORT_SIDES = 3
"""A screen short of this many of the picture's four edges is a board within the
picture (a cloth behind a presenter reaches the top and both sides, or the floor)."""
GROW = 0.01
"""The board's outline is grown by this share of the picture's longer side before what
lies beyond it is cut away: the board's own edge, blurred, stays (no more: what lies
beyond the board is the room, and a ring of it would stay)."""


def picture_box(frame: BGRImage) -> tuple[float, float, float, float]:
    """The part of ``frame`` (BGR uint8) inside black bars at its edges, as normalised
    (x0, y0, x1, y1); the whole frame (0, 0, 1, 1) when there are none."""
    h, w = frame.shape[:2]
    dark = frame.max(axis=2) <= BLACK
    cols = dark.mean(axis=0) >= BLACK_SHARE
    rows = dark.mean(axis=1) >= BLACK_SHARE
    if cols.all() or rows.all():  # a black frame: nothing to tell
        return 0.0, 0.0, 1.0, 1.0
    left, right = _run(cols), _run(cols[::-1])
    top, bottom = _run(rows), _run(rows[::-1])
    # a bar's edge is smeared over a pixel or two (colour at half resolution, the
    # codec's blocks): the picture starts beyond it
    left, right = (v + BAR_EDGE if v >= MIN_BAR * w else 0 for v in (left, right))
    top, bottom = (v + BAR_EDGE if v >= MIN_BAR * h else 0 for v in (top, bottom))
    return left / w, top / h, (w - right) / w, (h - bottom) / h


def _run(flags: npt.NDArray[np.bool_]) -> int:
    """How many of ``flags`` are set from the start on."""
    unset = np.flatnonzero(~flags)
    return int(unset[0]) if unset.size else flags.size


def board_outline(screen: npt.NDArray[np.bool_]) -> Polygon | None:
    """The outline (convex, down to the picture's bottom, grown by :data:`GROW`,
    normalised) of a screen that covers only part of the picture, from where it shows
    (``screen``, a small bool mask of its large regions); None when it reaches enough
    of the picture's edges to be the background itself (see :data:`SHORT_SIDES`)."""
    if not screen.any():
        return None
    h, w = screen.shape
    ys, xs = np.nonzero(screen)
    gaps = (xs.min() / w, ys.min() / h, 1 - (xs.max() + 1) / w, 1 - (ys.max() + 1) / h)
    if sum(gap > EDGE_GAP for gap in gaps) < SHORT_SIDES:
        return None
    # down to the picture's bottom: whoever stands in front of a board comes up from
    # the floor (a torso, hands below its lower edge)
    points = np.column_stack((xs, ys)).astype(np.int32)
    floor = np.column_stack((xs, np.full_like(ys, h - 1))).astype(np.int32)
    hull = cv2.convexHull(np.concatenate((points, floor)))[:, 0, :]
    centre = hull.mean(axis=0)
    points = hull.astype(np.float64) + 0.5
    away = points - centre
    length = np.maximum(np.hypot(away[:, 0], away[:, 1]), 1e-6)[:, None]
    grown = points + away / length * GROW * max(h, w)
    grown /= np.array([w, h], np.float64)
    return tuple((float(x), float(y)) for x, y in np.clip(grown, 0.0, 1.0))


def outline_share(screen: npt.NDArray[np.bool_]) -> float:
    """The share of the picture within the outline (convex, not grown) of ``screen``."""
    points = cv2.findNonZero(screen.astype(np.uint8))
    if points is None:
        return 0.0
    return float(cv2.contourArea(cv2.convexHull(points))) / screen.size


def keep_within(frame: BGRImage, screen: npt.NDArray[np.bool_] | None) -> tuple[Polygon, ...]:
    """The automatic garbage matte of ``frame``: the polygons (normalised) the subject
    stays within, empty when the whole frame may hold it. ``screen`` is the screen's
    large regions on a small grid (None: the screen was not found by colour)."""
    x0, y0, x1, y1 = picture_box(frame)
    box = rectangle(x0, y0, x1, y1)
    outline = board_outline(screen) if screen is not None else None
    if outline is None:
        return () if (x0, y0, x1, y1) == (0.0, 0.0, 1.0, 1.0) else (box,)
    inside, points = cv2.intersectConvexConvex(
        np.array(box, np.float32), np.array(outline, np.float32)
    )
    if inside <= 0 or points is None:
        return (box,)
    return (tuple((float(x), float(y)) for x, y in points[:, 0, :]),)
