"""`flask seed-demo`: a few creators, stores and products, so a newcomer lands in a living shop."""

import io
import random
import zipfile

import click
from flask.cli import with_appcontext
from PIL import Image, ImageDraw, ImageFont

from yumroad.accounts.services import mark_email_verified
from yumroad.checkout.providers import TEST_CARD_SUCCEEDS
from yumroad.checkout.services import pay_in_test_mode, start_purchase
from yumroad.discounts.services import create_discount
from yumroad.extensions import db
from yumroad.models import User
from yumroad.products.services import ProductDetails, Upload, create_product, publish_product
from yumroad.reviews.services import save_review
from yumroad.urls import link_building_context
from yumroad.users.services import register_creator

# The demo accounts' password, published in the README: not a secret.
DEMO_PASSWORD = "yumroad-demo"  # nosec B105

DEMO_CATALOGUE = {
    ("maya@example.com", "Maya's Illustration Kits"): [
        ("Watercolour Brush Pack", 1200, "48 hand-made watercolour brushes for Procreate and Photoshop."),
        ("Botanical Line Art Bundle", 1800, "120 botanical drawings as SVG and transparent PNG."),
        ("Sketchbook Warm-ups", 0, "A free printable PDF of 30 daily drawing prompts."),
        ("Character Design Workbook", 2400, "A 90-page guided workbook with templates and exercises."),
    ],
    ("leo@example.com", "Leo Writes Code"): [
        ("Flask from Zero to Shipped", 3900, "An ebook and code repository: build and deploy a real web app."),
        ("SQL Cheat Sheets", 500, "Twelve one-page cheat sheets, from SELECT to window functions."),
        ("Python Testing Handbook", 2900, "Pytest patterns for real projects, with exercises."),
    ],
    ("sam@example.com", "Sam's Sound Library"): [
        ("Lo-fi Drum Samples", 1500, "300 drum one-shots and loops, royalty free."),
        ("Ambient Pads Vol. 1", 1900, "40 evolving pads in WAV, 24-bit."),
        ("Podcast Intro Jingles", 900, "Ten short intros you can use on any show."),
        ("Field Recordings: Rain", 0, "An hour of rain on a tin roof, free to use."),
    ],
    ("ana@example.com", "Ana's Planners"): [
        ("2027 Digital Planner", 1400, "A hyperlinked PDF planner for tablets."),
        ("Budget Spreadsheet", 800, "A spreadsheet that tracks spending and savings goals."),
        ("Habit Tracker Printables", 300, "Monthly habit trackers in A4 and Letter."),
    ],
}

# Left as drafts, so a creator sees how a draft looks (only to them) before publishing it.
DEMO_DRAFTS = {"Character Design Workbook"}

# (buyer email, index of the product above): paid in test mode, so sales pages are not empty.
DEMO_SALES = [("reader@example.com", 0), ("reader@example.com", 4), ("listener@example.com", 7)]
# A buyer's account, whose purchases are reviewed: (product index, rating, words).
DEMO_BUYER = "fan@example.com"
DEMO_REVIEWS = [
    (0, 5, "The brushes feel like real paper. Worth every cent."),
    (4, 4, "Clear and practical; I shipped my first app with it."),
    (8, 5, "Fat, warm drums. Straight into my beats."),
]
DEMO_DISCOUNT_CODE = "LAUNCH20"

PALETTES = [
    ((255, 94, 98), (255, 195, 113)),
    ((72, 85, 99), (41, 50, 60)),
    ((67, 206, 162), (24, 90, 157)),
    ((142, 45, 226), (74, 0, 224)),
    ((247, 151, 30), (255, 210, 0)),
    ((0, 180, 219), (0, 131, 176)),
]


def make_picture(title: str, palette: tuple[tuple[int, int, int], tuple[int, int, int]], seed: int) -> io.BytesIO:
    """Draw a cover: a gradient, a few shapes and the title, as PNG bytes."""
    width, height = 1200, 900
    top, bottom = palette
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    for y in range(height):
        blend = y / height
        draw.line([(0, y), (width, y)], fill=tuple(int(a + (b - a) * blend) for a, b in zip(top, bottom, strict=True)))
    # Seeded on purpose (the same demo pictures every time); nothing secret is drawn from it.
    shapes = random.Random(seed)  # nosec B311
    for _ in range(6):
        x, y, radius = shapes.randint(0, width), shapes.randint(0, height), shapes.randint(60, 260)
        draw.ellipse([x - radius, y - radius, x + radius, y + radius], outline=(255, 255, 255), width=6)
    font = ImageFont.load_default(size=84)
    draw.multiline_text((80, height - 300), title.replace(" ", "\n", 1), font=font, fill=(255, 255, 255))
    output = io.BytesIO()
    image.save(output, "PNG")
    output.seek(0)
    return output


def make_product_file(name: str, description: str) -> Upload:
    """A small ZIP standing in for what the product sells."""
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", f"{name}\n\n{description}\n\nThank you for buying on Yumroad (demo data).\n")
    output.seek(0)
    return Upload(output, f"{name.lower().replace(' ', '-').replace(':', '')}.zip")


def seed_demo() -> int:
    """Create the demo creators, stores, products and a few sales; return how many products were made."""
    products_made = []
    for index, ((email, store_name), products) in enumerate(DEMO_CATALOGUE.items()):
        creator = register_creator(email, DEMO_PASSWORD, store_name)
        mark_email_verified(creator)  # as if they had followed the link they were sent: they may publish
        for number, (name, price_cents, description) in enumerate(products):
            picture = make_picture(name, PALETTES[(index + number) % len(PALETTES)], seed=index * 10 + number)
            details = ProductDetails(name, description, price_cents, picture, make_product_file(name, description))
            product = create_product(creator, details)
            if name not in DEMO_DRAFTS:
                publish_product(product)
            products_made.append(product)
    fan = User.create(DEMO_BUYER, DEMO_PASSWORD)
    db.session.add(fan)
    mark_email_verified(fan)
    for buyer_email, product_index in DEMO_SALES:
        order = start_purchase(products_made[product_index], None, buyer_email)
        pay_in_test_mode(order, TEST_CARD_SUCCEEDS)
    for product_index, rating, words in DEMO_REVIEWS:
        order = start_purchase(products_made[product_index], fan, fan.email)
        pay_in_test_mode(order, TEST_CARD_SUCCEEDS)
        save_review(order, rating, words)
    maya = products_made[0].store
    create_discount(maya, DEMO_DISCOUNT_CODE, percent_off=20, amount_off_cents=None, max_uses=100)
    return len(products_made)


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Do nothing if the database already has users.")
@with_appcontext
def seed_demo_command(if_empty: bool) -> None:
    """Fill the database with demo creators, stores and products."""
    if db.session.scalar(db.select(User.id).limit(1)) is not None:
        if if_empty:
            click.echo("The database has data already: no demo data added.")
            return
        raise click.ClickException("The database has users already: seed an empty database.")
    with link_building_context():
        made = seed_demo()
    click.echo(f"Demo marketplace ready: {len(DEMO_CATALOGUE)} stores, {made} products.")
    click.echo(f"Log in as any demo creator, e.g. maya@example.com, with the password {DEMO_PASSWORD!r}.")
    click.echo(f"{DEMO_BUYER} (same password) is a buyer with reviews; Maya's store has the code {DEMO_DISCOUNT_CODE}.")
