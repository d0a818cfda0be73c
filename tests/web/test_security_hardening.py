"""Security hardening (ASVS L2): headers, the session cookie, session limits, ending sessions,
throttling shared across processes, and the client address behind one proxy."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from config import TestConfig
from marketplace import create_app
from marketplace.extensions import db
from marketplace.models import AuditEvent, Invitation, Role, UserSession, utcnow
from marketplace.services.accounts import api_tokens
from marketplace.services.accounts import registration as accounts
from marketplace.services.roster.write import token_hash
from tests.conftest import IsolatedClient, csrf_from
from tests.factories import PASSWORD

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
STYLE_ATTRIBUTE = re.compile(r"<[^>]+\sstyle\s*=", re.I)


def _actions() -> list[str]:
    return list(db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)))


def _other_client(app, identifier: str | None = None):
    """A second browser on the same app, logged in as someone if asked."""
    app.test_client_class = IsolatedClient
    other = app.test_client()
    other.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    if identifier:
        token = csrf_from(other.get("/auth/login").get_data(as_text=True))
        data = {"csrf_token": token, "identifier": identifier, "password": PASSWORD}
        assert other.post("/auth/login", data=data).status_code == 302
    return other


# 1. Headers ----------------------------------------------------------------------------


def _pages(make_worker, make_factory, make_user, scene):
    worker = make_worker().user
    owner = make_user(Role.FACTORY_STAFF)
    make_factory(owner=owner)
    return [
        (None, ["/", "/auth/login", "/auth/register/worker", "/api/v1/docs"]),
        (worker, ["/worker/profile", "/worker/shifts", "/account/"]),
        (owner, ["/factory/", "/factory/shifts/new"]),
        (scene["moderator"], ["/association/dashboard", "/association/members"]),
    ]


def test_every_page_has_the_security_headers_and_no_inline_script(
    app, make_worker, make_factory, make_user, scene
):
    seen = 0
    for user, paths in _pages(make_worker, make_factory, make_user, scene):
        browser = _other_client(app, user.mobile if user else None)
        for path in paths:
            response = browser.get(path)
            assert response.status_code == 200, path
            headers = response.headers
            csp = headers["Content-Security-Policy"]
            for directive in (
                "default-src 'self'",
                "script-src 'self'",
                "style-src 'self'",
                "img-src 'self' data:",
                "frame-ancestors 'none'",
                "base-uri 'self'",
                "form-action 'self'",
                "object-src 'none'",
            ):
                assert directive in csp, (path, directive)
            assert "unsafe-inline" not in csp and "http" not in csp
            assert headers["X-Content-Type-Options"] == "nosniff"
            assert headers["X-Frame-Options"] == "DENY"
            assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
            assert "camera=()" in headers["Permissions-Policy"]
            assert "Strict-Transport-Security" not in headers  # plain HTTP here
            html = response.get_data(as_text=True)
            assert not INLINE_SCRIPT.search(html), path
            assert not EVENT_HANDLER.search(html), path
            assert not STYLE_ATTRIBUTE.search(html), path
            seen += 1
    assert seen == 11


def test_the_dashboard_s_svg_charts_are_still_drawn(client, login, scene):
    login(scene["moderator"].mobile, PASSWORD)
    html = client.get("/association/dashboard").get_data(as_text=True)
    assert html.count("<svg") >= 2 and ("<polyline" in html or "<rect" in html)


def test_json_errors_and_static_files_carry_the_headers_too(client):
    for path in ("/api/v1/skills", "/api/v1/no-such-thing", "/static/style.css"):
        response = client.get(path)
        assert response.headers["X-Content-Type-Options"] == "nosniff", path
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_hsts_only_over_https(client):
    assert "Strict-Transport-Security" not in client.get("/").headers
    secure = client.get("/", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=63072000")


def test_the_docs_page_starts_swagger_ui_from_a_file(client):
    html = client.get("/api/v1/docs").get_data(as_text=True)
    assert 'data-spec-url="/api/v1/openapi.json"' in html
    assert '<script src="/static/api-docs.js"' in html
    assert "SwaggerUIBundle" in client.get("/static/api-docs.js").get_data(as_text=True)


# 2. The session cookie in production ---------------------------------------------------


@pytest.fixture
def production_app(app, monkeypatch, database_url):
    """The production configuration on the test database (its check() reads the env).

    It asks for `app` so that the test has a context and the tables are emptied after.
    """
    monkeypatch.setenv("SECRET_KEY", "production-test-secret")
    monkeypatch.setenv("DATABASE_URL", database_url)
    made = []

    def make(**overrides):
        app = create_app("production", SQLALCHEMY_DATABASE_URI=database_url, **overrides)
        made.append(app)
        return app

    yield make
    for app in made:
        with app.app_context():
            db.engine.dispose()


def _production_login(app, user, **environ):
    browser = app.test_client()
    https = {"base_url": "https://shared-staff.example", "environ_base": environ}
    page = browser.get("/auth/login", **https)
    token = csrf_from(page.get_data(as_text=True))
    data = {"csrf_token": token, "identifier": user.mobile, "password": PASSWORD}
    referer = {"Referer": "https://shared-staff.example/auth/login"}
    return browser.post("/auth/login", data=data, headers=referer, **https)


def test_the_production_session_cookie_is_host_only_secure_and_http_only(production_app, make_user):
    user = make_user()
    response = _production_login(production_app(), user)
    assert response.status_code == 302
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("__Host-session=")
    attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")[1:]}
    assert {"secure", "httponly", "path"} <= attributes and "domain" not in attributes
    assert "Path=/" in cookie and "SameSite=Lax" in cookie


def test_the_api_document_names_the_cookie_the_app_sets(production_app):
    spec = production_app().test_client().get("/api/v1/openapi.json").get_json()
    assert spec["components"]["securitySchemes"]["cookieAuth"]["name"] == "__Host-session"


def test_development_keeps_the_plain_cookie_name(app):
    assert app.config["SESSION_COOKIE_NAME"] == "session"
    assert app.config["SESSION_COOKIE_HTTPONLY"] and app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


# 3. Session lifetime and idle timeout --------------------------------------------------


def _logged_in_row(login, user) -> UserSession:
    assert login(user.mobile, PASSWORD).status_code == 302
    return db.session.scalar(sa.select(UserSession).where(UserSession.user_id == user.id))


def test_the_limits_default_to_twelve_hours_and_thirty_minutes(app):
    assert app.config["SESSION_LIFETIME_HOURS"] == 12
    assert app.config["SESSION_IDLE_MINUTES"] == 30
    assert app.config["PERMANENT_SESSION_LIFETIME"] == timedelta(hours=12)


def test_a_session_ends_after_its_lifetime_even_when_in_use(app, client, login, make_user):
    row = _logged_in_row(login, make_user())
    row.created_at = utcnow() - timedelta(hours=app.config["SESSION_LIFETIME_HOURS"], minutes=1)
    row.last_seen_at = utcnow()
    db.session.commit()
    assert client.get("/account/").status_code == 302


def test_a_session_ends_after_the_idle_limit(app, client, login, make_user):
    row = _logged_in_row(login, make_user())
    idle = app.config["SESSION_IDLE_MINUTES"]
    row.last_seen_at = utcnow() - timedelta(minutes=idle - 2)
    db.session.commit()
    assert client.get("/account/").status_code == 200  # still within the limit...
    db.session.refresh(row)
    assert utcnow() - row.last_seen_at < timedelta(minutes=1)  # ...and the use was noted
    row.last_seen_at = utcnow() - timedelta(minutes=idle + 1)
    db.session.commit()
    assert client.get("/account/").status_code == 302


# 4. Sessions ended: password set, suspension, an admin ------------------------------------


NEW_PASSWORD = "Quite-Another-Passphrase-42"


def test_changing_the_password_ends_every_other_session_and_token(
    app, client, post_form, login, make_user
):
    user = make_user()
    elsewhere = _other_client(app, user.mobile)
    token = api_tokens.create_token(user, "script").secret
    login(user.mobile, PASSWORD)
    data = {"current_password": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    assert post_form("/account/password", data).status_code == 302
    assert client.get("/account/").status_code == 200  # this browser stays logged in
    assert elsewhere.get("/account/").status_code == 302  # the other one is logged out
    bearer = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/auth/me", headers=bearer).status_code == 401
    assert "auth.password_changed" in _actions()
    # The new password works, the old one no longer does.
    assert login(user.mobile, PASSWORD).status_code == 401
    assert login(user.mobile, NEW_PASSWORD).status_code == 302


def test_a_wrong_current_password_changes_nothing_and_is_audited(
    client, post_form, login, make_user
):
    user = make_user()
    login(user.mobile, PASSWORD)
    data = {
        "current_password": "Not-My-Password-1",
        "password": NEW_PASSWORD,
        "confirm": NEW_PASSWORD,
    }
    response = post_form("/account/password", data)
    assert response.status_code == 422
    assert "The current password is wrong." in response.get_data(as_text=True)
    assert _actions()[-1] == "auth.password_change_failed"
    assert client.get("/account/").status_code == 200


def test_setting_a_password_through_an_invitation_ends_the_sessions(client, login, make_user):
    user = make_user()
    _logged_in_row(login, user)
    token = "invitation-token-for-the-test"
    db.session.add(
        Invitation(
            user_id=user.id, token_hash=token_hash(token), expires_at=utcnow() + timedelta(days=1)
        )
    )
    db.session.commit()
    other = _other_client(client.application)
    page = other.get(f"/invite/{token}")
    assert page.status_code == 200
    data = {"csrf_token": csrf_from(page.get_data(as_text=True))}
    data |= {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    assert other.post(f"/invite/{token}", data=data).status_code == 302
    assert client.get("/account/").status_code == 302


def test_a_made_up_invitation_link_is_logged_not_audited(client, caplog):
    """Anyone may try links as often as they like: a log line each, no audit row to pile up."""
    for n in range(5):
        assert client.get(f"/invite/not-a-real-token-{n}").status_code == 404
    assert db.session.scalar(sa.select(sa.func.count(AuditEvent.id))) == 0
    logged = [r.getMessage() for r in caplog.records if r.name == "marketplace.security"]
    assert logged == ["auth.invitation_refused: unknown, from 127.0.0.1"] * 5
    assert "not-a-real-token" not in caplog.text


def test_a_used_invitation_link_is_audited_once_an_hour(client, make_worker):
    user = make_worker().user
    token = "a-used-invitation-token"
    db.session.add(
        Invitation(
            user_id=user.id,
            token_hash=token_hash(token),
            expires_at=utcnow() + timedelta(days=1),
            used_at=utcnow(),
        )
    )
    db.session.commit()
    for _ in range(5):
        assert client.get(f"/invite/{token}").status_code in (302, 409)
    events = db.session.scalars(sa.select(AuditEvent)).all()
    assert [(e.action, e.details) for e in events] == [
        ("auth.invitation_refused", {"reason": "used"})
    ]


def test_suspension_ends_the_sessions(app, client, login, make_user):
    user, admin = make_user(), make_user(Role.ADMIN)
    _logged_in_row(login, user)
    accounts.suspend_user(admin, user, reason="test")
    assert client.get("/account/").status_code == 302


def test_a_moderator_may_not_end_sessions_and_is_audited(
    post_form, login, make_worker, make_user, make_association
):
    moderator = make_user(Role.MODERATOR, association=make_association())
    worker = make_worker()
    login(moderator.mobile, PASSWORD)
    url = f"/association/workers/{worker.id}/end-sessions"
    response = post_form(url, {"back": "members"}, page="/account/")
    assert response.status_code == 403
    assert "denied.auth.sessions_end" in _actions()


def test_an_admin_logs_a_worker_out_everywhere(
    app, client, post_form, login, make_worker, make_user
):
    worker = make_worker()
    worker_browser = _other_client(app, worker.user.mobile)
    assert worker_browser.get("/account/").status_code == 200
    login(make_user(Role.ADMIN).mobile, PASSWORD)
    url = f"/association/workers/{worker.id}/end-sessions"
    response = post_form(url, {"back": "members"}, page="/account/")
    assert response.status_code == 302
    assert worker_browser.get("/account/").status_code == 302  # anonymous now
    assert client.get("/account/").status_code == 200  # the admin's own session goes on
    event = db.session.scalar(
        sa.select(AuditEvent).where(AuditEvent.action == "auth.sessions_ended")
    )
    assert event.object_id == worker.user.id and event.details["sessions"] == 1


# 5. Authentication attempts and refusals audited ---------------------------------------


def test_a_refused_page_is_a_403_and_an_audit_event(client, login, make_user):
    staff = make_user(Role.FACTORY_STAFF)
    login(staff.mobile, PASSWORD)
    assert client.get("/worker/profile").status_code == 403
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action.like("denied.%")))
    assert event.action == "denied.worker.pages" and event.actor_id == staff.id


def test_a_throttled_login_is_audited(app, login, make_user):
    user = make_user()
    for _ in range(app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT_ADDRESS"]):
        login(user.mobile, "Wrong-Password-99")
    assert login(user.mobile, PASSWORD).status_code == 429
    assert _actions()[-1] == "auth.login_throttled"


def test_audit_events_hold_no_number_password_or_token(app, client, login, make_user, caplog):
    user = make_user(mobile="+8613812340000", email="li.lei@example.com")
    login(user.mobile, "Wrong-Password-99")
    login(user.email, PASSWORD)
    revoked = api_tokens.create_token(user, "old")
    api_tokens.revoke_token(user, revoked.token.id)
    client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {revoked.secret}"})
    client.get("/api/v1/auth/me", headers={"Authorization": "Bearer mkt_not-a-real-token"})
    client.get("/invite/some-secret-token")
    rows = db.session.execute(sa.select(AuditEvent)).scalars().all()
    assert len(rows) >= 4
    text = " ".join(f"{r.action} {r.details} {r.object_type}" for r in rows)
    for secret in ("13812340000", "li.lei", PASSWORD, "Wrong-Password", "mkt_", "some-secret"):
        assert secret not in text
    # The made-up token and link are log lines (services/accounts/refusals.py), without the secrets.
    for secret in (revoked.secret, "not-a-real-token", "some-secret"):
        assert secret not in caplog.text


# 6. Registration throttled per account, across processes -------------------------------


def _register(app, mobile: str, address: str, district_id: int) -> int:
    browser = app.test_client()
    browser.environ_base["REMOTE_ADDR"] = address
    token = csrf_from(browser.get("/auth/register/worker").get_data(as_text=True))
    form = {"csrf_token": token, "name": "x", "mobile": mobile, "password": "a", "confirm": "a"}
    form |= {"kind": "retiree", "district_id": str(district_id), "max_travel_km": "10"}
    return browser.post("/auth/register/worker", data=form).status_code


def test_registration_is_limited_per_number_across_two_apps(app, database_url, district):
    apps = [
        create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url, REGISTRATION_MAX_PER_ACCOUNT=3)
        for _ in range(2)
    ]
    try:
        # Four tries at one number, each from its own address, alternating between the apps.
        statuses = [
            _register(apps[n % 2], "138 0000 0001", f"198.51.100.{n}", district.id)
            for n in range(4)
        ]
        assert statuses == [422, 422, 422, 429]
        # Another number from a fresh address is still served.
        assert _register(apps[0], "13800000002", "198.51.100.9", district.id) == 422
    finally:
        for each in apps:
            with each.app_context():
                db.engine.dispose()


# 7. The client address behind one proxy -----------------------------------------------


def _address_seen(app, **headers) -> str:
    browser = app.test_client()
    https = {"base_url": "https://shared-staff.example"}
    token = csrf_from(browser.get("/auth/login", headers=headers, **https).get_data(as_text=True))
    data = {"csrf_token": token, "identifier": "13700000000", "password": "Wrong-Password-1"}
    headers = {**headers, "Referer": "https://shared-staff.example/auth/login"}
    browser.post("/auth/login", data=data, headers=headers, **https)
    db.session.expire_all()
    event = db.session.scalar(sa.select(AuditEvent).order_by(AuditEvent.id.desc()))
    return event.ip_address


def test_behind_one_proxy_the_last_forwarded_hop_is_the_client(production_app):
    app = production_app()
    assert app.config["TRUSTED_PROXY_HOPS"] == 1
    forwarded = {"X-Forwarded-For": "10.9.9.9, 203.0.113.9"}  # the first part is the client's lie
    assert _address_seen(app, **forwarded) == "203.0.113.9"


def test_without_a_proxy_the_forwarded_header_is_ignored(production_app):
    app = production_app(TRUSTED_PROXY_HOPS=0)
    assert _address_seen(app, **{"X-Forwarded-For": "203.0.113.9"}) == "127.0.0.1"
