"""Product pictures: checked by their content, re-encoded with Pillow, stored under a random name.

Nothing the user uploaded is ever stored or served as it came: only the pixels survive, saved again
as JPEG (or PNG when the picture has transparency) in two sizes, one for product pages and one for
cards.
"""

import os
import secrets
from typing import IO

from flask import current_app
from PIL import Image, ImageOps, UnidentifiedImageError

from yumroad.sizes import check_upload_size

# The formats accepted, with their media types (for the file field's `accept` attribute).
ACCEPTED = {"GIF": "image/gif", "JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
ACCEPTED_FORMATS = list(ACCEPTED)
ACCEPTED_MEDIA_TYPES = ",".join(ACCEPTED.values())
MAX_PIXELS = 24_000_000  # a 6000 x 4000 camera photo; decoding one takes about 100 MB
FULL_SIZE = (1600, 1600)
CARD_SIZE = (640, 640)
TOO_MANY_PIXELS = "The picture is too large: at most 24 megapixels."


class InvalidPicture(ValueError):
    """The upload is not a picture we accept; the message says why, for the form."""


def pictures_folder() -> str:
    return os.path.join(current_app.config["UPLOAD_FOLDER"], "pictures")


def check_picture(stream: IO[bytes], max_size: int) -> None:
    """Raise InvalidPicture unless the stream holds a whole JPEG, PNG, WebP or GIF of a sane size."""
    check_upload_size(stream, max_size, InvalidPicture, "picture")
    try:
        with _open(stream) as image:
            image.verify()  # checksums and structure
        stream.seek(0)
        with _open(stream) as image:
            image.draft("RGB", FULL_SIZE)  # JPEG decodes at the size we keep: less memory
            image.load()  # every pixel decodes: verify() alone passes truncated JPEG and GIF files
    except InvalidPicture:
        raise
    except Exception as error:  # Pillow raises many kinds of error for broken files
        raise InvalidPicture("The picture file is damaged or incomplete.") from error
    finally:
        stream.seek(0)


def save_picture(stream: IO[bytes]) -> str:
    """Re-encode a checked picture in both sizes and return the stored name ('<token>.jpg').

    Raises OSError if the folder cannot be written.
    """
    folder = pictures_folder()
    os.makedirs(folder, exist_ok=True)
    stream.seek(0)
    with _open(stream) as original:
        original.draft("RGB", FULL_SIZE)
        has_alpha = original.mode in ("RGBA", "LA", "PA") or "transparency" in original.info
        full = ImageOps.exif_transpose(original).convert("RGBA" if has_alpha else "RGB")
    full.thumbnail(FULL_SIZE, Image.Resampling.LANCZOS)
    card = full.copy()
    card.thumbnail(CARD_SIZE, Image.Resampling.LANCZOS)

    extension, save_format, options = (".png", "PNG", {}) if has_alpha else (".jpg", "JPEG", {"quality": 85})
    name = secrets.token_hex(16) + extension
    for size_name, image in (("full", full), ("card", card)):
        image.save(os.path.join(folder, stored_filename(name, size_name)), save_format, optimize=True, **options)
    return name


def stored_filename(name: str, size_name: str) -> str:
    """Return the file that holds one size of a stored picture: 'ab12.jpg' -> 'ab12.card.jpg'."""
    stem, extension = os.path.splitext(name)
    return name if size_name == "full" else f"{stem}.{size_name}{extension}"


def delete_picture(name: str | None) -> None:
    """Remove every size of a stored picture; a missing file is not an error."""
    if not name:
        return
    for size_name in ("full", "card"):
        path = os.path.join(pictures_folder(), stored_filename(name, size_name))
        if os.path.exists(path):
            os.remove(path)


def _open(stream: IO[bytes]) -> Image.Image:
    try:
        image = Image.open(stream, formats=ACCEPTED_FORMATS)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise InvalidPicture(TOO_MANY_PIXELS) from error
    except UnidentifiedImageError as error:
        raise InvalidPicture("Upload a JPEG, PNG, WebP or GIF picture.") from error
    width, height = image.size
    if width * height > MAX_PIXELS:  # checked before any pixel is decoded
        raise InvalidPicture(TOO_MANY_PIXELS)
    return image
