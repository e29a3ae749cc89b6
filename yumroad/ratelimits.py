"""Rate limits per client address on the pages people (or bots) could hammer: all of them in one place.

Each limit is a setting (`RATELIMIT_LOGIN="10 per minute;50 per hour"`...) read from the environment.
Counts live in Redis when `REDIS_URL` is set (shared by every gunicorn worker), in memory otherwise.
A client over a limit gets the 429 page (yumroad/errors.py) with `Retry-After`.
"""

from collections.abc import Callable

from flask import Flask, current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits import parse_many

# endpoint: (the setting holding its limits, the methods they count)
LIMITED_ENDPOINTS: dict[str, tuple[str, list[str]]] = {
    "users.login": ("RATELIMIT_LOGIN", ["POST"]),
    "users.register": ("RATELIMIT_REGISTER", ["POST"]),
    "checkout.buy": ("RATELIMIT_BUY", ["POST"]),
    "downloads.download": ("RATELIMIT_DOWNLOAD", ["GET", "HEAD"]),
    "downloads.fresh_links": ("RATELIMIT_FRESH_LINKS", ["POST"]),
    "leaving.delete": ("RATELIMIT_LOGIN", ["POST"]),  # it checks the password: guesses count as logins do
    "accounts.request_password_reset": ("RATELIMIT_PASSWORD_RESET", ["POST"]),
    "accounts.reset_password": ("RATELIMIT_PASSWORD_RESET", ["POST"]),
    "accounts.resend_verification": ("RATELIMIT_ACCOUNT_EMAILS", ["POST"]),
    "accounts.change_email": ("RATELIMIT_ACCOUNT_EMAILS", ["POST"]),
    "accounts.change_password": ("RATELIMIT_LOGIN", ["POST"]),  # it checks a password, as logging in does
}


def _limits_from(setting: str) -> Callable[[], str]:
    """Read the limits at request time, so that a test app's own settings apply."""
    return lambda: current_app.config[setting]


def register_rate_limits(app: Flask) -> Limiter:
    """Give this app its own limiter (counts and switches are per app) and put the limits on the views."""
    for setting, _methods in LIMITED_ENDPOINTS.values():
        try:
            parse_many(app.config[setting])
        except ValueError as error:
            raise RuntimeError(
                f"{setting} must read like '10 per minute;50 per hour', not {app.config[setting]!r}"
            ) from error
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config.get("REDIS_URL") or "memory://")
    # No rate-limit headers on every answer: the 429 page says Retry-After itself (yumroad/errors.py).
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", False)
    app.config.setdefault("RATELIMIT_KEY_PREFIX", "yumroad-limits")
    # A Redis that hangs must not hang logins: give up on it fast and count in memory.
    app.config.setdefault("RATELIMIT_STORAGE_OPTIONS", {"socket_timeout": 0.25, "socket_connect_timeout": 0.25})
    # Redis down: count in memory meanwhile rather than turn every login into an error page.
    app.config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
    app.config.setdefault("RATELIMIT_SWALLOW_ERRORS", True)

    limiter = Limiter(key_func=get_remote_address)  # remote_addr: yumroad/security.py sets it behind proxies
    limiter.init_app(app)
    app.extensions["rate_limiter"] = limiter  # the limits hold it weakly: it lives as long as the app
    for endpoint, (setting, methods) in LIMITED_ENDPOINTS.items():
        view = app.view_functions[endpoint]
        app.view_functions[endpoint] = limiter.limit(_limits_from(setting), methods=methods)(view)
    # Never counted, even under limits set for every page (RATELIMIT_DEFAULT, RATELIMIT_APPLICATION).
    app.view_functions["health.healthz"] = limiter.exempt(app.view_functions["health.healthz"])
    return limiter
