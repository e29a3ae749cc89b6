from tests.browser import page
from tests.factories import ProductFactory, StoreFactory


def test_landing_says_what_yumroad_is_and_invites_to_sell(client):
    html = page(client.get("/"))
    assert "Sell what you make" in html.select_one("h1").text
    assert html.select_one("main a[href='/register']").text == "Open your store"
    assert html.select_one("main a[href='/product/']")


def test_landing_features_the_newest_products_and_stores(client):
    ProductFactory.create_batch(10)
    newest = ProductFactory(name="Brand New Thing")

    html = page(client.get("/"))

    product_cards = html.select("section[aria-labelledby=new-products] article")
    store_cards = html.select("section[aria-labelledby=new-stores] article")
    assert len(product_cards) == 8
    assert "Brand New Thing" in product_cards[0].text
    assert len(store_cards) == 6
    assert newest.store.name in store_cards[0].text


def test_landing_empty_states_say_what_to_do(client):
    html = page(client.get("/"))
    assert "No products yet" in html.text
    assert "No stores yet" in html.text


def test_landing_for_a_logged_in_creator_offers_to_add_a_product(log_in):
    html = page(log_in(StoreFactory().user).get("/"))
    assert html.select_one("main a[href='/product/new']").text == "Add a product"


def test_pages_use_the_local_bootstrap_and_no_cdn(client):
    html = client.get("/").text
    assert "/bootstrap/static/" in html
    assert "cdn" not in html.lower()
    stylesheet = page(client.get("/")).select_one("link[rel=stylesheet]")["href"]
    assert client.get(stylesheet, buffered=True).status_code == 200
