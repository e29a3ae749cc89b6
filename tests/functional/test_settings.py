"""The settings page: change the email address (through a link), the password, the store; log out
everywhere. And "remember me": its cookie, its lifetime, and what ends it."""

from datetime import UTC, datetime, timedelta

import pytest

from tests.account_links import emailed_link, signed_ago
from tests.apps import drop_everything, make_app
from tests.browser import field_value, page, submit_form
from tests.database import all_rows
from tests.factories import PASSWORD, StoreFactory, UserFactory, bought, sellable_product
from tests.functional.test_rate_limits import assert_too_many_requests
from tests.mailbox import emails_to, sent_emails, text_of
from yumroad.accounts.tokens import LinkPurpose
from yumroad.extensions import db
from yumroad.models import Store, User

EMAIL_FORM = "form[action='/settings/email']"
PASSWORD_FORM = "form[action='/settings/password']"
STORE_FORM = "form[action='/settings/store']"
EVERYWHERE_FORM = "form[action='/settings/log-out-everywhere']"
NEW_PASSWORD = "a brand new secret"


@pytest.fixture
def maya() -> User:
    return StoreFactory(user__email="maya@example.com", name="Maya's Kits", description="Brushes.").user


def the_user(email: str) -> User | None:
    db.session.expire_all()
    return db.session.scalar(db.select(User).where(User.email == email))


def change_email(client, email: str, password: str = PASSWORD):
    return submit_form(
        client, "/settings", {"email_change-email": email, "email_change-password": password}, selector=EMAIL_FORM
    )


def change_password(client, current: str = PASSWORD, new: str = NEW_PASSWORD, confirm: str | None = None):
    fields = {
        "password_change-current_password": current,
        "password_change-password": new,
        "password_change-confirm": new if confirm is None else confirm,
    }
    return submit_form(client, "/settings", fields, selector=PASSWORD_FORM)


def is_logged_in(client) -> bool:
    return client.get("/library").status_code == 200


# The page.


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/settings"),
        ("post", "/settings/email"),
        ("post", "/settings/password"),
        ("post", "/settings/store"),
        ("post", "/settings/log-out-everywhere"),
    ],
)
def test_settings_need_a_login(client, method, path):
    response = client.open(path, method=method.upper())
    assert response.status_code == 302
    assert response.location == ("/login?next=/settings" if method == "get" else "/login")


def test_the_settings_page_has_a_section_per_setting(log_in, maya):
    html = page(log_in(maya).get("/settings"))

    assert html.select_one("main h1").text == "Settings"
    assert [heading.text for heading in html.select("main h2")] == [
        "Email address",
        "Password",
        "Store",
        "Log out everywhere",
        "Your data",
        "Delete your account",
    ]
    assert "maya@example.com" in html.select_one("section[aria-labelledby=email-heading]").text
    assert "Confirmed" in html.select_one("section[aria-labelledby=email-heading] .badge").text
    assert field_value(html, "#store-name") == "Maya's Kits"
    assert field_value(html, "#store-description") == "Brushes."
    assert html.select_one(f"{EVERYWHERE_FORM} button").text == "Log out everywhere"
    assert html.select_one("section[aria-labelledby=data-heading] a")["href"] == "/settings/export"
    assert html.select_one("section[aria-labelledby=delete-heading] a")["href"] == "/settings/delete"
    ids = [element["id"] for element in html.select("[id]")]
    assert len(ids) == len(set(ids))  # several forms, one page: every field has its own id
    for field in html.select("main input:not([type=hidden]):not([hidden]), main textarea"):
        assert html.select_one(f"label[for='{field['id']}']"), field


def test_the_nav_links_to_the_settings_when_logged_in(client, log_in, maya):
    assert page(log_in(maya).get("/")).select_one("nav a[href='/settings']").text == "Settings"
    assert page(client.get("/")).select_one("nav a[href='/settings']") is None


def test_a_user_without_a_store_has_no_store_section(log_in):
    client = log_in(UserFactory())
    html = page(client.get("/settings"))
    assert html.select_one(STORE_FORM) is None
    assert client.post("/settings/store", data={"store-name": "A New Store"}).status_code == 404


