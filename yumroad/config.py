"""Settings: defaults for development, overridden by the environment.

Every variable read here is documented in the README. `FLASK_`-prefixed variables are read too
(`app.config.from_prefixed_env()`), so any Flask or extension setting can be set without code.
"""

import os
from datetime import timedelta
from typing import Any

from yumroad.databases import database_uri, engine_options

# A known key on purpose, for development only: production refuses it (finish_config).
DEVELOPMENT_SECRET_KEY = "dev-only-secret-key-do-not-use-in-production"  # nosec B105

MEBIBYTE = 1024 * 1024
STRIPE_KEYS = ("STRIPE_SECRET_KEY", "STRIPE_PUBLISHABLE_KEY", "STRIPE_WEBHOOK_SECRET")


def _int_from_env(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        return int(value)
    except ValueError as error:
        raise RuntimeError(f"{name} must be a whole number, not {value!r}") from error


def _ints_from_env(name: str, default: list[int]) -> list[int]:
    """A comma-separated list of whole numbers, e.g. JOB_RETRY_INTERVALS=15,60,300."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        numbers = [int(part) for part in value.split(",")]
    except ValueError:
        numbers = [-1]
    if min(numbers) < 0:
        raise RuntimeError(f"{name} must be whole numbers (0 or more) separated by commas, not {value!r}")
    return numbers


# Settings that do not depend on where the app runs.
FIXED_SETTINGS: dict[str, Any] = {
    "BOOTSTRAP_SERVE_LOCAL": True,  # Bootstrap from the app itself, never from a CDN
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
}


def _float_from_env(name: str, default: float) -> float:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        return float(value)
    except ValueError as error:
        raise RuntimeError(f"{name} must be a number, not {value!r}") from error


def settings_from_environment() -> dict[str, Any]:
    """Return the settings that the environment sets, with development defaults."""
    return {
        "YUMROAD_ENV": os.environ.get("YUMROAD_ENV", "development"),
        "SECRET_KEY": os.environ.get("SECRET_KEY") or None,
        "SQLALCHEMY_DATABASE_URI": os.environ.get("DATABASE_URL") or None,
        # Redis for background jobs, rate limits and the page cache; unset, all three stay in-process.
        "REDIS_URL": os.environ.get("REDIS_URL") or None,
        # Background jobs (with REDIS_URL): the RQ queue, and how often and after how many seconds to retry.
        "JOB_QUEUE": os.environ.get("JOB_QUEUE") or "yumroad",
        "JOB_RETRIES": _int_from_env("JOB_RETRIES", 5),
        "JOB_RETRY_INTERVALS": _ints_from_env("JOB_RETRY_INTERVALS", [15, 60, 300, 900, 3600]),
        # Stripe's events, once answered, are not sent again: their jobs retry once per interval, for
        # about three days (like Stripe's own retries), so that a long outage leaves no order unpaid.
        "WEBHOOK_JOB_RETRY_INTERVALS": _ints_from_env(
            "WEBHOOK_JOB_RETRY_INTERVALS", [60, 300, 1800, 3600, 10800, 21600, 43200, 86400, 86400]
        ),
        "UPLOAD_FOLDER": os.environ.get("UPLOAD_FOLDER") or None,
        "MAX_PICTURE_SIZE": _int_from_env("MAX_PICTURE_SIZE", 5 * MEBIBYTE),
        "MAX_PRODUCT_FILE_SIZE": _int_from_env("MAX_PRODUCT_FILE_SIZE", 100 * MEBIBYTE),
        "MAX_CONTENT_LENGTH": _int_from_env("MAX_CONTENT_LENGTH", 0) or None,  # default: see finish_config
        "PAGE_CACHE_SECONDS": _int_from_env("PAGE_CACHE_SECONDS", 60),  # 0: no page cache
        "PRODUCTS_PER_PAGE": _int_from_env("PRODUCTS_PER_PAGE", 12),
        "STORES_PER_PAGE": _int_from_env("STORES_PER_PAGE", 12),
        "ORDERS_PER_PAGE": _int_from_env("ORDERS_PER_PAGE", 20),
        "PAYMENT_PROVIDER": os.environ.get("PAYMENT_PROVIDER", "test"),
        "STRIPE_SECRET_KEY": os.environ.get("STRIPE_SECRET_KEY") or None,
        "STRIPE_PUBLISHABLE_KEY": os.environ.get("STRIPE_PUBLISHABLE_KEY") or None,
        "STRIPE_WEBHOOK_SECRET": os.environ.get("STRIPE_WEBHOOK_SECRET") or None,
        "STRIPE_API_BASE": os.environ.get("STRIPE_API_BASE") or None,
        "STRIPE_JS_URL": os.environ.get("STRIPE_JS_URL", "https://js.stripe.com/v3/"),
        # Where people reach the app: links in emails sent outside a request (e.g. flask seed-demo).
        "PUBLIC_URL": os.environ.get("PUBLIC_URL") or None,
        "PORT": _int_from_env("PORT", 5000),
        "DOWNLOAD_LINK_MAX_AGE": _int_from_env("DOWNLOAD_LINK_MAX_AGE", 24 * 3600),
        "DOWNLOAD_LIMIT": _int_from_env("DOWNLOAD_LIMIT", 5),
        **_account_settings_from_environment(),
        "MAIL_SERVER": os.environ.get("MAIL_SERVER") or None,
        "MAIL_PORT": _int_from_env("MAIL_PORT", 25),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD") or None,
        "MAIL_USE_TLS": os.environ.get("MAIL_USE_TLS", "").lower() in ("1", "true", "yes"),
        "MAIL_USE_SSL": os.environ.get("MAIL_USE_SSL", "").lower() in ("1", "true", "yes"),
        "MAIL_DEFAULT_SENDER": os.environ.get("MAIL_DEFAULT_SENDER", "Yumroad <hello@yumroad.localhost>"),
        "MAIL_OUTBOX_FOLDER": os.environ.get("MAIL_OUTBOX_FOLDER") or None,
        **_serving_settings_from_environment(),
    }


def _account_settings_from_environment() -> dict[str, Any]:
    """How long account links and logins last, and how long a departed creator's files stay."""
    return {
        "PASSWORD_RESET_MAX_AGE": _int_from_env("PASSWORD_RESET_MAX_AGE", 3600),
        "EMAIL_VERIFICATION_MAX_AGE": _int_from_env("EMAIL_VERIFICATION_MAX_AGE", 7 * 24 * 3600),
        "EMAIL_CHANGE_MAX_AGE": _int_from_env("EMAIL_CHANGE_MAX_AGE", 24 * 3600),
        # "Remember me" keeps a login for this many days; without it, a login ends with the browser.
        "REMEMBER_COOKIE_DURATION": timedelta(days=_int_from_env("REMEMBER_ME_DAYS", 30)),
        # After a creator leaves, their buyers may still download what they paid for this many days
        # after paying; then the files are removed (`flask remove-expired-files`).
        "DOWNLOAD_WINDOW_DAYS": _int_from_env("DOWNLOAD_WINDOW_DAYS", 365),
    }


def _serving_settings_from_environment() -> dict[str, Any]:
    """Rate limits, proxies, logs and error reporting (see yumroad/ratelimits.py, security.py, observability.py)."""
    return {
        "RATELIMIT_ENABLED": os.environ.get("RATELIMIT_ENABLED", "true").lower() in ("1", "true", "yes"),
        "RATELIMIT_LOGIN": os.environ.get("RATELIMIT_LOGIN") or "10 per minute;50 per hour",
        "RATELIMIT_REGISTER": os.environ.get("RATELIMIT_REGISTER") or "10 per minute;30 per hour",
        "RATELIMIT_BUY": os.environ.get("RATELIMIT_BUY") or "20 per minute;200 per hour",
        "RATELIMIT_DOWNLOAD": os.environ.get("RATELIMIT_DOWNLOAD") or "30 per minute;300 per hour",
        "RATELIMIT_FRESH_LINKS": os.environ.get("RATELIMIT_FRESH_LINKS") or "5 per minute;20 per hour",
        "RATELIMIT_PASSWORD_RESET": os.environ.get("RATELIMIT_PASSWORD_RESET") or "10 per minute;50 per hour",
        # Emails we send on request (a new verification link, an email change): each one costs.
        "RATELIMIT_ACCOUNT_EMAILS": os.environ.get("RATELIMIT_ACCOUNT_EMAILS") or "3 per minute;10 per hour",
        # How many proxies in front of the app set X-Forwarded-For/-Proto/-Host; 0 trusts none of them.
        "TRUSTED_PROXIES": _int_from_env("TRUSTED_PROXIES", 0),
        "LOG_FORMAT": os.environ.get("LOG_FORMAT") or None,  # default: see yumroad/observability.py
        "SENTRY_DSN": os.environ.get("SENTRY_DSN") or None,
        "SENTRY_TRACES_SAMPLE_RATE": _float_from_env("SENTRY_TRACES_SAMPLE_RATE", 0.0),
    }


def finish_config(config: dict[str, Any], instance_path: str) -> None:
    """Fill in the defaults that depend on the instance folder and refuse unsafe production settings."""
    if config.get("SQLALCHEMY_DATABASE_URI") is None:
        database_file = os.path.join(instance_path, "yumroad.db")
        config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{database_file}"
    config["SQLALCHEMY_DATABASE_URI"] = database_uri(config["SQLALCHEMY_DATABASE_URI"])
    config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(
        config["SQLALCHEMY_DATABASE_URI"], config["SQLALCHEMY_ENGINE_OPTIONS"]
    )
    if config.get("UPLOAD_FOLDER") is None:
        config["UPLOAD_FOLDER"] = os.path.join(instance_path, "uploads")
    if config.get("MAIL_OUTBOX_FOLDER") is None:
        config["MAIL_OUTBOX_FOLDER"] = os.path.join(instance_path, "outbox")
    if config.get("MAX_CONTENT_LENGTH") is None:  # a product form carries a file and a picture
        config["MAX_CONTENT_LENGTH"] = config["MAX_PRODUCT_FILE_SIZE"] + config["MAX_PICTURE_SIZE"] + MEBIBYTE
    if config.get("SECRET_KEY") is None:
        if config["YUMROAD_ENV"] == "production":
            raise RuntimeError("SECRET_KEY must be set when YUMROAD_ENV=production")
        config["SECRET_KEY"] = DEVELOPMENT_SECRET_KEY
    if config["YUMROAD_ENV"] == "production" and config["SECRET_KEY"] == DEVELOPMENT_SECRET_KEY:
        raise RuntimeError("SECRET_KEY is the development default: set a real one in production")
    _check_payment_settings(config)
    _check_mail_settings(config)


def _check_mail_settings(config: dict[str, Any]) -> None:
    production = config["YUMROAD_ENV"] == "production"
    if config.get("PUBLIC_URL") is None:
        if production:
            raise RuntimeError("PUBLIC_URL must be set in production: emails link to it")
        config["PUBLIC_URL"] = f"http://127.0.0.1:{config['PORT']}"
    if production and not config.get("MAIL_SERVER"):
        raise RuntimeError("MAIL_SERVER must be set in production: receipts would stay in a folder")


def _check_payment_settings(config: dict[str, Any]) -> None:
    provider = config["PAYMENT_PROVIDER"]
    if provider not in ("test", "stripe"):
        raise RuntimeError(f"PAYMENT_PROVIDER must be 'test' or 'stripe', not {provider!r}")
    if provider == "test" and config["YUMROAD_ENV"] == "production":
        raise RuntimeError("PAYMENT_PROVIDER=test would give products away: use stripe in production")
    if provider == "stripe":
        missing = [key for key in STRIPE_KEYS if not config.get(key)]
        if missing:
            raise RuntimeError(f"PAYMENT_PROVIDER=stripe needs {', '.join(missing)}")
