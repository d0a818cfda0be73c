"""The Alembic migrations build exactly the schema the models describe."""

import os
import shutil
import uuid
from pathlib import Path

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


def _check_constraints_in_models() -> set[tuple[str, str]]:
    return {
        (table.name, str(constraint.name))
        for table in db.metadata.tables.values()
        for constraint in table.constraints
        if isinstance(constraint, sa.CheckConstraint)
    }


def _check_constraints_in_database(connection) -> set[tuple[str, str]]:
    # Autogenerate does not compare CHECK constraints, so compare their names here.
    inspector = sa.inspect(connection)
    return {
        (table, check["name"])
        for table in inspector.get_table_names()
        for check in inspector.get_check_constraints(table)
    }


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
            assert _check_constraints_in_database(conn) == _check_constraints_in_models()
        downgrade(revision="base")
        with db.engine.connect() as conn:
            assert _table_names(conn) <= {"alembic_version"}
        upgrade()  # and back again: the downgrade left nothing in the way
        with db.engine.connect() as conn:
            assert _schema_drift(conn) == []
        db.engine.dispose()


REBUILD_USERS = """
from alembic import op
import sqlalchemy as sa

revision = "ffffffffffff"
down_revision = "{head}"


def upgrade():
    # SQLite copies and drops the table; PostgreSQL alters it in place.
    recreate = "always" if op.get_bind().dialect.name == "sqlite" else "auto"
    with op.batch_alter_table("users", recreate=recreate) as batch:
        batch.alter_column("name", existing_type=sa.String(80), type_=sa.String(120))


def downgrade():
    pass
"""


def test_a_migration_that_rebuilds_a_table_keeps_the_rows_that_refer_to_it(
    empty_database, tmp_path
):
    """On SQLite batch mode drops and recreates tables; foreign keys must not cascade meanwhile."""
    url, engine_options = empty_database
    directory = tmp_path / "migrations"
    shutil.copytree(Path(__file__).parents[2] / "migrations", directory)
    app = _app_on(url, engine_options)
    with app.app_context():
        upgrade(directory=str(directory))
        head = db.session.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
        (directory / "versions" / "ffffffffffff_rebuild.py").write_text(
            REBUILD_USERS.format(head=head)
        )
        db.session.execute(
            sa.text(
                "INSERT INTO users (id, role, name, mobile, password_hash, status, created_at)"
                " VALUES (1, 'worker', 'x', '+8613800000000', 'h', 'active', '2026-01-01')"
            )
        )
        db.session.execute(
            sa.text(
                "INSERT INTO user_sessions (user_id, token_hash, created_at, last_seen_at)"
                " VALUES (1, 'abc', '2026-01-01', '2026-01-01')"
            )
        )
        db.session.commit()
        db.session.remove()
        upgrade(directory=str(directory))
        count = db.session.execute(sa.text("SELECT count(*) FROM user_sessions")).scalar()
        db.session.remove()
        db.engine.dispose()
    assert count == 1
