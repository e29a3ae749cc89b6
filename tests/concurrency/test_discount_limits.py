"""A discount code with a limit, and more buyers than uses at the same moment: the limit holds."""

import requests

from tests.concurrency.races import race
from tests.database import all_rows
from tests.factories import StoreFactory, sellable_product
from tests.postgres import postgres_only
from yumroad.discounts.services import create_discount
from yumroad.models import Order

pytestmark = postgres_only

BUYERS = 8
MAX_USES = 3


def test_concurrent_purchases_never_take_more_uses_than_the_code_has(live_app):
    store = StoreFactory()
    product_id = sellable_product(store=store, price_cents=1000).id  # read here: racers have no session
    discount_id = create_discount(store, "LAUNCH20", percent_off=20, amount_off_cents=None, max_uses=MAX_USES).id

    def buyer(number: int):
        def buy() -> tuple[int, bool]:
            response = requests.post(
                f"{live_app}/product/{product_id}/buy",
                data={"email": f"buyer{number}@example.com", "discount_code": "launch20"},
                allow_redirects=False,
                timeout=30,
            )
            return response.status_code, "This code has been used up." in response.text

        return buy

    results = race(
        [buyer(number) for number in range(BUYERS)],
        holding="SELECT id FROM discount_code WHERE id = :id FOR UPDATE",
        id=discount_id,
    )

    assert sorted(results) == [(200, True)] * (BUYERS - MAX_USES) + [(302, False)] * MAX_USES
    orders = all_rows(Order)
    assert len(orders) == MAX_USES
    assert {order.discount_code_id for order in orders} == {discount_id}
    assert {order.amount_cents for order in orders} == {800}
