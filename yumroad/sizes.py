"""Sizes of files, for people."""


def format_size(size: int) -> str:
    """Return a size in bytes for people: 5242880 -> '5 MB', 1536 -> '1.5 KB'."""
    for unit, scale in (("MB", 1024 * 1024), ("KB", 1024)):
        if size >= scale:
            return f"{size / scale:.1f}".removesuffix(".0") + f" {unit}"
    return f"{size} bytes"
