"""The migrations build the same schema as the models, and can be undone."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import String, inspect

from tests import postgres
from yumroad import create_app
from yumroad.extensions import db, include_in_migrations, render_migration_type
from yumroad.models import UTCDateTime


def test_upgrade_builds_the_models_schema_and_downgrade_removes_it(tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'migrated.db'}", "SECRET_KEY": "x"})
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"include_name": include_in_migrations})
            assert compare_metadata(context, db.metadata) == []
            assert {"user", "store", "product", "order", "product_search"} <= set(inspect(connection).get_table_names())
            # No later migration may rebuild `product` and lose the triggers that keep search in step.
            triggers = connection.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            assert {name for (name,) in triggers} == {
                "product_search_insert",
                "product_search_update",
                "product_search_delete",
            }

        downgrade(revision="base")
        with db.engine.connect() as connection:
            assert set(inspect(connection).get_table_names()) == {"alembic_version"}
        db.engine.dispose()


@postgres.postgres_only
def test_upgrade_and_downgrade_on_postgresql():
    with postgres.scratch_database("_migrations") as url:
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "x"})
        with app.app_context():
            upgrade()
            with db.engine.connect() as connection:
                context = MigrationContext.configure(connection, opts={"include_name": include_in_migrations})
                assert compare_metadata(context, db.metadata) == []
                # The search index is on the text without its accents, as yumroad.search queries it.
                index = connection.exec_driver_sql(
                    "SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_product_search'"
                ).scalar_one()
                assert "to_tsvector('simple'::regconfig, yumroad_unaccent(" in index

            downgrade(revision="base")
            with db.engine.connect() as connection:
                assert set(inspect(connection).get_table_names()) == {"alembic_version"}
                functions = connection.exec_driver_sql("SELECT 1 FROM pg_proc WHERE proname = 'yumroad_unaccent'")
                assert functions.first() is None
            db.engine.dispose()


def test_autogenerate_writes_our_column_types_as_plain_sqlalchemy_types():
    assert render_migration_type("type", UTCDateTime(), None) == "sa.DateTime(timezone=True)"
    assert render_migration_type("type", String(10), None) is False
    assert render_migration_type("column", UTCDateTime(), None) is False


def test_migrations_leave_the_hand_made_search_objects_alone():
    assert not include_in_migrations("product_search", "table", {})
    assert not include_in_migrations("product_search_data", "table", {})
    assert not include_in_migrations("ix_product_search", "index", {})
    assert include_in_migrations("product", "table", {})
