"""Confirming an email address: the link in the welcome email, the banner until then, publishing
waiting for it, and the guest orders of a confirmed address in its owner's library."""

import io

import pytest

from tests.account_links import emailed_link, emailed_links, signed_ago, with_a_character_changed, with_values
from tests.apps import drop_everything, make_app
from tests.browser import page, submit_form
from tests.database import all_rows
from tests.factories import PASSWORD, ProductFactory, StoreFactory, UserFactory, bought, give_file, sellable_product
from tests.functional.test_rate_limits import assert_too_many_requests
from tests.mailbox import emails_to, text_of
from yumroad.accounts.tokens import LinkPurpose
from yumroad.extensions import db
from yumroad.models import Order, Product, Review, User, utc_now

SIGN_UP = {"email": "maya@example.com", "password": "brushes and paint", "confirm": "brushes and paint"}
MUST_CONFIRM = "Confirm your email address before publishing: we sent a link to maya@example.com."


def sign_up(client, email: str = "maya@example.com"):
    return submit_form(client, "/register", SIGN_UP | {"email": email, "store_name": "Maya's Kits"})


def the_user(email: str = "maya@example.com") -> User:
    db.session.expire_all()
    return db.session.scalar(db.select(User).where(User.email == email))


def banner(response):
    return page(response).select_one("#verification-banner")


@pytest.fixture
def unverified(creator) -> User:
    creator.email = "maya@example.com"
    creator.email_verified_at = None
    db.session.commit()
    return creator


@pytest.fixture
def draft(unverified) -> Product:
    return give_file(ProductFactory(store=unverified.store, name="Brush Pack", published_at=None))


def verification_link(user: User, app, seconds_ago: int = 0) -> str:
    return f"/verify-email/{signed_ago(app, LinkPurpose.EMAIL_VERIFICATION, seconds_ago, user.id, user.email)}"


def test_signing_up_sends_the_link_in_the_welcome_email_and_following_it_confirms(app, client):
    sign_up(client)
    user = the_user()
    assert not user.is_verified
    [welcome] = emails_to(app, "maya@example.com")
    assert welcome["Subject"] == "Welcome to Yumroad"
    assert "confirm your email address" in text_of(welcome)
    assert "the link works for 7 days" in text_of(welcome)
    link = emailed_link(app, "maya@example.com", "/verify-email/")

    followed = client.get(link)

    assert followed.status_code == 302
    assert followed.location == f"/store/{user.store.id}"
    shown = client.get(followed.location)
    assert "Thank you: maya@example.com is confirmed. You can publish your products now." in shown.text
    assert banner(shown) is None
    assert the_user().is_verified


def test_an_unconfirmed_user_sees_why_on_every_page_with_a_button_for_the_link(log_in, unverified):
    client = log_in(unverified)
    for path in ("/", "/library", "/settings", "/product/new", f"/store/{unverified.store.id}"):
        shown = banner(client.get(path))
        assert shown is not None, path
        assert MUST_CONFIRM in shown.text
        form = shown.select_one("form[method=post][action='/verify-email/resend']")
        assert form.select_one("button").text == "Send the link again"
        assert form.select_one("input[name=next]")["value"] == path


def test_no_banner_for_a_confirmed_user_nor_a_visitor(client, log_in, creator):
    assert banner(log_in(creator).get("/")) is None
    assert banner(client.get("/")) is None


def test_an_unconfirmed_creator_makes_and_edits_drafts_but_cannot_publish_them(log_in, unverified):
    client = log_in(unverified)
    assert "you can publish it once your email address is confirmed" in client.get("/product/new").text
    created = submit_form(
        client, "/product/new", {"name": "Brush Pack", "price": "5", "file": (io.BytesIO(b"PK"), "brushes.zip")}
    )
    [product] = all_rows(Product)
    assert created.location == f"/product/{product.id}"
    edited = submit_form(client, f"/product/{product.id}/edit", {"name": "Brush Pack Deluxe"})
    assert edited.location == f"/product/{product.id}"
    assert "you can publish it once your email address is confirmed" in client.get(f"/product/{product.id}/edit").text
    assert MUST_CONFIRM in page(client.get(f"/product/{product.id}")).select_one("main .bg-light").text

    refused = client.post(f"/product/{product.id}/publish")

    assert refused.location == f"/product/{product.id}"
    assert f"Not published yet. {MUST_CONFIRM}" in client.get(refused.location).text
    [product] = all_rows(Product)
    assert product.name == "Brush Pack Deluxe"
    assert not product.is_published


def test_once_confirmed_the_creator_publishes(app, log_in, unverified, draft):
    client = log_in(unverified)
    client.post(f"/product/{draft.id}/publish")
    assert not all_rows(Product)[0].is_published

    client.get(verification_link(unverified, app))
    published = client.post(f"/product/{draft.id}/publish")

    assert "is published" in client.get(published.location).text
    assert all_rows(Product)[0].is_published


