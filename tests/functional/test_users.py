import pytest

from tests.browser import field_value, page, submit_form
from tests.database import count_rows
from tests.factories import PASSWORD, StoreFactory, UserFactory
from yumroad.extensions import db
from yumroad.models import Store, User

GOOD_SIGN_UP = {
    "email": "Maya@Example.com",
    "password": "brushes and paint",
    "confirm": "brushes and paint",
    "store_name": "Maya's Kits",
}


def test_sign_up_makes_the_user_and_store_logs_in_and_shows_the_store(client):
    response = submit_form(client, "/register", GOOD_SIGN_UP)

    user = db.session.scalar(db.select(User))
    assert user.email == "maya@example.com"
    assert user.store.name == "Maya's Kits"
    assert response.status_code == 302
    assert response.location == f"/store/{user.store.id}"

    store_page = client.get(response.location)
    assert "Your store “Maya&#39;s Kits” is open." in store_page.text
    assert "maya@example.com" in page(store_page).select_one("nav").text
    assert "Create your first product" in store_page.text


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"confirm": "something else"}, "confirm", "The passwords do not match."),
        ({"email": "not-an-email"}, "email", "Enter a valid email address"),
        ({"email": ""}, "email", "Enter your email address."),
        ({"password": "short", "confirm": "short"}, "password", "Use 8 to 128 characters."),
        ({"store_name": "abc"}, "store_name", "at least 4 characters"),
        ({"store_name": "   ab   "}, "store_name", "at least 4 characters"),
        ({"store_name": "x" * 81}, "store_name", "at most 80 characters"),
    ],
)
def test_sign_up_with_bad_input_shows_the_message_by_the_field_and_keeps_the_input(client, changes, field, message):
    response = submit_form(client, "/register", GOOD_SIGN_UP | changes)

    assert response.status_code == 200
    html = page(response)
    feedback = html.select_one(f"#{field} ~ .invalid-feedback")
    assert message in feedback.text
    assert "is-invalid" in html.select_one(f"#{field}")["class"]
    for kept in ("email", "store_name"):
        assert field_value(html, f"#{kept}") == (GOOD_SIGN_UP | changes)[kept].strip()
    assert not html.select_one("#password").get("value")  # passwords are never sent back
    assert count_rows(User) == 0
    assert count_rows(Store) == 0


def test_sign_up_with_a_registered_email_in_other_letters_is_refused(client):
    UserFactory(email="maya@example.com")

    response = submit_form(client, "/register", GOOD_SIGN_UP | {"email": "MAYA@example.COM"})

    assert response.status_code == 200
    assert "This email is already registered" in page(response).select_one("#email ~ .invalid-feedback").text
    assert count_rows(User) == 1
    assert count_rows(Store) == 0


def test_log_in_goes_to_the_users_store(client):
    store = StoreFactory(user__email="leo@example.com")

    response = submit_form(client, "/login", {"email": " LEO@example.com", "password": PASSWORD})

    assert response.status_code == 302
    assert response.location == f"/store/{store.id}"
    assert "You are logged in." in client.get(response.location).text


def test_log_in_with_a_wrong_password_keeps_the_email(client):
    UserFactory(email="leo@example.com")

    response = submit_form(client, "/login", {"email": "leo@example.com", "password": "not it"})

    html = page(response)
    assert response.status_code == 200
    assert "Wrong email or password." in html.text
    assert html.select_one("#email")["value"] == "leo@example.com"
    assert "Log out" not in html.text


def test_log_in_with_an_unknown_email_says_the_same(client):
    response = submit_form(client, "/login", {"email": "ghost@example.com", "password": PASSWORD})
    assert "Wrong email or password." in response.text


def test_log_in_with_empty_fields(client):
    response = submit_form(client, "/login", {"email": "", "password": ""})
    assert "Enter your email address." in response.text
    assert "Enter your password." in response.text


def test_log_in_honours_a_same_site_next(client, creator):
    response = submit_form(client, "/login?next=/product/new", {"email": creator.email, "password": PASSWORD})
    assert response.location == "/product/new"


@pytest.mark.parametrize(
    "next_page", ["https://evil.example/", "//evil.example/x", "/\\evil.example", "/x%0ASet-Cookie:%20a=1", "/%09/evil"]
)
def test_log_in_ignores_a_next_on_another_site(client, creator, next_page):
    response = submit_form(client, f"/login?next={next_page}", {"email": creator.email, "password": PASSWORD})
    assert response.location == f"/store/{creator.store.id}"


def test_a_logged_in_user_is_sent_home_from_the_login_and_sign_up_pages(log_in, creator):
    client = log_in(creator)
    assert client.get("/login").location == f"/store/{creator.store.id}"
    assert client.get("/register").location == f"/store/{creator.store.id}"
    assert client.get("/login?next=/product/new").location == "/product/new"
    assert client.get("/login?next=//evil.example").location == f"/store/{creator.store.id}"


def test_a_user_without_a_store_is_sent_to_the_landing_page(log_in):
    client = log_in(UserFactory())
    assert client.get("/login").location == "/"


def test_log_out_is_a_post_button_in_the_nav(log_in, creator):
    client = log_in(creator)
    nav = page(client.get("/"))
    assert nav.select_one("nav form[action='/logout'][method=post] button").text.strip() == "Log out"

    assert client.get("/logout").status_code == 405
    response = client.post("/logout")
    assert response.location == "/"
    assert "You are logged out." in client.get("/").text
    assert client.get("/product/new").location == "/login?next=/product/new"


def test_log_out_when_anonymous_asks_to_log_in(client):
    assert client.post("/logout").location.startswith("/login")


def test_two_users_at_once_do_not_see_each_other(log_in):
    maya = StoreFactory(user__email="maya@example.com").user
    leo = StoreFactory(user__email="leo@example.com").user
    maya_client, leo_client = log_in(maya), log_in(leo)

    assert "maya@example.com" in page(maya_client.get("/")).select_one("nav").text
    assert "leo@example.com" in page(leo_client.get("/")).select_one("nav").text
    assert "maya@example.com" not in page(leo_client.get("/")).select_one("nav").text
