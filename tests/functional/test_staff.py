"""The staff area: who gets in, what staff find, suspensions and takedowns, and the audit log of them."""

from datetime import timedelta
from urllib.parse import quote

import pytest

from tests.browser import field_value, page, submit_form
from tests.database import all_rows, count_rows
from tests.factories import PASSWORD, ProductFactory, StoreFactory, UserFactory, bought, sellable_product
from tests.functional.test_security import inline_code_in
from tests.mailbox import emails_to, html_of, text_of
from yumroad.extensions import db
from yumroad.models import Order, OrderStatus, Product, StaffAction, User, utc_now
from yumroad.staff.services import OWNER_EMAILS

REASON = "Selling brushes copied from another artist."
LIFTED = "Cleared after the artist confirmed the licence."
STAFF_EMAIL_SUBJECTS = {subject for subject, _template in OWNER_EMAILS.values()}


@pytest.fixture
def staff_member() -> User:
    return UserFactory(email="staff@example.com", is_staff=True)


@pytest.fixture
def staff(log_in, staff_member):
    """The staff member's logged-in client."""
    return log_in(staff_member)


@pytest.fixture
def shop(creator):
    """A creator's published product, bought by a guest."""
    product = sellable_product(store=creator.store, name="Watercolour Brushes")
    order = bought(product, "fan@example.com")
    return {"creator": creator, "product": product, "order": order}


def suspend(staff, user: User, reason: str = REASON):
    return submit_form(staff, f"/staff/users/{user.id}", {"reason": reason}, selector="form[action$='/suspend']")


def lift(staff, user: User, reason: str = LIFTED):
    return submit_form(
        staff, f"/staff/users/{user.id}", {"reason": reason}, selector="form[action$='/lift-suspension']"
    )


def take_down(staff, product: Product, reason: str = REASON):
    url = f"/staff/products/{product.id}"
    return submit_form(staff, url, {"reason": reason}, selector="form[action$='/take-down']")


def allow(staff, product: Product, reason: str = LIFTED):
    return submit_form(staff, f"/staff/products/{product.id}", {"reason": reason}, selector="form[action$='/allow']")


def staff_emails(app, address: str) -> list:
    return [message for message in emails_to(app, address) if message["Subject"] in STAFF_EMAIL_SUBJECTS]


def flashed(client) -> str:
    """The messages the next page shows."""
    return " ".join(alert.text.strip() for alert in page(client.get("/staff/audit")).select("main .alert"))


# Who gets in: every route, for anonymous visitors, users who are not staff, and staff.

ROUTES = [
    ("GET", "/staff/"),
    ("GET", "/staff/audit"),
    ("GET", "/staff/users/{user_id}"),
    ("POST", "/staff/users/{user_id}/suspend"),
    ("POST", "/staff/users/{user_id}/lift-suspension"),
    ("GET", "/staff/products/{product_id}"),
    ("POST", "/staff/products/{product_id}/take-down"),
    ("POST", "/staff/products/{product_id}/allow"),
    ("GET", "/staff/orders/{order_id}"),
]


def url_of(path: str, shop) -> str:
    return path.format(user_id=shop["creator"].id, product_id=shop["product"].id, order_id=shop["order"].id)


def send(client, method: str, url: str):
    return client.open(url, method=method, data={"reason": REASON} if method == "POST" else None)


def assert_private(response) -> None:
    assert response.headers["X-Robots-Tag"] == "noindex"
    assert response.headers["Cache-Control"] == "private, no-store"


def assert_nothing_done(app, shop) -> None:
    db.session.expire_all()
    assert not shop["creator"].is_suspended
    assert shop["product"].is_published
    assert shop["product"].taken_down_at is None
    assert count_rows(StaffAction) == 0
    assert staff_emails(app, shop["creator"].email) == []


