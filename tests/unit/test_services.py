import io
import os

import pytest
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import NotFound

from tests.database import count_rows
from tests.factories import PASSWORD, ProductFactory, StoreFactory, UserFactory
from tests.images import image_file
from yumroad.extensions import db
from yumroad.models import Product, Store, User
from yumroad.pictures import pictures_folder
from yumroad.product_files import file_path, files_folder
from yumroad.products.services import (
    CreatorHasNoStore,
    ProductDetails,
    Upload,
    create_product,
    delete_product,
    featured_products,
    get_product,
    list_products,
    update_product,
)
from yumroad.stores.services import featured_stores, list_stores, update_store
from yumroad.users import services as user_services
from yumroad.users.services import EmailAlreadyRegistered, authenticate, register_creator


def test_register_creator_makes_a_user_and_their_store(app):
    user = register_creator(" New@Example.com ", "long enough", "  Fresh Store ")
    db.session.expire_all()

    saved = db.session.scalar(db.select(User).where(User.email == "new@example.com"))
    assert saved.id == user.id
    assert saved.check_password("long enough")
    assert saved.store.name == "Fresh Store"


def test_register_creator_refuses_a_taken_email_in_any_case(app):
    UserFactory(email="taken@example.com")
    with pytest.raises(EmailAlreadyRegistered):
        register_creator("TAKEN@example.com", "long enough", "Another store")
    assert count_rows(Store) == 0


def test_register_creator_turns_a_lost_race_into_email_already_registered(app, monkeypatch):
    # The first check finds no user, but another sign-up commits the same email before this one.
    UserFactory(email="racer@example.com")
    answers = iter([False, True])
    monkeypatch.setattr(user_services, "email_is_registered", lambda email: next(answers))
    with pytest.raises(EmailAlreadyRegistered):
        register_creator("racer@example.com", "long enough", "Racing store")
    assert count_rows(User) == 1


def test_register_creator_does_not_call_every_integrity_error_a_taken_email(app, monkeypatch):
    UserFactory(email="racer@example.com")
    monkeypatch.setattr(user_services, "email_is_registered", lambda email: False)
    with pytest.raises(IntegrityError):
        register_creator("racer@example.com", "long enough", "Racing store")


def test_register_creator_saves_nothing_when_the_store_name_is_bad(app):
    with pytest.raises(ValueError):
        register_creator("new@example.com", "long enough", "abc")
    db.session.rollback()
    assert count_rows(User) == 0


def test_authenticate(app):
    user = UserFactory(email="maya@example.com")
    assert authenticate("MAYA@example.com ", PASSWORD) == user
    assert authenticate("maya@example.com", "wrong password") is None
    assert authenticate("nobody@example.com", PASSWORD) is None


def details(name: str = "Brush pack", price_cents: int = 1200, **uploads) -> ProductDetails:
    return ProductDetails(name=name, description="48 brushes", price_cents=price_cents, **uploads)


def a_file(content: bytes = b"PK\x03\x04 the brushes", name: str = "brushes.zip") -> Upload:
    return Upload(io.BytesIO(content), name)


def stored(folder: str) -> list[str]:
    return sorted(os.listdir(folder)) if os.path.exists(folder) else []


def test_create_product_puts_it_in_the_creators_store_with_its_uploads(app):
    creator = StoreFactory().user
    product = create_product(creator, details(picture=image_file(), file=a_file()))
    db.session.expire_all()

    assert product.store == creator.store
    assert product.creator == creator
    assert (product.name, product.description, product.price_cents) == ("Brush pack", "48 brushes", 1200)
    assert os.path.exists(os.path.join(pictures_folder(), product.picture))
    assert (product.file_original_name, product.file_size) == ("brushes.zip", len(b"PK\x03\x04 the brushes"))
    with open(file_path(product.file), "rb") as saved:
        assert saved.read() == b"PK\x03\x04 the brushes"


def test_create_product_needs_a_store(app):
    with pytest.raises(CreatorHasNoStore):
        create_product(UserFactory(), details(picture=image_file(), file=a_file()))
    assert count_rows(Product) == 0
    assert stored(pictures_folder()) == stored(files_folder()) == []


def test_create_product_forgets_the_uploads_if_saving_fails(app, monkeypatch):
    creator = StoreFactory().user

    def fail() -> None:
        raise IntegrityError("INSERT", {}, Exception("database said no"))

    monkeypatch.setattr(db.session, "commit", fail)
    with pytest.raises(IntegrityError):
        create_product(creator, details(picture=image_file(), file=a_file()))
    assert stored(pictures_folder()) == stored(files_folder()) == []


def test_update_product_replaces_and_removes_uploads(app):
    creator = StoreFactory().user
    product = create_product(creator, details(picture=image_file(), file=a_file()))
    first_picture, first_file = product.picture, product.file

    update_product(product, details("Brush pack 2", 200, picture=image_file("JPEG"), file=a_file(b"v2", "v2.zip")))
    assert product.picture != first_picture
    assert stored(pictures_folder()) == sorted([product.picture, product.picture.replace(".", ".card.")])
    assert stored(files_folder()) == [product.file] != [first_file]
    assert product.file_original_name == "v2.zip"

    update_product(product, details("Brush pack 2", 200, remove_picture=True))
    db.session.expire_all()
    assert product.picture is None
    assert stored(pictures_folder()) == []
    assert stored(files_folder()) == [product.file]  # a product keeps its file until another replaces it
    assert (product.name, product.price_cents) == ("Brush pack 2", 200)


def test_update_product_keeps_the_uploads_when_none_are_given(app):
    product = create_product(StoreFactory().user, details(picture=image_file(), file=a_file()))
    picture, file = product.picture, product.file
    update_product(product, details("Renamed pack"))
    assert (product.picture, product.file) == (picture, file)
    assert len(stored(pictures_folder())) == 2


def test_delete_product_takes_it_off_the_site_but_keeps_its_file_for_buyers(app):
    product = create_product(StoreFactory().user, details(picture=image_file(), file=a_file()))
    delete_product(product)

    db.session.expire_all()
    assert product.is_deleted
    assert product.picture is None
    assert stored(pictures_folder()) == []
    assert stored(files_folder()) == [product.file]
    assert list_products(page=1, per_page=10).total == 0
    with pytest.raises(NotFound):
        get_product(product.id)


def test_products_are_listed_newest_first_and_by_store(app):
    first = ProductFactory()
    second = ProductFactory()
    third, fourth = ProductFactory.create_batch(2, store=first.store)

    everything = list_products(page=1, per_page=10)
    assert everything.items == [fourth, third, second, first]
    assert everything.total == 4
    assert list_products(page=2, per_page=3).items == [first]
    assert list_products(page=1, per_page=10, store=first.store).items == [fourth, third, first]
    assert featured_products(limit=2) == [fourth, third]


def test_a_page_past_the_end_is_not_found(app):
    ProductFactory()
    with pytest.raises(NotFound):
        list_products(page=2, per_page=10)
    with pytest.raises(NotFound):
        list_stores(page=2, per_page=10)


def test_stores_are_listed_newest_first_with_product_counts(app):
    quiet = StoreFactory()
    busy = StoreFactory()
    ProductFactory.create_batch(3, store=busy)

    stores = list_stores(page=1, per_page=10).items
    assert stores == [busy, quiet]
    assert [store.product_count for store in stores] == [3, 0]
    assert [store.product_count for store in featured_stores(limit=1)] == [3]


def test_update_store(app):
    store = StoreFactory()
    update_store(store, "Renamed store", "New words")
    db.session.expire_all()
    assert (store.name, store.description) == ("Renamed store", "New words")
