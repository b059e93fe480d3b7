"""Honest about what cannot key: whether a solid part of the subject is the screen's own
colour (a green shirt on a green screen), how much of the picture it covers, and what to
do about it, as a typed answer for the command line and the window to put in words.

A colour-difference key cannot tell a subject from the screen where the subject's colour
lies within the colours the screen itself takes on (its hue, over the brightness its
light and shadows give it): such a part keys see-through. A picture of the empty screen
(a clean plate) tells them apart where the subject differs from what the plate shows
behind it (:mod:`keying.plate`); otherwise the other cloth or other clothes do.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

import cv2
import numpy as np

from kaizen_studio.keying.backing import MIN_LEAD
from kaizen_studio.keying.calibrate import Calibration
from kaizen_studio.keying.frames import BGRImage, Matte, check_frame
from kaizen_studio.keying.keyer import Keyer
from kaizen_studio.keying.plate import difference_alpha, plate_key
from kaizen_studio.keying.screen import CHANNEL_NAMES, chromaticity
from kaizen_studio.keying.shapes import Mattes

HUE_TOLERANCE = 0.08
"""How far (shares of the primary) a colour's other channels may be from the screen's
as lit there and still be the screen's hue."""
BRIGHT_RANGE = (0.75, 1.3)
"""A colour of the screen's hue within this share of the screen's brightness there is
within the screen's own spread (its light's unevenness and the keyer's shadow tracking)."""
SOLID_PIXELS = 0.004
"""A part of the subject (one connected piece) smaller than this share of the picture is
a detail (a logo, the screen between two fingers, a shadow in a corner, a fringe of fur),
not a problem to warn about."""
LIKE_SCREEN = (0.9, 1.12)
"""Inside the outline, a colour of the screen's hue this bright (shares of the screen's
about it) is the screen seen between an arm and the body, not a shirt."""
ENCLOSED = 0.6
"""A keyed-out region is inside the subject's outline when at least this share of its
border (the picture's edges included) is the subject."""
SILHOUETTE = 0.04
"""The subject's silhouette is its solid matte closed over gaps this wide (shares of the
picture's longer side, as a radius): a keyed-out region it fills (a shirt between the
arms, the head and the trousers) is inside the subject, not the screen about it."""
APART = 0.05
"""Inside the silhouette, a colour of the screen's hue whose other channels differ this
much (shares of the primary) from the screen's about it is a cloth of its own, not the
screen seen through a gap (which keeps the screen's hue, only darker in a shadow)."""
BEYOND_REACH = 0.03
"""A keyed-out region this near (share of the picture's longer side) what the automatic
garbage matte cuts away counts it as the picture's edge (a board's rim lies between)."""
HELD = 0.9
"""With a plate, the share of such a part the difference key keys solid for it to hold."""


class KeyProblem(enum.Enum):
    """What stands in the way of a clean key."""

    NONE = "none"
    SUBJECT_IN_SCREEN_COLOUR = "subject in screen colour"


class KeyRemedy(enum.Enum):
    """What the people in the picture can do, best first."""

    CLEAN_PLATE = "clean plate"
    OTHER_CLOTH = "other cloth"
    OTHER_CLOTHES = "other clothes"


@dataclass(frozen=True, slots=True)
class KeyCheck:
    """The answer of :func:`check_keyable`.

    problem : what stands in the way (``KeyProblem.NONE``: nothing found)
    share : the share of the picture (0..1) where the subject is the screen's colour
    keyed_out : the share of those pixels the key makes see-through (alpha below 0.5)
    held_by_plate : with a plate, the share of them the difference key keys solid; None
        without one
    screen : the screen's channel, 0 blue, 1 green, 2 red
    remedies : what to do, best first (empty when there is no problem)
    """

    problem: KeyProblem
    share: float
    keyed_out: float
    held_by_plate: float | None
    screen: int
    remedies: tuple[KeyRemedy, ...]

    def describe(
        self, *, plate_words: str = "take a picture of the empty screen (clean plate)"
    ) -> str:
        """One line for people (empty when there is no problem); ``plate_words`` say how
        to give the keyer a clean plate where the words are read (a button, an option)."""
        if self.problem is KeyProblem.NONE:
            return ""
        name = CHANNEL_NAMES[self.screen]
        other = "blue" if name == "green" else "green"
        words = {
            KeyRemedy.CLEAN_PLATE: plate_words,
            KeyRemedy.OTHER_CLOTH: f"use the {other} cloth",
            KeyRemedy.OTHER_CLOTHES: f"wear clothes that are not {name}",
        }
        todo = ", or ".join(words[r] for r in self.remedies)
        return (
            f"something inside the presenter's outline is the screen's own {name} "
            f"({self.share:.0%} of the picture): if it is their clothes, they will key "
            f"see-through; {todo}"
        )


