"""The keyer's settings, declared once as data with defaults and ranges.

The GUI builds its sliders from :data:`KEYER_SETTINGS`; show files name the same keys.
Every setting is an adjustment on top of what calibration measured, so the defaults key
a typical school screen with no tuning at all.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True, kw_only=True)
class Setting:
    """One adjustable setting: its key, what people see (``label``, ``help``), its default,
    its range, and whether it is one of the few shown first (``basic``)."""

    name: str
    label: str
    help: str
    default: float
    minimum: float
    maximum: float
    step: float
    integer: bool = False
    basic: bool = False
    """shown first, in words a ten-year-old understands; the others wait behind 'More'"""

    def check(self, value: object) -> float | int:
        """Return ``value`` as this setting's type, or raise naming the setting and range."""
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise TypeError(f"keyer setting {self.name!r} must be a number, got {value!r}")
        if self.integer and float(value) != int(value):
            raise TypeError(f"keyer setting {self.name!r} must be a whole number, got {value!r}")
        if not self.minimum <= value <= self.maximum:
            raise ValueError(
                f"keyer setting {self.name!r} must be between {self.minimum:g} and "
                f"{self.maximum:g}, got {value!r}"
            )
        return int(value) if self.integer else float(value)


KEYER_SETTINGS: tuple[Setting, ...] = (
    Setting(
        name="background_cleanup",
        label="Hide green bits",
        help="Slide right if bits of the green screen still show behind you. Too far and your "
        "hair starts to vanish.",
        default=0.0,
        minimum=0.0,
        maximum=0.5,
        step=0.01,
        basic=True,
    ),
    Setting(
        name="subject_solidity",
        label="Stop see-through",
        help="Slide right if the background shows through you or your clothes. Too far and your "
        "edge looks hard.",
        default=0.0,
        minimum=0.0,
        maximum=0.5,
        step=0.01,
        basic=True,
    ),
    Setting(
        name="core_distance",
        label="Solid core distance",
        help="Pixels further than this from any clear screen are always solid (stops green or "
        "dark clothes going see-through). Measured at 1080p; 0 turns it off.",
        default=16,
        minimum=0,
        maximum=60,
        step=1,
        integer=True,
    ),
    Setting(
        name="shrink",
        label="Shrink edge",
        help="Pull the edge of the presenter in (positive) to lose a green outline, or push "
        "it out (negative). In pixels at 1080p.",
        default=0,
        minimum=-10,
        maximum=10,
        step=1,
        integer=True,
    ),
    Setting(
        name="softness",
        label="Soft edge",
        help="Slide right to make your outline softer, less like a paper cut-out.",
        default=0,
        minimum=0,
        maximum=10,
        step=1,
        integer=True,
        basic=True,
    ),
    Setting(
        name="despeckle",
        label="Remove specks",
        help="Remove see-through or solid specks smaller than this many pixels at 1080p.",
        default=0,
        minimum=0,
        maximum=10,
        step=1,
        integer=True,
    ),
    Setting(
        name="denoise",
        label="Smooth camera noise",
        help="Average the key over a small patch to stop the edge from fizzing on a noisy "
        "camera. 0 is off.",
        default=1,
        minimum=0,
        maximum=3,
        step=1,
        integer=True,
    ),
    Setting(
        name="spill",
        label="Take off green glow",
        help="Takes off the green light the screen shines onto you. Green clothes keep their own "
        "colour.",
        default=1.0,
        minimum=0.0,
        maximum=1.0,
        step=0.05,
        basic=True,
    ),
    Setting(
        name="light_wrap",
        label="Light wrap",
        help="Let a little of the new background's light wrap round the presenter's edge.",
        default=0.0,
        minimum=0.0,
        maximum=1.0,
        step=0.05,
    ),
)

SETTINGS_BY_NAME: dict[str, Setting] = {s.name: s for s in KEYER_SETTINGS}


@dataclass(frozen=True, slots=True)
class KeyerSettings:
    """The values of :data:`KEYER_SETTINGS`; checked on creation."""

    background_cleanup: float = 0.0
    subject_solidity: float = 0.0
    core_distance: int = 16
    shrink: int = 0
    softness: int = 0
    despeckle: int = 0
    denoise: int = 1
    spill: float = 1.0
    light_wrap: float = 0.0

    def __post_init__(self) -> None:
        for setting in KEYER_SETTINGS:
            object.__setattr__(self, setting.name, setting.check(getattr(self, setting.name)))

    @classmethod
    def from_mapping(cls, values: Mapping[str, object]) -> KeyerSettings:
        """Settings from a mapping such as a show file's table; unknown keys are refused."""
        unknown = sorted(set(values) - set(SETTINGS_BY_NAME))
        if unknown:
            known = ", ".join(SETTINGS_BY_NAME)
            raise ValueError(f"unknown keyer setting {unknown[0]!r}; known settings: {known}")
        return cls(**{name: values[name] for name in values})  # type: ignore[arg-type]

    def replace(self, **changes: float) -> KeyerSettings:
        """A copy with some settings changed (checked like any other)."""
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]

    def as_dict(self) -> dict[str, float | int]:
        return {s.name: getattr(self, s.name) for s in KEYER_SETTINGS}


# The declaration and the dataclass must agree: checked once at import.
assert [f.name for f in dataclasses.fields(KeyerSettings)] == [s.name for s in KEYER_SETTINGS]
assert all(getattr(KeyerSettings(), s.name) == s.default for s in KEYER_SETTINGS), (
    "KeyerSettings defaults differ from KEYER_SETTINGS"
)
