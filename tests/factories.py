import io

import factory
from factory.alchemy import SQLAlchemyModelFactory
from werkzeug.security import generate_password_hash

from yumroad.checkout.providers import TEST_CARD_SUCCEEDS
from yumroad.checkout.services import pay_in_test_mode, start_purchase
from yumroad.extensions import db
from yumroad.models import Order, Product, Store, User, utc_now
from yumroad.product_files import save_product_file

PASSWORD = "correct horse battery"
PASSWORD_HASH = generate_password_hash(PASSWORD)  # hashed once: hashing is slow on purpose


class BaseFactory(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "commit"


class UserFactory(BaseFactory):
    class Meta:
        model = User

    email = factory.Sequence(lambda number: f"creator{number}@example.com")
    password_hash = PASSWORD_HASH
    email_verified_at = factory.LazyFunction(utc_now)  # UserFactory(email_verified_at=None): not yet


class StoreFactory(BaseFactory):
    class Meta:
        model = Store

    name = factory.Sequence(lambda number: f"Store number {number}")
    description = "Digital goods, made with care."
    user = factory.SubFactory(UserFactory)


class ProductFactory(BaseFactory):
    class Meta:
        model = Product

    name = factory.Sequence(lambda number: f"Product number {number}")
    description = "A useful digital product."
    price_cents = 1250
    published_at = factory.LazyFunction(utc_now)
    store = factory.SubFactory(StoreFactory)
    creator = factory.SelfAttribute("store.user")


def give_file(product: Product, content: bytes = b"PK\x03\x04 the goods", name: str = "goods.zip") -> Product:
    """Store a real file for a product, as the product form would, so it can be sold."""
    stored = save_product_file(io.BytesIO(content), name)
    product.file, product.file_original_name, product.file_size = stored.name, stored.original_name, stored.size
    db.session.commit()
    return product


def sellable_product(**attributes: object) -> Product:
    return give_file(ProductFactory(**attributes))


def bought(
    product: Product | None = None,
    email: str = "buyer@example.com",
    buyer: User | None = None,
    card: str = TEST_CARD_SUCCEEDS,
) -> Order:
    """An order made and paid (or declined) in test mode, through the app's own services."""
    order = start_purchase(product or sellable_product(), buyer, email)
    pay_in_test_mode(order, card)
    return order


def pending_stripe_order(payment_intent: str = "pi_123", price_cents: int = 1250) -> Order:
    """A pending order as the buy POST leaves it with Stripe: its PaymentIntent made, not yet paid."""
    order = Order(
        product=sellable_product(price_cents=price_cents),
        buyer_email="buyer@example.com",
        amount_cents=price_cents,
        currency="USD",
        provider="stripe",
        provider_reference=payment_intent,
    )
    db.session.add(order)
    db.session.commit()
    return order