def check_keyable(
    frame: BGRImage,
    calibration: Calibration,
    *,
    plate: BGRImage | None = None,
    alpha: Matte | None = None,
) -> KeyCheck:
    """Whether a solid part of the subject in ``frame`` is the screen's own colour.

    Parameters
    ----------
    frame : BGR uint8 (h, w, 3), a camera picture with the subject in it
    calibration : the screen, as measured (see :func:`keying.calibrate`)
    plate : a picture of the empty screen (same size as ``frame``), if there is one;
        the calibration's own plate is used when it has one
    alpha : the frame's matte (uint8, 255 subject), if already keyed; else keyed here

    The subject in the screen's colour is found where the screen's hue shows inside the
    subject's outline (a keyed-out region the clear screen at the picture's edges does
    not reach) or where the key is half see-through, at a brightness unlike the screen's
    behind it; with a plate, also wherever the frame differs from it in the screen's hue.
    """
    check_frame(frame)
    h, w = frame.shape[:2]
    if plate is None:
        plate = calibration.plate
    if alpha is None:
        with Keyer(threads=1) as keyer:
            keyer.calibration = calibration
            alpha = keyer.matte(frame).copy()
    if alpha.shape != (h, w):
        raise ValueError(f"the matte is {alpha.shape[1]}x{alpha.shape[0]}, the frame {w}x{h}")
    primary = calibration.primary
    key = calibration.key_colour
    if key[primary] - max(v for c, v in enumerate(key) if c != primary) < MIN_LEAD:
        # no screen colour to be confused with (a dark sheet keyed against its plate)
        return KeyCheck(
            problem=KeyProblem.NONE,
            share=0.0,
            keyed_out=0.0,
            held_by_plate=None if plate is None else 1.0,
            screen=primary,
            remedies=(),
        )
    screen, _ = calibration.full_maps((w, h))
    colour = cv2.blur(frame, (5, 5)).astype(np.float32)  # a solid part, not noise
    lit = screen.astype(np.float32)
    hue = np.abs(chromaticity(colour, primary) - chromaticity(lit, primary)).max(axis=2)
    ratio = colour[..., primary] / np.maximum(lit[..., primary], 1.0)
    low, high = BRIGHT_RANGE
    in_spread = (hue <= HUE_TOLERANCE) & (ratio >= low * 0.5) & (ratio <= high)
    # inside the outline (keyed out, but bordered mostly by the subject rather than by
    # the picture's edges) at a brightness unlike the screen's about it, or half
    # see-through at a brightness unlike any the screen takes on
    clear = (alpha < 128).astype(np.uint8)
    # (what the automatic garbage matte cuts away, black bars or the room beside a
    # board, is neither the screen nor the subject: its border counts as the picture's)
    auto, _ = Mattes(garbage=calibration.keep).masks((w, h))
    kept = np.ones((h, w), bool) if auto is None else auto >= 128
    enclosed = inside_outline(clear, beyond=~kept)
    rim = near_beyond(~kept, clear.shape)
    filled = inside_silhouette(np.where(rim, np.uint8(0), alpha))
    # the screen's brightness and hue about such a region (calibration took the region
    # itself for a shadowed part of the screen, and mapped the screen there as its colour)
    seen = (clear > 0) & ~enclosed & ~filled & kept
    about = screen_about(lit[..., primary], seen)
    like_low, like_high = LIKE_SCREEN
    near = colour[..., primary] / np.maximum(about, 1.0)
    unlike = (near < like_low) | (near > like_high)
    subject = in_spread & enclosed & unlike
    own = chromaticity(colour, primary)
    screen_own = np.dstack([screen_about(own[..., c], seen) for c in range(2)])
    apart = np.abs(own - screen_own).max(axis=2) >= APART
    # and of the screen's colour at all (its channel leading as a backing's does): a grey
    # wall or floor the clean plate keys out beside the subject is apart in hue too
    others = [c for c in range(3) if c != primary]
    leads = colour[..., primary] - np.maximum(colour[..., others[0]], colour[..., others[1]])
    subject |= filled & apart & (leads >= MIN_LEAD)  # keyed out: taken for screen
    half = (alpha > 25) & (alpha < 230)
    subject |= in_spread & half & ((ratio < low) | (ratio > high * 0.95))
    if plate is not None:  # and wherever the frame differs from the empty screen
        small = difference_alpha(frame, plate_key(plate, primary=primary, size=(w, h)))
        difference = cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)
        subject |= in_spread & (difference >= 0.5)
    subject &= kept
    subject = cv2.morphologyEx(subject.astype(np.uint8), cv2.MORPH_OPEN, np.ones((5, 5), np.uint8))
    subject = solid_parts(subject)
    share = float(subject.mean())
    if subject.sum() == 0:
        return KeyCheck(
            problem=KeyProblem.NONE,
            share=0.0,
            keyed_out=0.0,
            held_by_plate=None if plate is None else 1.0,
            screen=primary,
            remedies=(),
        )
    keyed_out = float((alpha[subject] < 128).mean())
    held = None if plate is None else float((alpha[subject] >= 128).mean())
    problem = KeyProblem.NONE
    if share >= SOLID_PIXELS and (held is None or held < HELD):
        problem = KeyProblem.SUBJECT_IN_SCREEN_COLOUR
    remedies: tuple[KeyRemedy, ...] = ()
    if problem is not KeyProblem.NONE:
        remedies = (KeyRemedy.OTHER_CLOTHES, KeyRemedy.OTHER_CLOTH)
        if plate is None:
            remedies = (KeyRemedy.CLEAN_PLATE, *remedies)
    return KeyCheck(
        problem=problem,
        share=share,
        keyed_out=keyed_out,
        held_by_plate=held,
        screen=primary,
        remedies=remedies,
    )


