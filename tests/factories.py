import factory
from factory.alchemy import SQLAlchemyModelFactory
from werkzeug.security import generate_password_hash

from yumroad.extensions import db
from yumroad.models import Product, Store, User

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
    store = factory.SubFactory(StoreFactory)
    creator = factory.SelfAttribute("store.user")
