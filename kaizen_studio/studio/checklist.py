"""The first-run checklist: is there a camera, a green screen, a microphone? With tips on
lighting when the auto key sees uneven light or a screen too dark (no Qt here)."""

from __future__ import annotations

from dataclasses import dataclass

from kaizen_studio.keying import Calibration
from kaizen_studio.studio.sources import list_cameras
from kaizen_studio.studio.sources.mixer import SILENCE_DB

UNEVEN = 0.45
"""brightness spread across the screen ((p95 - p5) / median) that needs better lighting"""
DARK_SCREEN = 90
"""a screen whose brightest channel is below this (0..255) is too dark to key well"""


@dataclass(frozen=True, kw_only=True)
class Check:
    question: str
    ok: bool
    answer: str


def camera_check(using_demo: bool) -> Check:
    cameras = list_cameras()
    if cameras and not using_demo:
        return Check(question="Camera found?", ok=True, answer=f"Yes: {cameras[0].name}")
    if cameras:
        return Check(
            question="Camera found?",
            ok=False,
            answer=f"{cameras[0].name} is plugged in but the demo presenter is showing: choose the "
            "camera and start again",
        )
    return Check(
        question="Camera found?",
        ok=False,
        answer="No camera: the demo presenter is standing in. Plug in a webcam and start again.",
    )


def screen_tips(calibration: Calibration) -> list[str]:
    """What to change in the room, from what the auto key measured."""
    tips = []
    if calibration.unevenness >= UNEVEN:
        tips.append(
            "The light on the screen is uneven: light the cloth from both sides, smooth out "
            "creases, and stand a step or two in front of it so your shadow misses it."
        )
    if max(calibration.key_colour) < DARK_SCREEN:
        tips.append("The screen is too dark: add light on the cloth or turn on the room lights.")
    if calibration.screen_share < 0.25:
        tips.append("The screen fills little of the picture: move the camera closer to it.")
    if calibration.noise > 0.08:
        tips.append("The picture is grainy: more light helps the camera.")
    return tips


def screen_check(calibration: Calibration | None, problem: str = "", cannot_key: str = "") -> Check:
    """``cannot_key``: the words for a part of the subject in the screen's own colour
    (see :func:`studio.key_controls.key_check_words`), empty when there is none."""
    if calibration is None:
        return Check(
            question="Green screen found?",
            ok=False,
            answer=problem or "Not yet: point the camera at the green screen and press Auto key.",
        )
    tips = screen_tips(calibration) + ([cannot_key] if cannot_key else [])
    return Check(
        question="Green screen found?",
        ok=not tips,
        answer=f"Yes: {calibration.describe()}." + ("".join(f"\nTip: {t}" for t in tips)),
    )


def sound_check(level_db: float, message: str) -> Check:
    if level_db <= SILENCE_DB + 1:
        return Check(
            question="Microphone level?",
            ok=False,
            answer=f"Silent: {message}. Check the microphone.",
        )
    if level_db > -3:
        return Check(
            question="Microphone level?",
            ok=False,
            answer=f"{level_db:.0f} dB: too loud, move it back.",
        )
    return Check(question="Microphone level?", ok=True, answer=f"{level_db:.0f} dB ({message})")
