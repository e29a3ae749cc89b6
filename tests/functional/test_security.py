"""Security headers on every kind of response, and pages the Content-Security-Policy lets work as they are."""

from html.parser import HTMLParser

import pytest

from tests.apps import drop_everything, make_app
from tests.factories import PASSWORD, ProductFactory, UserFactory, bought, sellable_product
from yumroad.downloads.services import download_url
from yumroad.security import content_security_policy

POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "frame-src 'none'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)

NOT_FOUND_PAGES = {"/download/not-a-real-token": 410, "/no/such/page": 404}


def assert_security_headers(response) -> None:
    assert response.headers["Content-Security-Policy"] == POLICY
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "Strict-Transport-Security" not in response.headers  # plain HTTP: see the HTTPS tests


class InlineCodeFinder(HTMLParser):
    """Collect what a CSP without 'unsafe-inline' would block: inline scripts, styles and handlers."""

    def __init__(self) -> None:
        super().__init__()
        self.blocked: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {name.lower() for name, _value in attrs}
        if tag == "script" and "src" not in names:
            self.blocked.append("<script> without src")
        if tag == "style":
            self.blocked.append("<style> element")
        self.blocked += [f"<{tag} {name}=...>" for name in names if name == "style" or name.startswith("on")]


def inline_code_in(html: str) -> list[str]:
    finder = InlineCodeFinder()
    finder.feed(html)
    return finder.blocked


@pytest.fixture
def shop(creator):
    """A store with a sold product and a draft, an order paid by a logged-in buyer and a pending one."""
    product = sellable_product(store=creator.store, name="Brush Pack")
    ProductFactory(store=creator.store, published_at=None)
    buyer = UserFactory(email="fan@example.com")
    paid = bought(product, buyer.email, buyer=buyer)
    pending = bought(product, "later@example.com", card="4000000000000002")  # declined: stays payable
    return {"creator": creator, "product": product, "buyer": buyer, "paid": paid, "pending": pending}


def anonymous_pages(shop) -> list[str]:
    product, store = shop["product"], shop["creator"].store
    return [
        "/",
        "/product/",
        "/product/?q=brush",
        "/stores",
        f"/store/{store.id}",
        f"/product/{product.id}",
        "/login",
        "/register",
        "/download/fresh-links",
        "/download/not-a-real-token",  # the problem page, 410
        f"/checkout/{shop['pending'].public_id}",
        f"/checkout/{shop['paid'].public_id}/done",
        "/no/such/page",  # 404
    ]


def creator_pages(shop) -> list[str]:
    product, store = shop["product"], shop["creator"].store
    return [
        "/dashboard",
        f"/product/{product.id}/edit",
        "/product/new",
        f"/store/{store.id}/edit",
        f"/store/{store.id}/sales",
        f"/store/{store.id}/discounts",
    ]


def buyer_pages(shop) -> list[str]:
    return ["/library", f"/order/{shop['paid'].public_id}/review"]


def test_every_page_has_the_headers_and_no_inline_script_or_style(client, log_in, shop):
    visits = [(client, path) for path in anonymous_pages(shop)]
    visits += [(log_in(shop["creator"]), path) for path in creator_pages(shop)]
    visits += [(log_in(shop["buyer"]), path) for path in buyer_pages(shop)]

    for visitor, path in visits:
        response = visitor.get(path)
        assert response.status_code == NOT_FOUND_PAGES.get(path, 200), path
        assert response.mimetype == "text/html", path
        assert_security_headers(response)
        assert inline_code_in(response.text) == [], path


def test_the_dashboard_chart_is_drawn_without_style_attributes(log_in, shop):
    html = log_in(shop["creator"]).get("/dashboard").text
    assert "<svg" in html and "<rect" in html
    assert inline_code_in(html) == []


def test_the_checker_finds_inline_code():
    html = '<script>alert(1)</script><p style="color:red" onclick="x()"></p><style>p{}</style>'
    html += '<script src="/a.js"></script>'
    assert sorted(inline_code_in(html)) == sorted(
        ["<script> without src", "<p style=...>", "<p onclick=...>", "<style> element"]
    )


