"""Leaving: exporting one's data, deleting one's account, and what buyers keep afterwards."""

import json
import os
from datetime import timedelta
from types import SimpleNamespace

import pytest

from tests.browser import field_value, page, submit_form
from tests.database import all_rows
from tests.factories import PASSWORD, ProductFactory, StoreFactory, UserFactory, bought, give_file, sellable_product
from tests.images import image_file
from tests.mailbox import emails_to, links_in, path_of, text_of
from yumroad.checkout.providers import TEST_CARD_SUCCEEDS
from yumroad.checkout.services import pay_in_test_mode, start_purchase
from yumroad.extensions import db
from yumroad.leaving.services import UNPAID_ORDER_GRACE
from yumroad.models import DiscountCode, Order, OrderStatus, Product, Review, Store, User, utc_now
from yumroad.pictures import pictures_folder, save_picture, stored_filename
from yumroad.product_files import file_path
from yumroad.reviews.services import save_review
from yumroad.stores.services import sales_totals

DELETE = "/settings/delete"
EXPORT = "/settings/export"


def delete_account_of(client, email: str, password: str = PASSWORD):
    return submit_form(client, DELETE, {"email": email, "password": password})


def receipt_link(app, email: str, product: Product) -> str:
    """The download link in the receipt this buyer got for this product."""
    [receipt] = [message for message in emails_to(app, email) if message["Subject"] == f"Your receipt: {product.name}"]
    return next(path_of(link) for link in links_in(receipt) if "/download/" in link)


def move_paid_at_back(order: Order, days: int) -> None:
    db.session.execute(db.update(Order).where(Order.id == order.id).values(paid_at=utc_now() - timedelta(days=days)))
    db.session.commit()


@pytest.fixture
def shop(app):
    """Maya, a creator who also buys and reviews; her buyer Leo; what she sells and what she bought."""
    maya = StoreFactory(user__email="maya@example.com", name="Maya's Kits", description="Brushes by Maya").user
    leo = UserFactory(email="leo@example.com")
    sold = give_file(ProductFactory(store=maya.store, name="Sold Brushes"), b"sold goods", "sold.zip")
    sold.picture = save_picture(image_file())
    unsold = give_file(ProductFactory(store=maya.store, name="Unsold Brushes"), b"unsold goods", "unsold.zip")
    free_text = ProductFactory(store=maya.store, name="Free Recipe", price_cents=0, description="Mix and bake.")
    db.session.add_all(
        [
            DiscountCode(store=maya.store, code="USED10", percent_off=10),
            DiscountCode(store=maya.store, code="NEVERUSED", percent_off=20),
        ]
    )
    db.session.commit()
    sale = start_purchase(sold, leo, leo.email, discount_code="USED10")
    pay_in_test_mode(sale, TEST_CARD_SUCCEEDS)
    bought(free_text, leo.email, leo)
    elsewhere = sellable_product(name="Other Store Ebook")
    purchase = bought(elsewhere, maya.email, maya)
    save_review(purchase, 2, "Not for me, says Maya.")
    save_review(bought(elsewhere, "reader@example.com", UserFactory(email="reader@example.com")), 4, "Good")
    return SimpleNamespace(
        maya=maya,
        leo=leo,
        sold=sold,
        unsold=unsold,
        free_text=free_text,
        sale=sale,
        elsewhere=elsewhere,
        purchase=purchase,
        picture=sold.picture,
        sold_file=sold.file,
        unsold_file=unsold.file,
    )


@pytest.mark.parametrize(("method", "path"), [("GET", EXPORT), ("GET", DELETE), ("POST", DELETE)])
def test_anonymous_visitors_are_sent_to_log_in(client, method, path):
    response = client.open(path, method=method)
    assert response.status_code == 302
    assert response.location == f"/login?next={path}"


# Exporting