# The email address.


def test_changing_the_email_address_through_a_link_sent_to_the_new_one(app, log_in, maya):
    client = log_in(maya)

    asked = change_email(client, " Maya.New@Example.com")

    assert asked.location == "/settings"
    shown = client.get("/settings").text
    assert "We sent a link to maya.new@example.com: follow it within 24 hours" in shown
    assert "Until then your address stays maya@example.com." in shown
    assert the_user("maya@example.com") is not None  # nothing changes yet
    [confirmation] = sent_emails(app)
    assert confirmation["To"] == "maya.new@example.com"
    assert confirmation["Subject"] == "Confirm your new email address"

    followed = client.get(emailed_link(app, "maya.new@example.com", "/settings/email/"))

    assert followed.location == "/settings"
    assert "Your email address is now maya.new@example.com. We told maya@example.com" in client.get("/settings").text
    user = the_user("maya.new@example.com")
    assert user.id == maya.id
    assert user.is_verified
    [notice] = emails_to(app, "maya@example.com")
    assert notice["Subject"] == "Your Yumroad email address was changed"
    assert "now uses maya.new@example.com" in text_of(notice)
    assert "Was it not you?" in text_of(notice)
    assert is_logged_in(client)
    logged_out = app.test_client()
    assert submit_form(logged_out, "/login", {"email": "maya.new@example.com", "password": PASSWORD}).status_code == 302


def test_the_new_address_counts_as_confirmed_and_brings_its_guest_orders(app, log_in):
    user = StoreFactory(user__email="maya@example.com", user__email_verified_at=None).user
    bought(sellable_product(name="Bought As A Guest"), "maya.new@example.com")
    client = log_in(user)
    change_email(client, "maya.new@example.com")
    client.get(emailed_link(app, "maya.new@example.com", "/settings/email/"))

    assert the_user("maya.new@example.com").is_verified
    assert "Bought As A Guest" in page(client.get("/library")).select_one("main").text


@pytest.mark.parametrize(
    ("email", "password", "field", "message"),
    [
        ("maya.new@example.com", "not my password", "email_change-password", "Wrong password."),
        ("MAYA@example.com", PASSWORD, "email_change-email", "This is already your email address."),
        ("leo@example.com", PASSWORD, "email_change-email", "Another account uses this email address."),
        ("not an address", PASSWORD, "email_change-email", "Enter a valid email address"),
        ("maya.new@example.com", "", "email_change-password", "Enter your password: it shows this is you."),
    ],
)
def test_an_email_change_that_cannot_be_is_refused_by_the_field(app, log_in, maya, email, password, field, message):
    UserFactory(email="leo@example.com")
    client = log_in(maya)

    refused = change_email(client, email, password)

    assert refused.status_code == 200
    html = page(refused)
    assert message in html.select_one(f"#{field} ~ .invalid-feedback").text
    assert html.select_one(f"#{field}")["aria-invalid"] == "true"
    assert field_value(html, "#email_change-email") == email.strip()
    assert not html.select_one("#email_change-password").get("value")
    assert field_value(html, "#store-name") == "Maya's Kits"  # the other sections are as they were
    assert not html.select(f"{PASSWORD_FORM} .is-invalid")
    assert sent_emails(app) == []
    assert the_user("maya@example.com") is not None


def email_change_link(app, user: User, new_email: str, seconds_ago: int = 0) -> str:
    token = signed_ago(app, LinkPurpose.EMAIL_CHANGE, seconds_ago, user.id, user.email, new_email)
    return f"/settings/email/{token}"


def test_an_old_link_fails_after_another_change(app, log_in, maya):
    client = log_in(maya)
    change_email(client, "first@example.com")
    change_email(client, "second@example.com")
    first = emailed_link(app, "first@example.com", "/settings/email/")
    client.get(emailed_link(app, "second@example.com", "/settings/email/"))

    refused = client.get(first)

    assert refused.status_code == 410
    html = page(refused)
    assert "an email address your account no longer uses" in html.select_one("h1").text
    assert html.select_one("main a[href='/settings']")
    assert the_user("second@example.com").id == maya.id
    assert the_user("first@example.com") is None