def test_the_access_tests_cover_every_staff_route(app):
    staff_routes = {
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("staff.")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert staff_routes == {(method, path.replace("{", "<int:").replace("}", ">")) for method, path in ROUTES}


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_anonymous_visitors_are_asked_to_log_in(app, client, shop, method, path):
    url = url_of(path, shop)
    response = send(client, method, url)

    assert response.status_code == 302
    # A page comes back after logging in; a POST-only URL cannot be reopened.
    assert response.location == ("/login" if method == "POST" else f"/login?next={quote(url, safe='/')}")
    assert_nothing_done(app, shop)


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_users_who_are_not_staff_get_a_403(app, log_in, shop, method, path):
    for user in (UserFactory(), shop["creator"]):  # anyone, and the very owner of the subject
        response = send(log_in(user), method, url_of(path, shop))

        assert response.status_code == 403
        assert "This area is for Yumroad staff" in response.text
        assert_private(response)
    assert_nothing_done(app, shop)


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_staff_get_in(staff, shop, method, path):
    response = send(staff, method, url_of(path, shop))

    if method == "GET":
        assert response.status_code == 200
        assert response.mimetype == "text/html"
        assert page(response).select_one("main h1")
        assert inline_code_in(response.text) == []
    else:  # done, or said to be in effect already: back to the subject's page either way
        assert response.status_code == 302
        assert response.location == url_of(path.rsplit("/", 1)[0], shop)
    assert_private(response)


@pytest.mark.parametrize(("method", "path"), [route for route in ROUTES if "{" in route[1]])
def test_unknown_ids_are_404s(staff, method, path):
    response = send(staff, method, path.format(user_id=999, product_id=999, order_id=999))

    assert response.status_code == 404
    assert_private(response)
    assert count_rows(StaffAction) == 0


def test_a_revoked_staff_member_is_out_at_their_next_request(staff, staff_member):
    assert staff.get("/staff/").status_code == 200
    staff_member.is_staff = False
    db.session.commit()

    assert staff.get("/staff/").status_code == 403


def test_only_staff_see_the_staff_link_in_the_nav(log_in, staff, creator):
    assert page(staff.get("/")).select_one("nav a[href='/staff/']").text == "Staff"
    assert page(log_in(creator).get("/")).select_one("nav a[href='/staff/']") is None


@pytest.mark.csrf
def test_a_post_without_the_csrf_token_is_refused_and_changes_nothing(app, staff, shop):
    refused = [
        staff.post(url_of("/staff/users/{user_id}/suspend", shop), data={"reason": REASON}),
        staff.post(url_of("/staff/products/{product_id}/take-down", shop), data={"reason": REASON}),
    ]

    assert [response.status_code for response in refused] == [400, 400]
    assert "Your form expired" in refused[0].text
    assert_nothing_done(app, shop)

    assert suspend(staff, shop["creator"]).location == url_of("/staff/users/{user_id}", shop)  # with its token
    db.session.expire_all()
    assert shop["creator"].is_suspended


# Suspending a user, and lifting it.


def test_suspending_a_user_logs_them_out_keeps_them_out_hides_their_shop_and_tells_them(
    app, client, log_in, staff, staff_member, shop
):
    creator, product = shop["creator"], shop["product"]
    their_session = log_in(creator)
    assert their_session.get("/dashboard").status_code == 200
    assert f'href="/product/{product.id}"' in client.get("/product/").text  # kept by the page cache
    before = utc_now()

    response = suspend(staff, creator)

    assert response.location == f"/staff/users/{creator.id}"
    shown = page(staff.get(response.location))
    assert f"{creator.email} is suspended" in shown.select_one("main .alert").text
    assert REASON in shown.select_one("main dl").text
    assert shown.select_one("form[action$='/lift-suspension']")
    [line] = all_rows(StaffAction)
    assert (line.staff_id, line.action, line.subject_type, line.subject_id) == (
        staff_member.id,
        "suspend_user",
        "user",
        creator.id,
    )
    assert line.reason == REASON
    assert before <= line.created_at <= utc_now()
    user = db.session.get(User, creator.id)
    assert (user.suspension_reason, user.session_version) == (REASON, 2)
    assert before <= user.suspended_at <= utc_now()

    [email] = staff_emails(app, creator.email)
    assert email["Subject"] == "Your Yumroad account is suspended"
    assert REASON in text_of(email)
    assert REASON in html_of(email)

    assert their_session.get("/dashboard").location.startswith("/login")
    refused = submit_form(app.test_client(), "/login", {"email": creator.email, "password": PASSWORD})
    assert refused.status_code == 200
    assert f"This account is suspended: {REASON}" in page(refused).select_one("#email ~ .invalid-feedback").text

    assert f'href="/product/{product.id}"' not in client.get("/product/").text
    assert f'href="/store/{creator.store.id}"' not in client.get("/stores").text
    assert client.get(f"/product/{product.id}").status_code == 404
    assert client.get(f"/store/{creator.store.id}").status_code == 404


def test_lifting_a_suspension_lets_them_back_in_with_their_shop(app, client, log_in, staff, staff_member, shop):
    creator, product = shop["creator"], shop["product"]
    suspend(staff, creator)

    response = lift(staff, creator)

    assert response.location == f"/staff/users/{creator.id}"
    assert "may log in again" in page(staff.get(response.location)).select_one("main .alert").text
    db.session.expire_all()
    user = db.session.get(User, creator.id)
    assert (user.suspended_at, user.suspension_reason) == (None, None)
    assert [(line.action, line.reason) for line in all_rows(StaffAction)] == [
        ("suspend_user", REASON),
        ("lift_suspension", LIFTED),
    ]
    email = staff_emails(app, creator.email)[-1]
    assert email["Subject"] == "Your Yumroad account is open again"
    assert LIFTED in text_of(email)
    assert log_in(creator).get("/dashboard").status_code == 200
    assert client.get(f"/product/{product.id}").status_code == 200
    assert f'href="/product/{product.id}"' in client.get("/product/").text


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        ("", "Say why in a few words (at least 3)"),
        ("Spam", "Say why in a few words (at least 3)"),
        ("   copied   work   ", "Say why in a few words (at least 3)"),
        ("word " * 401, "Use at most 2,000 characters."),
    ],
)
def test_a_reason_of_a_few_words_is_required_and_kept_when_refused(app, staff, shop, reason, message):
    for action, subject in ((suspend, shop["creator"]), (take_down, shop["product"])):
        response = action(staff, subject, reason)

        assert response.status_code == 200
        html = page(response)
        assert message in html.select_one("#reason ~ .invalid-feedback").text
        assert html.select_one("#reason")["aria-invalid"] == "true"
        assert field_value(html, "#reason") == reason.strip()
    assert_nothing_done(app, shop)


