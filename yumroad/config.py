"""Settings: defaults for development, overridden by the environment.

Every variable read here is documented in the README. `FLASK_`-prefixed variables are read too
(`app.config.from_prefixed_env()`), so any Flask or extension setting can be set without code.
"""

import os
from typing import Any

DEVELOPMENT_SECRET_KEY = "dev-only-secret-key-do-not-use-in-production"

MEBIBYTE = 1024 * 1024


def _int_from_env(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        return int(value)
    except ValueError as error:
        raise RuntimeError(f"{name} must be a whole number, not {value!r}") from error


# Settings that do not depend on where the app runs.
FIXED_SETTINGS: dict[str, Any] = {
    "BOOTSTRAP_SERVE_LOCAL": True,  # Bootstrap from the app itself, never from a CDN
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
}


def settings_from_environment() -> dict[str, Any]:
    """Return the settings that the environment sets, with development defaults."""
    return {
        "YUMROAD_ENV": os.environ.get("YUMROAD_ENV", "development"),
        "SECRET_KEY": os.environ.get("SECRET_KEY") or None,
        "SQLALCHEMY_DATABASE_URI": os.environ.get("DATABASE_URL") or None,
        "UPLOAD_FOLDER": os.environ.get("UPLOAD_FOLDER") or None,
        "MAX_PICTURE_SIZE": _int_from_env("MAX_PICTURE_SIZE", 5 * MEBIBYTE),
        "MAX_CONTENT_LENGTH": _int_from_env("MAX_CONTENT_LENGTH", 16 * MEBIBYTE),
        "PRODUCTS_PER_PAGE": _int_from_env("PRODUCTS_PER_PAGE", 12),
        "STORES_PER_PAGE": _int_from_env("STORES_PER_PAGE", 12),
    }


def finish_config(config: dict[str, Any], instance_path: str) -> None:
    """Fill in the defaults that depend on the instance folder and refuse unsafe production settings."""
    if config.get("SQLALCHEMY_DATABASE_URI") is None:
        database_file = os.path.join(instance_path, "yumroad.db")
        config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{database_file}"
    if config.get("UPLOAD_FOLDER") is None:
        config["UPLOAD_FOLDER"] = os.path.join(instance_path, "uploads")
    if config.get("SECRET_KEY") is None:
        if config["YUMROAD_ENV"] == "production":
            raise RuntimeError("SECRET_KEY must be set when YUMROAD_ENV=production")
        config["SECRET_KEY"] = DEVELOPMENT_SECRET_KEY
    if config["YUMROAD_ENV"] == "production" and config["SECRET_KEY"] == DEVELOPMENT_SECRET_KEY:
        raise RuntimeError("SECRET_KEY is the development default: set a real one in production")
