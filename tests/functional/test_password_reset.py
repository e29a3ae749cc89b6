"""A forgotten password: a link by email, that works once, for an hour; the same answer for anyone.

CSRF is on in this suite, as in production: every form is sent with its token.
"""

import statistics
import time

import pytest

from tests.account_links import emailed_link, signed_ago, with_a_character_changed, with_values
from tests.apps import drop_everything, make_app
from tests.browser import page, submit_form
from tests.factories import PASSWORD, StoreFactory, UserFactory
from tests.functional.test_rate_limits import assert_too_many_requests
from tests.mailbox import emails_to, sent_emails, text_of
from yumroad.accounts.tokens import LinkPurpose, reset_fingerprint
from yumroad.extensions import db
from yumroad.models import User, utc_now

pytestmark = pytest.mark.csrf

NEW_PASSWORD = "a brand new secret"
SENT = "If an account uses that address, we have sent it a link to choose a new password. It works for an hour."


def ask_for_a_link(client, email: str):
    return submit_form(client, "/reset-password", {"email": email})


def choose(client, link: str, password: str = NEW_PASSWORD, confirm: str | None = None):
    return submit_form(client, link, {"password": password, "confirm": password if confirm is None else confirm})


def reset_link_for(app, client, email: str) -> str:
    ask_for_a_link(client, email)
    return emailed_link(app, email, "/reset-password/")


def user_named(email: str) -> User:
    db.session.expire_all()
    return db.session.scalar(db.select(User).where(User.email == email))


def test_the_login_page_says_where_to_go_when_the_password_is_forgotten(client):
    link = page(client.get("/login")).select_one("main a[href='/reset-password']")
    assert link.text == "Forgot your password?"
    form = page(client.get(link["href"])).select_one("main form[method=post]")
    assert form.select_one("label[for=email]").text == "Email"


def test_a_creator_chooses_a_new_password_from_the_emailed_link_and_is_logged_in(app, client):
    store = StoreFactory(user__email="maya@example.com")
    old_version = store.user.session_version

    asked = ask_for_a_link(client, "Maya@Example.com ")

    assert asked.status_code == 302
    assert asked.location == "/reset-password"
    assert SENT in client.get(asked.location).text
    [email] = emails_to(app, "maya@example.com")
    assert email["Subject"] == "Choose a new Yumroad password"
    assert "works once, for an hour" in text_of(email)
    link = emailed_link(app, "maya@example.com", "/reset-password/")

    form_page = client.get(link)
    assert form_page.status_code == 200
    assert "For the account of maya@example.com" in form_page.text
    saved = choose(client, link)

    assert saved.status_code == 302
    assert saved.location == f"/store/{store.id}"
    home = page(client.get(saved.location))
    assert "Your new password is saved and you are logged in." in home.text
    assert "maya@example.com" in home.select_one("nav").text
    user = user_named("maya@example.com")
    assert user.check_password(NEW_PASSWORD)
    assert not user.check_password(PASSWORD)
    assert user.session_version == old_version + 1


def test_the_new_password_logs_in_and_the_old_one_does_not(app, client):
    UserFactory(email="leo@example.com")
    choose(client, reset_link_for(app, client, "leo@example.com"))

    fresh = app.test_client()
    refused = submit_form(fresh, "/login", {"email": "leo@example.com", "password": PASSWORD})
    assert "Wrong email or password." in refused.text
    assert submit_form(fresh, "/login", {"email": "leo@example.com", "password": NEW_PASSWORD}).status_code == 302


def test_a_reset_ends_every_other_session(app, client, log_in):
    user = UserFactory(email="leo@example.com")
    elsewhere = log_in(user)
    assert "leo@example.com" in page(elsewhere.get("/")).select_one("nav").text

    choose(client, reset_link_for(app, client, "leo@example.com"))

    assert "leo@example.com" not in page(elsewhere.get("/")).select_one("nav").text
    assert elsewhere.get("/library").location == "/login?next=/library"
    assert "leo@example.com" in page(client.get("/")).select_one("nav").text  # the one that reset it


def test_a_reset_stops_the_remember_me_cookie(app, client):
    UserFactory(email="leo@example.com")
    remembered = app.test_client()
    submit_form(remembered, "/login", {"email": "leo@example.com", "password": PASSWORD, "remember": "y"})
    cookie = remembered.get_cookie("remember_token")
    assert only_the_remember_cookie(app, cookie.value).get("/library").status_code == 200

    choose(client, reset_link_for(app, client, "leo@example.com"))

    assert only_the_remember_cookie(app, cookie.value).get("/library").location == "/login?next=/library"


def only_the_remember_cookie(app, value: str):
    """A new browser that has nothing but this "remember me" cookie (its session cookie ended)."""
    browser = app.test_client()
    browser.set_cookie("remember_token", value)
    return browser


