"""What a page says about itself: its title and description, and what other sites show of its link."""

import pytest

from tests.browser import page
from tests.factories import ProductFactory, StoreFactory, give_file
from tests.images import image_file
from yumroad.extensions import db
from yumroad.pictures import save_picture


def meta(html, name: str) -> str | None:
    tag = html.select_one(f'meta[property="{name}"]') or html.select_one(f'meta[name="{name}"]')
    return tag["content"] if tag else None


@pytest.fixture
def pictured_product():
    store = StoreFactory(name="Maya's Kits")
    product = ProductFactory(
        store=store,
        name="Watercolour Brushes",
        price_cents=1250,
        description="Forty brushes\n\nfor  Procreate, made from real paint " + "and water " * 30,
    )
    product.picture = save_picture(image_file("PNG"))
    db.session.commit()
    return give_file(product)


def test_a_product_page_is_described_for_search_engines_and_shared_links(app, client, pictured_product):
    app.config["PUBLIC_URL"] = "https://shop.example.com/"
    product = pictured_product

    html = page(client.get(f"/product/{product.id}", headers={"Host": "attacker.example"}))

    url = f"https://shop.example.com/product/{product.id}"
    assert html.title.text == "Watercolour Brushes by Maya's Kits · Yumroad"
    description = meta(html, "description")
    assert description.startswith("Forty brushes for Procreate, made from real paint and water")  # one line
    assert len(description) <= 160 and description.endswith("…")
    assert html.select_one("link[rel=canonical]")["href"] == url
    assert meta(html, "og:type") == "product"
    assert meta(html, "og:title") == "Watercolour Brushes"
    assert meta(html, "og:description") == description
    assert meta(html, "og:url") == url
    assert meta(html, "og:image").startswith("https://shop.example.com/media/pictures/")
    assert client.get(meta(html, "og:image").removeprefix("https://shop.example.com")).status_code == 200
    assert meta(html, "product:price:amount") == "12.50"
    assert meta(html, "product:price:currency") == "USD"
    assert meta(html, "twitter:card") == "summary_large_image"
    assert meta(html, "twitter:image") == meta(html, "og:image")
    assert "attacker.example" not in html.select_one("head").decode()  # a kept page: never the Host header


def test_a_product_without_picture_or_description_is_still_described(client):
    product = ProductFactory(name="Sample Pack", description="", price_cents=0, store__name="Beats Corner")

    html = page(client.get(f"/product/{product.id}"))

    assert meta(html, "description") == "Sample Pack by Beats Corner, on Yumroad."
    assert meta(html, "og:image") is None
    assert meta(html, "twitter:card") == "summary"
    assert meta(html, "product:price:amount") == "0.00"


def test_a_store_page_is_described_and_shared(client):
    store = StoreFactory(name="Maya's Kits", description="Brushes and paper textures.\nMade in Lyon.")

    html = page(client.get(f"/store/{store.id}"))

    assert html.title.text == "Maya's Kits · Yumroad"
    assert meta(html, "description") == "Brushes and paper textures. Made in Lyon."
    assert meta(html, "og:url") == f"http://yumroad.test/store/{store.id}"
    assert html.select_one("link[rel=canonical]")["href"] == meta(html, "og:url")
    assert meta(html, "og:title") == "Maya's Kits"


@pytest.mark.parametrize(
    ("path", "title"),
    [
        ("/", "Sell what you make · Yumroad"),
        ("/product/", "Products · Yumroad"),
        ("/product/?q=brush", "Search: brush · Yumroad"),
        ("/stores", "Stores · Yumroad"),
        ("/login", "Log in · Yumroad"),
        ("/register", "Open your store · Yumroad"),
        ("/download/fresh-links", "Get fresh download links · Yumroad"),
        ("/no/such/page", "We could not find that page · Yumroad"),
    ],
)
def test_every_public_page_has_its_own_title_and_a_description(client, path, title):
    html = page(client.get(path))
    assert html.title.text == title
    assert meta(html, "description")


@pytest.mark.parametrize("path", ["/dashboard", "/library", "/product/new", "/store/{store_id}/sales"])
def test_pages_of_an_account_have_their_own_titles(log_in, creator, path):
    html = page(log_in(creator).get(path.format(store_id=creator.store.id)))
    assert html.title.text.endswith(" · Yumroad")
    assert html.title.text != "Yumroad · Yumroad"


def test_the_favicon_comes_in_svg_png_and_ico(client):
    html = page(client.get("/"))
    icons = {link["href"]: link.get("type") for link in html.select("link[rel=icon], link[rel=apple-touch-icon]")}
    assert icons == {
        "/static/favicon.svg": "image/svg+xml",
        "/static/favicon.png": "image/png",
        "/static/apple-touch-icon.png": None,
    }
    for href in icons:
        assert client.get(href).status_code == 200
    ico = client.get("/favicon.ico")
    assert ico.status_code == 200 and ico.mimetype == "image/vnd.microsoft.icon"
