"""The load test's visitors (run by bench/load_test.py): they browse, sign up and buy in test mode.

Each visitor is a browser of its own (its own cookies). A purchase counts as *paid* once the test-mode
payment page sends the buyer to the order's thank-you page; the public ids of those orders, and of every
order whose buy POST answered, are written to LOAD_ORDERS_FILE at the end, for the database check.
"""

import json
import os
import random
import re
import threading
import uuid
from typing import ClassVar

from locust import HttpUser, between, events, task

CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|value="([^"]+)" name="csrf_token"')
ORDER_PATH = re.compile(r"/checkout/([A-Za-z0-9_-]+)$")
PRODUCT_LINK = re.compile(r'href="/product/(\d+)"')
STORE_LINK = re.compile(r'href="/store/(\d+)"')
SEARCHES = ["guide", "pack", "brush", "template", "python", "zzz"]
SUCCESS_CARD = "4242 4242 4242 4242"

lock = threading.Lock()
seen: dict[str, set[str]] = {"started": set(), "paid": set()}


def csrf_token(html: str) -> str:
    found = CSRF.search(html)
    if found is None:
        raise ValueError("no CSRF token on the page")
    return found.group(1) or found.group(2)


class Visitor(HttpUser):
    wait_time = between(0.2, 1.0)
    product_ids: ClassVar[list[str]] = []  # shared by every visitor: read once from the listings
    store_ids: ClassVar[list[str]] = []

    def on_start(self) -> None:
        listing = self.client.get("/product/", name="/product/").text
        Visitor.product_ids = Visitor.product_ids or PRODUCT_LINK.findall(listing)
        stores = self.client.get("/stores", name="/stores").text
        Visitor.store_ids = Visitor.store_ids or STORE_LINK.findall(stores)

    @task(10)
    def browse(self) -> None:
        self.client.get("/", name="/")
        self.client.get(f"/product/?q={random.choice(SEARCHES)}", name="/product/?q=")
        if Visitor.store_ids:
            self.client.get(f"/store/{random.choice(Visitor.store_ids)}", name="/store/<id>")
        if Visitor.product_ids:
            self.client.get(f"/product/{random.choice(Visitor.product_ids)}", name="/product/<id>")

    @task(1)
    def sign_up(self) -> None:
        form = self.client.get("/register", name="/register")
        if form.status_code != 200:
            return
        email = f"load-{uuid.uuid4().hex[:12]}@example.com"
        fields = {"email": email, "password": "load-test-password", "confirm": "load-test-password"}
        fields |= {"store_name": f"Load {email[5:13]}", "csrf_token": csrf_token(form.text)}
        self.client.post("/register", data=fields, name="/register POST", allow_redirects=False)
        self.client.cookies.clear()  # back to a visitor who is not logged in

    @task(3)
    def buy(self) -> None:
        if not Visitor.product_ids:
            return
        product_id = random.choice(Visitor.product_ids)
        page = self.client.get(f"/product/{product_id}", name="/product/<id>")
        if page.status_code != 200 or "/buy" not in page.text:
            return
        email = f"buyer-{uuid.uuid4().hex[:12]}@example.com"
        bought = self.client.post(
            f"/product/{product_id}/buy",
            data={"csrf_token": csrf_token(page.text), "email": email, "discount_code": ""},
            name="/product/<id>/buy",
            allow_redirects=False,
        )
        order = ORDER_PATH.search(bought.headers.get("Location", ""))
        if order is None:
            return
        with lock:
            seen["started"].add(order.group(1))
        pay_page = self.client.get(bought.headers["Location"], name="/checkout/<order>")
        if pay_page.status_code != 200:
            return
        fields = {"csrf_token": csrf_token(pay_page.text), "card_number": SUCCESS_CARD, "expiry": "12/34", "cvc": "123"}
        paid = self.client.post(
            bought.headers["Location"], data=fields, name="/checkout/<order> POST", allow_redirects=False
        )
        if paid.status_code in (302, 303) and "/done" in paid.headers.get("Location", ""):
            with lock:
                seen["paid"].add(order.group(1))


@events.test_stop.add_listener
def write_orders(**_: object) -> None:
    path = os.environ.get("LOAD_ORDERS_FILE")
    if path:
        with open(path, "w") as orders_file:
            json.dump({name: sorted(ids) for name, ids in seen.items()}, orders_file)