def test_following_the_link_confirms_an_unconfirmed_address(app, client):
    UserFactory(email="new@example.com", email_verified_at=None)
    choose(client, reset_link_for(app, client, "new@example.com"))
    assert user_named("new@example.com").is_verified


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"password": "short", "confirm": "short"}, "password", "Use 8 to 128 characters."),
        ({"password": "x" * 129, "confirm": "x" * 129}, "password", "Use 8 to 128 characters."),
        ({"confirm": "something else"}, "confirm", "The passwords do not match."),
        ({"password": "", "confirm": ""}, "password", "Choose a new password."),
    ],
)
def test_the_sign_up_rules_apply_to_the_new_password(app, client, changes, field, message):
    UserFactory(email="leo@example.com")
    link = reset_link_for(app, client, "leo@example.com")

    refused = submit_form(client, link, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD} | changes)

    assert refused.status_code == 200
    html = page(refused)
    assert message in html.select_one(f"#{field} ~ .invalid-feedback").text
    assert html.select_one(f"#{field}")["aria-invalid"] == "true"
    assert user_named("leo@example.com").check_password(PASSWORD)
    assert choose(client, link).status_code == 302  # the link still works


def assert_link_problem(response, status: int, says: str) -> None:
    assert response.status_code == status
    html = page(response)
    assert says in html.select_one("h1").text
    assert html.select_one("main a[href='/reset-password']").text == "Send me a new link"


def test_a_used_link_is_gone(app, client):
    UserFactory(email="leo@example.com")
    link = reset_link_for(app, client, "leo@example.com")
    choose(client, link)

    assert_link_problem(app.test_client().get(link), 410, "This link has already been used")
    assert_link_problem(client.get(link), 410, "This link has already been used")
    assert user_named("leo@example.com").check_password(NEW_PASSWORD)


def test_a_used_link_refuses_a_second_new_password_sent_from_its_form(app, client):
    UserFactory(email="leo@example.com")
    link = reset_link_for(app, client, "leo@example.com")
    other_tab = app.test_client()
    opened = other_tab.get(link)  # opened before the first use, sent after it
    token = page(opened).select_one("input[name=csrf_token]")["value"]

    choose(client, link)
    late = other_tab.post(link, data={"csrf_token": token, "password": "too late now", "confirm": "too late now"})

    assert_link_problem(late, 410, "This link has already been used")
    assert user_named("leo@example.com").check_password(NEW_PASSWORD)


def test_a_link_dies_when_the_password_changes_another_way(app, client, log_in):
    user = UserFactory(email="leo@example.com")
    link = reset_link_for(app, client, "leo@example.com")
    settings = log_in(user)
    changed = submit_form(
        settings,
        "/settings",
        {
            "password_change-current_password": PASSWORD,
            "password_change-password": "changed in settings",
            "password_change-confirm": "changed in settings",
        },
        selector="form[action='/settings/password']",
    )
    assert changed.status_code == 302

    assert_link_problem(client.get(link), 410, "This link has already been used")


def test_a_link_sent_to_an_address_the_account_left_is_gone(app, client):
    """Whoever still reads the old mailbox cannot take the account back with a link sent there."""
    user = UserFactory(email="leo@example.com")
    link = reset_link_for(app, client, "leo@example.com")
    user.email = "leo@new.example.com"
    db.session.commit()

    assert_link_problem(client.get(link), 410, "This link has already been used")


def test_an_expired_link_is_gone(app, client):
    user = UserFactory(email="leo@example.com")
    values = (user.id, reset_fingerprint(user))

    assert (
        client.get(f"/reset-password/{signed_ago(app, LinkPurpose.PASSWORD_RESET, 3500, *values)}").status_code == 200
    )
    expired = client.get(f"/reset-password/{signed_ago(app, LinkPurpose.PASSWORD_RESET, 3601, *values)}")

    assert_link_problem(expired, 410, "This link has expired.")


def test_the_lifetime_is_a_setting(app, client):
    user = UserFactory(email="leo@example.com")
    app.config["PASSWORD_RESET_MAX_AGE"] = 60
    token = signed_ago(app, LinkPurpose.PASSWORD_RESET, 61, user.id, reset_fingerprint(user))
    assert_link_problem(client.get(f"/reset-password/{token}"), 410, "This link has expired.")


def test_a_tampered_link_is_not_found(app, client):
    leo = UserFactory(email="leo@example.com")
    maya = UserFactory(email="maya@example.com")
    link = reset_link_for(app, client, "leo@example.com")
    token = link.rsplit("/", 1)[1]

    assert_link_problem(client.get(f"/reset-password/{with_a_character_changed(token)}"), 404, "not valid")
    maya_token = with_values(token, maya.id, reset_fingerprint(maya))
    assert_link_problem(client.get(f"/reset-password/{maya_token}"), 404, "not valid")
    assert_link_problem(client.get(f"/reset-password/{token[:20]}"), 404, "not valid")
    assert client.get(link).status_code == 200  # the genuine one still works
    assert leo.id != maya.id


