"""The trimaps of one frame of each clip in ../shared/footage, as hand-placed shapes (data
only; drawn by :mod:`benchmarks.trimaps.draw`)."""

from __future__ import annotations

from benchmarks.trimaps.values import SCREEN, SUBJECT, Trimap

CLIPS: dict[str, Trimap] = {
    # name: ((width, height) upright, [(value, shape), ...])
    "clip01": (
        (540, 960),
        [
            (
                SCREEN,
                (
                    "poly",
                    [
                        (60, 330),
                        (195, 330),
                        (200, 450),
                        (140, 480),
                        (100, 520),
                        (100, 800),
                        (60, 800),
                    ],
                ),
            ),
            (
                SCREEN,
                (
                    "poly",
                    [
                        (355, 330),
                        (440, 330),
                        (440, 540),
                        (432, 540),
                        (420, 500),
                        (380, 480),
                        (355, 470),
                    ],
                ),
            ),
            (SUBJECT, ("rect", 240, 400, 305, 450)),
            (SUBJECT, ("rect", 180, 540, 380, 780)),
        ],
    ),
    "clip02": (
        (720, 404),
        [
            (
                SCREEN,
                (
                    "poly",
                    [
                        (120, 10),
                        (335, 10),
                        (335, 220),
                        (300, 250),
                        (280, 280),
                        (280, 395),
                        (120, 395),
                    ],
                ),
            ),
            (
                SCREEN,
                (
                    "poly",
                    [
                        (490, 10),
                        (600, 10),
                        (600, 395),
                        (560, 395),
                        (555, 280),
                        (520, 250),
                        (490, 230),
                    ],
                ),
            ),
            (SUBJECT, ("rect", 375, 110, 440, 225)),
            (SUBJECT, ("rect", 340, 310, 500, 390)),  # clear of the black bar (rows 398-403)
        ],
    ),
    "clip04": (
        (640, 480),
        [
            (
                SCREEN,
                (
                    "poly",
                    [
                        (25, 10),
                        (630, 10),
                        (630, 270),
                        (545, 285),
                        (470, 355),
                        (360, 350),
                        (345, 270),
                        (330, 215),
                        (215, 215),
                        (140, 330),
                        (130, 380),
                        (60, 400),
                        (25, 380),
                    ],
                ),
            ),
            (SUBJECT, ("rect", 180, 360, 280, 420)),
            (SUBJECT, ("rect", 585, 330, 635, 430)),
        ],
    ),
}
