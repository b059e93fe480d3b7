"""Synthetic green-screen scenes with ground truth: pure numpy/OpenCV, seeded, no files.

A presenter (a pupil in a school jumper, with hair, a face that talks and an arm that
waves) in front of a green or blue backing, with every difficulty a real studio has as a
switch: uneven light and creases, the presenter's shadow, green spill, sensor noise,
4:2:0 chroma and JPEG, fine hairs, motion blur, a thin scarf, green clothing.

Typical use::

    from kaizen_studio.studio.synthetic import SceneSpec, render_scene
    frame = render_scene(SceneSpec(uneven=0.6, shadow=0.4), t=0.0, size=(1280, 720))
    frame.image          # what the camera delivers (BGR uint8)
    frame.alpha          # ground-truth matte
    frame.composite_on(background)

A video source renders ``render_scene(spec, t=pts, size=size)`` per frame (talking,
waving and swaying follow ``t``; sensor noise changes with it). The parts that do not
move are kept per scene and size (up to 1080p), so later frames cost less: on the 2-core
build machine about 70 ms at 640x360 and 170 ms at 1280x720 for a talking, waving
presenter with hair strands. Render in a worker, or render a loop ahead of time.

Public API
----------
SceneSpec : what the scene contains
render_scene, SceneFrame : render it at a time and size; the frame and its ground truth
SCREEN_COLOURS, JUMPER_COLOURS : the named colours (BGR)
"""

from kaizen_studio.studio.synthetic.scene import SceneFrame, render_scene
from kaizen_studio.studio.synthetic.spec import JUMPER_COLOURS, SCREEN_COLOURS, SceneSpec

__all__ = ["JUMPER_COLOURS", "SCREEN_COLOURS", "SceneFrame", "SceneSpec", "render_scene"]
