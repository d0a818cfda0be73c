"""Fixtures: an app on a freshly migrated database, emptied after every test.

The database is SQLite unless TEST_DATABASE_URL names another (PostgreSQL in CI).
The schema comes from the Alembic migrations, not create_all, so every test
runs against exactly what production gets.
"""

import os
import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from flask_migrate import upgrade

from config import TestConfig
from marketplace import create_app
from marketplace.extensions import db

pytest_plugins = ["tests.factories", "tests.stats_scene", "tests.roster_helpers"]


def _database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


def _reset_schema(url: str) -> None:
    """Start from an empty database: drop what an earlier run left behind."""
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(sa.text("DROP SCHEMA public CASCADE"))
            conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    """A database migrated to head, once per test session."""
    url = _database_url(tmp_path_factory)
    _reset_schema(url)
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return url


def _empty_all_tables() -> None:
    # matching_state keeps its one row; bumping it tells every cached index the data went.
    tables = [t for t in reversed(db.metadata.sorted_tables) if t.name != "matching_state"]
    if db.engine.dialect.name == "postgresql":
        names = ", ".join(t.name for t in tables)
        db.session.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        for table in tables:
            db.session.execute(table.delete())
    db.session.execute(sa.text("UPDATE matching_state SET version = version + 1"))
    db.session.commit()


_RAW_PLACEHOLDER = re.compile(rb"%\(\w+\)[sd]")


def _no_raw_placeholder(response):
    """A page holding "%(n)d" shows a message whose values were never filled in."""
    if response.mimetype == "text/html" and not response.direct_passthrough:
        found = _RAW_PLACEHOLDER.search(response.get_data())
        assert found is None, f"an unfilled placeholder reached a page: {found.group()!r}"
    return response


@pytest.fixture
def app(database_url):
    """The application, its context pushed; every table is emptied afterwards.

    Every HTML response is checked for a placeholder left unfilled (_no_raw_placeholder).
    """
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url)
    app.after_request(_no_raw_placeholder)
    with app.app_context():
        try:
            yield app
        finally:
            db.session.rollback()
            db.session.remove()
            _empty_all_tables()
            db.session.remove()
            db.engine.dispose()


class IsolatedClient(FlaskClient):
    """Runs each request in its own app context, as a real server does.

    Otherwise requests would share the test's context: one ``g`` (so a CSRF
    token cached there would leak between requests) and one database session.
    Afterwards the test's own session is expired, so it reads what the request wrote.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        db.session.expire_all()
        return response


@pytest.fixture
def client(app):
    """A browser that asks for English, so assertions read the English messages."""
    app.test_client_class = IsolatedClient
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


_CSRF_RE = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|'
    r'name="csrf_token" value="([^"]+)"'
)


def csrf_from(html: str) -> str:
    """The CSRF token of the first form on a page, as a browser would send it."""
    match = _CSRF_RE.search(html)
    assert match, "page has no CSRF token"
    return match.group(1) or match.group(2)


@pytest.fixture
def post_form(client):
    """Load a page, then post its form with the page's CSRF token plus the given fields."""

    def post(url: str, data: dict, *, page: str | None = None, **kwargs):
        html = client.get(page or url).get_data(as_text=True)
        return client.post(url, data={"csrf_token": csrf_from(html), **data}, **kwargs)

    return post


@pytest.fixture
def login(post_form):
    """Log the test client in through the real login form."""

    def do_login(identifier: str, password: str):
        return post_form("/auth/login", {"identifier": identifier, "password": password})

    return do_login


def pytest_sessionstart(session):
    """Compile the message catalogues if needed, so a bare `pytest` works like `make test`."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    root = Path(__file__).resolve().parents[1] / "marketplace" / "translations"
    for po_path in root.glob("*/LC_MESSAGES/messages.po"):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po_file:
            catalogue = read_po(po_file)
        with mo_path.open("wb") as mo_file:
            write_mo(mo_file, catalogue)
