"""Pay what you want, and discount codes: what the buyer sees before paying is what they pay."""

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest

from tests.apps import drop_everything, make_app, shared_database_uri
from tests.browser import field_value, page, submit_form
from tests.database import all_rows, count_rows
from tests.factories import ProductFactory, StoreFactory, bought, give_file, sellable_product
from yumroad.checkout.providers import TEST_CARD_DECLINED
from yumroad.checkout.services import start_purchase
from yumroad.discounts.services import PENDING_HOLD, InvalidDiscount, create_discount
from yumroad.extensions import db
from yumroad.models import DiscountCode, Order, OrderStatus, Product, utc_now

BUY_FORM = "form[action$='/buy']"


def buy(client, product, **fields):
    return submit_form(client, f"/product/{product.id}", {"email": "buyer@example.com", **fields}, selector=BUY_FORM)


# --- pay what you want ------------------------------------------------------------------------


@pytest.fixture
def pwyw(creator):
    return sellable_product(
        store=creator.store, name="Name Your Price", price_cents=500, pay_what_you_want=True, suggested_price_cents=1500
    )


def test_a_creator_sets_a_minimum_and_a_suggested_price(log_in, creator):
    product = give_file(ProductFactory(store=creator.store))
    response = submit_form(
        log_in(creator),
        f"/product/{product.id}/edit",
        {"price": "3", "pay_what_you_want": "y", "suggested_price": "10"},
    )
    assert response.status_code == 302
    [saved] = all_rows(type(product))
    assert (saved.price_cents, saved.pay_what_you_want, saved.suggested_price_cents) == (300, True, 1000)


def test_the_suggested_price_cannot_be_below_the_minimum(log_in, creator):
    product = ProductFactory(store=creator.store)
    response = submit_form(
        log_in(creator),
        f"/product/{product.id}/edit",
        {"price": "10", "pay_what_you_want": "y", "suggested_price": "5"},
    )
    assert "cannot be below the price" in page(response).select_one("#suggested_price ~ .invalid-feedback").text


def test_the_buy_box_offers_the_suggested_price(client, pwyw):
    html = page(client.get(f"/product/{pwyw.id}"))
    assert field_value(html, f"{BUY_FORM} #amount") == "15.00"
    assert "At least $5." in html.select_one(BUY_FORM).text
    assert "$5+" in html.select_one(".price-tag").text


def test_the_buyer_pays_what_they_typed(client, pwyw):
    response = buy(client, pwyw, amount="7.25")
    [order] = all_rows(Order)
    assert order.amount_cents == 725
    assert "$7.25" in page(client.get(response.location)).select_one(".price-tag").text


def test_an_amount_under_the_minimum_is_refused_and_kept(client, pwyw):
    html = page(buy(client, pwyw, amount="4.99"))
    assert "Pay at least $5." in html.select_one("#amount ~ .invalid-feedback").text
    assert field_value(html, f"{BUY_FORM} #amount") == "4.99"
    assert count_rows(Order) == 0


def test_a_fixed_price_ignores_a_typed_amount(client):
    product = sellable_product(price_cents=1000)
    client.post(f"/product/{product.id}/buy", data={"email": "buyer@example.com", "amount": "0.01"})
    assert all_rows(Order)[0].amount_cents == 1000


# --- discount codes ----------------------------------------------------------------------------


def code(store, **options) -> DiscountCode:
    defaults = {"code": "launch20", "percent_off": 20, "amount_off_cents": None}
    settings = defaults | options
    return create_discount(
        store, settings.pop("code"), settings.pop("percent_off"), settings.pop("amount_off_cents"), **settings
    )


def test_a_code_takes_its_share_off_and_is_shown_before_paying(client, creator):
    product = sellable_product(store=creator.store, price_cents=2000)
    code(creator.store)

    response = buy(client, product, discount_code=" Launch20 ")

    [order] = all_rows(Order)
    assert (order.amount_cents, order.discount_cents, order.discount_code.code) == (1600, 400, "LAUNCH20")
    pay_page = page(client.get(response.location))
    assert "$16" in pay_page.select_one(".price-tag").text
    assert "Discount LAUNCH20: \N{MINUS SIGN}$4" in pay_page.text
    assert "Pay $16" in pay_page.select_one("form button").text