def test_staff_cannot_suspend_themselves(app, staff, staff_member):
    assert page(staff.get(f"/staff/users/{staff_member.id}")).select_one("form[action$='/suspend']") is None

    response = staff.post(f"/staff/users/{staff_member.id}/suspend", data={"reason": REASON})

    assert response.location == f"/staff/users/{staff_member.id}"
    assert "You cannot suspend yourself." in flashed(staff)
    assert not all_rows(User)[0].is_suspended
    assert count_rows(StaffAction) == 0


def test_staff_cannot_suspend_another_staff_member(app, staff):
    colleague = UserFactory(email="colleague@example.com", is_staff=True)
    assert page(staff.get(f"/staff/users/{colleague.id}")).select_one("form[action$='/suspend']") is None

    staff.post(f"/staff/users/{colleague.id}/suspend", data={"reason": REASON})

    assert "colleague@example.com is a staff member, who cannot be suspended" in flashed(staff)
    db.session.expire_all()
    assert not colleague.is_suspended
    assert count_rows(StaffAction) == 0
    assert staff_emails(app, colleague.email) == []


def test_repeating_an_action_in_effect_says_so_and_writes_nothing(app, staff, shop):
    creator, product = shop["creator"], shop["product"]
    suspend(staff, creator)
    take_down(staff, product)
    assert count_rows(StaffAction) == 2
    db.session.expire_all()
    before = (len(staff_emails(app, creator.email)), creator.session_version)

    again = [
        (f"/staff/users/{creator.id}/suspend", f"{creator.email} is already suspended: nothing changed."),
        (f"/staff/products/{product.id}/take-down", "“Watercolour Brushes” is already taken down: nothing changed."),
    ]
    for url, message in again:
        staff.post(url, data={"reason": REASON})
        assert message in flashed(staff)

    assert count_rows(StaffAction) == 2
    db.session.expire_all()
    assert (len(staff_emails(app, creator.email)), creator.session_version) == before