def test_files_redirects_errors_and_json_have_the_headers(app, client, shop):
    with app.test_request_context():
        link = download_url(shop["paid"])
    responses = {
        "download": client.get(link),
        "stylesheet": client.get("/static/css/yumroad.css"),
        "bootstrap": client.get("/bootstrap/static/js/bootstrap.min.js"),
        "redirect": client.get("/dashboard"),
        "method not allowed": client.get("/logout"),
        "health check": client.get("/healthz"),
        "form post": client.post("/login", data={"email": "fan@example.com", "password": PASSWORD}),
    }
    assert {name: response.status_code for name, response in responses.items()} == {
        "download": 200,
        "stylesheet": 200,
        "bootstrap": 200,
        "redirect": 302,
        "method not allowed": 405,
        "health check": 200,
        "form post": 302,
    }
    for response in responses.values():
        assert_security_headers(response)


def test_an_unexpected_error_page_has_the_headers(app, client):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/boom")
    def boom():
        raise RuntimeError("unexpected")

    response = client.get("/boom")
    assert response.status_code == 500
    assert_security_headers(response)


def test_cookies_are_lax_and_not_secure_over_plain_http(client, shop):
    response = client.post("/login", data={"email": "fan@example.com", "password": PASSWORD})
    cookies = response.headers.getlist("Set-Cookie")
    assert cookies
    for cookie in cookies:
        assert "SameSite=Lax" in cookie
        assert "HttpOnly" in cookie
        assert "Secure" not in cookie


@pytest.fixture
def https_app(tmp_path):
    app = make_app(tmp_path, PUBLIC_URL="https://yumroad.example")
    yield app
    drop_everything(app)


def test_over_https_cookies_are_secure_and_hsts_is_sent(https_app):
    with https_app.app_context():
        UserFactory(email="fan@example.com")
    client = https_app.test_client()

    response = client.post("/login", data={"email": "fan@example.com", "password": PASSWORD})

    assert response.status_code == 302
    cookies = response.headers.getlist("Set-Cookie")
    assert [cookie.split("=")[0] for cookie in cookies] == ["session"]
    for cookie in cookies:
        assert "Secure" in cookie
        assert "SameSite=Lax" in cookie
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert client.get("/").headers["Strict-Transport-Security"].startswith("max-age=")


def test_a_request_over_https_gets_hsts_even_if_public_url_says_http(client):
    assert "Strict-Transport-Security" not in client.get("/").headers
    assert client.get("/", base_url="https://localhost").headers["Strict-Transport-Security"].startswith("max-age=")


def test_proxy_headers_are_ignored_unless_proxies_are_trusted(tmp_path):
    direct = make_app(tmp_path / "direct")
    proxied = make_app(tmp_path / "proxied", TRUSTED_PROXIES=1)

    def seen_by(app) -> tuple[str, str]:
        @app.get("/whoami")
        def whoami():
            from flask import request

            return f"{request.remote_addr} {request.scheme}"

        headers = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}
        response = app.test_client().get("/whoami", headers=headers, environ_base={"REMOTE_ADDR": "10.0.0.2"})
        return response.text, response.headers.get("Strict-Transport-Security", "")

    assert seen_by(direct) == ("10.0.0.2 http", "")
    address, hsts = seen_by(proxied)
    assert address == "203.0.113.9 https"
    assert hsts.startswith("max-age=")  # the proxy says the visitor came over HTTPS
    drop_everything(direct)
    drop_everything(proxied)


def test_a_proxy_left_untrusted_is_reported_once(client, caplog):
    with caplog.at_level("WARNING"):
        client.get("/")
        for _ in range(3):
            client.get("/", headers={"X-Forwarded-For": "203.0.113.9"})

    assert caplog.text.count("TRUSTED_PROXIES=0") == 1


def test_stripe_hosts_are_allowed_only_with_stripe():
    config = {"PAYMENT_PROVIDER": "stripe", "STRIPE_JS_URL": "https://js.stripe.com/v3/"}
    directives = dict(part.split(" ", 1) for part in content_security_policy(config).split("; "))

    assert directives["script-src"] == "'self' https://js.stripe.com https://*.js.stripe.com"
    assert directives["frame-src"] == "https://js.stripe.com https://*.js.stripe.com https://hooks.stripe.com"
    assert directives["connect-src"] == "'self' https://js.stripe.com https://api.stripe.com"
    assert directives["style-src"] == "'self'"
    assert "unsafe-inline" not in content_security_policy(config)
    assert "stripe" not in content_security_policy({"PAYMENT_PROVIDER": "test", "STRIPE_JS_URL": "https://x/"})
