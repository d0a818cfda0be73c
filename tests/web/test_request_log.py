"""One JSON line per request with its id; personal numbers never reach the logs."""

import json
import logging

import pytest

from config import TestConfig
from marketplace import create_app, request_log
from marketplace.extensions import db
from tests import live_server
from tests.factories import PASSWORD

MOBILE = "13905752021"
NATIONAL_ID = "330602199001011234"


@pytest.fixture
def json_logs(app, capsys):
    """The app logging JSON; a function returning the lines written since the last call."""
    app.config["LOG_FORMAT"] = "json"
    request_log.configure_logging(app)
    capsys.readouterr()

    def lines() -> list[dict]:
        err = capsys.readouterr().err
        return [json.loads(line) for line in err.splitlines() if line.startswith("{")]

    yield lines
    app.config["LOG_FORMAT"] = "text"
    request_log.configure_logging(app)


def _request_lines(lines: list[dict]) -> list[dict]:
    return [line for line in lines if line["logger"] == "marketplace.request"]


def test_each_request_is_one_line_with_its_id(client, json_logs):
    response = client.get("/healthz?mobile=" + MOBILE)
    (line,) = _request_lines(json_logs())
    request_id = response.headers["X-Request-ID"]
    assert len(request_id) == 32
    assert line["request_id"] == request_id
    assert (line["method"], line["path"], line["status"]) == ("GET", "/healthz", 200)
    assert line["duration_ms"] >= 0 and line["remote_addr"] == "127.0.0.1"
    assert line["user_id"] is None
    assert line["time"].endswith("+00:00")


def test_a_safe_incoming_request_id_is_kept_and_a_bad_one_replaced(client, json_logs):
    response = client.get("/healthz", headers={"X-Request-ID": "lb-4f2a-0001"})
    assert response.headers["X-Request-ID"] == "lb-4f2a-0001"
    assert _request_lines(json_logs())[0]["request_id"] == "lb-4f2a-0001"
    for bad in ("x" * 65, "a b", "id;drop", "<script>", ""):
        response = client.get("/healthz", headers={"X-Request-ID": bad})
        assert response.headers["X-Request-ID"] != bad
        assert len(response.headers["X-Request-ID"]) == 32
    assert all(line["request_id"] != "<script>" for line in json_logs())


def test_a_login_never_writes_the_mobile_number_to_the_logs(client, post_form, json_logs):
    post_form(f"/auth/login?mobile={MOBILE}", {"identifier": MOBILE, "password": "wrong-one"})
    logging.getLogger("marketplace.auth").warning("failed login for %s", MOBILE)
    lines = json_logs()
    assert _request_lines(lines)
    text = json.dumps(lines, ensure_ascii=False)
    assert MOBILE not in text and MOBILE[:3] + " " not in text
    posted = [line for line in _request_lines(lines) if line["method"] == "POST"]
    assert posted and posted[0]["path"] == "/auth/login"  # no query string
    assert any("[mobile]" in line["message"] for line in lines)


def test_the_logged_in_user_is_logged_by_id(make_worker, login, client, json_logs):
    worker = make_worker()
    user = worker.user
    mobile = user.mobile.removeprefix("+86")
    assert login(mobile, PASSWORD).status_code == 302
    client.get("/account/")
    lines = _request_lines(json_logs())
    assert lines[-1]["path"] == "/account/" and lines[-1]["user_id"] == user.id
    assert mobile not in json.dumps(lines)


def test_numbers_are_masked_in_any_record_and_its_traceback(app, json_logs):
    log = logging.getLogger("marketplace.mail")
    log.info("mail to li@example.com\n\n您的手机号%s，身份证 %s。", MOBILE, NATIONAL_ID)
    try:
        raise ValueError(f"duplicate key (mobile)=(+86{MOBILE}), id {NATIONAL_ID.lower()}")
    except ValueError:
        log.exception("insert failed")
    lines = json_logs()
    text = json.dumps(lines, ensure_ascii=False)
    assert MOBILE not in text and NATIONAL_ID not in text
    assert "您的手机号[mobile]，身份证 [id-number]。" in lines[0]["message"]
    assert "[mobile]" in lines[1]["exception"]


def test_request_ids_and_hashes_are_not_mistaken_for_numbers():
    token = "a13905752021b" + "1" * 18 + "f"
    assert request_log.mask_personal_numbers(token) == token
    assert request_log.mask_personal_numbers("+86 139 0575 2021") == "[mobile]"


def test_the_error_log_of_a_500_carries_the_request_id(database_url, capsys):
    app = create_app(
        TestConfig, SQLALCHEMY_DATABASE_URI=database_url, TESTING=False, LOG_FORMAT="json"
    )

    @app.get("/boom")
    def boom():
        raise RuntimeError("broken")

    try:
        capsys.readouterr()
        response = app.test_client().get("/boom", headers={"X-Request-ID": "trace-500"})
        assert response.status_code == 500
        lines = [json.loads(x) for x in capsys.readouterr().err.splitlines() if x[:1] == "{"]
        errors = [line for line in lines if line["level"] == "ERROR"]
        assert errors and errors[0]["request_id"] == "trace-500"
        assert "RuntimeError: broken" in errors[0]["exception"]
        assert _request_lines(lines)[0]["status"] == 500
    finally:
        with app.app_context():
            db.engine.dispose()
        app.config["LOG_FORMAT"] = "text"
        request_log.configure_logging(app)


def test_a_secret_in_a_path_is_logged_as_the_route_pattern(client, json_logs):
    # An invitation link's token sets a password: whoever reads the logs must not get it.
    secret = "k3y-0f-an-invitation-link-nobody-may-read"
    client.get(f"/invite/{secret}")
    client.get(f"/no-such-page/{secret}")  # no route: the path, as the 404 was for it
    paths = [line["path"] for line in _request_lines(json_logs())]
    assert paths[0] == "/invite/<token>"
    assert secret not in json.dumps(json_logs()[:1])


def test_gunicorn_with_the_production_settings_logs_only_masked_json(tmp_path):
    # gunicorn's own lines go through the app's format and masking; its access log stays off,
    # since it would print every query string.
    env = {
        "PATH": "/usr/bin:/bin",
        "MARKETPLACE_ENV": "production",
        "SECRET_KEY": "gunicorn-log-test",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.db'}",
        "WEB_CONCURRENCY": "1",
    }
    log_path = tmp_path / "server.log"
    options = ["-c", "python:marketplace.gunicorn_conf"]
    with live_server.gunicorn(
        options, "wsgi:app", env, log_path, ready_path=f"/healthz?m={MOBILE}"
    ):
        pass
    output = log_path.read_text()
    lines = [json.loads(line) for line in output.splitlines()]
    loggers = {line["logger"] for line in lines}
    assert {"gunicorn.error", "marketplace.request"} <= loggers
    assert "gunicorn.access" not in loggers
    assert MOBILE not in output
