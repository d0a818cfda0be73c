"""The Alembic migrations build exactly the schema the models describe."""

import os
import uuid

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from config import TestConfig
from marketplace import create_app
from marketplace.extensions import db


@pytest.fixture
def empty_database(tmp_path):
    """An empty database of the configured kind, apart from the suite's own.

    On PostgreSQL a throw-away schema in the test database, selected by search_path.
    """
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        yield f"sqlite:///{tmp_path / 'migrations.db'}", {}
        return
    schema = f"migration_test_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(url)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield url, {"connect_args": {"options": f"-csearch_path={schema}"}}
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _app_on(url: str, engine_options: dict):
    return create_app(
        TestConfig, SQLALCHEMY_DATABASE_URI=url, SQLALCHEMY_ENGINE_OPTIONS=engine_options
    )


def _schema_drift(connection) -> list:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return compare_metadata(context, db.metadata)


def _table_names(connection) -> set[str]:
    return set(sa.inspect(connection).get_table_names())


def test_upgrade_from_empty_matches_the_models_and_downgrade_removes_everything(empty_database):
    url, engine_options = empty_database
    app = _app_on(url, engine_options)
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            assert _schema_drift(conn) == []
            assert {t.name for t in db.metadata.sorted_tables} <= _table_names(conn)
        downgrade(revision="base")
        with db.engine.connect() as conn:
            assert _table_names(conn) <= {"alembic_version"}
        upgrade()  # and back again: the downgrade left nothing in the way
        with db.engine.connect() as conn:
            assert _schema_drift(conn) == []
        db.engine.dispose()