def test_the_export_holds_the_users_data_and_no_other_buyers_email(log_in, shop):
    response = log_in(shop.maya).get(EXPORT)

    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"] == f'attachment; filename="yumroad-data-{utc_now():%Y-%m-%d}.json"'
    assert "no-store" in response.headers["Cache-Control"]
    data = json.loads(response.text)
    assert data["account"]["email"] == "maya@example.com"
    assert data["account"]["email_verified"] is True
    assert data["store"]["name"] == "Maya's Kits"
    assert data["store"]["description"] == "Brushes by Maya"
    products = {product["name"]: product for product in data["products"]}
    assert set(products) == {"Sold Brushes", "Unsold Brushes", "Free Recipe"}
    assert products["Sold Brushes"]["price"] == {"amount": "12.50", "currency": "USD"}
    assert products["Sold Brushes"]["file"] == {"name": "sold.zip", "size": len(b"sold goods")}
    assert products["Free Recipe"]["file"] is None
    assert products["Free Recipe"]["description"] == "Mix and bake."
    [purchase] = data["purchases"]
    assert purchase["product"] == "Other Store Ebook"
    assert (purchase["amount"], purchase["currency"], purchase["status"]) == ("12.50", "USD", "paid")
    assert purchase["store"] == shop.elsewhere.store.name
    [review] = data["reviews"]
    assert (review["product"], review["rating"], review["text"]) == ("Other Store Ebook", 2, "Not for me, says Maya.")
    sales = sorted((sale["product"], sale["amount"], sale["status"]) for sale in data["sales"])
    assert sales == [("Free Recipe", "0.00", "paid"), ("Sold Brushes", "11.25", "paid")]
    # Other people's data stays out: the buyers' emails, and the files themselves.
    assert "leo@example.com" not in response.text
    assert "reader@example.com" not in response.text
    assert "sold goods" not in response.text


def test_the_export_of_a_buyer_shows_their_discount(log_in, shop):
    [purchase] = json.loads(log_in(shop.leo).get(EXPORT).text)["purchases"][:1]
    assert purchase["product"] == "Sold Brushes"
    assert purchase["discount"] == {"code": "USED10", "amount": "1.25", "currency": "USD"}
    assert purchase["email"] == "leo@example.com"


def test_the_export_costs_the_same_queries_however_much_data(log_in, count_queries):
    counts = []
    for size in (1, 6):
        user = StoreFactory().user
        for _ in range(size):
            product = give_file(ProductFactory(store=user.store))
            bought(product, f"buyer{product.id}@example.com")
            save_review(bought(sellable_product(), user.email, user), 5, "Great")
        client = log_in(user)
        with count_queries() as statements:
            response = client.get(EXPORT)
        assert len(json.loads(response.text)["purchases"]) == size
        counts.append(len(statements))

    assert counts == [5, 5]  # the logged-in user, then products, purchases, reviews and sales


# Refusing


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"email": "someone@example.com"}, "email", "This is not this account's email: type maya@example.com"),
        ({"email": ""}, "email", "Type your email address to confirm."),
        ({"password": "not it"}, "password", "Wrong password."),
        ({"password": ""}, "password", "Enter your password."),
    ],
)
def test_a_wrong_confirmation_refuses_and_keeps_the_account(app, log_in, shop, changes, field, message):
    client = log_in(shop.maya)

    response = submit_form(client, DELETE, {"email": "maya@example.com", "password": PASSWORD} | changes)

    assert response.status_code == 200
    html = page(response)
    assert message in html.select_one(f"#{field} ~ .invalid-feedback").text
    assert field_value(html, "#email") == ({"email": "maya@example.com"} | changes)["email"]
    assert not html.select_one("#password").get("value")
    [maya] = [user for user in all_rows(User) if user.id == shop.maya.id]
    assert (maya.email, maya.deleted_at) == ("maya@example.com", None)
    assert client.get(f"/store/{shop.maya.store.id}").status_code == 200
    assert "Your Yumroad account is deleted" not in [message["Subject"] for message in emails_to(app, maya.email)]


