"""Hand-drawn trimaps for the stills in ../shared/footage: 255 definitely subject, 0
definitely screen, 128 unknown.

Every shape below was placed by looking at the picture (upright, its EXIF orientation
applied) on a grid of its own pixel coordinates, then checked overlaid on it. Subject and
screen areas are kept well inside; much is left unknown on purpose (hair, fur, strings,
edges, clutter, shadows, markers, tape). Shapes are drawn in order, each over the last:
``(value, shape)`` with shapes ``("poly", points)``, ``("rect", x0, y0, x1, y1)``,
``("ellipse", cx, cy, rx, ry, degrees)`` and ``("line", points, thickness)``, all in the
full picture's pixels. The PNGs are written at a reduced size (longest side at most 640;
the benchmark scales them back with nearest-neighbour).

Run: ``python -m benchmarks.trimaps.draw`` (writes benchmarks/trimaps/NAME.png).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

HERE = Path(__file__).parent
SCREEN, UNKNOWN, SUBJECT = 0, 128, 255
MAX_SIDE = 640

Shape = tuple[Any, ...]
TRIMAPS: dict[str, tuple[tuple[int, int], list[tuple[int, Shape]]]] = {
    # name: ((width, height) upright, [(value, shape), ...])
    "still01": (
        (496, 372),
        [
            (
                SCREEN,
                (
                    "poly",
                    [
                        (20, 8),
                        (145, 8),
                        (145, 110),
                        (118, 190),
                        (95, 250),
                        (85, 340),
                        (55, 360),
                        (50, 230),
                        (20, 200),
                    ],
                ),
            ),
            (
                SCREEN,
                (
                    "poly",
                    [
                        (345, 8),
                        (455, 8),
                        (455, 360),
                        (395, 360),
                        (385, 275),
                        (365, 225),
                        (348, 195),
                        (345, 110),
                    ],
                ),
            ),
            (SCREEN, ("rect", 145, 5, 345, 18)),
            (
                SUBJECT,
                ("poly", [(200, 60), (290, 60), (300, 120), (290, 190), (210, 190), (200, 120)]),
            ),
            (
                SUBJECT,
                ("poly", [(165, 255), (325, 255), (340, 300), (340, 372), (170, 372), (160, 300)]),
            ),
        ],
    ),
    "still02": (
        (496, 372),
        [
            (SCREEN, ("poly", [(5, 5), (125, 5), (125, 180), (90, 235), (60, 255), (5, 265)])),
            (
                SCREEN,
                (
                    "poly",
                    [
                        (370, 5),
                        (491, 5),
                        (491, 180),
                        (455, 220),
                        (455, 367),
                        (410, 367),
                        (400, 280),
                        (375, 230),
                        (368, 150),
                    ],
                ),
            ),
            (
                SUBJECT,
                ("poly", [(195, 95), (295, 95), (300, 180), (270, 225), (215, 225), (190, 180)]),
            ),
            (SUBJECT, ("poly", [(130, 280), (360, 280), (380, 372), (115, 372)])),
        ],
    ),
    "still03": (
        (640, 480),
        [
            (
                SCREEN,
                (
                    "poly",
                    [
                        (12, 55),
                        (630, 55),
                        (630, 470),
                        (420, 470),
                        (410, 380),
                        (395, 310),
                        (360, 295),
                        (300, 295),
                        (275, 320),
                        (260, 400),
                        (250, 470),
                        (12, 470),
                    ],
                ),
            ),
            (SUBJECT, ("poly", [(315, 345), (355, 345), (358, 390), (320, 395)])),
            (SUBJECT, ("rect", 285, 420, 385, 479)),
        ],
    ),
    "still04": (
        (640, 480),
        [
            (
                SCREEN,
                (
                    "poly",
                    [
                        (200, 5),
                        (560, 5),
                        (560, 130),
                        (518, 300),
                        (485, 420),
                        (480, 470),
                        (200, 470),
                    ],
                ),
            ),
            (UNKNOWN, ("rect", 265, 185, 385, 410)),
            (SUBJECT, ("rect", 292, 215, 358, 385)),
            (SUBJECT, ("poly", [(10, 10), (120, 10), (130, 200), (125, 470), (10, 470)])),
        ],
    ),
    "still05": (
        (640, 960),
        [
            (SCREEN, ("rect", 5, 5, 635, 955)),
            (
                UNKNOWN,
                (
                    "poly",
                    [
                        (240, 225),
                        (340, 225),
                        (345, 320),
                        (395, 360),
                        (410, 480),
                        (370, 570),
                        (370, 870),
                        (395, 890),
                        (180, 890),
                        (205, 860),
                        (205, 575),
                        (165, 480),
                        (175, 360),
                        (240, 320),
                    ],
                ),
            ),
            (UNKNOWN, ("ellipse", 285, 880, 170, 65, 0)),
            *[
                (UNKNOWN, ("ellipse", x, y, 28, 28, 0))
                for x, y in [
                    (95, 110),
                    (265, 110),
                    (440, 110),
                    (595, 110),
                    (25, 195),
                    (175, 195),
                    (350, 195),
                    (520, 190),
                    (95, 270),
                    (430, 275),
                    (590, 275),
                    (25, 335),
                    (170, 335),
                    (350, 335),
                    (515, 335),
                    (95, 405),
                    (430, 410),
                    (585, 420),
                    (30, 480),
                    (175, 485),
                    (355, 485),
                    (515, 485),
                ]
            ],
            (SUBJECT, ("rect", 225, 375, 355, 540)),
            (SUBJECT, ("rect", 240, 580, 285, 800)),
            (SUBJECT, ("rect", 315, 580, 345, 800)),
            (SUBJECT, ("rect", 278, 256, 314, 270)),
            (SUBJECT, ("rect", 283, 300, 315, 335)),
        ],
    ),
    "still06": (
        (2048, 1536),
        [
            (SCREEN, ("rect", 10, 10, 2038, 1526)),
            (UNKNOWN, ("line", [(512, 0), (560, 250), (576, 430)], 90)),
            (UNKNOWN, ("line", [(1184, 0), (1050, 500), (928, 1130)], 90)),
            (UNKNOWN, ("line", [(672, 740), (790, 1130)], 120)),
            (UNKNOWN, ("line", [(1600, 0), (1590, 500), (1578, 880)], 80)),
            (
                UNKNOWN,
                ("poly", [(300, 480), (620, 330), (900, 400), (880, 700), (560, 860), (300, 820)]),
            ),
            (UNKNOWN, ("ellipse", 886, 1296, 220, 220, 0)),
            (UNKNOWN, ("rect", 1420, 800, 1720, 1380)),
            (SUBJECT, ("poly", [(416, 640), (752, 480), (800, 592), (480, 752)])),
            (
                SUBJECT,
                (
                    "line",
                    [
                        (
                            886 + round(125 * math.cos(t / 20 * 2 * math.pi)),
                            1296 + round(125 * math.sin(t / 20 * 2 * math.pi)),
                        )
                        for t in range(21)
                    ],
                    36,
                ),
            ),
            (SUBJECT, ("rect", 1545, 1120, 1590, 1190)),
        ],
    ),
    "still07": (
        (2048, 1365),
        [
            (SCREEN, ("rect", 10, 10, 2038, 1355)),
            (UNKNOWN, ("line", [(435, 0), (445, 560)], 80)),
            (UNKNOWN, ("line", [(990, 0), (1010, 330)], 110)),
            (UNKNOWN, ("line", [(1730, 0), (1750, 300)], 110)),
            (UNKNOWN, ("ellipse", 474, 864, 300, 360, 0)),
            (UNKNOWN, ("ellipse", 750, 850, 70, 70, 0)),
            (UNKNOWN, ("ellipse", 986, 528, 360, 260, 0)),
            (UNKNOWN, ("ellipse", 1728, 560, 320, 350, 0)),
            (UNKNOWN, ("ellipse", 1500, 290, 90, 90, 0)),  # the koala's ear tag
            (UNKNOWN, ("ellipse", 1910, 850, 70, 70, 0)),  # the end of its stick
            (UNKNOWN, ("ellipse", 1240, 330, 90, 90, 0)),  # the penguin's tag
            (UNKNOWN, ("ellipse", 660, 1160, 70, 70, 0)),  # the lamb's tag
            (SUBJECT, ("ellipse", 480, 800, 144, 176, 0)),
            (SUBJECT, ("ellipse", 992, 528, 200, 90, -20)),
            (SUBJECT, ("ellipse", 1725, 560, 100, 160, 0)),
        ],
    ),
    "still08": (
        (1280, 720),
        [
            (
                SCREEN,
                (
                    "poly",
                    [
                        (10, 10),
                        (460, 10),
                        (460, 130),
                        (450, 330),
                        (400, 400),
                        (260, 480),
                        (160, 620),
                        (140, 710),
                        (10, 710),
                    ],
                ),
            ),
            (
                SCREEN,
                (
                    "poly",
                    [
                        (820, 10),
                        (1270, 10),
                        (1270, 710),
                        (1090, 710),
                        (1060, 600),
                        (980, 480),
                        (850, 420),
                        (800, 360),
                        (820, 130),
                    ],
                ),
            ),
            (SCREEN, ("rect", 460, 10, 820, 30)),
            (SUBJECT, ("rect", 570, 200, 730, 360)),
            (SUBJECT, ("poly", [(420, 520), (880, 520), (950, 715), (330, 715)])),
        ],
    ),
    "still09": (
        (640, 360),
        [
            (
                SCREEN,
                (
                    "poly",
                    [(5, 5), (270, 5), (270, 140), (235, 175), (190, 240), (180, 355), (5, 355)],
                ),
            ),
            (
                SCREEN,
                (
                    "poly",
                    [
                        (375, 5),
                        (635, 5),
                        (635, 355),
                        (500, 355),
                        (495, 250),
                        (470, 190),
                        (410, 150),
                        (375, 120),
                    ],
                ),
            ),
            (SCREEN, ("rect", 270, 5, 375, 45)),
            (SUBJECT, ("rect", 310, 80, 345, 140)),
            (SUBJECT, ("rect", 285, 200, 400, 355)),
        ],
    ),
    "still10": (
        (428, 640),
        [
            (
                SCREEN,
                (
                    "poly",
                    [(5, 5), (140, 5), (125, 170), (120, 300), (80, 350), (20, 420), (5, 430)],
                ),
            ),
            (
                SCREEN,
                (
                    "poly",
                    [
                        (330, 5),
                        (423, 5),
                        (423, 420),
                        (400, 375),
                        (365, 352),
                        (335, 330),
                        (335, 150),
                    ],
                ),
            ),
            (SCREEN, ("rect", 140, 5, 330, 115)),
            (SUBJECT, ("poly", [(180, 190), (285, 190), (290, 300), (240, 330), (185, 300)])),
            (SUBJECT, ("poly", [(195, 320), (285, 320), (270, 390), (210, 390)])),
            (
                SUBJECT,
                (
                    "poly",
                    [
                        (120, 450),
                        (330, 440),
                        (360, 500),
                        (340, 560),
                        (330, 635),
                        (20, 635),
                        (40, 560),
                    ],
                ),
            ),
        ],
    ),
    "still13": (
        (1024, 768),
        [
            (
                SCREEN,
                ("poly", [(10, 10), (320, 10), (320, 450), (215, 460), (215, 760), (10, 760)]),
            ),
            (SCREEN, ("rect", 690, 10, 1014, 760)),
            (SCREEN, ("rect", 320, 10, 690, 200)),
            (SUBJECT, ("rect", 435, 262, 525, 300)),
            (SUBJECT, ("ellipse", 485, 400, 55, 45, 0)),
            (SUBJECT, ("rect", 290, 463, 620, 476)),
            (SUBJECT, ("rect", 290, 500, 302, 760)),
        ],
    ),
    "still14": (
        (2592, 1944),
        [
            (SCREEN, ("rect", 20, 20, 2572, 1924)),
            (UNKNOWN, ("rect", 1061, 0, 1612, 1762)),
            (UNKNOWN, ("poly", [(1380, 0), (1680, 0), (1720, 1944), (1500, 1944)])),
            (UNKNOWN, ("rect", 668, 790, 1985, 1033)),
            (UNKNOWN, ("rect", 1855, 506, 2280, 1276)),
            (UNKNOWN, ("rect", 1780, 690, 1990, 800)),
            (SUBJECT, ("rect", 1190, 100, 1390, 1640)),
            (SUBJECT, ("rect", 1995, 660, 2110, 1120)),
            (SUBJECT, ("rect", 870, 880, 1094, 930)),
        ],
    ),
    # The clips: a trimap of one frame each (clip01 and clip02 frame 0, clip04 frame 40),
    # on which FFmpeg is tuned per clip and holes and leftover are counted.
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
            (SUBJECT, ("rect", 340, 310, 500, 400)),
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


def render(name: str) -> npt.NDArray[np.uint8]:
    """The trimap ``name`` at its reduced size, uint8 (h, w) of 0, 128 and 255."""
    (width, height), shapes = TRIMAPS[name]
    scale = min(1.0, MAX_SIDE / max(width, height))
    size = (round(width * scale), round(height * scale))
    canvas = np.full((size[1], size[0]), UNKNOWN, np.uint8)
    for value, shape in shapes:
        kind = shape[0]
        if kind == "poly":
            points = np.round(np.array(shape[1], np.float64) * scale).astype(np.int32)
            cv2.fillPoly(canvas, [points], value)
        elif kind == "rect":
            x0, y0, x1, y1 = (round(v * scale) for v in shape[1:])
            canvas[y0 : y1 + 1, x0 : x1 + 1] = value
        elif kind == "ellipse":
            cx, cy, rx, ry, angle = shape[1:]
            centre = (round(cx * scale), round(cy * scale))
            axes = (round(rx * scale), round(ry * scale))
            cv2.ellipse(canvas, centre, axes, angle, 0, 360, value, thickness=-1)
        elif kind == "line":
            points = np.round(np.array(shape[1], np.float64) * scale).astype(np.int32)
            thickness = max(1, round(shape[2] * scale))
            cv2.polylines(canvas, [points], False, value, thickness=thickness)
        else:
            raise ValueError(f"{name}: unknown shape {kind!r}")
    return canvas


def main() -> None:
    for name in TRIMAPS:
        path = HERE / f"{name}.png"
        cv2.imwrite(str(path), render(name))
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
