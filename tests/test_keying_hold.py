"""keying.coarse.hold_still: where the picture does not move, the keyer's coarse maps
stay as they were (no flicker from noise); where it moves, they follow at once."""

from __future__ import annotations

import numpy as np

from kaizen_studio.keying import Keyer, KeyerSettings
from kaizen_studio.keying.coarse import HELD_MAPS
from tests.keying_frames import SKIN, add_noise, person_frame


def maps(keyer: Keyer) -> dict[str, np.ndarray]:
    st = keyer._frame  # the workspace the keyer reuses
    assert st is not None
    return {name: getattr(st, name).copy() for name in HELD_MAPS}


def test_the_maps_hold_through_noise_and_follow_a_move() -> None:
    frame, _subject = person_frame()
    with Keyer(threads=1) as keyer:
        keyer.calibrate(frame)
        keyer.process(frame, frame)
        first = maps(keyer)
        noisy = add_noise(frame, 1.5, seed=3)  # the same picture, the camera's noise again
        keyer.process(noisy, noisy)
        for name, kept in maps(keyer).items():
            assert (kept == first[name]).all(), name
        moved = frame.copy()
        moved[:, :60] = SKIN  # a hand comes in on the left: the maps there change
        keyer.process(moved, moved)
        after = maps(keyer)
        assert (after["offset_small"][:, :3] != first["offset_small"][:, :3]).any()
        # and where it moved, the matte is the one the moved picture keys to without any
        # history (elsewhere the matte holds too, keyer.tracking.hold_alpha: it differs
        # from a fresh one by the noise of the frame it was held from)
        with Keyer(threads=1) as fresh:
            fresh.calibrate(frame)
            alone = fresh.matte(moved).copy()
        change = np.abs(keyer.matte(moved).astype(int) - alone)
        assert change[:, :60].max() <= 1
        assert change.mean() < 1


def test_new_settings_work_every_map_out_afresh() -> None:
    frame, _subject = person_frame()
    with Keyer(threads=1) as keyer:
        keyer.calibrate(frame)
        keyer.process(frame, frame)
        before = maps(keyer)
        keyer.settings = KeyerSettings(background_cleanup=0.3)
        keyer.process(frame, frame)
        assert any((maps(keyer)[n] != before[n]).any() for n in HELD_MAPS)
