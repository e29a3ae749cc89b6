"""Every page runs the same small number of SQL queries, however many stores and products exist."""

from tests.factories import ProductFactory, StoreFactory, UserFactory, bought, give_file
from yumroad.extensions import db
from yumroad.models import Order, Product, Store, User
from yumroad.reviews.services import save_review

PAGES = [
    "/",
    "/product/",
    "/product/?q=product&sort=popular",
    "/product/?sort=rating",
    "/stores",
    "/store/{store_id}",
    "/product/{product_id}",
]
EXPECTED_ANONYMOUS = {
    "/": 2,
    "/product/": 2,
    "/product/?q=product&sort=popular": 2,
    "/product/?sort=rating": 2,
    "/stores": 2,
    "/store/{store_id}": 3,
    "/product/{product_id}": 1,  # not reviewed yet: see test_a_reviewed_product_page_costs_two_queries_more
}


def make_marketplace(stores: int, products_per_store: int) -> tuple[Store, Product]:
    made = StoreFactory.create_batch(stores)
    with db.session.no_autoflush:
        products = [ProductFactory.build(store=store) for store in made for _ in range(products_per_store)]
        db.session.add_all(products)
    db.session.commit()
    return made[0], products[0]


def queries_per_page(client, count_queries, store: Store, product: Product) -> dict[str, int]:
    counts = {}
    for path in PAGES:
        url = path.format(store_id=store.id, product_id=product.id)
        with count_queries() as statements:
            response = client.get(url)
        assert response.status_code == 200, url
        counts[path] = len(statements)
    return counts


def test_query_counts_do_not_grow_with_the_marketplace(app, count_queries):
    client = app.test_client()
    small = queries_per_page(client, count_queries, *make_marketplace(1, 20))
    large = queries_per_page(client, count_queries, *make_marketplace(49, 20))  # 50 stores of 20 in all

    assert small == large == EXPECTED_ANONYMOUS


def test_a_logged_in_user_costs_one_query_more(log_in, count_queries):
    store, product = make_marketplace(50, 20)
    client = log_in(store.user)

    counts = queries_per_page(client, count_queries, store, product)

    expected = {path: count + 1 for path, count in EXPECTED_ANONYMOUS.items()}
    # Except on their own product's page: the page loads the product with its creator, who is them.
    expected["/product/{product_id}"] = EXPECTED_ANONYMOUS["/product/{product_id}"]
    assert counts == expected


def test_a_reviewed_product_page_costs_two_queries_more_however_many_reviews(client, count_queries):
    product = give_file(ProductFactory())
    counts = []
    for reviews in (1, 15):  # 15: more than a page of them
        while product.rating_count < reviews:
            save_review(bought(product, f"reader{product.rating_count}@example.com", UserFactory()), 4, "Good")
        with count_queries() as statements:
            page = client.get(f"/product/{product.id}")
        assert f"{reviews} review" in page.text
        counts.append(len(statements))

    assert counts == [3, 3]


def make_sales(store: Store, buyer: User, orders: int) -> Order:
    """Paid orders by one logged-in buyer of a store's products; return the last one."""
    products = [give_file(ProductFactory(store=store)) for _ in range(min(orders, 5))]
    made = [bought(products[number % len(products)], buyer.email, buyer) for number in range(orders)]
    return made[-1]


def buying_pages_queries(log_in, count_queries, orders: int) -> dict[str, int]:
    store, buyer = StoreFactory(), StoreFactory().user
    last = make_sales(store, buyer, orders)
    pages = {
        "/library": log_in(buyer),
        f"/store/{store.id}/sales": log_in(store.user),
        f"/checkout/{last.public_id}/done": log_in(buyer),
        "/dashboard": log_in(store.user),
        f"/store/{store.id}/discounts": log_in(store.user),
    }
    counts = {}
    for url, client in pages.items():
        with count_queries() as statements:
            response = client.get(url)
        assert response.status_code == 200, url
        counts[url.split("/")[1] + ("/" + url.split("/")[-1] if url.startswith("/store/") else "")] = len(statements)
    return counts


def test_buying_pages_do_not_grow_with_the_orders(app, log_in, count_queries):
    one = buying_pages_queries(log_in, count_queries, orders=1)
    many = buying_pages_queries(log_in, count_queries, orders=30)

    assert one == many == {"library": 3, "store/sales": 4, "checkout": 2, "dashboard": 5, "store/discounts": 5}
