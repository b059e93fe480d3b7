"""Made-up frames with known answers for the keyer's tests."""

from __future__ import annotations

import cv2
import numpy as np

from kaizen_studio.keying.frames import Matte
from kaizen_studio.keying.lead import CoarseFrame

GREEN = (60, 180, 50)  # B, G, R: a typical lit green cloth
BLUE = (190, 80, 30)
SKIN = (120, 150, 200)
JUMPER = (40, 70, 30)  # a dark bottle-green school jumper


def screen_frame(
    h: int = 240,
    w: int = 320,
    *,
    colour: tuple[int, int, int] = GREEN,
    noise: float = 2.0,
    uneven: float = 0.0,
    seed: int = 0,
) -> np.ndarray:
    """A frame of nothing but the screen, optionally lit brighter on the right."""
    light = 1.0 - uneven * (1.0 - np.linspace(0.0, 1.0, w))[None, :, None]
    frame = np.array(colour, np.float32) * np.ones((h, w, 1), np.float32) * light
    return add_noise(frame, noise, seed)


def add_noise(frame: np.ndarray, sigma: float, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    noisy = frame.astype(np.float32) + rng.normal(0.0, sigma, frame.shape)
    return np.clip(noisy + 0.5, 0, 255).astype(np.uint8)


def person_frame(
    h: int = 240,
    w: int = 320,
    *,
    screen: tuple[int, int, int] = GREEN,
    clothes: tuple[int, int, int] = SKIN,
    noise: float = 2.0,
    uneven: float = 0.0,
) -> tuple[np.ndarray, np.ndarray]:
    """A screen with a solid person-like block in the middle; returns (frame, subject)."""
    yy, xx = np.mgrid[0:h, 0:w]
    subject = (np.abs(xx - w / 2) < w * 0.18) & (yy > h * 0.25)
    light = 1.0 - uneven * (1.0 - np.linspace(0.0, 1.0, w))[None, :, None]
    clean = np.array(screen, np.float32) * np.ones((h, w, 1), np.float32) * light
    clean[subject] = clothes
    return add_noise(clean, noise), subject


def inner(mask: np.ndarray, margin: int = 4) -> np.ndarray:
    """``mask`` shrunk by ``margin`` pixels: away from edges, where answers are exact."""
    size = 2 * margin + 1
    kernel = np.ones((size, size), np.uint8)
    eroded = cv2.erode(mask.astype(np.uint8), kernel, borderType=cv2.BORDER_REPLICATE)
    return eroded.astype(bool)


def ramp(half: Matte, offset: Matte, span: Matte, *, out: Matte | None = None) -> Matte:
    """The plain ramp (uint8, 255 subject) from the half difference and full-size ramp maps:
    what keying.alpha_pass computes before its gates."""
    result = cv2.subtract(half, offset, dst=out)
    cv2.divide(result, span, dst=result, scale=255.0)
    return cv2.bitwise_not(result, dst=result)


def coarse_frame(
    colour: np.ndarray,
    screen: np.ndarray,
    gain: np.ndarray,
    half: np.ndarray,
    *,
    peak: np.ndarray | None = None,
    strength: np.ndarray | None = None,
) -> CoarseFrame:
    """The coarse samples the lead and veil rules read, from test arrays (the screen's
    strength 0 everywhere unless given: the rules tested without it never read it)."""
    return CoarseFrame(
        colour=colour.astype(np.float32),
        screen=screen.astype(np.float32),
        gain=gain.astype(np.float32),
        half=half,
        peak=peak,
        strength=np.zeros(half.shape, np.float32) if strength is None else strength,
    )
