"""Sizes of files: for people, and for checking uploads."""

import os
from typing import IO

UNITS = (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024))


def format_size(size: int) -> str:
    """Return a size in bytes for people: 5242880 -> '5 MB', 1536 -> '1.5 KB', 1 -> '1 byte'.

    static/js/upload-progress.js shows sizes the same way while a file uploads.
    """
    for unit, scale in UNITS:
        if size >= scale:
            return f"{size / scale:.1f}".removesuffix(".0") + f" {unit}"
    return "1 byte" if size == 1 else f"{size} bytes"


def too_large(what: str, max_size: int) -> str:
    """The message for an upload over the limit: 'The file must be at most 100 MB.'"""
    return f"The {what} must be at most {format_size(max_size)}."


def check_upload_size(stream: IO[bytes], max_size: int, error: type[ValueError], what: str) -> None:
    """Raise `error` if an upload is empty or larger than `max_size`, without reading it."""
    stream.seek(0, os.SEEK_END)
    size = stream.tell()
    stream.seek(0)
    if size == 0:
        raise error(f"The {what} is empty.")
    if size > max_size:
        raise error(too_large(what, max_size))
