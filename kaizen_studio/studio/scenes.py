"""From a show file's scene to what the programme shows: backdrop, overlays, placement."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from kaizen_studio.core.errors import InputError
from kaizen_studio.core.feeds import ticker_items
from kaizen_studio.keying import KeyerSettings
from kaizen_studio.studio.backdrop import Backdrop
from kaizen_studio.studio.guest_look import GuestLook
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
    guest: GuestLook = GuestLook.OFF
    """where the guest (a partner school's stream) goes, if the show has one"""


def never() -> bool:
    """Not on air: what a show that only records, or has no stream yet, tells its badge."""
    return False


def look_for(
    scene: Scene,
    size: tuple[int, int],
    *,
    now: float = 0.0,
    guest: GuestLook = GuestLook.OFF,
    on_air: Callable[[], bool] = never,
) -> Look:
    """The look of ``scene`` at picture ``size``; its lower third slides in after ``now``;
    the guest where the scene says, else as ``guest`` says (with the guest beside, a
    presenter the scene does not place moves to the left third); its LIVE badge shows
    only while ``on_air()`` (the school's server has the stream). Raises
    :class:`InputError` naming the scene when a caption or the ticker is beyond its
    bounds (:mod:`studio.overlays`)."""
    try:
        overlays = _overlays(scene, now, on_air)
    except InputError as error:
        raise InputError(f"scene '{scene.name}': {error}") from error
    where = GuestLook.named(scene.guest) if scene.guest else guest
    placement = scene.presenter
    if where is GuestLook.BESIDE and placement == Placement():
        placement = BESIDE_GUEST
    return Look(
        backdrop=Backdrop(scene.background, size, fit=True),
        overlays=overlays,
        placement=placement,
        keyer=scene.keyer,
        name=scene.name,
        guest=where,
    )


BESIDE_GUEST = Placement(x=0.27, scale=0.9)
"""Where the presenter stands with the guest's box beside them (the left half)."""


def _overlays(scene: Scene, now: float, on_air: Callable[[], bool]) -> list[Overlay]:
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
        overlays.append(LiveBadge(on_air))
    if scene.clock:
        overlays.append(ClockOverlay())
    return overlays
