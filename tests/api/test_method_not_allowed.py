"""A 405 names the methods the resource does allow (RFC 9110 §15.5.6), on the API and the web."""

import pytest

from .conftest import error_of


@pytest.mark.parametrize(
    ("method", "path"),
    [("TRACE", "/api/v1/skills"), ("PUT", "/api/v1/shifts"), ("DELETE", "/api/v1/auth/csrf")],
)
def test_api_405_carries_allow(client, method, path):
    response = client.open(path, method=method)
    assert error_of(response, 405)["code"] == "method_not_allowed"
    allowed = {m.strip() for m in response.headers["Allow"].split(",")}
    assert "GET" in allowed and method not in allowed


@pytest.mark.parametrize(("method", "path"), [("PUT", "/"), ("TRACE", "/auth/login")])
def test_page_405_carries_allow(client, method, path):
    response = client.open(path, method=method)
    assert response.status_code == 405
    assert "GET" in {m.strip() for m in response.headers["Allow"].split(",")}
    assert response.mimetype == "text/html"