def test_lifting_or_allowing_what_is_not_in_effect_says_so_and_writes_nothing(app, staff, shop):
    creator, product = shop["creator"], shop["product"]
    staff.post(f"/staff/users/{creator.id}/lift-suspension", data={"reason": LIFTED})
    assert f"{creator.email} is not suspended: nothing changed." in flashed(staff)
    staff.post(f"/staff/products/{product.id}/allow", data={"reason": LIFTED})
    assert "“Watercolour Brushes” is not taken down: nothing changed." in flashed(staff)

    assert_nothing_done(app, shop)


# Taking a product down, and allowing it again.


def test_taking_down_a_product_takes_it_off_the_site_and_keeps_its_creator_from_publishing_it(
    app, client, log_in, staff, staff_member, shop
):
    creator, product = shop["creator"], shop["product"]
    assert client.get(f"/product/{product.id}").status_code == 200  # kept by the page cache
    before = utc_now()

    response = take_down(staff, product)

    assert response.location == f"/staff/products/{product.id}"
    assert "is taken down" in page(staff.get(response.location)).select_one("main .alert").text
    [line] = all_rows(StaffAction)
    assert (line.staff_id, line.action, line.subject_type, line.subject_id, line.reason) == (
        staff_member.id,
        "take_down_product",
        "product",
        product.id,
        REASON,
    )
    taken_down = all_rows(Product)[0]
    assert taken_down.published_at is None
    assert taken_down.takedown_reason == REASON
    assert before <= taken_down.taken_down_at <= utc_now()
    [email] = staff_emails(app, creator.email)
    assert email["Subject"] == "Your product was taken down from Yumroad"
    assert REASON in text_of(email)
    assert f"http://yumroad.test/product/{product.id}" in text_of(email)

    assert client.get(f"/product/{product.id}").status_code == 404
    assert f'href="/product/{product.id}"' not in client.get("/product/").text
    assert client.get(f"/store/{creator.store.id}").status_code == 200  # the store stays

    creators = log_in(creator)
    owner_box = page(creators.get(f"/product/{product.id}")).select_one("main .bg-light")
    assert "Taken down" in owner_box.select_one("h2").text
    assert f"Taken down by Yumroad staff: “{REASON}”" in owner_box.text
    assert owner_box.select_one("form[action$='/publish']") is None
    refused = creators.post(f"/product/{product.id}/publish", follow_redirects=True)
    assert f"Not published yet. Taken down by Yumroad staff: “{REASON}”" in page(refused).select_one(".alert").text
    assert all_rows(Product)[0].published_at is None


def test_allowing_a_product_again_lets_its_creator_publish_it(app, client, log_in, staff, shop):
    creator, product = shop["creator"], shop["product"]
    take_down(staff, product)

    response = allow(staff, product)

    assert "may be published again" in page(staff.get(response.location)).select_one("main .alert").text
    allowed = all_rows(Product)[0]
    assert (allowed.taken_down_at, allowed.takedown_reason, allowed.published_at) == (None, None, None)
    assert [line.action for line in all_rows(StaffAction)] == ["take_down_product", "allow_product"]
    email = staff_emails(app, creator.email)[-1]
    assert email["Subject"] == "Your product may be published again"
    assert LIFTED in text_of(email)
    assert client.get(f"/product/{product.id}").status_code == 404  # not republished by staff

    published = submit_form(
        log_in(creator), f"/product/{product.id}", {}, selector="form[action$='/publish']", follow_redirects=True
    )
    assert "is published" in page(published).select_one(".alert").text
    assert client.get(f"/product/{product.id}").status_code == 200


