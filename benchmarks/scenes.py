"""The quality benchmark's scenes: each difficulty alone, then all together, and the new
background every keyer composites onto."""

from __future__ import annotations

from dataclasses import dataclass, replace

import cv2
import numpy as np
import numpy.typing as npt

from kaizen_studio.studio.synthetic import SceneSpec


@dataclass(frozen=True, slots=True)
class Scene:
    """A named scene for the benchmark table."""

    name: str
    about: str
    spec: SceneSpec
    t: float = 0.0


WEBCAM = SceneSpec(noise=4.0, chroma_420=True, jpeg_quality=75)
"""What a webcam adds: sensor noise, 4:2:0 chroma and JPEG."""
CLASSROOM = replace(
    WEBCAM,
    uneven=0.7,
    creases=0.6,
    shadow=0.4,
    spill=0.6,
    hair_strands=True,
    scarf=True,
    motion_blur=30.0,
    waving=True,
    talking=True,
)
"""Every difficulty at once."""

SCENES: tuple[Scene, ...] = (
    Scene("clean studio", "even light, smooth cloth, low noise", SceneSpec(seed=1)),
    Scene(
        "uneven + creases",
        "strip-light gradient, vignette, folded cloth",
        SceneSpec(seed=2, uneven=0.8, creases=0.8),
    ),
    Scene(
        "shadow",
        "the presenter's soft shadow on the cloth (background)",
        SceneSpec(seed=3, shadow=0.45),
    ),
    Scene(
        "spill",
        "green light bounced on the edges and a little on the body",
        SceneSpec(seed=4, spill=0.8),
    ),
    Scene("webcam", "sensor noise, 4:2:0 chroma, JPEG quality 75", replace(WEBCAM, seed=5)),
    Scene(
        "hair detail",
        "fine semi-transparent strands over the screen",
        SceneSpec(seed=6, hair_strands=True, spill=0.3),
    ),
    Scene(
        "motion blur + scarf",
        "a waving forearm blurred over 30 degrees, a chiffon scarf",
        SceneSpec(seed=7, motion_blur=30.0, waving=True, scarf=True),
        t=0.1,
    ),
    Scene(
        "green jumper",
        "a bottle-green school jumper on the green screen",
        SceneSpec(seed=8, jumper="bottle_green"),
    ),
    Scene(
        "blue screen",
        "the blue backing a green-uniform school picks; spill, shadow",
        SceneSpec(seed=9, screen="blue", jumper="bottle_green", spill=0.5, shadow=0.3),
    ),
    Scene(
        "classroom (all)",
        "every difficulty at once, maroon jumper",
        replace(CLASSROOM, seed=10),
        t=0.4,
    ),
    Scene(
        "classroom, green jumper",
        "every difficulty at once, bottle-green jumper",
        replace(CLASSROOM, seed=11, jumper="bottle_green"),
        t=0.7,
    ),
)


def new_background(size: tuple[int, int]) -> npt.NDArray[np.uint8]:
    """The background every keyer composites onto: a warm-to-cool gradient with soft
    coloured panels, so that edges show against light and dark alike (BGR uint8)."""
    w, h = size
    x = np.linspace(0.0, 1.0, w, dtype=np.float32)[None, :, None]
    y = np.linspace(0.0, 1.0, h, dtype=np.float32)[:, None, None]
    warm = np.array((60, 140, 235), np.float32)
    cool = np.array((150, 60, 70), np.float32)
    image = warm * (1 - x) + cool * x
    image = image * (0.75 + 0.35 * y)
    panels = np.zeros((h, w), np.uint8)
    for i in range(6):
        x0, y0 = int(w * (0.05 + 0.16 * i)), int(h * (0.1 + 0.12 * (i % 3)))
        cv2.rectangle(panels, (x0, y0), (x0 + w // 10, y0 + h // 4), 255, -1)
    soft = cv2.GaussianBlur(panels, (0, 0), max(1.0, h / 300)).astype(np.float32) / 255
    image = image * (1 - 0.6 * soft[..., None]) + 235 * 0.6 * soft[..., None]
    return np.clip(image + 0.5, 0, 255).astype(np.uint8)