def test_an_amount_code_never_goes_below_zero_and_then_it_is_free(app, client, creator):
    product = sellable_product(store=creator.store, price_cents=500)
    code(creator.store, code="GIFT", percent_off=None, amount_off_cents=1000)
    response = buy(client, product, discount_code="gift")
    [order] = all_rows(Order)
    assert (order.amount_cents, order.status, order.provider) == (0, OrderStatus.PAID, "free")
    assert response.location.endswith("/done")


@pytest.mark.parametrize(
    ("options", "typed", "message"),
    [
        ({}, "NOPE", "does not exist in this store"),
        ({"starts_at": utc_now() + timedelta(days=1)}, "LAUNCH20", "not valid yet"),
        ({"expires_at": utc_now() - timedelta(seconds=1)}, "LAUNCH20", "has expired"),
    ],
)
def test_codes_that_do_not_apply_get_a_clear_message(client, creator, options, typed, message):
    product = sellable_product(store=creator.store)
    code(creator.store, **options)
    html = page(buy(client, product, discount_code=typed))
    assert message in html.select_one("#discount_code ~ .invalid-feedback").text
    assert html.select_one(f"{BUY_FORM} details[open]")
    assert count_rows(Order) == 0


def test_a_code_for_one_product_does_not_work_on_another(client, creator):
    one, other = sellable_product(store=creator.store), sellable_product(store=creator.store)
    code(creator.store, product=one)
    assert "for another product" in buy(client, other, discount_code="LAUNCH20").text
    assert buy(client, one, discount_code="LAUNCH20").status_code == 302


def test_a_code_of_another_store_does_not_exist_here(client, creator):
    code(StoreFactory())
    assert (
        "does not exist in this store"
        in buy(client, sellable_product(store=creator.store), discount_code="LAUNCH20").text
    )


def test_only_paid_orders_and_recent_unpaid_ones_use_up_a_code(client, creator):
    product = sellable_product(store=creator.store)
    code(creator.store, max_uses=1)
    long_ago = utc_now() - PENDING_HOLD - timedelta(minutes=1)  # a hold that is over
    declined = bought(product, "first@example.com", card=TEST_CARD_DECLINED)
    declined.discount_code, declined.created_at = all_rows(DiscountCode)[0], long_ago
    db.session.commit()
    abandoned = start_purchase(product, None, "second@example.com", discount_code="LAUNCH20")
    abandoned.created_at = long_ago
    db.session.commit()
    bought(product, "third@example.com")  # no code: does not count

    assert buy(client, product, discount_code="LAUNCH20").status_code == 302  # the one use
    assert "has been used up" in buy(client, product, discount_code="LAUNCH20").text


def test_the_limit_holds_under_concurrent_purchases(tmp_path):
    # A shared database and threads: each purchase in its own connection, as in a real server.
    app = make_app(tmp_path, SQLALCHEMY_DATABASE_URI=shared_database_uri(tmp_path))
    with app.app_context():
        store = StoreFactory()
        product_id = sellable_product(store=store, price_cents=1000).id
        code(store, max_uses=3)

    def try_to_buy(number: int) -> bool:
        with app.app_context():
            product = db.session.get(Product, product_id)
            try:
                start_purchase(product, None, f"buyer{number}@example.com", discount_code="LAUNCH20")
            except InvalidDiscount:
                return False
            return True

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(try_to_buy, range(12)))

    assert results.count(True) == 3
    with app.app_context():
        assert count_rows(Order) == 3
    drop_everything(app)


# --- managing codes ----------------------------------------------------------------------------


