"""Searching and sorting products: GET /product/?q=...&sort=..."""

import pytest

from tests.browser import page
from tests.factories import ProductFactory, bought, give_file
from yumroad.extensions import db
from yumroad.search import search_terms
from yumroad.templating import highlight


def titles(client, url: str) -> list[str]:
    return [card.select_one(".card-title").text for card in page(client.get(url)).select("main article")]


@pytest.fixture
def catalogue():
    return {
        "brushes": ProductFactory(name="Watercolour Brush Pack", description="48 brushes", price_cents=1200),
        "ebook": ProductFactory(
            name="Flask Ebook", description="Build web apps with brushes of Python", price_cents=3900
        ),
        "drums": ProductFactory(name="Lo-fi Drum Samples", description="300 one-shots", price_cents=500),
        "free": ProductFactory(name="Café Sketches", description="Free drawings", price_cents=0),
    }


def test_search_finds_words_in_names_and_descriptions_best_first(client, catalogue):
    assert titles(client, "/product/?q=brush") == ["Watercolour Brush Pack", "Flask Ebook"]
    assert titles(client, "/product/?q=DRUM") == ["Lo-fi Drum Samples"]
    assert titles(client, "/product/?q=flask+python") == ["Flask Ebook"]  # every word must match


def test_search_ignores_accents_and_matches_word_starts(client, catalogue):
    assert titles(client, "/product/?q=cafe") == ["Café Sketches"]
    assert titles(client, "/product/?q=sket") == ["Café Sketches"]


def test_search_results_highlight_the_words(client, catalogue):
    marked = page(client.get("/product/?q=brush")).select("main article .card-title mark")
    assert [mark.text for mark in marked] == ["Brush"]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("price_asc", ["Café Sketches", "Lo-fi Drum Samples", "Watercolour Brush Pack", "Flask Ebook"]),
        ("price_desc", ["Flask Ebook", "Watercolour Brush Pack", "Lo-fi Drum Samples", "Café Sketches"]),
        ("newest", ["Café Sketches", "Lo-fi Drum Samples", "Flask Ebook", "Watercolour Brush Pack"]),
        ("nonsense", ["Café Sketches", "Lo-fi Drum Samples", "Flask Ebook", "Watercolour Brush Pack"]),
    ],
)
def test_sorting(client, catalogue, sort, expected):
    assert titles(client, f"/product/?sort={sort}") == expected


def test_most_bought_first(client, catalogue):
    for _ in range(2):
        bought(give_file(catalogue["drums"]))
    bought(give_file(catalogue["ebook"]))
    assert titles(client, "/product/?sort=popular")[:2] == ["Lo-fi Drum Samples", "Flask Ebook"]


@pytest.mark.parametrize(
    "query",
    [
        '"',
        "'",
        "%",
        "%25",
        "brush%",
        '"brush" OR 1=1 --',
        "NEAR(a b)",
        "a*b",
        "^",
        "-",
        "()",
        "x" * 5000,
        "🙂",
        "日本語",
    ],
)
def test_odd_queries_never_fail(client, catalogue, query):
    response = client.get("/product/", query_string={"q": query})
    assert response.status_code == 200


def test_an_empty_query_lists_everything(client, catalogue):
    assert len(titles(client, "/product/?q=")) == 4
    only_punctuation = page(client.get("/product/?q=+%25%22+"))
    assert len(only_punctuation.select("main article")) == 4
    assert "has no words to search for" in only_punctuation.text
    assert only_punctuation.select_one("h1").text == "All products"


def test_no_results_say_what_to_try(client, catalogue):
    html = page(client.get("/product/?q=submarine"))
    assert "No products match “submarine”" in html.select_one(".empty-state").text
    assert html.select_one(".empty-state a[href='/product/']")


def test_pagination_keeps_the_query_and_the_sort(app, client):
    ProductFactory.create_batch(app.config["PRODUCTS_PER_PAGE"] + 1, name="Matching Thing")
    html = page(client.get("/product/?q=matching&sort=price_asc"))
    assert html.select_one("a.page-link[href='/product/?q=matching&sort=price_asc&page=2']")
    assert len(titles(client, "/product/?page=2&q=matching&sort=price_asc")) == 1


def test_drafts_deleted_products_and_edits_are_reflected(client, catalogue):
    catalogue["drums"].published_at = None
    catalogue["brushes"].deleted_at = catalogue["brushes"].created_at
    catalogue["free"].name = "Renamed Sketches"
    db.session.commit()
    assert titles(client, "/product/?q=drum") == []
    assert titles(client, "/product/?q=watercolour") == []
    assert titles(client, "/product/?q=renamed") == ["Renamed Sketches"]
    assert titles(client, "/product/?q=cafe") == []


def test_the_nav_has_a_search_box(client):
    form = page(client.get("/")).select_one("nav form[role=search]")
    assert form["action"] == "/product/"
    assert form.select_one("input[name=q]")


def test_search_terms_are_words_only():
    assert search_terms('Brush "pack" 100% OR drop;') == ["brush", "pack", "100", "or", "drop"]
    assert search_terms(None) == search_terms("") == []
    assert len(search_terms("word " * 100)) == 10


def test_highlight_escapes_everything_else():
    assert str(highlight("<b>Brush</b> & brushes", ["brush"])) == (
        "&lt;b&gt;<mark>Brush</mark>&lt;/b&gt; &amp; <mark>brushes</mark>"
    )
    assert str(highlight("a & b", [])) == "a &amp; b"
