"""The key's controls of the running show, without Qt: auto key, the eyedropper, the
empty-screen plate, the sliders, the garbage matte, and the matte picture.

:class:`KeyControls` is a part of :class:`studio.control.StudioControl` (its base): the
window calls these methods on the control; slow work runs on the control's worker.
"""

from __future__ import annotations

from collections.abc import Callable

from kaizen_studio.core.errors import DeviceError, InputError
from kaizen_studio.core.media import Image, VideoFrame
from kaizen_studio.keying import (
    Calibration,
    KeyCheck,
    Keyer,
    KeyerSettings,
    Mattes,
    calibrate,
    check_keyable,
    cover_fit,
    rectangle,
)
from kaizen_studio.studio.jobs import Job, JobKind
from kaizen_studio.studio.shared_keyer import SharedKeyer

EYEDROPPER_BOX = 0.02
"""the eyedropper samples a square this share of the frame's width around the click"""


def key_check_words(check: KeyCheck | None) -> str:
    """The window's words for what cannot key (empty when nothing)."""
    if check is None:
        return ""
    words = check.describe(plate_words='step out and press "Photo of the empty screen"')
    return words[:1].upper() + words[1:] + "." if words else ""


class KeyControls:
    """What the key's buttons and sliders do; the control supplies the keyer, the
    show's size, the camera's picture and its worker."""

    keyer: SharedKeyer
    size: tuple[int, int]
    plate: Image | None
    """the empty screen, when captured"""
    key_message: str
    key_check: KeyCheck | None
    """what stands in the way of a clean key on the picture last keyed (None: not yet)"""

    def camera_picture(self) -> VideoFrame | None:
        raise NotImplementedError  # the control's

    def _job(self, kind: JobKind, work: Callable[[], str]) -> Job:
        raise NotImplementedError  # the control's

    def matte_picture(self, keyer: Keyer) -> Image | None:
        """The camera's alpha as a grey picture (white: presenter), keyed by ``keyer`` (a
        keyer of the caller's, kept in step with the show's; the compositor's is busy)."""
        if self.camera_picture() is None or not self.keyer.calibrated:
            return None
        with self.keyer.lock:
            calibration, settings, mattes = (
                self.keyer.calibration,
                self.keyer.settings,
                self.keyer.mattes,
            )
        if calibration is not None and keyer.calibration is not calibration:
            keyer.calibration = calibration
        if keyer.settings is not settings:
            keyer.settings = settings
        if keyer.mattes is not mattes:
            keyer.mattes = mattes
        matte: Image = keyer.matte(self._camera_image())
        return matte

    def _camera_image(self) -> Image:
        """The newest camera picture at the show's size (as the programme keys it)."""
        frame = self.camera_picture()
        if frame is None:
            raise DeviceError("no picture from the camera yet")
        image = frame.image
        if image.shape[1::-1] != self.size:
            image = cover_fit(image, self.size)
        return image

    def _use(self, calibration: Calibration, image: Image) -> str:
        with self.keyer.lock:
            self.keyer.calibration = calibration
        self.key_message = calibration.describe()
        self.key_check = check_keyable(image, calibration, plate=self.plate)
        warning = key_check_words(self.key_check)
        return "Keyed: " + self.key_message + (f". {warning}" if warning else "")

    def auto_key(self) -> Job:
        """Find and measure the screen on the current camera picture."""
        return self._job(JobKind.AUTO_KEY, lambda: self._use_picture(self._camera_image()))

    def _use_picture(self, image: Image) -> str:
        return self._use(calibrate(image, plate=self.plate), image)

    def check_key(self) -> Job:
        """Look again for someone in the screen's own colour on the current camera picture,
        keyed as the show keys it now (the checklist's "Check again")."""

        def work() -> str:
            calibration = self.keyer.calibration
            if calibration is None:
                return "Not keyed yet: nothing to check"
            image = self._camera_image()
            self.key_check = check_keyable(image, calibration, plate=self.plate)
            return key_check_words(self.key_check) or "Nothing in the screen's colour"

        return self._job(JobKind.CHECK_KEY, work)

    def eyedropper(self, x: float, y: float) -> Job:
        """Key on the colour around the point (``x``, ``y``; 0..1 across and down)."""
        if not (0 <= x <= 1 and 0 <= y <= 1):
            raise InputError(f"the eyedropper point must be on the picture, got ({x}, {y})")

        def work() -> str:
            image = self._camera_image()
            h, w = image.shape[:2]
            side = max(3, round(EYEDROPPER_BOX * w))
            left = min(max(0, round(x * w) - side // 2), w - side)
            top = min(max(0, round(y * h) - side // 2), h - side)
            calibration = calibrate(image, sample=(left, top, side, side), plate=self.plate)
            return self._use(calibration, image)

        return self._job(JobKind.EYEDROPPER, work)

    def capture_plate(self) -> Job:
        """Take the current camera picture as the empty screen (step out of the shot first)."""

        def work() -> str:
            plate = self._camera_image().copy()
            calibration = calibrate(plate, plate=plate)
            self.plate = plate
            self._use(calibration, plate)
            return "Empty screen captured: " + self.key_message

        return self._job(JobKind.PLATE, work)

    def set_keyer_setting(self, name: str, value: float) -> None:
        with self.keyer.lock:
            self.keyer.settings = self.keyer.settings.replace(**{name: value})

    def reset_keyer(self) -> None:
        with self.keyer.lock:
            self.keyer.settings = KeyerSettings()

    def set_garbage(self, box: tuple[float, float, float, float] | None) -> None:
        """Keep the presenter within ``box`` (x0, y0, x1, y1 in 0..1): outside is always
        background. None removes it."""
        mattes = Mattes() if box is None else Mattes(garbage=(rectangle(*box),))
        with self.keyer.lock:
            self.keyer.mattes = mattes
