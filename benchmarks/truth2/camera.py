"""A camera's processing applied to a scene in linear light: exposure, sensor noise in
linear light, the camera's tone curve (gamma), sharpening with its unsharp-mask halos,
then 4:2:0 chroma and compression by a real encoder (JPEG through OpenCV, or H.264
through PyAV), decoded back to the BGR uint8 picture the keyer gets.

Pure functions of their inputs and a seed; shared by the second truth set and the colour
chart. Arrays: linear light float (h, w, 3) with channels R, G, B, 0..1 (may exceed 1
before clipping, like a hot spot).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import av
import cv2
import numpy as np
import numpy.typing as npt

from benchmarks import colour

Linear = npt.NDArray[np.float32]
Image = npt.NDArray[np.uint8]


@dataclass(frozen=True, slots=True)
class Camera:
    """How one camera treats light.

    exposure : gain on the linear scene before the sensor clips at 1
    shot_noise : shot-noise scale (variance = shot_noise * signal), linear light
    read_noise : read-noise sigma, linear light
    gamma : the encoding exponent (1/gamma applied) with a short linear toe; 0: the sRGB
        curve itself (a camera set to sRGB, so a chart's true colours can be compared)
    sharpen : unsharp-mask amount on the encoded picture (0: none)
    sharpen_sigma : its blur radius in pixels
    codec : "jpeg" or "h264" (both 4:2:0)
    quality : JPEG quality 0..100, or H.264 CRF
    """

    exposure: float = 1.0
    shot_noise: float = 0.0004
    read_noise: float = 0.002
    gamma: float = 2.2
    sharpen: float = 0.6
    sharpen_sigma: float = 1.2
    codec: str = "jpeg"
    quality: int = 85


def _tone(linear: npt.NDArray[np.float32], gamma: float) -> npt.NDArray[np.float32]:
    """A camera's tone curve: a power 1/gamma with a short linear toe, 0..1."""
    x = np.clip(linear, 0.0, 1.0)
    toe = 0.018
    slope = (toe ** (1 / gamma)) / toe
    return np.asarray(np.where(x < toe, x * slope, x ** (1 / gamma)), np.float32)


def _encode(picture: Image, codec: str, quality: int) -> Image:
    """Compress a BGR picture with 4:2:0 chroma and decode it back."""
    if codec == "jpeg":
        ok, data = cv2.imencode(".jpg", picture, [cv2.IMWRITE_JPEG_QUALITY, quality])
        if not ok:
            raise RuntimeError("OpenCV could not encode a JPEG")
        return np.asarray(cv2.imdecode(data, cv2.IMREAD_COLOR), np.uint8)
    if codec != "h264":
        raise ValueError(f"codec {codec!r}: expected 'jpeg' or 'h264'")
    h, w = picture.shape[:2]
    even = np.ascontiguousarray(picture[: h // 2 * 2, : w // 2 * 2])
    encoder = av.CodecContext.create("libx264", "w")
    encoder.width, encoder.height = even.shape[1], even.shape[0]
    encoder.pix_fmt = "yuv420p"
    encoder.time_base = Fraction(1, 25)
    encoder.options = {"crf": str(quality), "preset": "veryfast", "tune": "zerolatency"}
    frame = av.VideoFrame.from_ndarray(even, format="bgr24").reformat(format="yuv420p")
    frame.pts = 0
    packets = list(encoder.encode(frame)) + list(encoder.encode(None))
    decoder = av.CodecContext.create("h264", "r")
    decoded = [f for p in packets for f in decoder.decode(p)] + list(decoder.decode(None))
    out = decoded[0].to_ndarray(format="bgr24")
    if out.shape[:2] != (h, w):  # odd sizes: repeat the last row / column
        out = cv2.copyMakeBorder(
            out, 0, h - out.shape[0], 0, w - out.shape[1], cv2.BORDER_REPLICATE
        )
    return np.asarray(out, np.uint8)


def shoot(scene: Linear, camera: Camera, *, seed: int) -> Image:
    """What ``camera`` records of ``scene`` (linear RGB): a BGR uint8 picture."""
    rng = np.random.default_rng(seed)
    light = np.maximum(scene.astype(np.float32) * np.float32(camera.exposure), 0)
    sigma = np.sqrt(camera.shot_noise * light + camera.read_noise**2)
    light = light + rng.standard_normal(light.shape, dtype=np.float32) * sigma
    curve = (
        _tone(light, camera.gamma)
        if camera.gamma > 0
        else np.asarray(colour.linear_to_srgb(light), np.float32)
    )
    encoded = curve[..., ::-1]  # RGB -> BGR, 0..1
    if camera.sharpen > 0:
        blur = cv2.GaussianBlur(encoded, (0, 0), camera.sharpen_sigma)
        encoded = encoded + camera.sharpen * (encoded - blur)  # halos on every edge
    picture = np.asarray(np.clip(encoded * 255 + 0.5, 0, 255), np.uint8)
    return _encode(picture, camera.codec, camera.quality)


def mix(foreground: Linear, alpha: npt.NDArray[np.float32], screen: Linear) -> Linear:
    """Subject over screen by ``alpha`` in linear light (straight foreground)."""
    a = alpha[..., None].astype(np.float32)
    return np.asarray(foreground * a + screen * (1 - a), np.float32)


def from_picture(picture: Image) -> Linear:
    """A BGR uint8 sRGB picture as linear-light RGB float32."""
    return np.asarray(colour.bgr8_to_linear(picture), np.float32)
