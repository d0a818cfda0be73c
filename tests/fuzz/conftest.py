"""Fuzzing fixtures: one seeded app served on loopback for the whole run, a token per role."""

import threading

import pytest
import sqlalchemy as sa
from werkzeug.serving import make_server

from config import TestConfig
from marketplace import create_app
from marketplace.demo.seed import seed_demo
from marketplace.extensions import db
from marketplace.models import ApiToken, User
from marketplace.services.accounts import api_tokens

# The demo logins the fuzzer calls as (see marketplace/demo/seed.py).
ROLES = {"owner": "13800000001", "worker": "13900000001", "moderator": "13700000001"}
# Far from the ids a fuzzer tries first (0, 1, the largest): DELETE /auth/tokens/{id} with
# a drawn id must not revoke the token the rest of the run calls with.
TOKEN_IDS = {"owner": 7_301_017, "worker": 7_301_018, "moderator": 7_301_019}
CASES: dict[str, int] = dict.fromkeys(ROLES, 0)
SECONDS: dict[str, float] = dict.fromkeys(ROLES, 0.0)
FAILURES: dict[str, int] = dict.fromkeys(ROLES, 0)


@pytest.fixture(scope="session")
def fuzz_app(database_url):
    """The app on the demo data, seeded once; each role's cases run on what the last left."""
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url)
    with app.app_context():
        seed_demo(workers=100)
        tokens = {}
        for role, mobile in ROLES.items():
            user = db.session.scalar(sa.select(User).where(User.mobile == f"+86{mobile}"))
            new = api_tokens.create_token(user, f"fuzz {role}")
            db.session.execute(
                sa.update(ApiToken).where(ApiToken.id == new.token.id).values(id=TOKEN_IDS[role])
            )
            db.session.commit()
            tokens[role] = new.secret
        app.config["FUZZ_TOKENS"] = tokens
    return app


@pytest.fixture(scope="session")
def fuzz_url(fuzz_app):
    """The app served over HTTP on 127.0.0.1 (one request at a time), as a client sees it."""
    server = make_server("127.0.0.1", 0, fuzz_app, threaded=False)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


def pytest_terminal_summary(terminalreporter):
    total = sum(CASES.values())
    if not total:
        return
    by_role = ", ".join(
        f"{role} {CASES[role]} in {SECONDS[role]:.0f} s, {FAILURES[role]} failures"
        for role in ROLES
        if CASES[role]
    )
    terminalreporter.write_line(
        f"schemathesis ran {total} cases against /api/v1 with {sum(FAILURES.values())} "
        f"failures ({by_role})"
    )
