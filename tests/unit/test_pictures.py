import io
import os

import pytest
from PIL import Image

from tests.images import image_file
from yumroad.pictures import (
    InvalidPicture,
    check_picture,
    delete_picture,
    pictures_folder,
    save_picture,
    stored_filename,
)
from yumroad.sizes import format_size

MAX_SIZE = 1024 * 1024


@pytest.mark.parametrize("image_format", ["PNG", "JPEG", "WEBP", "GIF"])
def test_accepts_the_four_picture_formats(image_format):
    check_picture(image_file(image_format), MAX_SIZE)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty"),
        (b"just some text", "JPEG, PNG, WebP or GIF"),
        (b"<html><script>alert(1)</script></html>", "JPEG, PNG, WebP or GIF"),
        (b"%PDF-1.7 not a picture", "JPEG, PNG, WebP or GIF"),
    ],
)
def test_refuses_what_is_not_a_picture_whatever_its_name(content, reason):
    with pytest.raises(InvalidPicture, match=reason):
        check_picture(io.BytesIO(content), MAX_SIZE)


def test_refuses_other_picture_formats():
    with pytest.raises(InvalidPicture, match="JPEG, PNG, WebP or GIF"):
        check_picture(image_file("BMP"), MAX_SIZE)


@pytest.mark.parametrize("image_format", ["PNG", "JPEG", "WEBP", "GIF"])
def test_refuses_a_truncated_picture(image_format):
    whole = noise_file(image_format).getvalue()
    with pytest.raises(InvalidPicture, match="damaged"):
        check_picture(io.BytesIO(whole[: len(whole) // 2]), MAX_SIZE)


def noise_file(image_format: str) -> io.BytesIO:
    output = io.BytesIO()
    Image.effect_noise((300, 300), 80).convert("RGB").save(output, image_format)
    return output


def test_refuses_a_file_over_the_size_limit():
    with pytest.raises(InvalidPicture, match="at most 1 MB"):
        check_picture(io.BytesIO(b"x" * (MAX_SIZE + 1)), MAX_SIZE)


@pytest.mark.parametrize(
    "size",
    [
        (6001, 4000),  # just over our limit
        (10000, 10000),  # over the size where Pillow warns of a decompression bomb
        (14000, 14000),  # over the size where Pillow refuses to open it
    ],
)
def test_refuses_a_picture_with_too_many_pixels(size):
    # A small file that claims a huge canvas: the classic decompression bomb.
    bomb = image_file("PNG", size=size, mode="1")
    assert len(bomb.getvalue()) < MAX_SIZE
    with pytest.raises(InvalidPicture, match="too large: at most 24 megapixels"):
        check_picture(bomb, MAX_SIZE)


def test_accepts_a_picture_at_the_pixel_limit():
    check_picture(image_file("PNG", size=(6000, 4000), mode="1"), MAX_SIZE)


@pytest.mark.parametrize(
    ("size", "shown"),
    [
        (5 * 1024 * 1024, "5 MB"),
        (1536 * 1024, "1.5 MB"),
        (1024, "1 KB"),
        (900, "900 bytes"),
        (1, "1 byte"),
        (0, "0 bytes"),
        (3 * 1024**3 // 2, "1.5 GB"),
        (200 * 1024**3, "200 GB"),
        (1024**2 - 1, "1024 KB"),
    ],
)
def test_sizes_are_shown_for_people(size, shown):
    assert format_size(size) == shown


def test_check_leaves_the_stream_at_the_start():
    stream = image_file("PNG")
    check_picture(stream, MAX_SIZE)
    assert stream.tell() == 0


def test_save_re_encodes_in_two_sizes(app):
    name = save_picture(image_file("WEBP", size=(2400, 1200)))

    assert name.endswith(".jpg")
    with Image.open(os.path.join(pictures_folder(), name)) as full:
        assert full.format == "JPEG"
        assert full.size == (1600, 800)
    with Image.open(os.path.join(pictures_folder(), stored_filename(name, "card"))) as card:
        assert card.size == (640, 320)


def test_save_keeps_transparency_as_png(app):
    name = save_picture(image_file("PNG", mode="RGBA"))
    assert name.endswith(".png")
    with Image.open(os.path.join(pictures_folder(), name)) as saved:
        assert saved.mode == "RGBA"


def test_save_drops_metadata(app):
    original = Image.new("RGB", (50, 50))
    exif = original.getexif()
    exif[0x010E] = "secret location"  # ImageDescription
    stream = io.BytesIO()
    original.save(stream, "JPEG", exif=exif)

    name = save_picture(stream)
    with Image.open(os.path.join(pictures_folder(), name)) as saved:
        assert 0x010E not in saved.getexif()


def test_stored_names_are_random(app):
    assert save_picture(image_file()) != save_picture(image_file())


def test_delete_removes_every_size_and_ignores_missing_files(app):
    name = save_picture(image_file())
    delete_picture(name)
    assert os.listdir(pictures_folder()) == []
    delete_picture(name)
    delete_picture(None)