def test_a_token_made_for_another_purpose_is_not_a_reset_link(app, client):
    user = UserFactory(email="leo@example.com")
    confirmation = signed_ago(app, LinkPurpose.EMAIL_VERIFICATION, 0, user.id, reset_fingerprint(user))
    assert client.get(f"/reset-password/{confirmation}").status_code == 404


@pytest.mark.parametrize(
    "who",
    [
        {"email_verified_at": None},
        {"suspended_at": utc_now(), "suspension_reason": "Spam."},
        {"deleted_at": utc_now()},
    ],
    ids=["unverified", "suspended", "deleted"],
)
def test_known_unknown_suspended_and_deleted_addresses_get_the_same_answer(app, who):
    UserFactory(email="known@example.com")
    UserFactory(email="other@example.com", **who)

    answers = {}
    for email in ("known@example.com", "nobody@example.com", "other@example.com"):
        client = app.test_client()
        response = ask_for_a_link(client, email)
        shown = client.get(response.location)
        answers[email] = (response.status_code, response.location, page(shown).select_one("main").text)

    assert answers["known@example.com"] == answers["nobody@example.com"]
    assert answers["known@example.com"][0:2] == (302, "/reset-password")
    assert SENT in answers["known@example.com"][2]
    assert answers["other@example.com"] == answers["known@example.com"]
    sent_to = [message["To"] for message in sent_emails(app)]
    if "email_verified_at" in who:  # an unconfirmed address is still the account's: it gets its link
        assert sorted(sent_to) == ["known@example.com", "other@example.com"]
    else:  # a suspended or departed account may not log in: no link
        assert sent_to == ["known@example.com"]


def test_a_suspended_user_cannot_use_a_link_sent_before(app, client):
    UserFactory(email="leo@example.com")
    link = reset_link_for(app, client, "leo@example.com")
    user = user_named("leo@example.com")
    user.suspended_at = utc_now()
    db.session.commit()

    assert_link_problem(client.get(link), 410, "no longer applies")


def test_a_bad_address_is_refused_by_the_form(client):
    refused = ask_for_a_link(client, "not an address")
    assert refused.status_code == 200
    assert "Enter a valid email address" in page(refused).select_one("#email ~ .invalid-feedback").text


def test_asking_takes_as_long_for_an_unknown_address_as_for_a_known_one(app):
    """Timing must not tell who has an account: the request does the same work for anyone."""
    UserFactory(email="known@example.com")
    client = app.test_client()
    token = page(client.get("/reset-password")).select_one("input[name=csrf_token]")["value"]

    def timed(email: str) -> float:
        start = time.perf_counter()
        response = client.post("/reset-password", data={"csrf_token": token, "email": email})
        elapsed = time.perf_counter() - start
        assert response.status_code == 302
        return elapsed

    timed("known@example.com"), timed("nobody@example.com")  # warm up
    known, unknown = [], []
    for _ in range(30):  # interleaved, so that a slow moment of the machine hits both
        known.append(timed("known@example.com"))
        unknown.append(timed("nobody@example.com"))

    difference = abs(statistics.median(known) - statistics.median(unknown))
    assert difference < 0.025, f"known {statistics.median(known):.4f}s, unknown {statistics.median(unknown):.4f}s"


def test_anyone_may_open_the_reset_pages_even_logged_in(app, log_in):
    user = UserFactory(email="leo@example.com")
    client = log_in(user)
    assert client.get("/reset-password").status_code == 200
    assert ask_for_a_link(client, "leo@example.com").location == "/reset-password"
    link = emailed_link(app, "leo@example.com", "/reset-password/")
    assert client.get(link).status_code == 200


def test_a_link_opened_while_logged_in_as_someone_else_logs_in_its_owner(app, log_in):
    UserFactory(email="leo@example.com")
    other = log_in(UserFactory(email="maya@example.com"))
    choose(other, reset_link_for(app, app.test_client(), "leo@example.com"))
    assert "leo@example.com" in page(other.get("/")).select_one("nav").text
    assert user_named("maya@example.com").check_password(PASSWORD)  # untouched


@pytest.fixture
def limited_app(tmp_path):
    app = make_app(tmp_path, RATELIMIT_ENABLED=True, RATELIMIT_PASSWORD_RESET="2 per minute", WTF_CSRF_ENABLED=True)
    yield app
    drop_everything(app)


def test_asking_for_links_is_rate_limited(limited_app):
    client = limited_app.test_client()
    assert ask_for_a_link(client, "a@example.com").status_code == 302
    assert ask_for_a_link(client, "b@example.com").status_code == 302
    assert_too_many_requests(ask_for_a_link(client, "c@example.com"))
    assert client.get("/reset-password").status_code == 200  # opening the form is not counted


def test_choosing_a_password_is_rate_limited(limited_app):
    with limited_app.app_context():
        UserFactory(email="leo@example.com")
    client = limited_app.test_client()
    link = reset_link_for(limited_app, client, "leo@example.com")
    assert choose(client, link, confirm="no match").status_code == 200
    assert choose(client, link, confirm="no match again").status_code == 200
    assert_too_many_requests(choose(client, link))