def test_a_deleted_product_cannot_be_taken_down(app, staff, shop):
    product = shop["product"]
    product.deleted_at = utc_now()
    db.session.commit()
    assert page(staff.get(f"/staff/products/{product.id}")).select_one("main form[method=post]") is None

    staff.post(f"/staff/products/{product.id}/take-down", data={"reason": REASON})

    assert "was deleted by its creator" in flashed(staff)
    assert count_rows(StaffAction) == 0


# Finding things.


def links_in_group(response, kind: str) -> list[str]:
    section = page(response).select_one(f"section[aria-labelledby='{kind}-heading']")
    return [link["href"] for link in section.select("li a")]


@pytest.fixture
def marketplace():
    maya = StoreFactory(name="Maya's Kits", user__email="maya@example.com")
    leo = StoreFactory(name="Leo Writes Code", user__email="leo@example.com")
    brushes = sellable_product(store=maya, name="Brush Pack")
    sheets = sellable_product(store=leo, name="SQL Sheets")
    order = bought(brushes, "fan@example.com")
    other_order = bought(sheets, "reader@example.com")
    return {"maya": maya, "leo": leo, "brushes": brushes, "sheets": sheets, "order": order, "other": other_order}


def test_search_finds_users_by_email_and_stores_by_name_linking_to_the_owner(staff, marketplace):
    maya = marketplace["maya"].user

    response = staff.get("/staff/?q=MAYA")

    assert links_in_group(response, "users") == [f"/staff/users/{maya.id}"]
    assert links_in_group(response, "stores") == [f"/staff/users/{maya.id}"]  # a store has no page of its own
    assert "Maya&#39;s Kits" in response.text
    assert links_in_group(response, "products") == []
    assert links_in_group(response, "orders") == []
    assert "No products match." in response.text


def test_search_finds_products_by_name(staff, marketplace):
    response = staff.get("/staff/?q=brush")

    assert links_in_group(response, "products") == [f"/staff/products/{marketplace['brushes'].id}"]
    assert links_in_group(response, "users") == []


@pytest.mark.parametrize("query", ["fan@", "{public_id}", "#{id}"])
def test_search_finds_orders_by_buyer_email_public_id_or_number(staff, marketplace, query):
    order = marketplace["order"]

    response = staff.get("/staff/", query_string={"q": query.format(public_id=order.public_id, id=order.id)})

    assert links_in_group(response, "orders") == [f"/staff/orders/{order.id}"]


def test_search_takes_wildcards_literally(staff, marketplace):
    response = staff.get("/staff/?q=%25")  # "%"
    assert all(links_in_group(response, kind) == [] for kind in ("users", "stores", "products", "orders"))


def test_search_shows_ten_of_a_kind_and_more_on_pages_of_their_own(staff):
    readers = [UserFactory(email=f"reader{number:02}@example.com") for number in range(26)]

    response = staff.get("/staff/?q=reader")

    assert links_in_group(response, "users") == [f"/staff/users/{user.id}" for user in reversed(readers[-10:])]
    more = page(response).select_one("section[aria-labelledby='users-heading'] p a")
    assert more.text == "More users matching “reader”"
    assert more["href"] == "/staff/?q=reader&kind=users"
    first = page(staff.get(more["href"]))
    assert len(first.select("main .list-group a")) == 25
    second = page(staff.get("/staff/?q=reader&kind=users&page=2"))
    assert [link["href"] for link in second.select("main .list-group a")] == [f"/staff/users/{readers[0].id}"]


def test_an_empty_search_shows_the_newest_of_each_kind_and_the_latest_actions(staff, staff_member, marketplace):
    take_down(staff, marketplace["brushes"])

    response = staff.get("/staff/")

    assert links_in_group(response, "stores")[0] == f"/staff/users/{marketplace['leo'].user.id}"
    assert links_in_group(response, "orders")[0] == f"/staff/orders/{marketplace['other'].id}"
    latest = page(response).select_one("section[aria-labelledby='latest-actions-heading'] tbody tr")
    assert "staff@example.com" in latest.text
    assert "Took down" in latest.text
    assert "Brush Pack" in latest.text
    assert REASON in latest.text


