"""search ignores accents on PostgreSQL

Revision ID: 324466f2a213
Revises: 9946e9b65feb
Create Date: 2026-11-24 08:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '324466f2a213'
down_revision = '9946e9b65feb'
branch_labels = None
depends_on = None


# Copied here, not imported from yumroad.search, so that this migration stays what it was when it
# ran. PostgreSQL's `simple` text search keeps accents (SQLite's FTS5 folds them: nothing to do
# there): the index is rebuilt on the text without its accents, through `unaccent` wrapped in a
# function declared IMMUTABLE (unaccent itself is only STABLE, so no index may use it directly).
UNACCENT = [
    "CREATE EXTENSION IF NOT EXISTS unaccent WITH SCHEMA public",
    "CREATE OR REPLACE FUNCTION yumroad_unaccent(text) RETURNS text "
    "LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT "
    "AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$",
]
INDEX_WITHOUT_ACCENTS = (
    "CREATE INDEX ix_product_search ON product "
    "USING gin (to_tsvector('simple', yumroad_unaccent(name || ' ' || description)))"
)
INDEX_WITH_ACCENTS = (
    "CREATE INDEX ix_product_search ON product USING gin (to_tsvector('simple', name || ' ' || description))"
)


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    for statement in UNACCENT:
        op.execute(statement)
    op.execute("DROP INDEX IF EXISTS ix_product_search")
    op.execute(INDEX_WITHOUT_ACCENTS)


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_product_search")
    op.execute(INDEX_WITH_ACCENTS)
    op.execute("DROP FUNCTION IF EXISTS yumroad_unaccent(text)")
    # The unaccent extension stays: other code in this database may use it too.
