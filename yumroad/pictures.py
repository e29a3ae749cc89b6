"""Product pictures: checked by their content, re-encoded with Pillow, stored under a random name.

Nothing the user uploaded is ever stored or served as it came: only the pixels survive, saved again
as JPEG (or PNG when the picture has transparency) in two sizes, one for product pages and one for
cards.
"""

import os
import secrets
import warnings
from typing import IO

from flask import current_app
from PIL import Image, ImageOps, UnidentifiedImageError

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
MAX_PIXELS = 40_000_000
FULL_SIZE = (1600, 1600)
CARD_SIZE = (640, 640)
SIZES = {"full": FULL_SIZE, "card": CARD_SIZE}


class InvalidPicture(ValueError):
    """The upload is not a picture we accept; the message says why, for the form."""


def pictures_folder() -> str:
    return os.path.join(current_app.config["UPLOAD_FOLDER"], "pictures")


def check_picture(stream: IO[bytes], max_size: int) -> None:
    """Raise InvalidPicture unless the stream holds a JPEG, PNG, WebP or GIF of a sane size."""
    stream.seek(0, os.SEEK_END)
    size = stream.tell()
    stream.seek(0)
    if size == 0:
        raise InvalidPicture("The picture file is empty.")
    if size > max_size:
        raise InvalidPicture(f"The picture must be at most {max_size // (1024 * 1024)} MB.")
    try:
        with _open(stream) as image:
            image.verify()  # checksums and structure
        stream.seek(0)
        with _open(stream) as image:
            image.load()  # every pixel decodes: verify() alone passes some broken files
    except InvalidPicture:
        raise
    except Exception as error:  # Pillow raises many kinds of error for broken files
        raise InvalidPicture("The picture file is damaged or incomplete.") from error
    finally:
        stream.seek(0)


def save_picture(stream: IO[bytes]) -> str:
    """Re-encode a checked picture in both sizes and return the stored name ('<token>.jpg')."""
    folder = pictures_folder()
    os.makedirs(folder, exist_ok=True)
    stream.seek(0)
    with _open(stream) as image:
        image = ImageOps.exif_transpose(image)
        has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
        extension, save_format = (".png", "PNG") if has_alpha else (".jpg", "JPEG")
        image = image.convert("RGBA" if has_alpha else "RGB")
        name = secrets.token_hex(16) + extension
        for size_name, box in SIZES.items():
            resized = image.copy()
            resized.thumbnail(box, Image.Resampling.LANCZOS)
            options = {"optimize": True} if has_alpha else {"quality": 85, "optimize": True}
            resized.save(os.path.join(folder, stored_filename(name, size_name)), save_format, **options)
    return name


def stored_filename(name: str, size_name: str) -> str:
    """Return the file that holds one size of a stored picture: 'ab12.jpg' -> 'ab12.card.jpg'."""
    stem, extension = os.path.splitext(name)
    return name if size_name == "full" else f"{stem}.{size_name}{extension}"


def delete_picture(name: str | None) -> None:
    """Remove every size of a stored picture; a missing file is not an error."""
    if not name:
        return
    for size_name in SIZES:
        path = os.path.join(pictures_folder(), stored_filename(name, size_name))
        if os.path.exists(path):
            os.remove(path)


def _open(stream: IO[bytes]) -> Image.Image:
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(stream, formats=sorted(ACCEPTED_FORMATS))
        except (UnidentifiedImageError, Image.DecompressionBombWarning, Image.DecompressionBombError) as error:
            raise InvalidPicture("Upload a JPEG, PNG, WebP or GIF picture.") from error
    width, height = image.size
    if width * height > MAX_PIXELS:  # checked before any pixel is decoded
        raise InvalidPicture("The picture is too large: at most 40 megapixels.")
    return image