def test_the_page_says_what_goes_and_what_stays(app, log_in, shop):
    html = page(log_in(shop.maya).get(DELETE))
    assert html.select_one("h1").text == "Delete your account"
    headings = [heading.text for heading in html.select("main h2")]
    assert headings == ["What is removed", "What is kept, and why"]
    assert "Maya's Kits" in html.text
    assert "Tax and accounting law" in html.text
    assert f"{app.config['DOWNLOAD_WINDOW_DAYS']} days after paying" in html.text
    assert html.select_one(f"main a[href='{EXPORT}']")
    assert html.select_one("label[for=email]").text == "Type your email to confirm"


# Deleting


@pytest.mark.csrf
def test_deleting_with_the_form_and_its_token_logs_out_and_says_goodbye(app, log_in, shop):
    client = log_in(shop.maya)
    other_device = log_in(shop.maya)
    assert client.post(DELETE, data={"email": "maya@example.com", "password": PASSWORD}).status_code == 400
    assert all_rows(User)[0].deleted_at is None

    response = delete_account_of(client, "MAYA@example.com ")

    assert response.location == "/"
    home = client.get("/")
    assert "Your account is deleted." in home.text
    assert "Log out" not in home.text
    assert other_device.get(DELETE).location == f"/login?next={DELETE}"  # every session is gone
    [goodbye] = [message for message in emails_to(app, "maya@example.com") if "deleted" in message["Subject"]]
    assert goodbye["Subject"] == "Your Yumroad account is deleted"
    assert "1 of your products' files" in text_of(goodbye)  # the one a buyer paid for
    assert "without your email or name" in text_of(goodbye)


def test_the_account_is_anonymised_and_the_email_free_again(client, log_in, shop):
    delete_account_of(log_in(shop.maya), "maya@example.com")

    maya = db.session.get(User, shop.maya.id)
    db.session.refresh(maya)
    assert maya.email == f"deleted-user-{maya.id}@deleted.invalid"
    assert maya.deleted_at is not None
    assert (maya.email_verified_at, maya.is_staff, maya.session_version) == (None, False, 2)
    assert not maya.check_password(PASSWORD)
    refused = submit_form(client, "/login", {"email": "maya@example.com", "password": PASSWORD})
    assert "Wrong email or password." in refused.text
    signed_up = submit_form(
        client,
        "/register",
        {"email": "maya@example.com", "password": "a new start", "confirm": "a new start", "store_name": "Maya Again"},
    )
    assert signed_up.status_code == 302
    assert db.session.scalar(db.select(User).where(User.email == "maya@example.com")).store.name == "Maya Again"


def test_the_store_and_products_leave_with_their_pictures_and_unneeded_files(client, log_in, shop):
    picture_paths = [os.path.join(pictures_folder(), stored_filename(shop.picture, size)) for size in ("full", "card")]
    assert all(os.path.exists(path) for path in picture_paths)

    delete_account_of(log_in(shop.maya), "maya@example.com")

    assert client.get(f"/store/{shop.maya.store.id}").status_code == 404
    for product in (shop.sold, shop.unsold, shop.free_text):
        assert client.get(f"/product/{product.id}").status_code == 404
    assert "Sold Brushes" not in client.get("/product/?q=brushes").text
    assert not any(os.path.exists(path) for path in picture_paths)
    assert not os.path.exists(file_path(shop.unsold_file))
    assert os.path.exists(file_path(shop.sold_file))  # Leo paid for it
    [store] = all_rows(Store)[:1]
    assert (store.name, store.description) == ("Closed store", "")
    products = {product.name: product for product in all_rows(Product)}
    for name in ("Sold Brushes", "Unsold Brushes", "Free Recipe"):
        assert products[name].deleted_at is not None
        assert products[name].published_at is None
        assert products[name].picture is None
    assert products["Sold Brushes"].description == ""
    assert products["Free Recipe"].description == "Mix and bake."  # what its buyer got
    assert (products["Unsold Brushes"].file, products["Unsold Brushes"].file_original_name) == (None, None)
    assert [code.code for code in all_rows(DiscountCode)] == ["USED10"]  # Leo's order used it


