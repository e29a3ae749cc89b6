"""Full-text search of products, behind one function, on SQLite (FTS5) and PostgreSQL alike.

- SQLite: an FTS5 table, `product_search`, indexes the name and description of every product;
  triggers keep it in step with the `product` table (so a batch migration that rebuilds `product`
  must create them again).
- PostgreSQL: a GIN index on the same text, without its accents (`unaccent`, wrapped in an
  IMMUTABLE function an index may use), as a `simple` tsvector; queries lose their accents too.

Whatever people type is reduced to words (letters and digits) before it reaches either engine, so
quotes, operators and percent signs are just characters, never syntax.
"""

import re

from sqlalchemy import DDL, ColumnElement, Select, String, column, event, func, literal_column, table, text

from yumroad.models import Product

MAX_QUERY_LENGTH = 200
MAX_TERMS = 10
MAX_TERM_LENGTH = 50

SQLITE_SEARCH_DDL = [
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
]
POSTGRES_SEARCH_DDL = [
    "CREATE EXTENSION IF NOT EXISTS unaccent WITH SCHEMA public",
    "CREATE OR REPLACE FUNCTION yumroad_unaccent(text) RETURNS text "
    "LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT "
    "AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$",
    "CREATE INDEX IF NOT EXISTS ix_product_search ON product "
    "USING gin (to_tsvector('simple', yumroad_unaccent(name || ' ' || description)))",
]

# Tables made by `db.create_all()` (the tests) get the search index too; migrations make their own.
for statement in SQLITE_SEARCH_DDL:
    event.listen(Product.__table__, "after_create", DDL(statement).execute_if(dialect="sqlite"))
for statement in POSTGRES_SEARCH_DDL:
    event.listen(Product.__table__, "after_create", DDL(statement).execute_if(dialect="postgresql"))
event.listen(Product.__table__, "after_drop", DDL("DROP TABLE IF EXISTS product_search").execute_if(dialect="sqlite"))

_fts = table("product_search", column("rowid"), column("rank"))
_SIMPLE = literal_column("'simple'")
# Written out as in the index (no bound parameter), or PostgreSQL could not use the index.
_POSTGRES_INDEXED_TEXT = Product.name + literal_column("' '", String) + Product.description


def search_terms(query: str | None) -> list[str]:
    """The words of a query, lower-cased: 'Brush "pack" 100%' -> ['brush', 'pack', '100']."""
    words = re.findall(r"\w+", (query or "")[:MAX_QUERY_LENGTH].lower())
    return [word[:MAX_TERM_LENGTH] for word in words[:MAX_TERMS]]


def matching(statement: Select[tuple[Product]], terms: list[str], dialect: str) -> tuple[Select, ColumnElement]:
    """Narrow a select of products to those whose name or description has every term (as a word
    or the start of one); return it with a relevance expression to sort by (best first)."""
    if dialect == "postgresql":
        document = func.to_tsvector(_SIMPLE, func.yumroad_unaccent(_POSTGRES_INDEXED_TEXT))
        query = func.to_tsquery(_SIMPLE, func.yumroad_unaccent(" & ".join(_ts_term(term) for term in terms)))
        return statement.where(document.op("@@")(query)), func.ts_rank(document, query).desc()
    fts_query = " ".join(_fts_term(term) for term in terms)
    narrowed = statement.join(_fts, _fts.c.rowid == Product.id).where(
        text("product_search MATCH :fts_query").bindparams(fts_query=fts_query)
    )
    return narrowed, _fts.c.rank.asc()  # FTS5's rank is bm25: lower is better


# A word of one letter matches itself only: as a prefix it would match most of the catalogue.
MIN_PREFIX_LENGTH = 2


def _fts_term(term: str) -> str:
    return f'"{term}"*' if len(term) >= MIN_PREFIX_LENGTH else f'"{term}"'


def _ts_term(term: str) -> str:
    return f"{term}:*" if len(term) >= MIN_PREFIX_LENGTH else term
