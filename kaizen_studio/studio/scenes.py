"""From a show file's scene to what the programme shows: backdrop, overlays, placement."""

from __future__ import annotations

from dataclasses import dataclass, field

from kaizen_studio.core.errors import InputError
from kaizen_studio.core.feeds import ticker_items
from kaizen_studio.keying import KeyerSettings
from kaizen_studio.studio.backdrop import Backdrop
from kaizen_studio.studio.overlays import (
    ClockOverlay,
    LiveBadge,
    Logo,
    LowerThird,
    Overlay,
    Ticker,
)
from kaizen_studio.studio.show import Placement, Scene


@dataclass
class Look:
    """What the programme makes of the camera in one scene."""

    backdrop: Backdrop
    overlays: list[Overlay] = field(default_factory=list)
    placement: Placement = field(default_factory=Placement)
    keyer: KeyerSettings = field(default_factory=KeyerSettings)
    name: str = ""


def look_for(scene: Scene, size: tuple[int, int], *, now: float = 0.0) -> Look:
    """The look of ``scene`` at picture ``size``; its lower third slides in after ``now``.
    Raises :class:`InputError` naming the scene when a caption or the ticker is beyond
    its bounds (:mod:`studio.overlays`)."""
    try:
        overlays = _overlays(scene, now)
    except InputError as error:
        raise InputError(f"scene '{scene.name}': {error}") from error
    return Look(
        Backdrop(scene.background, size, fit=True),
        overlays,
        scene.presenter,
        scene.keyer,
        scene.name,
    )


def _overlays(scene: Scene, now: float) -> list[Overlay]:
    overlays: list[Overlay] = []
    if scene.lower_third is not None:
        overlays.append(LowerThird(*scene.lower_third, shown_at=now + 0.5))
    if scene.ticker is not None:
        items = (
            list(scene.ticker) if isinstance(scene.ticker, tuple) else ticker_items(scene.ticker)
        )
        overlays.append(Ticker(items))
    if scene.logo is not None:
        overlays.append(Logo(scene.logo))
    if scene.live_badge:
        overlays.append(LiveBadge())
    if scene.clock:
        overlays.append(ClockOverlay())
    return overlays