def test_a_buyer_still_downloads_and_sees_it_in_the_library(app, log_in, shop):
    delete_account_of(log_in(shop.maya), "maya@example.com")
    leo = log_in(shop.leo)

    download = leo.get(receipt_link(app, "leo@example.com", shop.sold), buffered=True)

    assert download.status_code == 200
    assert download.data == b"sold goods"
    library = page(leo.get("/library"))
    rows = {row.select_one("p").text.strip(): row for row in library.select("main .list-group-item")}
    assert set(rows) == {"Sold Brushes", "Free Recipe"}
    ends = (shop.sale.paid_at + timedelta(days=app.config["DOWNLOAD_WINDOW_DAYS"])).strftime("%B %-d, %Y")
    assert f"The creator closed their store: downloads end on {ends}." in rows["Sold Brushes"].text
    assert leo.get(rows["Sold Brushes"].select_one("a[href*='/download/']")["href"], buffered=True).status_code == 200


def test_the_sales_records_stay_without_the_creators_data(log_in, shop):
    delete_account_of(log_in(shop.maya), "maya@example.com")

    sales = [order for order in all_rows(Order) if order.product.creator_id == shop.maya.id]
    assert sorted((order.product.name, order.amount_cents, order.currency, order.status) for order in sales) == [
        ("Free Recipe", 0, "USD", OrderStatus.PAID),
        ("Sold Brushes", 1125, "USD", OrderStatus.PAID),
    ]
    for order in sales:
        assert order.paid_at is not None
        assert order.product.creator.email == f"deleted-user-{shop.maya.id}@deleted.invalid"
        assert order.product.store.name == "Closed store"
        assert order.buyer_email == "leo@example.com"  # the buyer's own record, not the creator's data


def test_what_the_creator_bought_and_reviewed_loses_their_name(log_in, shop):
    assert shop.elsewhere.rating_count == 2

    delete_account_of(log_in(shop.maya), "maya@example.com")

    purchase = db.session.get(Order, shop.purchase.id)
    db.session.refresh(purchase)
    assert (purchase.buyer_id, purchase.buyer_email) == (None, "deleted-buyer@deleted.invalid")
    assert (purchase.amount_cents, purchase.status) == (1250, OrderStatus.PAID)
    assert [review.body for review in all_rows(Review)] == ["Good"]
    elsewhere = db.session.get(Product, shop.elsewhere.id)
    assert (elsewhere.rating_count, elsewhere.rating_average) == (1, 4.0)


def test_a_staff_member_must_have_staff_access_revoked_first(log_in):
    staff = StoreFactory(user__email="staff@example.com", user__is_staff=True).user

    refused = delete_account_of(log_in(staff), "staff@example.com")

    assert refused.status_code == 200
    assert "Staff accounts cannot be deleted" in page(refused).select_one("#email ~ .invalid-feedback").text
    [user] = all_rows(User)
    assert (user.email, user.is_staff, user.is_deleted) == ("staff@example.com", True, False)


def test_another_accounts_orders_with_this_address_are_left_alone(log_in):
    """Leo bought as leo@..., then moved his account to a new address; whoever confirms leo@... later
    neither exports nor anonymises Leo's purchases."""
    leo = UserFactory(email="leo@example.com")
    leos_order = bought(sellable_product(name="Leo's Ebook"), "leo@example.com", leo)
    leo.email = "leo@new.example.com"
    db.session.commit()
    newcomer = UserFactory(email="leo@example.com")
    guest_order = bought(sellable_product(name="Guest Ebook"), "leo@example.com")

    exported = json.loads(log_in(newcomer).get(EXPORT).data)
    assert [purchase["product"] for purchase in exported["purchases"]] == ["Guest Ebook"]

    delete_account_of(log_in(newcomer), "leo@example.com")
    db.session.expire_all()
    assert (leos_order.buyer_id, leos_order.buyer_email) == (leo.id, "leo@example.com")
    assert guest_order.buyer_email == "deleted-buyer@deleted.invalid"


