"""Small hostile requests get a clean 4xx, never a 500 (issue 14, defects 2 and 3)."""

import os
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask

from marketplace.extensions import db
from marketplace.web.errors import handle_unexpected
from tests.api.conftest import error_of
from tests.factories import PASSWORD

DEEP_LIST = "[" * 1000 + "]" * 1000


@pytest.fixture
def served(app: Flask):
    """Errors handled as in production: an exception is the app's 500 page, not re-raised."""
    app.config["PROPAGATE_EXCEPTIONS"] = False
    app.register_error_handler(Exception, handle_unexpected)
    return app


@pytest.fixture
def owner_shift(make_shift, bearer):
    shift = make_shift()
    return shift, bearer(shift.factory.members[0].user)


@pytest.mark.parametrize("query", ["date_from=0001-01-01", "date_to=9999-12-31"])
def test_far_list_filters_are_a_422_on_the_field(client, query):
    name = query.split("=")[0]
    error = error_of(client.get(f"/api/v1/shifts?{query}"), 422)
    assert "Must be between" in error["fields"][name][0]


def test_far_day_and_huge_page_on_the_public_list(client):
    day = client.get("/?day=9999-12-31")
    assert day.status_code == 400 and "Must be between" in day.get_data(as_text=True)
    assert client.get("/?page=9223372036854775807").status_code == 404


def test_a_login_body_nested_a_thousand_deep_is_malformed(client, csrf_header):
    body = f'{{"identifier": {DEEP_LIST}, "password": "x"}}'
    response = client.post(
        "/api/v1/auth/login", data=body, content_type="application/json", headers=csrf_header()
    )
    assert error_of(response, 400)["code"] == "malformed"


def test_the_web_login_refuses_a_deeply_nested_json_body(client):
    response = client.post(
        "/auth/login", data=f'{{"identifier": {DEEP_LIST}}}', content_type="application/json"
    )
    assert response.status_code == 400


def test_a_lone_surrogate_in_the_login_identifier_is_a_field_error(client, csrf_header):
    body = '{"identifier": "\\ud800", "password": "x"}'
    response = client.post(
        "/api/v1/auth/login", data=body, content_type="application/json", headers=csrf_header()
    )
    error = error_of(response, 422)
    assert list(error["fields"]) == ["identifier"]


def test_a_lone_surrogate_in_a_shift_title_is_a_field_error_in_the_reader_s_language(
    served, client, owner_shift
):
    shift, headers = owner_shift
    response = client.patch(
        f"/api/v1/shifts/{shift.id}",
        data='{"title": "\\ud800"}',
        content_type="application/json",
        headers={**headers, "Accept-Language": "zh-CN"},
    )
    error = error_of(response, 422)
    assert error["fields"]["title"] == ["不是有效的 Unicode 文本。"]


@pytest.mark.parametrize("title", ["a\u0000b", "a\nb", "a\u001bb"])
def test_control_characters_in_one_line_text_are_refused(served, client, owner_shift, title):
    shift, headers = owner_shift
    response = client.patch(f"/api/v1/shifts/{shift.id}", json={"title": title}, headers=headers)
    assert list(error_of(response, 422)["fields"]) == ["title"]


def test_multi_line_text_keeps_its_line_breaks_and_tabs(client, owner_shift):
    shift, headers = owner_shift
    text = "第一行\n\t第二行"
    response = client.patch(
        f"/api/v1/shifts/{shift.id}", json={"description": text}, headers=headers
    )
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["description"] == text
    nul = client.patch(
        f"/api/v1/shifts/{shift.id}", json={"description": "a\u0000"}, headers=headers
    )
    assert list(error_of(nul, 422)["fields"]) == ["description"]


def test_a_nul_in_a_web_form_is_a_field_error(served, client, login):
    response = login("a\u0000b", "x")
    assert response.status_code in (200, 400)
    assert "Control characters" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("days", "ok"), [(30, True), (400, False), (-30, False), (365 * 8000, False)]
)
def test_a_shift_is_planned_within_a_year_from_now(client, owner_shift, days, ok):
    shift, headers = owner_shift
    far = datetime(9999, 12, 30, tzinfo=UTC)
    starts = far if days > 365 * 100 else datetime.now(UTC) + timedelta(days=days)
    body = {
        "starts_at": starts.isoformat(),
        "ends_at": (starts + timedelta(hours=8)).isoformat(),
    }
    response = client.patch(f"/api/v1/shifts/{shift.id}", json=body, headers=headers)
    if ok:
        assert response.status_code == 200, response.get_json()
    else:
        assert "Must be between" in error_of(response, 422)["fields"]["starts_at"][0]


@pytest.mark.parametrize(
    ("url", "body"),
    [
        ("/api/v1/training-sessions", {"title": "t", "capacity": 5}),
        ("/api/v1/placement-runs", {}),
    ],
)
def test_training_sessions_and_run_windows_refuse_year_9999(
    client, bearer, moderator_of, make_factory, url, body
):
    moderator = moderator_of(make_factory())
    names = (
        ("window_starts_at", "window_ends_at") if "placement" in url else ("starts_at", "ends_at")
    )
    body = {**body, names[0]: "9999-12-30T00:00:00Z", names[1]: "9999-12-31T00:00:00Z"}
    error = error_of(client.post(url, json=body, headers=bearer(moderator)), 422)
    assert set(names) <= set(error["fields"])


def test_availability_refuses_year_9999(client, bearer, make_worker):
    worker = make_worker()
    body = {"starts_at": "9999-12-30T00:00:00Z", "ends_at": "9999-12-31T00:00:00Z"}
    response = client.post(
        "/api/v1/workers/me/availability", json=body, headers=bearer(worker.user)
    )
    assert {"starts_at", "ends_at"} <= set(error_of(response, 422)["fields"])


def test_the_web_shift_list_refuses_a_huge_id_in_the_query(client):
    assert client.get("/association/?association=9223372036854775807").status_code in (302, 404)


@pytest.mark.postgres
@pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="NUL in text and int4 overflow are PostgreSQL's own failures",
)
def test_on_postgresql_nul_text_and_big_ids_are_4xx(served, client, owner_shift):
    shift, headers = owner_shift
    for field in ("title", "description"):
        response = client.patch(
            f"/api/v1/shifts/{shift.id}", json={field: "x\u0000y"}, headers=headers
        )
        assert list(error_of(response, 422)["fields"]) == [field]
    assert client.get("/api/v1/shifts/3000000000", headers=headers).status_code == 404
    assert client.get("/factory/?factory=3000000000").status_code in (302, 404)


def test_the_error_page_is_rendered_after_a_failed_flush(served, client, login, make_worker):
    """The app's own 500 page, even when the session can no longer be used as it was."""
    worker = make_worker()

    @served.get("/test-flush-fails")
    def flush_fails():
        from flask_login import current_user

        current_user.name  # noqa: B018  (loaded into the session, as a page would)
        current_user.mobile = None
        current_user.email = None  # refused by a constraint: the flush fails
        db.session.flush()

    login(worker.user.mobile, PASSWORD)
    response = client.get("/test-flush-fails", headers={"Accept-Language": "zh-CN"})
    assert response.status_code == 500
    assert "系统出错了" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "args",
    [
        ["placement", "run", "--association", "1", "--days", "99999999"],
        ["placement", "run", "--association", "9223372036854775807"],
    ],
)
def test_the_cli_refuses_far_windows_and_huge_ids_as_usage_errors(app, args):
    result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code == 2, result.output
    assert "range" in result.output
