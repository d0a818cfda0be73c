"""GET /healthz (the process answers) and GET /readyz (the database and Redis answer)."""

import pytest
import sqlalchemy as sa

from config import TestConfig
from marketplace import create_app
from marketplace.extensions import db
from marketplace.models import AuditEvent

UNREACHABLE_REDIS = "redis://127.0.0.1:1/0"
UNREACHABLE_DATABASE = "postgresql+psycopg://postgres@127.0.0.1:1/nothing"


def _use_redis(app, url: str) -> None:
    app.extensions.pop("marketplace.redis", None)
    app.config["REDIS_URL"] = url


def test_healthz_answers_without_a_cookie_or_a_trace(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}
    assert "Set-Cookie" not in response.headers
    assert db.session.scalar(sa.select(sa.func.count(AuditEvent.id))) == 0


def test_readyz_checks_the_database(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "checks": {"database": {"status": "ok"}}}
    assert "Set-Cookie" not in response.headers


def test_readyz_checks_redis_when_jobs_go_through_it(app, client):
    app.config["JOB_BACKEND"] = "rq"
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json()["checks"] == {
        "database": {"status": "ok"},
        "redis": {"status": "ok"},
    }


def test_readyz_is_503_when_redis_is_unreachable(app, client):
    app.config["JOB_BACKEND"] = "rq"
    _use_redis(app, UNREACHABLE_REDIS)
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == {"status": "ok"}
    assert body["checks"]["redis"]["status"] == "fail"
    assert client.get("/healthz").status_code == 200  # up, just not ready


@pytest.fixture
def app_without_database():
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=UNREACHABLE_DATABASE)
    yield app
    with app.app_context():
        db.engine.dispose()


def test_readyz_is_503_when_the_database_is_unreachable(app_without_database):
    client = app_without_database.test_client()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["database"]["status"] == "fail"
    # /healthz never touches the database.
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}