# After the download window


def test_after_the_window_the_download_ends_and_the_command_removes_the_file(app, log_in, shop):
    link = receipt_link(app, "leo@example.com", shop.sold)
    delete_account_of(log_in(shop.maya), "maya@example.com")
    days = app.config["DOWNLOAD_WINDOW_DAYS"]
    move_paid_at_back(shop.sale, days + 3)  # Leo paid long ago,
    db.session.get(User, shop.maya.id).deleted_at = utc_now() - timedelta(days=30)  # and Maya left a month ago
    db.session.commit()
    runner = app.test_cli_runner()

    ended = log_in(shop.leo).get(link)

    assert ended.status_code == 410
    paid_at = db.session.get(Order, shop.sale.id).paid_at
    ended_on = (paid_at + timedelta(days=days)).strftime("%B %-d, %Y")
    assert page(ended).select_one("h1").text == (
        f"The creator closed their store, and the downloads of this purchase ended on {ended_on}."
    )
    assert not page(ended).select_one("form[action='/download/fresh-links']")
    assert "Download" not in page(log_in(shop.leo).get("/library")).select_one("main .list-group").text
    assert runner.invoke(args=["remove-expired-files"]).output == "Removed 1 file.\n"
    assert not os.path.exists(file_path(shop.sold_file))
    assert db.session.get(Product, shop.sold.id).file is None
    assert log_in(shop.leo).get(link).status_code == 410
    assert runner.invoke(args=["remove-expired-files"]).output == "Removed 0 files.\n"


def test_a_purchase_older_than_the_window_ends_when_the_creator_leaves(app, log_in, shop):
    link = receipt_link(app, "leo@example.com", shop.sold)
    move_paid_at_back(shop.sale, app.config["DOWNLOAD_WINDOW_DAYS"] + 100)

    delete_account_of(log_in(shop.maya), "maya@example.com")

    assert not os.path.exists(file_path(shop.sold_file))  # no buyer needed it: removed at once
    ended = log_in(shop.leo).get(link)
    assert ended.status_code == 410
    assert f"ended on {utc_now():%B %-d, %Y}." in page(ended).select_one("h1").text  # when she left


def test_fresh_links_leave_out_purchases_whose_downloads_ended(app, client, log_in, shop):
    other = bought(sellable_product(name="Still Here"), "leo@example.com")
    delete_account_of(log_in(shop.maya), "maya@example.com")
    move_paid_at_back(shop.sale, app.config["DOWNLOAD_WINDOW_DAYS"] + 1)

    submit_form(client, "/download/fresh-links", {"email": "leo@example.com"})

    fresh = emails_to(app, "leo@example.com")[-1]
    assert fresh["Subject"] == "Your Yumroad download links"
    assert "Still Here" in text_of(fresh)
    assert "Sold Brushes" not in text_of(fresh)
    assert db.session.get(Order, other.id).download_link_version == 2


def test_the_command_keeps_files_a_buyer_still_needs(app, log_in, shop):
    move_paid_at_back(shop.sale, app.config["DOWNLOAD_WINDOW_DAYS"] - 1)
    delete_account_of(log_in(shop.maya), "maya@example.com")

    assert app.test_cli_runner().invoke(args=["remove-expired-files"]).output == "Removed 0 files.\n"
    assert os.path.exists(file_path(shop.sold_file))


def test_the_files_of_creators_still_here_are_never_removed(app):
    order = bought()
    move_paid_at_back(order, app.config["DOWNLOAD_WINDOW_DAYS"] + 10)

    assert app.test_cli_runner().invoke(args=["remove-expired-files"]).output == "Removed 0 files.\n"
    assert os.path.exists(file_path(order.product.file))


