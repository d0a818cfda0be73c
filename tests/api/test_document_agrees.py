"""The OpenAPI document says what the server does (what the issue's probe found apart)."""

import re

import pytest

from marketplace.bounds import text_problem
from tests.api.conftest import error_of


@pytest.fixture
def document(client):
    return client.get("/api/v1/openapi.json").get_json()


def test_blank_cursor_and_near_are_as_if_absent(client, document):
    params = document["paths"]["/api/v1/shifts"]["get"]["parameters"]
    assert {p["name"]: p["schema"].get("minLength") for p in params}["cursor"] is None
    assert client.get("/api/v1/shifts?cursor=&near=").status_code == 200


def test_a_body_is_required_in_the_document_exactly_when_the_server_needs_one(
    client, document, bearer, make_worker
):
    patch = document["paths"]["/api/v1/workers/me"]["patch"]["requestBody"]
    assert patch.get("required") is not True
    headers = bearer(make_worker().user)
    assert client.patch("/api/v1/workers/me", headers=headers).status_code == 200
    post = document["paths"]["/api/v1/workers/me/availability"]["post"]["requestBody"]
    assert post["required"] is True
    error_of(client.post("/api/v1/workers/me/availability", headers=headers), 422)


def test_an_excluded_bound_is_documented_as_excluded(document):
    travel = document["components"]["schemas"]["ProfilePatch"]["properties"]["max_travel_km"]
    assert travel["minimum"] == 0 and travel["exclusiveMinimum"] is True


def test_an_unknown_skill_in_the_path_is_not_found(client, bearer, make_worker):
    headers = bearer(make_worker().user)
    error_of(
        client.put("/api/v1/workers/me/skills/999999", json={"level": 2}, headers=headers), 404
    )


def test_the_text_rule_is_in_the_document_and_agrees_with_the_server(document):
    shift = document["components"]["schemas"]["ShiftInput"]["properties"]
    title, description = shift["title"]["pattern"], shift["description"]["pattern"]
    # Every character below U+0100 and a few beyond: the document's pattern accepts it exactly
    # when the server's check (marketplace/bounds.py) does, for one-line and multi-line text.
    for code in [*range(0x100), 0x2028, 0x3000, 0xFFFD, 0x1F600]:
        text = f"a{chr(code)}b"
        assert (re.fullmatch(title, text) is not None) == (text_problem(text) is None), hex(code)
        multiline_ok = text_problem(text, multiline=True) is None
        assert (re.fullmatch(description, text) is not None) == multiline_ok, hex(code)
