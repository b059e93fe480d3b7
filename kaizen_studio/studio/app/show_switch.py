"""Opening another show file in the running studio: the new show's control, made from the
old one's camera, microphone, stream address and key, and the hand-over between them.

The window asks for these and changes its own panels (no Qt here).
"""

from __future__ import annotations

import threading

from kaizen_studio.core.errors import InputError
from kaizen_studio.studio.control import StudioControl
from kaizen_studio.studio.show import read_show


def next_control(old: StudioControl, path: str) -> StudioControl:
    """A control for the show file at ``path``, with ``old``'s camera, microphone, stream
    address, recordings folder and key; not started. A file with a mistake, or a show that
    is recording or live, is refused in words (raised before anything changes)."""
    if old.recording or old.live:
        raise InputError("stop recording and the stream before opening another show")
    show = read_show(path)
    new = StudioControl(
        show,
        camera=old.camera_choice,
        recordings=old.on_air.recordings,
        stream_url=old.stream_url,
        microphone=None if old.sound.microphone is None else str(old.sound.microphone),
        keyer_settings=old.keyer.settings,
    )
    new.keyer.mattes, new.plate = old.keyer.mattes, old.plate
    return new


def hand_over(old: StudioControl, new: StudioControl) -> threading.Thread:
    """Close ``old`` and then start ``new`` on a thread of their own (the camera and the
    microphone are free only once the old show is shut); join the thread returned."""

    def take_over() -> None:
        old.close()
        new.start()

    thread = threading.Thread(target=take_over, name="switching shows")
    thread.start()
    return thread