# What the pages show.


def test_the_user_page_shows_their_account_store_products_and_orders(log_in, staff, marketplace):
    maya = marketplace["maya"].user
    draft = ProductFactory(store=marketplace["maya"], name="Unfinished Kit", published_at=None)
    bought(marketplace["brushes"], "again@example.com")
    bought(marketplace["sheets"], maya.email, buyer=maya)

    html = page(staff.get(f"/staff/users/{maya.id}"))

    details = html.select_one("main dl").text
    assert "Maya's Kits" in details
    assert "1 while logged in (1 paid)" in " ".join(details.split())
    assert "2 paid orders of their products" in details
    products = {link.text: link.find_next("span").text.strip() for link in html.select("#products-heading ~ ul a")}
    assert products == {"Brush Pack": "published", "Unfinished Kit": "draft"}
    assert html.select_one(f"a[href='/staff/products/{draft.id}']")


def test_the_product_page_shows_its_creator_and_sales(staff, marketplace):
    product = marketplace["brushes"]

    html = page(staff.get(f"/staff/products/{product.id}"))

    assert html.select_one(f"main dl a[href='/staff/users/{product.creator.id}']").text == "maya@example.com"
    assert "1 paid order" in html.select_one("main dl").text
    assert html.select_one("form[action$='/take-down'] textarea#reason")


def test_the_order_page_shows_the_order_and_nothing_to_change(staff, marketplace):
    order = marketplace["order"]

    html = page(staff.get(f"/staff/orders/{order.id}"))

    details = html.select_one("main dl").text
    assert order.public_id in details
    assert "fan@example.com" in details
    assert "$12.50" in details
    assert html.select_one(f"main dl a[href='/staff/products/{marketplace['brushes'].id}']")
    assert html.select("main form") == []


# The audit log.


def test_the_audit_log_lists_actions_newest_first_with_who_what_when_and_why(log_in, staff, staff_member, shop):
    colleague = UserFactory(email="colleague@example.com", is_staff=True)
    suspend(staff, shop["creator"])
    take_down(log_in(colleague), shop["product"], "Misleading description of the files.")
    db.session.add(
        StaffAction(
            staff_id=colleague.id,
            action="take_down_product",
            subject_type="product",
            subject_id=shop["product"].id,
            reason="An old line, from yesterday.",
            created_at=utc_now() - timedelta(days=1),
        )
    )
    db.session.commit()

    rows = page(staff.get("/staff/audit")).select("main tbody tr")

    assert [[cell.text.strip() for cell in row.select("td")][1:] for row in rows] == [
        [
            "colleague@example.com",
            "Took down",
            f"product {shop['product'].id}: Watercolour Brushes",
            "Misleading description of the files.",
        ],
        ["staff@example.com", "Suspended", f"user {shop['creator'].id}: {shop['creator'].email}", REASON],
        [
            "colleague@example.com",
            "Took down",
            f"product {shop['product'].id}: Watercolour Brushes",
            "An old line, from yesterday.",
        ],
    ]
    assert rows[0].select_one("time")["datetime"]


def test_the_audit_log_filters_by_staff_member_and_by_subject(log_in, staff, staff_member, shop):
    colleague = UserFactory(email="colleague@example.com", is_staff=True)
    suspend(staff, shop["creator"])
    take_down(log_in(colleague), shop["product"])

    def reasons_and_who(url: str) -> list[str]:
        return [row.select("td")[1].text for row in page(staff.get(url)).select("main tbody tr")]

    assert reasons_and_who(f"/staff/audit?staff={staff_member.id}") == ["staff@example.com"]
    assert reasons_and_who(f"/staff/audit?staff={colleague.id}") == ["colleague@example.com"]
    assert reasons_and_who(f"/staff/audit?subject_type=user&subject_id={shop['creator'].id}") == ["staff@example.com"]
    assert reasons_and_who(f"/staff/audit?subject_type=product&subject_id={shop['product'].id}") == [
        "colleague@example.com"
    ]
    assert reasons_and_who("/staff/audit?staff=99999999999999999999&subject_type=nonsense") == [
        "colleague@example.com",
        "staff@example.com",
    ]
    empty = page(staff.get(f"/staff/audit?staff={shop['creator'].id}"))
    assert "No staff action matches." in empty.select_one("main").text
    options = [option.text for option in page(staff.get("/staff/audit")).select("#audit-staff option")]
    assert options == ["Anyone", "colleague@example.com", "staff@example.com"]


