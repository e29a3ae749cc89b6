"""Reading the database back in tests, as it is now (not as the test's session remembers it)."""

from typing import Any

from yumroad.extensions import db


def count_rows(model: Any) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def all_rows(model: Any) -> list[Any]:
    db.session.expire_all()
    return list(db.session.scalars(db.select(model).order_by(model.id)))
