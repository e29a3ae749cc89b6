"""The extensions, instantiated once and bound to the app in `create_app`."""

from typing import Any

from flask_bootstrap import Bootstrap5
from flask_caching import Cache
from flask_login import LoginManager
from flask_mail import Mail
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData, TypeDecorator
from sqlalchemy.orm import DeclarativeBase

# Named constraints, so that Alembic's batch migrations on SQLite can find and alter them.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def render_migration_type(type_: str, obj: Any, autogen_context: Any) -> str | bool:
    """Write our own column types into migrations as the plain SQLAlchemy type they store."""
    if type_ == "type" and isinstance(obj, TypeDecorator):
        return f"sa.{obj.impl!r}"
    return False


def include_in_migrations(name: str | None, type_: str, parent_names: dict[str, Any]) -> bool:
    """Leave out what yumroad.search makes by hand: SQLite's FTS5 tables, PostgreSQL's GIN index."""
    if type_ == "index" and name == "ix_product_search":
        return False
    return not (type_ == "table" and name is not None and name.startswith("product_search"))


db = SQLAlchemy(model_class=Base)
migrate = Migrate(
    render_as_batch=True,
    compare_type=True,
    render_item=render_migration_type,
    include_name=include_in_migrations,
)
login_manager = LoginManager()
csrf = CSRFProtect()
mail = Mail()
bootstrap = Bootstrap5()
cache = Cache()