def test_a_signed_up_creator_confirms_then_publishes_through_the_pages(app, client):
    sign_up(client)
    submit_form(client, "/product/new", {"name": "Brush Pack", "price": "5", "file": (io.BytesIO(b"PK"), "b.zip")})
    [product] = all_rows(Product)
    submit_form(client, f"/product/{product.id}", {}, selector=f"form[action='/product/{product.id}/publish']")
    assert not all_rows(Product)[0].is_published

    client.get(emailed_link(app, "maya@example.com", "/verify-email/"))
    submit_form(client, f"/product/{product.id}", {}, selector=f"form[action='/product/{product.id}/publish']")

    assert all_rows(Product)[0].is_published


def test_following_the_link_again_says_it_is_already_confirmed(app, log_in, unverified):
    client = log_in(unverified)
    link = verification_link(unverified, app)
    client.get(link)

    again = client.get(link)

    assert again.location == f"/store/{unverified.store.id}"
    assert "maya@example.com is already confirmed: nothing more to do." in client.get(again.location).text


def test_a_visitor_who_follows_the_link_confirms_the_address_and_is_asked_to_log_in(app, client, unverified):
    followed = client.get(verification_link(unverified, app))

    assert followed.location == f"/login?next=/store/{unverified.store.id}"
    assert "maya@example.com is confirmed" in client.get(followed.location).text
    assert the_user().is_verified


def test_another_user_following_the_link_confirms_its_owner_only(app, log_in, unverified):
    other = UserFactory(email="leo@example.com", email_verified_at=None)
    client = log_in(other)

    followed = client.get(verification_link(unverified, app))

    assert followed.location.startswith("/login")
    assert the_user("maya@example.com").is_verified
    assert not the_user("leo@example.com").is_verified


def assert_link_problem(response, status: int, says: str):
    assert response.status_code == status
    html = page(response)
    assert says in html.select_one("h1").text
    return html


def test_an_expired_link_offers_a_new_one_to_its_logged_in_user(app, log_in, unverified):
    client = log_in(unverified)
    app.config["EMAIL_VERIFICATION_MAX_AGE"] = 3600
    assert client.get(verification_link(unverified, app, seconds_ago=3500)).status_code == 302
    unverified = the_user()
    unverified.email_verified_at = None
    db.session.commit()

    html = assert_link_problem(client.get(verification_link(unverified, app, 3601)), 410, "This link has expired.")

    resend = html.select_one("main form[action='/verify-email/resend']")
    assert resend.select_one("button").text == "Send the link again"
    assert resend.select_one("input[name=next]")["value"] == ""  # home afterwards, not back to the dead link
    assert html.select_one("#verification-banner") is None  # one button is enough
    assert not the_user().is_verified


def test_a_bad_link_asks_a_visitor_to_log_in(app, client, unverified):
    token = verification_link(unverified, app).rsplit("/", 1)[1]
    html = assert_link_problem(client.get(f"/verify-email/{with_a_character_changed(token)}"), 404, "not valid")
    assert html.select_one("main a[href='/login']")
    assert html.select_one("main form[action='/verify-email/resend']") is None


def test_a_tampered_link_confirms_nobody(app, client, unverified):
    other = UserFactory(email="leo@example.com", email_verified_at=None)
    token = verification_link(unverified, app).rsplit("/", 1)[1]

    assert client.get(f"/verify-email/{with_values(token, other.id, other.email)}").status_code == 404
    assert client.get(f"/verify-email/{with_values(token, other.id, unverified.email)}").status_code == 404
    assert not the_user("leo@example.com").is_verified
    assert not the_user("maya@example.com").is_verified


def test_a_link_for_an_address_the_account_no_longer_uses_does_not_confirm_the_new_one(app, client, unverified):
    link = verification_link(unverified, app)
    unverified.email = "new.address@example.com"
    db.session.commit()

    assert_link_problem(client.get(link), 410, "an email address your account no longer uses")
    assert not the_user("new.address@example.com").is_verified


def test_a_link_of_a_deleted_account_is_gone(app, client, unverified):
    link = verification_link(unverified, app)
    unverified.deleted_at = utc_now()
    db.session.commit()
    assert client.get(link).status_code == 410


def test_sending_the_link_again(app, log_in, unverified):
    client = log_in(unverified)
    sent = submit_form(client, "/library", {}, selector="#verification-banner form")

    assert sent.location == "/library"
    assert "We sent a new link to maya@example.com. It works for 7 days." in client.get("/library").text
    [email] = emails_to(app, "maya@example.com")
    assert email["Subject"] == "Confirm your email address"
    client.get(emailed_link(app, "maya@example.com", "/verify-email/"))
    assert the_user().is_verified


