"""`GET /healthz` for load balancers and uptime checks: is the database (and Redis, when used) answering?

No login, no session, no rate limit, never cached. It answers 200 when every part is ok and 503 naming
the part that failed; what went wrong is logged, not shown.
"""

from flask import Blueprint, current_app, jsonify
from redis import Redis
from werkzeug.wrappers import Response

from yumroad.extensions import db
from yumroad.models import User

bp = Blueprint("health", __name__)

TIMEOUT_SECONDS = 2


def database_status() -> str:
    """'ok' when the database answers a query on the app's own schema (so an unmigrated one fails too)."""
    try:
        db.session.execute(db.select(User.id).limit(1))
    except Exception:
        current_app.logger.exception("Health check: the database is not answering")
        return "error"
    finally:
        db.session.rollback()
    return "ok"


def redis_status(url: str | None) -> str:
    if url is None:
        return "not configured"
    client = Redis.from_url(url, socket_connect_timeout=TIMEOUT_SECONDS, socket_timeout=TIMEOUT_SECONDS)
    try:
        client.ping()
    except Exception:
        current_app.logger.exception("Health check: Redis is not answering")
        return "error"
    finally:
        client.close()
    return "ok"


@bp.get("/healthz")
def healthz() -> tuple[Response, int]:
    checks = {"database": database_status(), "redis": redis_status(current_app.config.get("REDIS_URL"))}
    healthy = all(status in ("ok", "not configured") for status in checks.values())
    response = jsonify(status="ok" if healthy else "error", **checks)
    response.headers["Cache-Control"] = "no-store"
    return response, 200 if healthy else 503
