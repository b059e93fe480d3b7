"""Voice-following: whether the scroll can follow the reader's voice on this machine.

The issue asks for an offline recogniser installable from PyPI *with its model*. The
candidate is ``pocketsphinx`` (its wheel ships a small US-English model); it also needs
a microphone library. Following the voice is not built yet, so the option always reports
unavailable, with the reason, rather than pretending.
"""

from __future__ import annotations

import importlib.util


def voice_following_unavailable_reason() -> str:
    """Why voice-following cannot be used here (always a reason, for now)."""
    missing = [
        name for name in ("pocketsphinx", "sounddevice") if importlib.util.find_spec(name) is None
    ]
    if missing:
        return (
            "voice-following needs the offline recogniser packages "
            f"{', '.join(missing)} (pip install {' '.join(missing)}), which are not installed"
        )
    return (
        "voice-following is not built into this version of the autocue yet; "
        "use the keys, a clicker or the remote"
    )
