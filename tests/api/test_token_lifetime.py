"""Every API token expires, and making one takes a fresh password check, never a token alone."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.models import ApiToken, AuditEvent, utcnow
from tests.api.conftest import error_of
from tests.factories import PASSWORD

URL = "/api/v1/auth/tokens"


def _days_left(body) -> float:
    stored = db.session.get(ApiToken, body["id"])
    return (stored.expires_at - utcnow()) / timedelta(days=1)


def test_a_token_made_without_a_lifetime_expires_after_the_default(
    app, client, api_login, make_user
):
    user = make_user()
    headers = api_login(user)
    made = client.post(URL, json={"name": "laptop", "password": PASSWORD}, headers=headers)
    assert made.status_code == 201, made.get_json()
    assert made.get_json()["expires_at"] is not None
    assert _days_left(made.get_json()) == pytest.approx(app.config["API_TOKEN_DEFAULT_DAYS"], 0.01)


def test_the_document_states_the_lifetime_bounds(app, client):
    schema = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    days = schema["TokenCreate"]["properties"]["expires_in_days"]
    assert (days["minimum"], days["maximum"]) == (1, app.config["API_TOKEN_MAX_DAYS"])
    assert "password" in schema["TokenCreate"]["required"]


def test_a_bearer_token_alone_cannot_mint_tokens(client, bearer, make_user):
    user = make_user()
    headers = bearer(user)
    refused = client.post(URL, json={"name": "more"}, headers=headers)
    assert "password" in error_of(refused, 422)["fields"]
    wrong = client.post(URL, json={"name": "more", "password": "not-it"}, headers=headers)
    error_of(wrong, 401)
    assert db.session.scalar(sa.select(sa.func.count(ApiToken.id))) == 1
    actions = list(db.session.scalars(sa.select(AuditEvent.action)))
    assert "auth.token_password_failed" in actions


def test_the_password_with_the_identifier_makes_a_token_without_a_session(
    client, csrf_header, make_user
):
    user = make_user()
    body = {"name": "ci", "identifier": user.mobile, "password": PASSWORD}
    made = client.post(URL, json=body, headers=csrf_header())
    assert made.status_code == 201, made.get_json()
    token = {"Authorization": f"Bearer {made.get_json()['token']}"}
    assert client.get("/api/v1/auth/me", headers=token).get_json()["id"] == user.id
    body["password"] = "wrong"
    error_of(client.post(URL, json=body, headers=csrf_header()), 401)


def test_password_checks_for_tokens_count_against_the_login_limits(
    app, client, csrf_header, make_user
):
    user = make_user()
    body = {"name": "ci", "identifier": user.mobile, "password": "wrong"}
    for _ in range(app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT_ADDRESS"]):
        error_of(client.post(URL, json=body, headers=csrf_header()), 401)
    body["password"] = PASSWORD
    error_of(client.post(URL, json=body, headers=csrf_header()), 429)
    login = {"identifier": user.mobile, "password": PASSWORD}
    error_of(client.post("/api/v1/auth/login", json=login, headers=csrf_header()), 429)
