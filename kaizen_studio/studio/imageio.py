"""Reading and writing pictures and colours, with errors that name the file and the fix.

Every picture the project reads goes through :func:`read_image`: camera stills and plates
strictly (BGR 8-bit colour only), backgrounds leniently (grey, alpha and 16-bit are
converted); logos through :func:`read_image_with_alpha`, which keeps transparency. Each
is turned the right way up (its EXIF orientation, as a phone saves it), and its size is
checked from its header before it is decoded (at most :data:`MAX_PIXELS`). Pictures are
written atomically: a failure leaves no half-written file.
"""

from __future__ import annotations

import io
import os
import warnings
from pathlib import Path

import cv2
import numpy as np
import numpy.typing as npt
from PIL import Image, UnidentifiedImageError

from kaizen_studio.core.errors import InputError, MissingFileError
from kaizen_studio.studio.files import atomic_output

BGR = npt.NDArray[np.uint8]

MAX_PIXELS = 40_000_000
"""The largest picture read, in pixels (40 megapixels, such as 7700x5200): a bigger one
would need gigabytes to key, so it is refused from its header before decoding."""

EXIF_ORIENTATION = 0x0112
"""The EXIF tag saying how a camera held sideways or upside down stored its picture."""

NAMED_COLOURS: dict[str, tuple[int, int, int]] = {  # B, G, R
    "black": (0, 0, 0),
    "white": (255, 255, 255),
    "grey": (128, 128, 128),
    "gray": (128, 128, 128),
    "red": (40, 40, 220),
    "green": (60, 180, 60),
    "blue": (200, 90, 30),
    "yellow": (40, 220, 240),
    "navy": (90, 40, 20),
}


def read_image(path: str | os.PathLike[str], *, strict: bool = True) -> BGR:
    """The picture at ``path`` as a BGR uint8 array.

    With ``strict`` (camera pictures), a grey, transparent (RGBA) or 16-bit picture is
    refused; otherwise (backgrounds, logos) it is converted. Unicode paths work on every
    platform (the file is read by Python and decoded by OpenCV).

    Raises
    ------
    MissingFileError : no such file
    InputError : empty, unreadable, not a picture, or (strict) not 8-bit colour
    """
    file = Path(path)
    return _as_bgr8(_decoded(file), file, strict=strict)


def read_image_with_alpha(path: str | os.PathLike[str]) -> npt.NDArray[np.uint8]:
    """The picture at ``path`` as BGRA uint8 (a logo or a sticker keeps its transparency;
    one without gets an opaque alpha), the right way up and size-checked as
    :func:`read_image`. Grey and 16-bit pictures are converted.

    Raises
    ------
    MissingFileError, InputError : as :func:`read_image`
    """
    file = Path(path)
    image = _decoded(file)
    if image.dtype == np.uint16:
        image = (image >> 8).astype(np.uint8)
    elif image.dtype != np.uint8:
        raise InputError(f"{file}: is a {8 * image.dtype.itemsize}-bit picture; save it as 8-bit")
    channels = 1 if image.ndim == 2 else image.shape[2]
    conversions = {1: cv2.COLOR_GRAY2BGRA, 3: cv2.COLOR_BGR2BGRA}
    if channels == 4:
        return np.ascontiguousarray(image)
    if channels not in conversions:
        raise InputError(f"{file}: has {channels} colour channels; save it as a colour picture")
    return cv2.cvtColor(image if image.ndim == 3 else image[..., None], conversions[channels])


def _decoded(file: Path) -> np.ndarray:
    """The picture in ``file`` as OpenCV decodes it, unchanged but turned the right way up
    (after its size is checked from its header)."""
    if not file.exists():
        raise MissingFileError(f"{file}: no such file; check the name and the folder")
    if not file.is_file():
        raise InputError(f"{file}: is a folder, not a picture")
    try:
        data = np.fromfile(file, dtype=np.uint8)
    except OSError as error:
        raise InputError(f"{file}: cannot be read ({error.strerror})") from error
    if data.size == 0:
        raise InputError(f"{file}: the file is empty; save the picture again")
    orientation = _check_header(data, file)
    image = cv2.imdecode(data, cv2.IMREAD_UNCHANGED)
    if image is None:
        raise InputError(
            f"{file}: is not a picture, or it is damaged; save it again as PNG or JPEG"
        )
    return upright(image, orientation)


