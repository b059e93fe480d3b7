"""What a synthetic scene contains: one frozen value, every element switchable.

Colours are BGR as lit at the centre of the frame, in 8-bit levels.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Literal

Colour = tuple[int, int, int]

SCREEN_COLOURS: dict[str, Colour] = {
    "green": (70, 170, 55),  # a lit chroma-green cloth
    "blue": (185, 85, 35),  # a lit chroma-blue cloth
}
JUMPER_COLOURS: dict[str, Colour] = {
    "maroon": (45, 35, 115),
    "navy": (85, 45, 35),
    "grey": (110, 110, 110),
    # a school uniform's bottle green: darker and less saturated than the green screen
    "bottle_green": (48, 74, 34),
}
SKIN: Colour = (112, 142, 192)
HAIR: Colour = (38, 58, 92)
SCARF: Colour = (120, 90, 225)
SCARF_OPACITY = 0.45
"""A thin chiffon scarf lets about half of what is behind it through."""

ScreenName = Literal["green", "blue"]
JumperName = Literal["maroon", "navy", "grey", "bottle_green"]

_RANGES: dict[str, tuple[float, float]] = {
    "uneven": (0.0, 1.0),
    "creases": (0.0, 1.0),
    "shadow": (0.0, 0.9),
    "spill": (0.0, 1.0),
    "noise": (0.0, 30.0),
    "motion_blur": (0.0, 90.0),
    "sway": (0.0, 0.25),
}


@dataclass(frozen=True, slots=True)
class SceneSpec:
    """A green-screen scene: the backing, the presenter and the camera.

    Parameters
    ----------
    seed : fixes every random detail (cloth creases, hair strands, textures, noise)
    screen : "green" or "blue" backing
    person : whether the presenter is in the frame (False: a clean plate)
    jumper : the school jumper's colour name (see ``JUMPER_COLOURS``)
    hair_strands : fine, thin, semi-transparent strands around the hair
    scarf : a thin semi-transparent scarf, its end blowing out over the screen
    uneven : 0..1, brightness gradient, vignette and a strip-light hot spot on the backing
    creases : 0..1, folds and wrinkles in the backing cloth
    shadow : 0..0.9, share of the light the presenter's shadow takes off the backing
    spill : 0..1, screen-coloured light reflected on the presenter's edges (and a little
        on the body)
    noise : sensor noise, standard deviation in 8-bit levels at mid grey
    chroma_420 : send the frame through 4:2:0 chroma subsampling as a webcam does
    jpeg_quality : 1..100 to send the frame through JPEG (MJPEG webcams); None: no JPEG
    motion_blur : degrees the waving forearm sweeps while the shutter is open
    talking : the mouth opens and closes with time ``t``
    waving : the forearm waves with time ``t``
    sway : the presenter sways sideways with time ``t`` by up to this share of the width
    """

    seed: int = 0
    screen: ScreenName = "green"
    person: bool = True
    jumper: JumperName = "maroon"
    hair_strands: bool = False
    scarf: bool = False
    uneven: float = 0.0
    creases: float = 0.0
    shadow: float = 0.0
    spill: float = 0.0
    noise: float = 1.0
    chroma_420: bool = False
    jpeg_quality: int | None = None
    motion_blur: float = 0.0
    talking: bool = False
    waving: bool = False
    sway: float = 0.0

    def __post_init__(self) -> None:
        if self.screen not in SCREEN_COLOURS:
            raise ValueError(f"screen must be one of {sorted(SCREEN_COLOURS)}, got {self.screen!r}")
        if self.jumper not in JUMPER_COLOURS:
            raise ValueError(f"jumper must be one of {sorted(JUMPER_COLOURS)}, got {self.jumper!r}")
        if not isinstance(self.seed, int) or self.seed < 0:
            raise ValueError(f"seed must be a non-negative integer, got {self.seed!r}")
        for name, (low, high) in _RANGES.items():
            value = getattr(self, name)
            if not isinstance(value, int | float) or not low <= value <= high:
                raise ValueError(f"{name} must be a number from {low} to {high}, got {value!r}")
        quality = self.jpeg_quality
        if quality is not None and (not isinstance(quality, int) or not 1 <= quality <= 100):
            raise ValueError(f"jpeg_quality must be 1 to 100 or None, got {quality!r}")
        for f in fields(self):
            if f.type == "bool" and not isinstance(getattr(self, f.name), bool):
                raise ValueError(f"{f.name} must be True or False, got {getattr(self, f.name)!r}")

    @property
    def screen_colour(self) -> Colour:
        """The backing's BGR colour as lit at the centre."""
        return SCREEN_COLOURS[self.screen]

    @property
    def jumper_colour(self) -> Colour:
        """The jumper's BGR colour as lit at the centre."""
        return JUMPER_COLOURS[self.jumper]

    @property
    def green_clothing(self) -> bool:
        """Whether the presenter wears green (on a green screen, the hard case)."""
        return self.jumper == "bottle_green"