def test_a_link_whose_new_address_was_taken_meanwhile(app, log_in, maya):
    client = log_in(maya)
    change_email(client, "wanted@example.com")
    UserFactory(email="wanted@example.com")

    refused = client.get(emailed_link(app, "wanted@example.com", "/settings/email/"))

    assert refused.status_code == 409
    assert "wanted@example.com is now used by another account" in page(refused).select_one("h1").text
    assert the_user("maya@example.com").id == maya.id


def test_an_expired_or_tampered_email_change_link(app, client, maya):
    assert client.get(email_change_link(app, maya, "new@example.com", seconds_ago=24 * 3600 + 1)).status_code == 410
    assert "expired" in page(client.get(email_change_link(app, maya, "new@example.com", 90000))).text
    forged = email_change_link(app, maya, "new@example.com")[:-3] + "abc"
    assert client.get(forged).status_code == 404
    assert the_user("maya@example.com") is not None


def test_anyone_who_follows_the_link_changes_the_address_of_its_account_only(app, log_in, maya):
    other = log_in(UserFactory(email="leo@example.com"))

    followed = other.get(email_change_link(app, maya, "maya.new@example.com"))

    assert followed.location.startswith("/login")
    assert the_user("maya.new@example.com").id == maya.id
    assert the_user("leo@example.com") is not None


def test_asking_for_email_changes_is_rate_limited(tmp_path):
    app = make_app(tmp_path, RATELIMIT_ENABLED=True, RATELIMIT_ACCOUNT_EMAILS="2 per minute")
    with app.app_context():
        email = UserFactory().email
    client = app.test_client()
    submit_form(client, "/login", {"email": email, "password": PASSWORD})
    assert change_email(client, "one@example.com").status_code == 302
    assert change_email(client, "two@example.com").status_code == 302
    assert_too_many_requests(change_email(client, "three@example.com"))
    drop_everything(app)


# The password.


def test_changing_the_password_ends_the_other_sessions_but_not_this_one(app, log_in, maya):
    client, elsewhere = log_in(maya), log_in(maya)

    changed = change_password(client)

    assert changed.location == "/settings"
    assert "You are still logged in here; every other session has ended." in client.get("/settings").text
    assert is_logged_in(client)
    assert not is_logged_in(elsewhere)
    assert the_user("maya@example.com").check_password(NEW_PASSWORD)
    fresh = app.test_client()
    assert "Wrong email or password." in submit_form(fresh, "/login", {"email": maya.email, "password": PASSWORD}).text
    assert submit_form(fresh, "/login", {"email": maya.email, "password": NEW_PASSWORD}).status_code == 302


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"current": "not it"}, "password_change-current_password", "Wrong password."),
        ({"current": ""}, "password_change-current_password", "Enter your current password."),
        ({"new": "short"}, "password_change-password", "Use 8 to 128 characters."),
        ({"confirm": "something else"}, "password_change-confirm", "The passwords do not match."),
    ],
)
def test_a_password_change_that_cannot_be_is_refused_by_the_field(log_in, maya, fields, field, message):
    client, elsewhere = log_in(maya), log_in(maya)

    refused = change_password(client, **fields)

    assert refused.status_code == 200
    html = page(refused)
    assert message in html.select_one(f"#{field} ~ .invalid-feedback").text
    assert not html.select_one("#password_change-password").get("value")  # passwords are never sent back
    assert field_value(html, "#store-name") == "Maya's Kits"
    assert the_user("maya@example.com").check_password(PASSWORD)
    assert is_logged_in(elsewhere)


def test_a_remembered_login_stays_remembered_after_a_password_change(app, maya):
    client = remembered_client(app, maya.email)
    change_password(client)
    cookie = client.get_cookie("remember_token")
    assert is_logged_in(only_the_remember_cookie(app, cookie.value))


# The store.


