"""Opening another show file in the running studio window."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

from kaizen_studio.core.errors import InputError
from kaizen_studio.studio.app.scenes_panel import ScenesPanel
from kaizen_studio.studio.control import StudioControl
from kaizen_studio.studio.show import read_show

if TYPE_CHECKING:
    from kaizen_studio.studio.app.window import StudioWindow


def switch(window: StudioWindow, path: str) -> None:
    """Switch ``window`` to the show file at ``path``: its scenes replace the buttons and
    the show starts again on its first scene, with the same camera, microphone, stream
    address and key. A file with a mistake is refused in words (raised before anything
    changes) and the show goes on as it was."""
    if window.control.recording or window.control.live:
        raise InputError("stop recording and the stream before opening another show")
    show = read_show(path)
    old = window.control
    new = StudioControl(
        show,
        camera=old.camera_choice,
        recordings=old.on_air.recordings,
        stream_url=old.stream_url,
        microphone=None if old.sound.microphone is None else str(old.sound.microphone),
        keyer_settings=old.keyer.settings,
    )
    new.keyer.mattes, new.plate = old.keyer.mattes, old.plate
    window.control = new

    def take_over() -> None:  # the camera and microphone are free once the old show is shut
        old.close()
        new.start()

    if window.closing_show is not None:
        window.closing_show.join()
    window.closing_show = threading.Thread(target=take_over, name="switching shows")
    window.closing_show.start()
    scenes = ScenesPanel(show)
    scenes.set_transition(window.scenes.transition)
    layout = window.scenes.parentWidget().layout()  # type: ignore[union-attr]
    assert layout is not None
    layout.replaceWidget(window.scenes, scenes)
    window.scenes.deleteLater()
    window.scenes = scenes
    scenes.scene_chosen.connect(lambda i: window.guard("Scene", window.show_scene, i))
    scenes.fade.toggled.connect(lambda _: window.remember(transition=scenes.transition))
    window.setWindowTitle(f"Kaizen Studio: {show.title}")
    window.shown_index = -1  # the new show's first picture is shown whatever its number
    window.remember(show_file=str(Path(path).resolve()))
    window.say(f"Opening {show.title}...")