def _check_header(data: np.ndarray, file: Path) -> int:
    """The picture's EXIF orientation (1 when none), after checking its size from the
    header (Pillow reads the header only; the pixels are decoded later by OpenCV).

    Raises
    ------
    InputError : more than :data:`MAX_PIXELS`
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data.tobytes())) as header:
                width, height = header.size
                _refuse_huge(width, height, file)
                orientation = _orientation(header)
    except Image.DecompressionBombError:
        _refuse_huge(0, 0, file)  # even bigger than Pillow's own limit
    except (UnidentifiedImageError, OSError, SyntaxError):
        return 1  # a kind Pillow does not know (or a damaged one): OpenCV says which
    return orientation if 1 <= orientation <= 8 else 1


def _orientation(header: Image.Image) -> int:
    """The EXIF orientation from the header alone (Pillow's ``getexif`` would decode a
    whole PNG looking for it after the pixels)."""
    if header.format == "PNG":
        raw = header.info.get("exif")
        if not isinstance(raw, bytes):
            return 1
        exif = Image.Exif()
        exif.load(raw)
    else:
        exif = header.getexif()
    return int(exif.get(EXIF_ORIENTATION, 1) or 1)


def _refuse_huge(width: int, height: int, file: Path) -> None:
    if width * height > MAX_PIXELS or width * height == 0:
        size = f"{width}x{height} ({width * height / 1e6:.0f} megapixels)" if width else "huge"
        raise InputError(
            f"{file}: the picture is {size}; pictures up to {MAX_PIXELS // 1_000_000} "
            "megapixels can be used: save a smaller copy (such as 3840x2160) and use that"
        )


def upright(image: np.ndarray, orientation: int) -> np.ndarray:
    """``image`` turned the right way up for its EXIF ``orientation`` (1 to 8), as
    :func:`PIL.ImageOps.exif_transpose` does; contiguous."""
    turns = {
        2: lambda a: a[:, ::-1],  # mirrored left to right
        3: lambda a: a[::-1, ::-1],  # upside down
        4: lambda a: a[::-1],  # mirrored top to bottom
        5: lambda a: a.swapaxes(0, 1),  # mirrored across the diagonal
        6: lambda a: np.rot90(a, k=-1),  # taken with the phone turned right: turn clockwise
        7: lambda a: a[::-1, ::-1].swapaxes(0, 1),  # mirrored across the other diagonal
        8: lambda a: np.rot90(a, k=1),  # taken turned left: turn anticlockwise
    }
    turn = turns.get(orientation)
    return image if turn is None else np.ascontiguousarray(turn(image))


def _as_bgr8(image: np.ndarray, file: Path, *, strict: bool) -> BGR:
    depth = image.dtype
    channels = 1 if image.ndim == 2 else image.shape[2]
    problem = None
    if depth != np.uint8:
        problem = f"is a {8 * depth.itemsize}-bit picture; save it as an 8-bit picture"
    elif channels == 1:
        problem = "is a grey picture; use the colour picture from the camera"
    elif channels == 4:
        problem = "has a transparent (alpha) channel; save it without transparency"
    elif channels != 3:
        problem = f"has {channels} colour channels; save it as an ordinary colour picture"
    if problem is None:
        return np.ascontiguousarray(image)
    if strict:
        raise InputError(f"{file}: {problem}")
    if depth == np.uint16:
        image = (image >> 8).astype(np.uint8)
    elif depth != np.uint8:
        image = np.clip(
            image.astype(np.float64) * (255.0 if image.max() <= 1.0 else 1.0), 0, 255
        ).astype(np.uint8)
    if image.ndim == 2 or image.shape[2] == 1:
        return cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    if image.shape[2] == 4:
        return cv2.cvtColor(image, cv2.COLOR_BGRA2BGR)
    if image.shape[2] == 3:  # a deep colour picture, now 8-bit
        return np.ascontiguousarray(image)
    raise InputError(f"{file}: {problem}")


def read_colour(text: str) -> tuple[int, int, int]:
    """A colour as (B, G, R) from ``#RRGGBB``, ``RRGGBB`` or a name such as ``black``."""
    value = text.strip().lower()
    if value in NAMED_COLOURS:
        return NAMED_COLOURS[value]
    digits = value.removeprefix("#")
    if len(digits) == 6 and all(c in "0123456789abcdef" for c in digits):
        r, g, b = (int(digits[i : i + 2], 16) for i in (0, 2, 4))
        return b, g, r
    names = ", ".join(sorted(NAMED_COLOURS))
    raise InputError(f"{text!r} is not a colour: use #RRGGBB (such as #1E90FF) or {names}")


def is_colour(text: str) -> bool:
    """Whether ``text`` reads as a colour rather than a file name."""
    try:
        read_colour(text)
    except InputError:
        return False
    return not Path(text).exists()


def write_png(path: str | os.PathLike[str], image: np.ndarray) -> Path:
    """Write ``image`` (uint8 or uint16; grey, BGR or BGRA) as a PNG, atomically.

    Raises
    ------
    ValueError : ``image`` is empty or not one of those kinds (a programming error)
    InputError : the name does not end in .png; MissingFileError : no such folder
    """
    out = Path(path)
    if out.suffix.lower() != ".png":
        raise InputError(f"{out}: pictures are written as PNG; end the name with .png")
    channels = 1 if image.ndim == 2 else image.shape[2] if image.ndim == 3 else 0
    if image.dtype not in (np.uint8, np.uint16) or channels not in (1, 3, 4) or not image.size:
        raise ValueError(
            f"{out}: expected a non-empty uint8 or uint16 grey, BGR or BGRA picture, "
            f"got {image.dtype} {'x'.join(map(str, image.shape))}"
        )
    ok, encoded = cv2.imencode(".png", image)
    if not ok:
        raise InputError(f"{out}: the picture could not be encoded as PNG")
    with atomic_output(out) as temporary:
        temporary.write_bytes(encoded.tobytes())
    return out


def write_matte16(path: str | os.PathLike[str], alpha: np.ndarray) -> Path:
    """Write a uint8 matte (255 subject) as a 16-bit grey PNG (255 -> 65535)."""
    if alpha.dtype != np.uint8 or alpha.ndim != 2:
        raise ValueError(f"expected a uint8 (h, w) matte, got {alpha.dtype} {alpha.shape}")
    return write_png(path, alpha.astype(np.uint16) * 257)
