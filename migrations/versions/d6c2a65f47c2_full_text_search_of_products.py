"""full-text search of products

Revision ID: d6c2a65f47c2
Revises: a43dc14c5178
Create Date: 2026-11-24 06:36:58.337280

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd6c2a65f47c2'
down_revision = 'a43dc14c5178'
branch_labels = None
depends_on = None


# The statements are copied here, not imported from yumroad.search, so that this migration stays
# what it was when it ran. SQLite: an FTS5 table kept in step by triggers (a batch migration that
# rebuilds `product` must create the triggers again). PostgreSQL: a GIN index.
SQLITE = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS product_search USING fts5("
    "name, description, content='product', content_rowid='id', tokenize='unicode61 remove_diacritics 2', "
    "prefix='2 3')",
    "CREATE TRIGGER IF NOT EXISTS product_search_insert AFTER INSERT ON product BEGIN "
    "INSERT INTO product_search(rowid, name, description) VALUES (new.id, new.name, new.description); END",
    "CREATE TRIGGER IF NOT EXISTS product_search_delete AFTER DELETE ON product BEGIN "
    "INSERT INTO product_search(product_search, rowid, name, description) "
    "VALUES ('delete', old.id, old.name, old.description); END",
    "CREATE TRIGGER IF NOT EXISTS product_search_update AFTER UPDATE OF name, description ON product BEGIN "
    "INSERT INTO product_search(product_search, rowid, name, description) "
    "VALUES ('delete', old.id, old.name, old.description); "
    "INSERT INTO product_search(rowid, name, description) VALUES (new.id, new.name, new.description); END",
    "INSERT INTO product_search(product_search) VALUES ('rebuild')",
]
POSTGRESQL = [
    "CREATE INDEX IF NOT EXISTS ix_product_search ON product "
    "USING gin (to_tsvector('simple', name || ' ' || description))",
]


def upgrade():
    dialect = op.get_bind().dialect.name
    for statement in {"sqlite": SQLITE, "postgresql": POSTGRESQL}.get(dialect, []):
        op.execute(statement)


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for name in ("product_search_insert", "product_search_delete", "product_search_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS product_search")
    elif dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_product_search")
