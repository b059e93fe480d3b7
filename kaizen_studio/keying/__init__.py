"""The chroma keyer: pure array code, BGR uint8 frames in, no file I/O, no Qt.

Typical use::

    from kaizen_studio.keying import Keyer
    keyer = Keyer()
    keyer.calibrate(frame)                 # finds the screen; no input needed
    result = keyer.process(frame, background)
    result.alpha, result.composite, result.foreground

Public API
----------
Keyer, KeyResult
    the keyer with its settings and reusable buffers, and what it returns
warm_up
    compile the keyer's compiled passes (Numba) before a show needs them
calibrate, Calibration
    find and measure the screen in one frame (colour, lighting, noise, screen map)
KeyerSettings, KEYER_SETTINGS, Setting
    the settings as values, and their declaration (labels, defaults, ranges) for GUIs
Mattes, rectangle
    garbage and holdout shapes in normalised coordinates
cover_fit, straight_foreground
    fit a background to the frame; un-premultiply the recovered foreground
NoScreenFoundError, NotCalibratedError
    the keyer's errors (a ValueError and a RuntimeError)
check_keyable, KeyCheck, KeyProblem, KeyRemedy
    whether a solid part of the subject is the screen's own colour, and what to do
"""

from kaizen_studio.keying.calibrate import Calibration, calibrate
from kaizen_studio.keying.composite import cover_fit, straight_foreground
from kaizen_studio.keying.errors import NoScreenFoundError, NotCalibratedError
from kaizen_studio.keying.keyable import KeyCheck, KeyProblem, KeyRemedy, check_keyable
from kaizen_studio.keying.keyer import Keyer, KeyResult, warm_up
from kaizen_studio.keying.settings import KEYER_SETTINGS, KeyerSettings, Setting
from kaizen_studio.keying.shapes import Mattes, rectangle

__all__ = [
    "KEYER_SETTINGS",
    "Calibration",
    "KeyCheck",
    "KeyProblem",
    "KeyRemedy",
    "KeyResult",
    "Keyer",
    "KeyerSettings",
    "Mattes",
    "NoScreenFoundError",
    "NotCalibratedError",
    "Setting",
    "calibrate",
    "check_keyable",
    "cover_fit",
    "rectangle",
    "straight_foreground",
    "warm_up",
]
