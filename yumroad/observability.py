"""Request ids, one log line per request (JSON in production), and Sentry when `SENTRY_DSN` is set.

Every response carries `X-Request-ID`: the proxy's, when it sent a sensible one, or a new one. Every
log record written during a request (the request line, errors and their tracebacks) carries it too.
"""

import json
import logging
import re
import sys
import time
import uuid
from datetime import UTC, datetime
from typing import Any

from flask import Flask, g, has_request_context, request
from flask.logging import default_handler
from werkzeug.wrappers import Response

# A download link's token is a key to a paid file: it never goes into a log line or to Sentry.
SECRET_IN_PATH = re.compile(r"(/download/)(?!fresh-links\b)[^/?#]+")
REQUEST_ID_HEADER = "X-Request-ID"
ACCEPTABLE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
# The fields a request line adds to its record, in the order a person reads them.
REQUEST_FIELDS = ("method", "path", "status", "duration_ms", "user_id", "remote_addr")


def redacted(path_or_url: str) -> str:
    """The path (or URL) with the secrets it may carry replaced by a placeholder."""
    return SECRET_IN_PATH.sub(r"\1<token>", path_or_url)


def current_request_id() -> str | None:
    return g.get("request_id") if has_request_context() else None


class RequestIdFilter(logging.Filter):
    """Stamp each record with the id of the request it was written in (None outside requests)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = current_request_id()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message, request id, request fields, traceback."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
        }
        entry.update({field: getattr(record, field) for field in REQUEST_FIELDS if hasattr(record, field)})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")


class StderrHandler(logging.StreamHandler):
    """Writes to whatever `sys.stderr` is when a record arrives (a test may have swapped it)."""

    def __init__(self) -> None:
        super().__init__()

    @property  # type: ignore[override]
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, value: Any) -> None:
        pass


# One handler for the "yumroad" logger, however many apps a process builds (tests build hundreds).
LOG_HANDLER = StderrHandler()
LOG_HANDLER.addFilter(RequestIdFilter())


def log_format(config: dict[str, Any]) -> str:
    """`LOG_FORMAT` if set, else JSON in production and readable text in development."""
    chosen = config.get("LOG_FORMAT") or ("json" if config["YUMROAD_ENV"] == "production" else "text")
    if chosen not in ("json", "text"):
        raise RuntimeError(f"LOG_FORMAT must be 'json' or 'text', not {chosen!r}")
    return chosen


def configure_logging(app: Flask) -> None:
    LOG_HANDLER.setFormatter(JsonFormatter() if log_format(app.config) == "json" else TextFormatter())
    app.logger.removeHandler(default_handler)
    if LOG_HANDLER not in app.logger.handlers:
        app.logger.addHandler(LOG_HANDLER)
    if app.logger.level == logging.NOTSET:
        app.logger.setLevel(logging.INFO)


def _user_id() -> int | None:
    """The logged-in user's id, if the request loaded them: never a query or a session read of its own."""
    user = g.get("_login_user")
    return user.id if user is not None and user.is_authenticated else None


def register_request_logs(app: Flask) -> None:
    request_log = app.logger.getChild("requests")

    def log_exception(exc_info: Any) -> None:
        """Flask's own error line, without the secrets a path may carry."""
        app.logger.error("Exception on %s [%s]", redacted(request.path), request.method, exc_info=exc_info)

    app.log_exception = log_exception  # type: ignore[method-assign]

    @app.before_request
    def start_request() -> None:
        g.request_started = time.perf_counter()
        given = request.headers.get(REQUEST_ID_HEADER, "")
        g.request_id = given if ACCEPTABLE_REQUEST_ID.fullmatch(given) else uuid.uuid4().hex

    @app.after_request
    def log_request(response: Response) -> Response:
        if "request_id" not in g:  # a before_request hook failed before ours ran
            g.request_id = uuid.uuid4().hex
        response.headers[REQUEST_ID_HEADER] = g.request_id
        started = g.get("request_started", time.perf_counter())
        fields = {
            "method": request.method,
            "path": redacted(request.path),
            "status": response.status_code,
            "duration_ms": round((time.perf_counter() - started) * 1000, 1),
            "user_id": _user_id(),
            "remote_addr": request.remote_addr,
        }
        request_log.info("%(method)s %(path)s %(status)s %(duration_ms)sms", fields, extra=fields)
        return response


def init_sentry(app: Flask) -> None:
    """Report errors to Sentry when `SENTRY_DSN` is set; without it Sentry is not even imported."""
    if not app.config.get("SENTRY_DSN"):
        return
    import sentry_sdk
    from sentry_sdk.integrations.flask import FlaskIntegration

    sentry_sdk.init(
        dsn=app.config["SENTRY_DSN"],
        integrations=[FlaskIntegration()],
        traces_sample_rate=app.config["SENTRY_TRACES_SAMPLE_RATE"],
        environment=app.config["YUMROAD_ENV"],
        # No personal data: sentry-sdk 2.x sends no user, cookie or address by default (what the now
        # deprecated send_default_pii=False meant), and local variables could hold buyers' emails.
        include_local_variables=False,
        max_request_body_size="never",  # form posts carry emails and passwords
        before_send=_without_secrets,
    )


def _without_secrets(event: dict[str, Any], hint: dict[str, Any]) -> dict[str, Any]:
    """Take download tokens out of the URLs a Sentry event carries."""
    request_data = event.get("request") or {}
    for key in ("url", "query_string"):
        if isinstance(request_data.get(key), str):
            request_data[key] = redacted(request_data[key])
    if isinstance(event.get("transaction"), str):
        event["transaction"] = redacted(event["transaction"])
    return event


def register_observability(app: Flask) -> None:
    configure_logging(app)
    register_request_logs(app)
    init_sentry(app)
