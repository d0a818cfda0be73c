"""API fixtures: bearer tokens, a cookie login through the API, and JSON helpers."""

import pytest

from marketplace.services.accounts import api_tokens
from tests.factories import PASSWORD


@pytest.fixture
def bearer(app):
    """Headers with a fresh personal API token of the user."""

    def make(user) -> dict:
        return {"Authorization": f"Bearer {api_tokens.create_token(user, 'test').secret}"}

    return make


@pytest.fixture
def csrf_header(client):
    """The X-CSRFToken header for the client's cookie session."""

    def get() -> dict:
        return {"X-CSRFToken": client.get("/api/v1/auth/csrf").get_json()["csrf_token"]}

    return get


@pytest.fixture
def api_login(client, csrf_header):
    """Log the client in through POST /api/v1/auth/login; returns the CSRF header."""

    def login(user) -> dict:
        response = client.post(
            "/api/v1/auth/login",
            json={"identifier": user.mobile, "password": PASSWORD},
            headers=csrf_header(),
        )
        assert response.status_code == 200, response.get_json()
        return {"X-CSRFToken": response.get_json()["csrf_token"]}

    return login


def error_of(response, status: int) -> dict:
    """The error body of a response that must have this status and the one error shape."""
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "fields"}
    return body["error"]