def test_sending_the_link_again_goes_back_only_to_a_page_of_this_site(app, log_in, unverified):
    client = log_in(unverified)
    assert client.post("/verify-email/resend", data={"next": "https://evil.example/"}).location == (
        f"/store/{unverified.store.id}"
    )


def test_a_confirmed_user_is_sent_no_link(app, log_in, creator):
    client = log_in(creator)
    answer = client.post("/verify-email/resend", data={"next": "/library"})
    assert "is already confirmed" in client.get(answer.location).text
    assert emails_to(app, creator.email) == []


def test_sending_the_link_again_needs_a_login_and_a_post(client):
    assert client.post("/verify-email/resend").location == "/login"
    assert client.get("/verify-email/resend").status_code == 404  # no such link


@pytest.mark.csrf
def test_sending_the_link_again_needs_the_forms_token(app, log_in, unverified):
    client = log_in(unverified)
    assert client.post("/verify-email/resend").status_code == 400
    assert submit_form(client, "/", {}, selector="#verification-banner form").status_code == 302
    assert len(emails_to(app, "maya@example.com")) == 1


def test_sending_the_link_again_is_rate_limited(tmp_path):
    app = make_app(tmp_path, RATELIMIT_ENABLED=True, RATELIMIT_ACCOUNT_EMAILS="2 per minute")
    with app.app_context():
        user = UserFactory(email_verified_at=None)
        email = user.email
    client = app.test_client()
    submit_form(client, "/login", {"email": email, "password": PASSWORD})
    assert client.post("/verify-email/resend").status_code == 302
    assert client.post("/verify-email/resend").status_code == 302
    assert_too_many_requests(client.post("/verify-email/resend"))
    drop_everything(app)


# Guest orders: bought without logging in, with the address of an account.


def library_names(client) -> list[str]:
    return [row.select_one("p").text.strip() for row in page(client.get("/library")).select("main .list-group-item")]


def test_guest_orders_of_an_address_join_its_library_once_it_is_confirmed(app, log_in):
    buyer = UserFactory(email="fan@example.com", email_verified_at=None)
    bought(sellable_product(name="Bought As A Guest"), "FAN@example.com")
    bought(sellable_product(name="Declined"), "fan@example.com", card="4000000000000002")
    bought(sellable_product(name="Someone Else's"), "other@example.com")
    client = log_in(buyer)
    assert library_names(client) == []  # anyone can sign up with someone else's address

    client.get(verification_link(buyer, app))

    assert library_names(client) == ["Bought As A Guest"]
    assert {order.buyer_id for order in all_rows(Order)} == {buyer.id, None}


def test_a_guest_order_paid_after_the_address_is_confirmed_joins_the_library(log_in):
    buyer = UserFactory(email="fan@example.com")
    bought(sellable_product(name="Bought Later"), "fan@example.com")
    assert library_names(log_in(buyer)) == ["Bought Later"]


def test_an_unconfirmed_account_never_gets_guest_orders(log_in):
    buyer = UserFactory(email="fan@example.com", email_verified_at=None)
    bought(sellable_product(name="Bought Later"), "fan@example.com")
    assert library_names(log_in(buyer)) == []
    assert all_rows(Order)[0].buyer_id is None


def test_the_buyer_reviews_a_guest_order_of_their_confirmed_address(app, log_in):
    buyer = UserFactory(email="fan@example.com", email_verified_at=None)
    order = bought(sellable_product(name="Bought As A Guest"), "fan@example.com")
    client = log_in(buyer)
    assert client.get(f"/order/{order.public_id}/review").status_code == 404  # not theirs yet

    client.get(verification_link(buyer, app))
    reviewed = submit_form(client, f"/order/{order.public_id}/review", {"rating": "5", "body": "Great."})

    assert reviewed.status_code == 302
    [review] = all_rows(Review)
    assert (review.author_id, review.rating) == (buyer.id, 5)


def test_a_password_reset_confirms_the_address_and_brings_its_guest_orders(app, client):
    UserFactory(email="fan@example.com", email_verified_at=None)
    bought(sellable_product(name="Bought As A Guest"), "fan@example.com")
    submit_form(client, "/reset-password", {"email": "fan@example.com"})
    link = emailed_link(app, "fan@example.com", "/reset-password/")
    submit_form(client, link, {"password": "a new password", "confirm": "a new password"})

    assert library_names(client) == ["Bought As A Guest"]


def test_only_one_link_per_sign_up(app, client):
    sign_up(client)
    assert len(emailed_links(app, "maya@example.com", "/verify-email/")) == 1


def test_the_store_of_a_new_creator_stays_open_while_unconfirmed(client):
    store = StoreFactory(user__email_verified_at=None)
    assert client.get(f"/store/{store.id}").status_code == 200
