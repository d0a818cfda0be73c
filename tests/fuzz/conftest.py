"""Fuzzing fixtures: one seeded app for the whole run, and a Bearer token per role."""

import pytest
import sqlalchemy as sa

from config import TestConfig
from marketplace import create_app
from marketplace.demo.seed import seed_demo
from marketplace.extensions import db
from marketplace.models import User
from marketplace.services import api_tokens

# The demo logins the fuzzer calls as (see marketplace/demo/seed.py).
ROLES = {"owner": "13800000001", "worker": "13900000001", "moderator": "13700000001"}
CASES: dict[str, int] = dict.fromkeys(ROLES, 0)


@pytest.fixture(scope="session")
def fuzz_app(database_url):
    """The app on the demo data, seeded once; each role's cases run on what the last left."""
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url)
    with app.app_context():
        seed_demo(workers=100)
        tokens = {}
        for role, mobile in ROLES.items():
            user = db.session.scalar(sa.select(User).where(User.mobile == f"+86{mobile}"))
            tokens[role] = api_tokens.create_token(user, f"fuzz {role}").secret
        app.config["FUZZ_TOKENS"] = tokens
    return app


def pytest_terminal_summary(terminalreporter):
    by_role = ", ".join(f"{role} {count}" for role, count in CASES.items() if count)
    total = sum(CASES.values())
    terminalreporter.write_line(f"schemathesis ran {total} cases against /api/v1 ({by_role})")
