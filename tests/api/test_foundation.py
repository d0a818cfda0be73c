"""The API as a whole: the OpenAPI document, the docs page, errors, limits, CORS."""

import re

from openapi_spec_validator import validate

from tests.api.conftest import error_of

NOT_IN_DOCUMENT = {"/api/v1/openapi.json", "/api/v1/docs", "/api/v1/docs/static/<filename>"}


def _openapi_path(rule: str) -> str:
    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule)


def test_the_openapi_document_is_valid_and_lists_every_route(app, client):
    spec = client.get("/api/v1/openapi.json").get_json()
    validate(spec)
    assert spec["openapi"].startswith("3.")
    routes = {}
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1") and rule.rule not in NOT_IN_DOCUMENT:
            methods = {m.lower() for m in rule.methods} - {"head", "options"}
            routes.setdefault(_openapi_path(rule.rule), set()).update(methods)
    documented = {path: set(ops) - {"parameters"} for path, ops in spec["paths"].items()}
    assert documented == routes
    # Two schema classes of one name get "Name1" from apispec: a contract nobody chose.
    renamed = [name for name in spec["components"]["schemas"] if name[-1].isdigit()]
    assert renamed == []


def test_the_document_names_both_auth_schemes_and_the_error_shape(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    schemes = spec["components"]["securitySchemes"]
    assert schemes["bearerAuth"] == {**schemes["bearerAuth"], "type": "http", "scheme": "bearer"}
    assert schemes["cookieAuth"]["in"] == "cookie"
    create = spec["paths"]["/api/v1/shifts"]["post"]
    assert {"bearerAuth": []} in create["security"]
    assert {"201", "401", "403", "422"} <= set(create["responses"])
    assert "error" in spec["components"]["schemas"]["Error"]["properties"]


def test_the_docs_page_and_its_files_are_local(client):
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "/api/v1/openapi.json" in html
    assert not re.search(r"(https?:)?//[a-z0-9.-]+\.[a-z]", html, re.I)
    for name in re.findall(r'(?:src|href)="(/api/v1/docs/static/[^"]+)"', html):
        assert client.get(name).status_code == 200
    assert client.get("/api/v1/docs/static/index.html").status_code == 404


def test_unknown_routes_and_methods_answer_in_the_error_shape(client):
    assert error_of(client.get("/api/v1/no-such-thing"), 404)["code"] == "not_found"
    assert error_of(client.put("/api/v1/skills"), 405)["code"] == "method_not_allowed"


def test_malformed_json_is_a_400(client, csrf_header):
    response = client.post(
        "/api/v1/auth/login",
        data="{not json",
        content_type="application/json",
        headers=csrf_header(),
    )
    assert error_of(response, 400)["code"] == "malformed"


def test_bad_fields_are_a_422_with_messages_per_field(client, csrf_header):
    response = client.post(
        "/api/v1/auth/login", json={"password": 3, "extra": 1}, headers=csrf_header()
    )
    error = error_of(response, 422)
    assert error["code"] == "invalid"
    assert error["fields"] == {
        "identifier": ["This field is required."],
        "password": ["Not a valid string."],
        "extra": ["Unknown field."],
    }


def test_unknown_query_parameters_are_refused(client):
    error = error_of(client.get("/api/v1/shifts?distrct=3"), 422)
    assert error["fields"] == {"distrct": ["Unknown field."]}


def test_messages_follow_the_readers_language(app, csrf_header):
    chinese = app.test_client()
    token = chinese.get("/api/v1/auth/csrf").get_json()["csrf_token"]
    response = chinese.post("/api/v1/auth/login", json={}, headers={"X-CSRFToken": token})
    error = error_of(response, 422)
    assert error["message"] == "请修改标出的项目。"
    assert error["fields"]["identifier"] == ["此项为必填项。"]


def test_a_body_over_the_limit_is_a_413(app, client, csrf_header):
    app.config["API_MAX_CONTENT_LENGTH"] = 1000
    response = client.post(
        "/api/v1/auth/login",
        json={"identifier": "x" * 2000, "password": "y"},
        headers=csrf_header(),
    )
    assert error_of(response, 413)["code"] == "request_entity_too_large"


def test_no_cors_headers_unless_the_origin_is_allowed(app, client):
    response = client.get("/api/v1/skills", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in response.headers
    app.config["API_CORS_ORIGINS"] = ("https://partner.example",)
    allowed = client.get("/api/v1/skills", headers={"Origin": "https://partner.example"})
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://partner.example"
    other = client.get("/api/v1/skills", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in other.headers


def test_reference_lists(client, loom):
    (skill,) = client.get("/api/v1/skills").get_json()
    assert skill == {
        "id": loom.id,
        "code": "weaving.loom",
        "name": "Loom operation",
        "name_zh": "挡车",
        "name_en": "Loom operation",
        "industry": "textiles",
    }
    assert client.get("/api/v1/certificate-types").get_json() == []
