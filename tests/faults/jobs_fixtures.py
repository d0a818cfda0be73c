"""Fixtures and helpers for the job worker fault tests (PostgreSQL and Redis, real processes)."""

import os
import signal
import subprocess
from contextlib import contextmanager

import pytest
import sqlalchemy as sa

from marketplace.extensions import db
from tests.job_helpers import flush_redis


@pytest.fixture
def rq_pg_app(app):
    """The app on PostgreSQL with JOB_BACKEND=rq and an emptied Redis database."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("fault tests run on PostgreSQL: set TEST_DATABASE_URL")
    app.config["JOB_BACKEND"] = "rq"
    flush_redis(app)
    yield app
    flush_redis(app)


@contextmanager
def table_locked(table: str):
    """Hold an ACCESS EXCLUSIVE lock on the table (even readers wait) until the block ends."""
    with db.engine.connect() as connection:
        transaction = connection.begin()
        connection.execute(sa.text(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE"))
        try:
            yield
        finally:
            transaction.rollback()


def waiting_on_lock(table: str) -> str | None:
    """The statement of a backend of this database waiting for a lock on the table, if any."""
    query = sa.text(
        "SELECT query FROM pg_stat_activity"
        " WHERE datname = current_database() AND wait_event_type = 'Lock'"
        " AND query ILIKE :pattern AND pid <> pg_backend_pid()"
    )
    with db.engine.connect() as connection:
        return connection.execute(query, {"pattern": f"%{table}%"}).scalar()


def kill(process: subprocess.Popen) -> None:
    """SIGKILL the worker (and anything it started), as a dying host would."""
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
