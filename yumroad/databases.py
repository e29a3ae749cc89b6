"""The database URL and the engine's options: what SQLite and PostgreSQL each need."""

from typing import Any

# psycopg 3 is the PostgreSQL driver installed; SQLAlchemy would pick psycopg2 for a bare scheme.
POSTGRES_SCHEMES = ("postgres://", "postgresql://")
POSTGRES_DRIVER_SCHEME = "postgresql+psycopg://"

POSTGRES_ENGINE_OPTIONS: dict[str, Any] = {
    # Open connections again before a firewall, a proxy or PgBouncer drops them for idling.
    "pool_recycle": 1800,
    # A database that does not answer fails the request in seconds, not after TCP's minutes.
    "connect_args": {"connect_timeout": 10, "application_name": "yumroad"},
}


def database_uri(uri: str) -> str:
    """The URL with psycopg 3 as the driver when it names PostgreSQL without one (`postgres://`, as
    many hosts give it, or `postgresql://`)."""
    for scheme in POSTGRES_SCHEMES:
        if uri.startswith(scheme):
            return POSTGRES_DRIVER_SCHEME + uri.removeprefix(scheme)
    return uri


def engine_options(uri: str, options: dict[str, Any]) -> dict[str, Any]:
    """The engine options for this database: PostgreSQL's added under the ones set (which win)."""
    if uri.startswith("postgresql"):
        return {**POSTGRES_ENGINE_OPTIONS, **options}
    return options
