from datetime import UTC, datetime

import pytest
from sqlalchemy.exc import IntegrityError

from tests.factories import ProductFactory, StoreFactory, UserFactory
from yumroad.extensions import db
from yumroad.models import Product, Store, User


def test_user_create_normalises_email_and_hashes_password():
    user = User.create("  Maya@Example.COM ", "a long password")

    assert user.email == "maya@example.com"
    assert user.password_hash != "a long password"
    assert user.check_password("a long password")
    assert not user.check_password("A long password")
    assert user.id is None  # not saved


def test_the_model_normalises_every_email_it_is_given():
    assert User(email=" MiXed@Example.com ").email == "mixed@example.com"
    user = User.create("first@example.com", "password123")
    user.email = "SECOND@example.com"
    assert user.email == "second@example.com"


def test_the_courses_session_works_as_written(app):
    user = User.create("test@example.com", "password123")
    db.session.add(user)
    db.session.commit()

    prod = Product(name="Book", description="a book", creator=user)
    db.session.add(prod)
    db.session.commit()

    assert prod.creator is user
    assert user.products == [prod]
    assert Product.query.filter_by(creator=user).all() == [prod]

    other = User.create("other@example.com", "password123")
    db.session.add(other)
    prod.creator = other
    db.session.commit()
    db.session.expire_all()
    assert prod.creator_id == other.id
    assert user.products == []
    assert other.products == [prod]


def test_relationships_are_declared_on_both_sides(app):
    store = StoreFactory()
    product = ProductFactory(store=store)

    assert store.user.store is store
    assert product.store is store
    assert store.products == [product]
    assert product.creator is store.user
    assert store.user.products == [product]


@pytest.mark.parametrize("name", ["", "abc", "  ab  ", None, "\u200b" * 4, " \u200babc\u200e\ufeff ", "\u00a0" * 5])
def test_store_and_product_names_must_be_longer_than_three_characters(name):
    with pytest.raises(ValueError, match="at least 4 characters"):
        Store(name=name)
    with pytest.raises(ValueError, match="at least 4 characters"):
        Product(name=name)


def test_names_need_a_letter_or_a_digit():
    with pytest.raises(ValueError, match="a letter or a digit"):
        Store(name="\u0301" * 4)  # combining accents alone show nothing
    with pytest.raises(ValueError, match="a letter or a digit"):
        Product(name="!!!!")
    assert Store(name="Café 42").name == "Café 42"
    assert Product(name="写真の本").name == "写真の本"


def test_names_are_one_line():
    assert Product(name="Flask\r\nBcc: everyone@example.com").name == "Flask Bcc: everyone@example.com"
    assert Store(name="Tabs\tand\x07bells   here").name == "Tabs andbells here"


def test_names_are_stored_stripped():
    assert Store(name="  Maya's Kits ").name == "Maya's Kits"
    assert Product(name=" Book ").name == "Book"


def test_names_have_a_maximum_length():
    with pytest.raises(ValueError, match="at most 80"):
        Store(name="x" * 81)
    with pytest.raises(ValueError, match="at most 120"):
        Product(name="x" * 121)


@pytest.mark.parametrize("price_cents", [-1, None])
def test_a_price_must_be_zero_or_more(price_cents):
    with pytest.raises(ValueError, match="negative"):
        Product(name="Book", price_cents=price_cents)


def test_the_database_refuses_a_negative_price_too(app):
    product = ProductFactory()
    db.session.execute(db.update(Product).where(Product.id == product.id).values(price_cents=0))
    with pytest.raises(IntegrityError):
        db.session.execute(db.update(Product).where(Product.id == product.id).values(price_cents=-5))
    db.session.rollback()


def test_emails_are_unique(app):
    UserFactory(email="same@example.com")
    db.session.add(User.create("SAME@example.com", "password123"))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_a_user_has_one_store_at_most(app):
    store = StoreFactory()
    db.session.add(Store(name="Second store", user_id=store.user_id))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_timestamps_are_timezone_aware_utc(app):
    before = datetime.now(UTC)
    product = ProductFactory()
    db.session.expire_all()

    assert product.created_at.tzinfo is not None
    assert before <= product.created_at <= datetime.now(UTC)
    assert product.store.created_at.tzinfo is not None
    assert product.creator.created_at.utcoffset().total_seconds() == 0


def test_updated_at_moves_on_update(app):
    product = ProductFactory()
    created = product.updated_at
    product.description = "new words"
    db.session.commit()
    assert product.updated_at > created


def test_a_naive_datetime_is_refused(app):
    user = UserFactory.build(created_at=datetime(2026, 1, 1))
    db.session.add(user)
    with pytest.raises(Exception, match="naive datetime"):
        db.session.commit()
    db.session.rollback()


def test_ownership(app):
    product = ProductFactory()
    stranger = UserFactory()

    assert product.is_owned_by(product.creator)
    assert product.store.is_owned_by(product.creator)
    assert not product.is_owned_by(stranger)
    assert not product.store.is_owned_by(stranger)
    assert not product.is_owned_by(None)


@pytest.mark.parametrize(
    ("price_cents", "currency", "shown"),
    [(0, "USD", "Free"), (1250, "USD", "$12.50"), (1200000, "USD", "$12,000"), (500, "EUR", "€5")],
)
def test_display_price(price_cents, currency, shown):
    assert Product(name="Book", price_cents=price_cents, currency=currency).display_price == shown


def test_reprs_name_the_object(app):
    product = ProductFactory(name="Brush pack")
    assert repr(product) == f"<Product {product.id} 'Brush pack'>"
    assert repr(product.store).startswith(f"<Store {product.store.id} ")
    assert repr(product.creator) == f"<User {product.creator.id} {product.creator.email}>"
