"""URL converters."""

from typing import Any

from werkzeug.routing import IntegerConverter, Map

LARGEST_DATABASE_ID = 2**63 - 1


class DatabaseIdConverter(IntegerConverter):
    """`<int:...>` that stops at the largest id a database column holds, so a longer number is a 404."""

    def __init__(self, url_map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", LARGEST_DATABASE_ID)
        super().__init__(url_map, *args, **kwargs)
