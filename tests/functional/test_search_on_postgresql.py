"""PostgreSQL's search: accents folded on both sides, and the GIN index doing the work."""

from sqlalchemy.dialects import postgresql

from tests.factories import ProductFactory
from tests.postgres import postgres_only
from yumroad.extensions import db
from yumroad.models import Product
from yumroad.search import matching, search_terms

pytestmark = postgres_only


def found(query: str) -> list[str]:
    statement, relevance = matching(db.select(Product.name), search_terms(query), "postgresql")
    return list(db.session.scalars(statement.order_by(relevance)))


def test_accents_are_folded_in_products_and_in_queries(app):
    ProductFactory(name="Café Sketches", description="Crème brûlée and Ångström")
    ProductFactory(name="Cafeteria Menus", description="Plain text")

    assert found("cafe") == ["Café Sketches", "Cafeteria Menus"]
    assert found("CAFÉ sketch") == ["Café Sketches"]
    assert found("creme brulee angstrom") == ["Café Sketches"]


def test_the_search_runs_on_the_index(app):
    ProductFactory(name="Café Sketches")
    statement, _ = matching(db.select(Product.id), ["cafe"], "postgresql")
    compiled = statement.compile(dialect=postgresql.psycopg.dialect())

    connection = db.session.connection()
    connection.exec_driver_sql("SET LOCAL enable_seqscan = off")  # a few rows: force the planner's hand
    plan = connection.exec_driver_sql("EXPLAIN " + str(compiled), compiled.params).scalars().all()

    assert any("ix_product_search" in line for line in plan), plan
