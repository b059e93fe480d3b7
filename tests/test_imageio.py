"""studio.imageio: every kind of picture read strictly and leniently, colours, PNG writing."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from kaizen_studio.core.errors import InputError, MissingFileError
from kaizen_studio.studio.imageio import (
    is_colour,
    read_colour,
    read_image,
    write_matte16,
    write_png,
)
from tests.media_files import huge_png, read_back


def saved(tmp_path: Path, name: str, image: np.ndarray) -> Path:
    path = tmp_path / name
    assert cv2.imwrite(str(path), image)
    return path


def test_reads_an_ordinary_colour_picture_exactly(tmp_path: Path) -> None:
    image = np.random.default_rng(3).integers(0, 256, (20, 30, 3), np.uint8)
    picture = read_image(saved(tmp_path, "ok.png", image))
    assert picture.dtype == np.uint8 and picture.flags.c_contiguous
    assert np.array_equal(picture, image)


def test_reads_a_file_whose_name_is_not_ascii(tmp_path: Path) -> None:
    image = np.full((8, 8, 3), (10, 20, 30), np.uint8)
    path = tmp_path / "Zoë's plage été.png"
    path.write_bytes(cv2.imencode(".png", image)[1].tobytes())
    assert np.array_equal(read_image(path), image)


@pytest.mark.parametrize(
    ("name", "image", "words"),
    [
        ("grey.png", np.full((6, 8), 100, np.uint8), "grey picture"),
        ("rgba.png", np.full((6, 8, 4), 100, np.uint8), "transparent"),
        ("deep.png", np.full((6, 8, 3), 40000, np.uint16), "16-bit"),
        ("deepgrey.png", np.full((6, 8), 40000, np.uint16), "16-bit"),
    ],
)
def test_strict_refuses_and_lenient_converts_other_formats(
    tmp_path: Path, name: str, image: np.ndarray, words: str
) -> None:
    path = saved(tmp_path, name, image)
    with pytest.raises(InputError) as refused:
        read_image(path)
    message = str(refused.value)
    assert words in message and str(path) in message and "\n" not in message
    converted = read_image(path, strict=False)
    assert converted.dtype == np.uint8 and converted.shape == (6, 8, 3)
    expected = 100 if image.dtype == np.uint8 else 40000 >> 8
    assert np.all(converted == expected)


def test_lenient_drops_the_alpha_channel_keeping_the_colour(tmp_path: Path) -> None:
    logo = np.zeros((4, 4, 4), np.uint8)
    logo[...] = (10, 20, 30, 0)
    assert read_image(saved(tmp_path, "logo.png", logo), strict=False)[0, 0].tolist() == [
        10,
        20,
        30,
    ]


@pytest.mark.parametrize(
    ("kind", "error", "words"),
    [
        ("missing", MissingFileError, "no such file"),
        ("empty", InputError, "empty"),
        ("corrupt", InputError, "not a picture"),
        ("text", InputError, "not a picture"),
        ("folder", InputError, "is a folder"),
    ],
)
def test_unreadable_files_name_the_file_and_the_problem(
    tmp_path: Path, kind: str, error: type[Exception], words: str
) -> None:
    path = tmp_path / f"{kind}.png"
    if kind == "empty":
        path.write_bytes(b"")
    elif kind == "corrupt":  # a PNG cut short after its header
        whole = cv2.imencode(".png", np.zeros((50, 50, 3), np.uint8))[1].tobytes()
        path.write_bytes(whole[:40])
    elif kind == "text":
        path.write_text("not a picture at all\n")
    elif kind == "folder":
        path.mkdir()
    for strict in (True, False):
        with pytest.raises(error) as refused:
            read_image(path, strict=strict)
        assert words in str(refused.value) and str(path) in str(refused.value)


@pytest.mark.parametrize(
    ("text", "bgr"),
    [
        ("#1E90FF", (255, 144, 30)),
        ("1e90ff", (255, 144, 30)),
        (" #00FF00 ", (0, 255, 0)),
        ("Black", (0, 0, 0)),
        ("green", (60, 180, 60)),
    ],
)
def test_reads_colours(text: str, bgr: tuple[int, int, int]) -> None:
    assert read_colour(text) == bgr


@pytest.mark.parametrize("text", ["#12345", "#GG0000", "purpleish", "", "#1234567"])
def test_refuses_what_is_not_a_colour_saying_what_is(text: str) -> None:
    with pytest.raises(InputError, match="#RRGGBB"):
        read_colour(text)
    assert not is_colour(text)


def test_a_file_named_like_a_colour_is_a_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert is_colour("black")
    Path("black").touch()
    assert not is_colour("black")


def test_write_png_round_trips_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    image = np.random.default_rng(5).integers(0, 256, (9, 7, 4), np.uint8)
    out = write_png(tmp_path / "out.png", image)
    assert np.array_equal(read_back(out, cv2.IMREAD_UNCHANGED), image)
    assert [p.name for p in tmp_path.iterdir()] == ["out.png"]


def test_write_png_refuses_other_names_and_missing_folders(tmp_path: Path) -> None:
    image = np.zeros((4, 4, 3), np.uint8)
    with pytest.raises(InputError, match=r"\.png"):
        write_png(tmp_path / "out.jpg", image)
    with pytest.raises(MissingFileError, match="does not exist"):
        write_png(tmp_path / "nowhere" / "out.png", image)
    assert list(tmp_path.iterdir()) == []


def test_a_failed_write_keeps_the_old_file(tmp_path: Path) -> None:
    out = tmp_path / "out.png"
    write_png(out, np.full((4, 4, 3), 7, np.uint8))
    before = out.read_bytes()
    with pytest.raises(ValueError, match="0x4x3"):
        write_png(out, np.zeros((0, 4, 3), np.uint8))  # nothing to encode
    with pytest.raises(ValueError, match="float32"):
        write_png(out, np.zeros((4, 4, 3), np.float32))
    assert out.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["out.png"]


def test_matte_is_written_as_16_bit_grey_scaled_to_the_full_range(tmp_path: Path) -> None:
    alpha = np.array([[0, 1, 128, 255]], np.uint8)
    out = write_matte16(tmp_path / "alpha.png", alpha)
    back = read_back(out, cv2.IMREAD_UNCHANGED)
    assert back.dtype == np.uint16 and back.ndim == 2
    assert back.tolist() == [[0, 257, 128 * 257, 65535]]
    with pytest.raises(ValueError, match="uint8"):
        write_matte16(tmp_path / "bad.png", alpha.astype(np.float32))


@pytest.mark.parametrize("suffix", ["jpg", "png"])
@pytest.mark.parametrize("orientation", range(1, 9))
def test_a_phone_picture_is_turned_the_right_way_up(
    tmp_path: Path, orientation: int, suffix: str
) -> None:
    from PIL import Image, ImageOps

    rgb = np.zeros((40, 60, 3), np.uint8)  # wider than high, a red corner at the top left
    rgb[:10, :15] = (255, 0, 0)
    rgb[30:, 50:] = (0, 0, 255)
    picture = Image.fromarray(rgb)
    exif = picture.getexif()
    exif[0x0112] = orientation
    path = tmp_path / f"phone{orientation}.{suffix}"
    picture.save(path, exif=exif)
    with Image.open(path) as saved_picture:
        expected = np.asarray(ImageOps.exif_transpose(saved_picture).convert("RGB"))[..., ::-1]
    got = read_image(path)
    assert got.shape == expected.shape
    assert np.abs(got.astype(int) - expected).max() <= 12  # two JPEG decoders, one picture
    assert (got.shape[0] > got.shape[1]) == (orientation >= 5)


@pytest.mark.parametrize("size", [(12000, 6750), (60000, 60000)])
def test_a_huge_picture_is_refused_from_its_header(tmp_path: Path, size: tuple[int, int]) -> None:
    path = huge_png(tmp_path / "poster.png", *size)
    for strict in (True, False):
        with pytest.raises(InputError, match="megapixels") as caught:
            read_image(path, strict=strict)
        assert str(caught.value).startswith(f"{path}: the picture is ")


def test_a_logo_keeps_its_transparency_and_is_turned_the_right_way_up(tmp_path: Path) -> None:
    from PIL import Image

    from kaizen_studio.studio.imageio import read_image_with_alpha

    rgba = np.zeros((20, 40, 4), np.uint8)
    rgba[:, :20] = (255, 0, 0, 255)  # opaque red on the left, see-through on the right
    logo = Image.fromarray(rgba)
    exif = logo.getexif()
    exif[0x0112] = 3  # stored upside down
    path = tmp_path / "logo.png"
    logo.save(path, exif=exif)
    got = read_image_with_alpha(path)
    assert got.shape == (20, 40, 4)
    assert (got[:, 20:, 3] == 255).all() and (got[:, :20, 3] == 0).all()  # turned round
    assert tuple(got[0, 30]) == (0, 0, 255, 255)  # BGRA
    grey = saved(tmp_path, "grey.png", np.full((6, 8), 90, np.uint8))
    assert tuple(read_image_with_alpha(grey)[0, 0]) == (90, 90, 90, 255)
    with pytest.raises(InputError, match="megapixels"):
        read_image_with_alpha(huge_png(tmp_path / "poster.png", 12000, 6750))
