"""URL converters.

`create_app` installs `DatabaseIdConverter` as the `int` converter, so every `<int:...>` in a route
is an id the database can hold: ASCII digits without a leading zero, at most 2**63 - 1. Anything
else ('007', a full-width digit, a 30-digit number) is a 404 rather than a duplicate page or a database overflow.
"""

from typing import Any

from werkzeug.routing import IntegerConverter, Map

LARGEST_DATABASE_ID = 2**63 - 1


class DatabaseIdConverter(IntegerConverter):
    regex = r"[1-9][0-9]{0,18}"

    def __init__(self, url_map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", LARGEST_DATABASE_ID)
        super().__init__(url_map, *args, **kwargs)