def test_an_order_being_paid_keeps_the_file_and_is_delivered_after_the_creator_left(app, log_in):
    maya = StoreFactory(user__email="maya@example.com").user
    product = give_file(ProductFactory(store=maya.store, name="Late Brushes"), b"late goods")
    stored = product.file
    pending = start_purchase(product, None, "guest@example.com")
    delete_account_of(log_in(maya), "maya@example.com")
    assert os.path.exists(file_path(stored))

    assert pay_in_test_mode(pending, TEST_CARD_SUCCEEDS)  # Stripe's webhook came late

    download = app.test_client().get(receipt_link(app, "guest@example.com", product), buffered=True)
    assert download.data == b"late goods"
    assert emails_to(app, f"deleted-user-{maya.id}@deleted.invalid") == []  # no sale notice to nobody
    assert db.session.get(Order, pending.id).sale_notice_sent_at is not None  # and none left owed


def test_an_unpaid_order_keeps_the_file_only_for_its_grace(app, log_in):
    maya = StoreFactory(user__email="maya@example.com").user
    product = give_file(ProductFactory(store=maya.store))
    stored = product.file
    pending = start_purchase(product, None, "guest@example.com")
    delete_account_of(log_in(maya), "maya@example.com")
    runner = app.test_cli_runner()
    assert runner.invoke(args=["remove-expired-files"]).output == "Removed 0 files.\n"

    pending.created_at = utc_now() - UNPAID_ORDER_GRACE - timedelta(minutes=1)
    db.session.commit()

    assert runner.invoke(args=["remove-expired-files"]).output == "Removed 1 file.\n"
    assert not os.path.exists(file_path(stored))


# A buyer leaving


def test_a_buyer_who_leaves_is_anonymised_but_still_counted_in_the_creators_sales(app, log_in, shop):
    save_review(shop.sale, 5, "Leo loves them")
    guest_order = bought(shop.sold, "leo@example.com")  # bought logged out, with the same (verified) email
    stranger = bought(shop.sold, "stranger@example.com")
    assert db.session.get(Product, shop.sold.id).rating_count == 1
    totals_before = sales_totals(shop.maya.store)
    link = receipt_link(app, "stranger@example.com", shop.sold)

    delete_account_of(log_in(shop.leo), "leo@example.com")

    orders = {order.id: order for order in all_rows(Order)}
    for order_id in (shop.sale.id, guest_order.id):
        assert (orders[order_id].buyer_id, orders[order_id].buyer_email) == (None, "deleted-buyer@deleted.invalid")
        assert orders[order_id].status == OrderStatus.PAID
    assert orders[stranger.id].buyer_email == "stranger@example.com"
    assert sales_totals(shop.maya.store) == totals_before
    assert totals_before.paid_orders == 4
    sales_page = page(log_in(shop.maya).get(f"/store/{shop.maya.store.id}/sales"))
    assert "leo@example.com" not in sales_page.text
    assert "Paid orders 4" in [" ".join(card.stripped_strings) for card in sales_page.select("main .card-body")]
    assert [review.body for review in all_rows(Review)] == ["Not for me, says Maya.", "Good"]
    sold = db.session.get(Product, shop.sold.id)
    assert (sold.rating_count, sold.rating_total) == (0, 0)
    assert app.test_client().get(link, buffered=True).status_code == 200  # other buyers are untouched


def test_an_unverified_buyer_leaving_leaves_guest_orders_of_that_email_alone(log_in):
    user = UserFactory(email="unsure@example.com", email_verified_at=None)
    guest_order = bought(sellable_product(), "unsure@example.com")

    delete_account_of(log_in(user), "unsure@example.com")

    assert db.session.get(Order, guest_order.id).buyer_email == "unsure@example.com"


def test_an_order_its_buyer_left_cannot_be_paid_any_more(client, log_in):
    buyer = UserFactory(email="gone@example.com")
    order = start_purchase(sellable_product(), buyer, buyer.email)

    delete_account_of(log_in(buyer), "gone@example.com")
    response = client.post(f"/checkout/{order.public_id}", data={"card_number": "4242 4242 4242 4242"})

    assert response.location == "/"
    assert "This order was cancelled" in client.get("/").get_data(as_text=True)
    db.session.expire_all()
    assert order.status == OrderStatus.PENDING
