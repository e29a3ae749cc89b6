"""Security headers on every response, secure cookies over HTTPS, and the client's address behind proxies.

The Content-Security-Policy allows no inline script or style: every script is a file under static/
(or Stripe.js with `PAYMENT_PROVIDER=stripe`), every style is in static/css. Templates must not use
`<script>` without `src`, `on...=` handlers or `style=` attributes (tests/functional/test_security.py
checks the pages).
"""

from typing import Any
from urllib.parse import urlsplit

from flask import Flask, current_app, request
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wrappers import Response

HSTS = "max-age=31536000; includeSubDomains"
# Where Stripe.js loads its frames from and talks to (https://docs.stripe.com/security/guide#content-security-policy).
STRIPE_FRAMES = ("https://js.stripe.com", "https://*.js.stripe.com", "https://hooks.stripe.com")
STRIPE_API = "https://api.stripe.com"


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def content_security_policy(config: dict[str, Any]) -> str:
    """The policy for this app's settings: Stripe's hosts are allowed only when Stripe takes the payments."""
    scripts, frames, connections = ["'self'"], ["'none'"], ["'self'"]
    if config["PAYMENT_PROVIDER"] == "stripe":
        stripe_js = _origin(config["STRIPE_JS_URL"])
        scripts = ["'self'", *dict.fromkeys([stripe_js, "https://js.stripe.com", "https://*.js.stripe.com"])]
        frames = list(dict.fromkeys([stripe_js, *STRIPE_FRAMES]))
        connections = ["'self'", *dict.fromkeys([stripe_js, STRIPE_API])]
    directives = {
        "default-src": ["'self'"],
        "script-src": scripts,
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": connections,
        "frame-src": frames,
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in directives.items())


def _warn_of_an_untrusted_proxy() -> None:
    """Behind a proxy left untrusted, every visitor has the proxy's address and shares its rate limits."""
    if "X-Forwarded-For" in request.headers and not current_app.extensions.get("untrusted-proxy-warned"):
        current_app.extensions["untrusted-proxy-warned"] = True
        current_app.logger.warning(
            "a request came through a proxy (X-Forwarded-For) but TRUSTED_PROXIES=0: every visitor shares "
            "the proxy's address and its rate limits; set TRUSTED_PROXIES to the number of proxies in front"
        )


def register_security(app: Flask) -> None:
    """Add the headers to every response; make cookies `Secure` when the site is served over HTTPS."""
    if app.config["TRUSTED_PROXIES"] > 0:
        # Only then is X-Forwarded-For believed: otherwise anyone could pick the address rate limits count.
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
    else:
        app.before_request(_warn_of_an_untrusted_proxy)
    served_over_https = (app.config["PUBLIC_URL"] or "").startswith("https://")
    if served_over_https:
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["REMEMBER_COOKIE_SECURE"] = True
    policy = content_security_policy(app.config)

    @app.after_request
    def add_security_headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", policy)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        if served_over_https or request.is_secure:
            headers.setdefault("Strict-Transport-Security", HSTS)
        return response