def inside_outline(clear: Matte, *, beyond: np.ndarray | None = None) -> np.ndarray:
    """The pixels of ``clear`` (uint8, 1 keyed out) in regions bordered mostly by the
    subject, the picture's edges counted as border too (see :data:`ENCLOSED`), bar the
    largest, the screen itself: a shirt keyed out reaches the bottom edge, but the arms
    and the neck are most of its border; the screen beside the subject reaches the top
    and sides, or a wall about it that keys as subject."""
    count, labels = cv2.connectedComponents(clear, connectivity=4)
    if count <= 1:
        return np.zeros(clear.shape, bool)
    ring = (cv2.dilate(clear, np.ones((3, 3), np.uint8)) > 0) & (clear == 0)
    beside = cv2.dilate(labels.astype(np.float32), np.ones((3, 3), np.uint8)).astype(np.int32)
    subject_border = np.bincount(beside[ring], minlength=count)
    edges = np.concatenate((labels[0], labels[-1], labels[1:-1, 0], labels[1:-1, -1]))
    edge_border = np.bincount(edges, minlength=count)
    if beyond is not None:  # cut away: its border is the picture's edge
        edge_border += np.bincount(labels[near_beyond(beyond, clear.shape)], minlength=count)
    total = np.maximum(subject_border + edge_border, 1)
    enclosed = subject_border >= ENCLOSED * total
    enclosed[0] = False
    areas = np.bincount(labels.ravel(), minlength=count)
    areas[0] = 0
    enclosed[int(areas.argmax())] = False  # the screen itself (walls may frame it)
    inside: np.ndarray = enclosed[labels]
    return inside


def near_beyond(beyond: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """The pixels within :data:`BEYOND_REACH` of what the automatic garbage matte cuts
    away (``beyond``, bool), not cut away themselves: a board's rim."""
    if not beyond.any():
        return np.zeros(beyond.shape, bool)
    reach = max(3, round(BEYOND_REACH * max(shape)))
    near = cv2.dilate(beyond.astype(np.uint8), np.ones((reach, reach), np.uint8)) > 0
    rim: np.ndarray = near & ~beyond
    return rim


def solid_parts(found: np.ndarray) -> np.ndarray:
    """The connected pieces of ``found`` (uint8, 1 found) each at least
    :data:`SOLID_PIXELS` of the picture, as a bool mask."""
    _, labels, stats, _ = cv2.connectedComponentsWithStats(found, connectivity=8)
    keep = stats[:, cv2.CC_STAT_AREA] >= SOLID_PIXELS * found.size
    keep[0] = False
    parts: np.ndarray = keep[labels]
    return parts


def inside_silhouette(alpha: Matte) -> np.ndarray:
    """The keyed-out pixels (``alpha`` below 128) the subject's solid matte, closed over
    gaps :data:`SILHOUETTE` wide, covers: a shirt keyed out between the arms, the head
    and the trousers, or the screen seen between an arm and the body."""
    solid = cv2.morphologyEx(
        (alpha >= 128).astype(np.uint8), cv2.MORPH_OPEN, np.ones((3, 3), np.uint8)
    )
    radius = max(2, round(SILHOUETTE * max(alpha.shape)))
    disc = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * radius + 1, 2 * radius + 1))
    closed = cv2.morphologyEx(
        solid, cv2.MORPH_CLOSE, disc, borderType=cv2.BORDER_CONSTANT, borderValue=0
    )
    # and what lies between the subject above and below it (a jumper keyed out between
    # the head and the trousers, however wide; the closing fills only narrow gaps)
    below = np.maximum.accumulate(solid, axis=0) > 0
    above = np.maximum.accumulate(solid[::-1], axis=0)[::-1] > 0
    inside: np.ndarray = ((closed > 0) | (below & above)) & (alpha < 128)
    return inside


def screen_about(brightness: np.ndarray, seen: np.ndarray) -> np.ndarray:
    """``brightness`` (float32, full size) where ``seen``, filled in elsewhere from the
    seen pixels about it (normalised convolution on a small copy, about a tenth of the
    picture's width across)."""
    h, w = seen.shape
    small = (max(8, w // 8), max(8, h // 8))
    weight = cv2.resize(seen.astype(np.float32), small, interpolation=cv2.INTER_AREA)
    value = cv2.resize(brightness * seen, small, interpolation=cv2.INTER_AREA)
    sigma = max(small) / 10.0
    num = cv2.GaussianBlur(value, (0, 0), sigma)
    den = cv2.GaussianBlur(weight, (0, 0), sigma)
    filled = np.where(den > 1e-3, num / np.maximum(den, 1e-6), float(brightness.mean()))
    about: np.ndarray = cv2.resize(filled.astype(np.float32), (w, h))
    return np.where(seen, brightness, about)
