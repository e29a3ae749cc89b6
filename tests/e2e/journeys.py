"""Steps that several browser journeys share, written as a person does them: by labels and buttons."""

import re
from pathlib import Path

from flask import Flask
from playwright.sync_api import Page, expect

from tests.factories import PASSWORD
from tests.images import image_file
from tests.mailbox import emails_to, links_in


def unfold_the_menu(page: Page) -> None:
    """On a phone the navigation bar is folded behind its Menu button: open it (with or without scripts)."""
    menu = page.get_by_role("button", name="Menu")
    if menu.is_visible() and menu.get_attribute("aria-expanded") != "true":
        menu.click()
        expect(page.get_by_role("link", name="Products", exact=True)).to_be_visible()


def sign_up(page: Page, look, email: str, store_name: str) -> None:
    page.goto("/")
    look(page, "landing")
    page.get_by_role("link", name="Start selling").first.click()
    look(page, "sign-up")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Confirm password").fill(PASSWORD)
    page.get_by_label("Store name").fill(store_name)
    page.get_by_role("button", name=re.compile("sign up|create", re.IGNORECASE)).click()
    look(page, "signed-up")
    # Until the new creator confirms their address, every page says so, with the link again.
    expect(page.get_by_role("region", name="Confirm your email address")).to_be_visible()
    unfold_the_menu(page)
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def confirm_email(page: Page, look, app: Flask, email: str) -> None:
    """Follow the link of the welcome email, as the new creator does from their inbox: then they may publish."""
    [link] = [link for message in emails_to(app, email) for link in links_in(message) if "/verify-email/" in link]
    page.goto(link)
    look(page, "email-confirmed")
    expect(page.get_by_text(f"Thank you: {email} is confirmed.")).to_be_visible()
    expect(page.get_by_role("region", name="Confirm your email address")).to_have_count(0)


def confirm_email_and_publish(page: Page, look, app: Flask, email: str) -> None:
    """From a draft's page: confirm the address from the inbox, come back to the draft and publish it."""
    draft_page = page.url
    confirm_email(page, look, app, email)
    page.goto(draft_page)
    look(page, "product-draft")
    page.get_by_role("button", name="Publish").click()
    look(page, "product-published")
    expect(page.get_by_text("Published", exact=True)).to_be_visible()


def log_in(page: Page, look, email: str) -> None:
    page.goto("/login")
    look(page, "log-in")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    look(page, "logged-in")
    unfold_the_menu(page)
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def create_product(page: Page, look, folder: Path, name: str, price: str) -> str:
    """From anywhere logged in: the new-product form, with a picture and the file sold.

    Returns how the browser sent it: "xhr" (with the upload's progress shown) or "document" (a plain post).
    """
    picture = folder / "cover.png"
    picture.write_bytes(image_file(size=(800, 600)).getvalue())
    goods = folder / "brushes.zip"
    goods.write_bytes(b"PK\x03\x04" + b"brush data " * 1000)
    page.get_by_role("link", name="New product").click()
    look(page, "product-new")
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_label("Description").fill(f"{name}: everything you need, in one download.")
    page.get_by_label("Price (USD)", exact=True).fill(price)
    page.get_by_label("Picture", exact=True).set_input_files(picture)
    page.get_by_label("File to sell").set_input_files(goods)
    with page.expect_request(lambda request: request.method == "POST") as sending:
        page.get_by_role("button", name="Create product").click()
    expect(page).to_have_url(re.compile(r"/product/\d+$"))  # the upload may still be on its way
    look(page, "product-created")
    expect(page.get_by_text(f"“{name}” is")).to_be_visible()  # the flashed message survives either way
    return sending.value.resource_type


SUCCEEDING_CARD = "4242 4242 4242 4242"
DECLINED_CARD = "4000 0000 0000 0002"


def find_by_search(page: Page, look, words: str, product_name: str) -> None:
    """From the landing page, search with the navigation bar's box and open the product found."""
    page.goto("/")
    look(page, "landing")
    unfold_the_menu(page)
    search = page.get_by_role("searchbox", name="Search products")
    search.fill(words)
    search.press("Enter")
    look(page, "search-results")
    page.get_by_role("link", name=product_name).first.click()
    look(page, "product")


def buy(page: Page, look, card: str, email: str | None = None, *, scripts: bool = True) -> None:
    """On a product page: the buy box, then the test-mode payment form."""
    if email:
        page.get_by_label("Email").last.fill(email)
    page.get_by_role("button", name="Buy for").click()
    look(page, "pay")
    page.get_by_label("Card number").fill(card)
    if scripts:
        # Read the buttons the moment the form is sent (a listener that runs after the page's own):
        # a second click while the payment is on its way finds them disabled.
        page.evaluate(
            """() => {
                const form = document.querySelector("form[data-disable-on-submit]");
                form.addEventListener("submit", () => console.log("sending: " + JSON.stringify(
                    [...form.querySelectorAll("button[type=submit]")].map(b => [b.disabled, b.textContent.trim()])
                )));
            }"""
        )
        with (
            page.expect_event("load"),
            page.expect_console_message(lambda message: message.text.startswith("sending: ")) as sending,
        ):
            page.get_by_role("button", name="Pay").click()
        assert sending.value.text == 'sending: [[true,"Paying…"]]'
    else:
        with page.expect_event("load"):
            page.get_by_role("button", name="Pay").click()
    look(page, "paid" if card == SUCCEEDING_CARD else "declined")


def download_from(page: Page, link) -> bytes:
    """Click a download link (a locator), or open one from an email (a URL): the file's bytes."""
    with page.expect_download() as downloading:
        if isinstance(link, str):
            page.evaluate("url => { window.location.href = url; }", link)
        else:
            link.click()
    return Path(downloading.value.path()).read_bytes()


def visit_each(page: Page, look, pages: dict[str, str]) -> None:
    """Open each path (which must answer 200) and look at it under its name."""
    for path, name in pages.items():
        assert page.goto(path).status == 200, path
        look(page, name)
