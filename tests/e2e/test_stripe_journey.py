"""The Stripe payment page in the browser, against localstripe and its Stripe.js stand-in.

The stand-in mounts a card form and runs `confirmCardPayment` as a 3-D Secure check (a modal to
complete or fail), but does not make a PaymentMethod from the typed card. So the test puts a card that
asks for 3-D Secure on the PaymentIntent through localstripe's API, as Stripe.js would, and the buyer
does the rest in the page: types the card, pays, authenticates, and lands on the order's page, which
turns to "Thank you!" once localstripe's webhook has paid the order.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.apps import drop_everything, make_app, shared_database_uri
from tests.database import all_rows
from tests.e2e.journeys import find_by_search
from tests.localstripe import attach_card, send_webhooks_to, stripe_api, stripe_settings
from tests.mailbox import emails_to
from tests.servers import wait_until
from yumroad.models import Order, OrderStatus

CARD_ASKING_FOR_3D_SECURE = "4000002760003184"


@pytest.fixture
def app(tmp_path, localstripe):
    app = make_app(
        tmp_path,
        SQLALCHEMY_DATABASE_URI=shared_database_uri(tmp_path),
        WTF_CSRF_ENABLED=True,
        **stripe_settings(localstripe),
    )
    yield app
    drop_everything(app)


@pytest.fixture(autouse=True)
def _webhooks(localstripe, live_url):
    send_webhooks_to(localstripe, live_url)


@pytest.fixture(autouse=True)
def _stand_in_quirks(windows):
    """The stand-in declares a global class `Element`, hiding the DOM's, so Bootstrap's selector
    helper fails on the payment page (real Stripe.js does not); its 3-D Secure call answers 400 when
    the payment is refused, which the browser logs."""
    windows.tolerated += [
        re.compile(r"reading 'call'\)\s+at Object\.find \(\S+/bootstrap\.min\.js"),
        re.compile(r"status of 400 .*\(http://127\.0\.0\.1:\d+/v1/payment_intents/\w+/_authenticate"),
    ]


def start_card_payment(page, look, localstripe, listed_product, *, card_accepted: bool = True) -> Order:
    """Find the product, buy it as a guest, type a card on the Stripe page (which Stripe takes, or not)."""
    find_by_search(page, look, "watercolour", listed_product["name"])
    page.get_by_label("Email").last.fill("guest@example.com")
    page.get_by_role("button", name="Buy for").click()
    card = page.locator("#card-element")
    expect(card.get_by_placeholder("number")).to_be_visible()  # the stand-in's card form is mounted
    look(page, "pay-with-stripe")
    [order] = all_rows(Order)
    card.get_by_placeholder("number").fill(CARD_ASKING_FOR_3D_SECURE)
    for placeholder, value in (("exp_month", "12"), ("exp_year", "34"), ("cvc", "123"), ("postal_code", "10001")):
        card.get_by_placeholder(placeholder).fill(value)
    if card_accepted:
        attach_card(localstripe, order.provider_reference, CARD_ASKING_FOR_3D_SECURE)
        confirmed = stripe_api(localstripe, "POST", f"payment_intents/{order.provider_reference}/confirm")
        assert confirmed["status"] == "requires_action"
    return order


def test_a_guest_pays_on_the_stripe_page(app, page, look, localstripe, listed_product):
    order = start_card_payment(page, look, localstripe, listed_product)

    page.get_by_role("button", name="Pay").click()
    expect(page.get_by_role("button", name="Pay")).to_be_disabled()
    page.get_by_role("button", name="Complete authentication").click()

    expect(page.get_by_role("heading", name="Thank you!")).to_be_visible(timeout=15_000)
    look(page, "paid-with-stripe")
    assert [row.status for row in all_rows(Order)] == [OrderStatus.PAID]
    wait_until(lambda: emails_to(app, "guest@example.com"), message="the receipt is sent")  # after the commit
    assert [message["Subject"] for message in emails_to(app, "guest@example.com")] == [
        f"Your receipt: {listed_product['name']}"
    ]
    assert order.public_id in page.url


def test_a_refused_payment_shows_stripes_answer_and_lets_the_buyer_try_again(
    app, page, look, localstripe, listed_product
):
    start_card_payment(page, look, localstripe, listed_product, card_accepted=False)

    page.get_by_role("button", name="Pay").click()
    page.get_by_role("button", name="Complete authentication").click()  # Stripe answers with an error

    expect(page.locator("#card-errors")).not_to_be_empty()
    expect(page.get_by_role("button", name="Pay")).to_be_enabled()
    look(page, "stripe-declined")
    assert [row.status for row in all_rows(Order)] == [OrderStatus.PENDING]
    assert "/done" not in page.url
