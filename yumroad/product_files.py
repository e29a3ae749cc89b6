"""The digital files products sell: stored privately, streamed to disk and back, never held whole.

A file lives under UPLOAD_FOLDER/files with a random name and no extension, so nothing the uploader
chose decides how it is stored or served; its original name and size are kept on the product.
"""

import os
import secrets
import shutil
import unicodedata
from dataclasses import dataclass
from typing import IO

from flask import current_app

from yumroad.sizes import check_upload_size

CHUNK_SIZE = 1024 * 1024
MAX_NAME_LENGTH = 255


class InvalidProductFile(ValueError):
    """The upload cannot be sold as it is; the message says why, for the form."""


@dataclass(frozen=True)
class StoredFile:
    name: str
    original_name: str
    size: int


def files_folder() -> str:
    return os.path.join(current_app.config["UPLOAD_FOLDER"], "files")


def file_path(name: str) -> str:
    return os.path.join(files_folder(), name)


def check_product_file(stream: IO[bytes], max_size: int) -> None:
    """Raise InvalidProductFile if the upload is empty or over the size limit (without reading it)."""
    check_upload_size(stream, max_size, InvalidProductFile, "file")


def save_product_file(stream: IO[bytes], original_name: str) -> StoredFile:
    """Copy an upload to private storage, a chunk at a time, and return where it went."""
    folder = files_folder()
    os.makedirs(folder, exist_ok=True)
    name = secrets.token_hex(16)
    stream.seek(0)
    with open(os.path.join(folder, name), "xb") as destination:
        shutil.copyfileobj(stream, destination, CHUNK_SIZE)
        size = destination.tell()
    return StoredFile(name=name, original_name=clean_file_name(original_name), size=size)


def delete_product_file(name: str | None) -> None:
    """Remove a stored file; a missing one is not an error."""
    if name and os.path.exists(file_path(name)):
        os.remove(file_path(name))


def clean_file_name(original_name: str | None) -> str:
    """Keep the name a buyer will see, without folders, control characters or quotes."""
    base = os.path.basename((original_name or "").replace("\\", "/"))
    visible = "".join(
        character for character in base if unicodedata.category(character)[0] != "C" and character not in '"'
    )
    cleaned = visible.strip().lstrip(".")
    return cleaned[-MAX_NAME_LENGTH:] or "download"