def test_the_owner_creates_and_deletes_codes(log_in, creator):
    client = log_in(creator)
    product = sellable_product(store=creator.store, name="Brush Pack")
    url = f"/store/{creator.store.id}/discounts"
    assert "No discount codes yet" in client.get(url).text

    response = submit_form(
        client,
        url,
        {"code": "spring-5", "kind": "amount", "amount_off": "5", "product_id": str(product.id), "max_uses": "10"},
        selector="#new-code",
    )

    assert response.location == url
    [created] = all_rows(DiscountCode)
    assert (created.code, created.amount_off_cents, created.percent_off, created.product_id, created.max_uses) == (
        "SPRING-5",
        500,
        None,
        product.id,
        10,
    )
    row = page(client.get(url)).select_one("tbody tr")
    assert [cell.text.strip() for cell in row.select("td")][:5] == [
        "SPRING-5",
        "$5 off",
        "Brush Pack",
        "always",
        "0 / 10",
    ]

    submit_form(client, url, {}, selector=f"form[action='{url}/{created.id}/delete']")
    assert count_rows(DiscountCode) == 0


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"code": "ab"}, "code", "Use 3 to 40 characters."),
        ({"code": "no spaces!"}, "code", "letters, digits"),
        ({"kind": "percent", "percent_off": ""}, "percent_off", "Enter the percentage off."),
        ({"kind": "percent", "percent_off": "150"}, "percent_off", "Between 1 and 100."),
        ({"kind": "amount", "amount_off": ""}, "amount_off", "Enter the amount off"),
        ({"starts_at": "2027-01-02T00:00", "expires_at": "2027-01-01T00:00"}, "expires_at", "expire after it starts"),
        ({"max_uses": "0"}, "max_uses", "From 1 to 1,000,000."),
        ({"max_uses": "99999999999999999999"}, "max_uses", "From 1 to 1,000,000."),
    ],
)
def test_bad_codes_are_refused_with_a_message(log_in, creator, fields, field, message):
    url = f"/store/{creator.store.id}/discounts"
    response = submit_form(log_in(creator), url, {"code": "GOOD", "percent_off": "10"} | fields, selector="#new-code")
    assert message in page(response).select_one(f"#{field} ~ .invalid-feedback").text
    assert count_rows(DiscountCode) == 0


def test_a_code_is_unique_per_store_in_any_case(log_in, creator):
    code(creator.store)
    response = submit_form(
        log_in(creator),
        f"/store/{creator.store.id}/discounts",
        {"code": "Launch20", "percent_off": "5"},
        selector="#new-code",
    )
    assert "already has this code" in response.text
    code(StoreFactory())  # another store may have it


def test_only_the_owner_manages_codes(client, log_in, creator):
    discount = code(creator.store)
    url = f"/store/{creator.store.id}/discounts"
    assert client.get(url).location == f"/login?next={url}"
    stranger = log_in(StoreFactory().user)
    assert stranger.get(url).status_code == 403
    assert stranger.post(url, data={"code": "HACK", "percent_off": "100"}).status_code == 403
    assert stranger.post(f"{url}/{discount.id}/delete").status_code == 404
    assert client.post(f"{url}/{discount.id}/delete").location == "/login"
    assert count_rows(DiscountCode) == 1


def test_a_used_code_is_ended_rather_than_deleted(client, log_in, creator):
    product = sellable_product(store=creator.store)
    discount = code(creator.store)
    buy(client, product, discount_code="LAUNCH20")
    url = f"/store/{creator.store.id}/discounts"
    owner = log_in(creator)

    response = submit_form(owner, url, {}, selector=f"form[action='{url}/{discount.id}/delete']")

    assert "has ended" in owner.get(response.location).text
    [ended] = all_rows(DiscountCode)
    assert ended.expires_at is not None
    assert all_rows(Order)[0].discount_code_id == ended.id
    assert "has expired" in buy(client, product, discount_code="LAUNCH20").text


def test_a_declined_order_keeps_its_use_while_the_buyer_retries(client, creator):
    product = sellable_product(store=creator.store)
    code(creator.store, max_uses=1)
    first = buy(client, product, discount_code="LAUNCH20").location
    submit_form(client, first, {"card_number": "4000000000000002"})  # declined

    assert "has been used up" in buy(client, product, discount_code="LAUNCH20").text  # someone else

    assert submit_form(client, first, {"card_number": "4242424242424242"}).location == f"{first}/done"
    assert [order.status for order in all_rows(Order)] == [OrderStatus.PAID]


def test_a_code_that_takes_nothing_off_uses_nothing_up(client, creator):
    free = sellable_product(store=creator.store, price_cents=0)
    paid = sellable_product(store=creator.store, price_cents=1000)
    code(creator.store, max_uses=1)
    buy(client, free, discount_code="LAUNCH20")
    assert all_rows(Order)[0].discount_code_id is None
    assert buy(client, paid, discount_code="LAUNCH20").status_code == 302