def test_the_users_page_links_to_their_lines_in_the_audit_log(staff, shop):
    suspend(staff, shop["creator"])

    html = page(staff.get(f"/staff/users/{shop['creator'].id}"))

    assert REASON in html.select_one("#audit-heading ~ div tbody").text
    link = html.select_one("#audit-heading ~ p a")["href"]
    assert link == f"/staff/audit?subject_type=user&subject_id={shop['creator'].id}"


# Each page in a constant number of queries.

STAFF_PAGES = [
    "/staff/",
    "/staff/?q=number",  # stores and products
    "/staff/?q=buyer",  # orders
    "/staff/?q=number&kind=products",
    "/staff/users/{user_id}",
    "/staff/products/{product_id}",
    "/staff/orders/{order_id}",
    "/staff/audit",
]
EXPECTED_QUERIES = {
    "/staff/": 8,  # the user, four kinds, the latest actions and the names of their two kinds of subject
    "/staff/?q=number": 5,
    "/staff/?q=buyer": 5,
    "/staff/?q=number&kind=products": 3,
    "/staff/users/{user_id}": 5,
    "/staff/products/{product_id}": 4,
    "/staff/orders/{order_id}": 2,
    "/staff/audit": 6,
}


def grow(store, count: int) -> None:
    """More of everything, by different people: staff members, products (some of the store's), paid orders
    of them, staff actions about the store's owner, its first product and another, and the newest stores
    (without products, so that no product's creator is their owner already loaded)."""
    acting = UserFactory.create_batch(count, is_staff=True)
    products = ProductFactory.create_batch(count, store=store) + ProductFactory.create_batch(count)
    first = db.session.scalars(db.select(Product).where(Product.store_id == store.id).order_by(Product.id)).first()
    for number, product in enumerate(products):
        order = Order(product=product, buyer_email=f"buyer{number}@example.com", amount_cents=100, currency="USD")
        order.provider, order.status, order.paid_at = "test", OrderStatus.PAID, utc_now()
        order.buyer = acting[0]
        db.session.add(order)
    subjects = [("user", store.user.id), ("product", first.id), ("product", products[-1].id)]
    for staff_member in acting:
        for subject_type, subject_id in subjects:
            action = "suspend_user" if subject_type == "user" else "take_down_product"
            reason = "Counted, not acted on."
            db.session.add(
                StaffAction(
                    staff=staff_member, action=action, subject_type=subject_type, subject_id=subject_id, reason=reason
                )
            )
    db.session.commit()
    StoreFactory.create_batch(count)


def test_staff_pages_run_the_same_queries_however_much_there_is(staff, count_queries, creator):
    def queries_per_page() -> dict[str, int]:
        product = db.session.scalars(
            db.select(Product).where(Product.store_id == creator.store.id).order_by(Product.id)
        ).first()
        order = db.session.scalars(db.select(Order).order_by(Order.id)).first()
        counts = {}
        for path in STAFF_PAGES:
            url = path.format(user_id=creator.id, product_id=product.id, order_id=order.id)
            with count_queries() as statements:
                response = staff.get(url)
            assert response.status_code == 200, url
            counts[path] = len(statements)
        return counts

    grow(creator.store, 1)
    small = queries_per_page()
    grow(creator.store, 30)
    large = queries_per_page()

    assert small == large == EXPECTED_QUERIES
