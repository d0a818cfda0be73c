"""Fuzzing fixtures: one seeded app for the whole run, and a Bearer token of a factory owner."""

import pytest
import sqlalchemy as sa

from config import TestConfig
from marketplace import create_app
from marketplace.demo.seed import seed_demo
from marketplace.extensions import db
from marketplace.models import User
from marketplace.services import api_tokens

CASES = {"count": 0}


@pytest.fixture(scope="session")
def fuzz_app(database_url):
    """The app on the demo data (seeded once: the fuzzer's cases only read or get refused)."""
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url)
    with app.app_context():
        seed_demo(workers=100)
        owner = db.session.scalar(sa.select(User).where(User.mobile.like("%13800000001")))
        app.config["FUZZ_TOKEN"] = api_tokens.create_token(owner, "fuzz").secret
    return app


def pytest_terminal_summary(terminalreporter):
    terminalreporter.write_line(f"schemathesis ran {CASES['count']} cases against /api/v1")