def test_editing_the_store_from_the_settings(log_in, maya):
    client = log_in(maya)
    saved = submit_form(
        client,
        "/settings",
        {"store-name": "Maya's Brushes", "store-description": "Brushes, textures."},
        selector=STORE_FORM,
    )
    assert saved.location == "/settings"
    assert "Your store is saved." in client.get("/settings").text
    [store] = all_rows(Store)
    assert (store.name, store.description) == ("Maya's Brushes", "Brushes, textures.")


def test_a_bad_store_name_is_refused_with_the_other_sections_intact(log_in, maya):
    client = log_in(maya)
    refused = submit_form(client, "/settings", {"store-name": "ab", "store-description": "Kept."}, selector=STORE_FORM)

    assert refused.status_code == 200
    html = page(refused)
    assert "at least 4 characters" in html.select_one("#store-name ~ .invalid-feedback").text
    assert field_value(html, "#store-description") == "Kept."
    assert field_value(html, "#email_change-email") == ""
    assert all_rows(Store)[0].name == "Maya's Kits"


def test_the_store_page_edit_form_still_works(log_in, maya):
    client = log_in(maya)
    store_id = maya.store.id
    assert submit_form(client, f"/store/{store_id}/edit", {"name": "Renamed Kits"}).location == f"/store/{store_id}"
    assert all_rows(Store)[0].name == "Renamed Kits"


# Logging out everywhere, and "remember me".


def remembered_client(app, email: str, remember: bool = True):
    client = app.test_client()
    fields = {"email": email, "password": PASSWORD, "remember": "y" if remember else None}
    assert submit_form(client, "/login", fields).status_code == 302
    return client


def only_the_remember_cookie(app, value: str):
    """A new browser that has nothing but this "remember me" cookie (its session cookie ended)."""
    browser = app.test_client()
    browser.set_cookie("remember_token", value)
    return browser


def test_the_remember_cookie_is_set_only_when_asked(app, maya):
    assert remembered_client(app, maya.email, remember=False).get_cookie("remember_token") is None
    assert remembered_client(app, maya.email).get_cookie("remember_token") is not None


def test_the_remember_cookie_lasts_remember_cookie_duration_and_logs_in_alone(app, maya):
    assert app.config["REMEMBER_COOKIE_DURATION"] == timedelta(days=30)
    cookie = remembered_client(app, maya.email).get_cookie("remember_token")

    lifetime = cookie.expires - datetime.now(UTC)
    assert timedelta(days=30) - timedelta(minutes=1) < lifetime <= timedelta(days=30)
    assert cookie.http_only
    browser = only_the_remember_cookie(app, cookie.value)
    assert is_logged_in(browser)
    assert "maya@example.com" in page(browser.get("/")).select_one("nav").text


def test_logging_out_everywhere(app, log_in, maya):
    client, elsewhere = log_in(maya), log_in(maya)
    remembered = remembered_client(app, maya.email).get_cookie("remember_token").value

    response = submit_form(client, "/settings", {}, selector=EVERYWHERE_FORM)

    assert response.location == "/login"
    assert "You are logged out everywhere: on this device and every other." in client.get("/login").text
    assert not is_logged_in(client)
    assert not is_logged_in(elsewhere)
    assert not is_logged_in(only_the_remember_cookie(app, remembered))
    assert log_in(maya).get("/library").status_code == 200  # logging in again works


def test_logging_out_everywhere_is_a_post(log_in, maya):
    assert log_in(maya).get("/settings/log-out-everywhere").status_code == 405


@pytest.mark.csrf
def test_every_settings_form_needs_its_token(log_in, maya):
    client = log_in(maya)
    for path in ("/settings/email", "/settings/password", "/settings/store", "/settings/log-out-everywhere"):
        assert client.post(path).status_code == 400, path
    assert is_logged_in(client)
    assert submit_form(client, "/settings", {"store-name": "With A Token"}, selector=STORE_FORM).status_code == 302
    assert change_password(client).status_code == 302
    assert change_email(client, "new@example.com", NEW_PASSWORD).status_code == 302
    assert submit_form(client, "/settings", {}, selector=EVERYWHERE_FORM).location == "/login"
