"""Auth over the API: register, log in and out, me, tokens, CSRF for cookies only."""

import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.models import ApiToken, AuditEvent, Role, User, UserStatus
from marketplace.services.accounts import api_tokens
from tests.api.conftest import error_of
from tests.factories import PASSWORD


def test_register_a_worker(client, csrf_header, district):
    body = {
        "name": "王阿姨",
        "mobile": "13912345678",
        "password": PASSWORD,
        "kind": "retiree",
        "district_id": district.id,
    }
    response = client.post("/api/v1/auth/register", json=body, headers=csrf_header())
    assert response.status_code == 201, response.get_json()
    created = response.get_json()
    assert created["role"] == "worker" and "password" not in created
    again = client.post("/api/v1/auth/register", json=body, headers=csrf_header())
    assert "mobile" in error_of(again, 422)["fields"]


def test_register_refuses_bad_fields_and_needs_csrf(client, csrf_header):
    response = client.post("/api/v1/auth/register", json={"name": "x"})
    assert error_of(response, 403)["code"] == "csrf"
    bad = client.post("/api/v1/auth/register", json={"kind": "boss"}, headers=csrf_header())
    fields = error_of(bad, 422)["fields"]
    assert {"name", "password", "kind", "district_id"} <= set(fields)


def test_login_me_logout_with_the_cookie(client, api_login, make_user):
    user = make_user(Role.WORKER)
    assert error_of(client.get("/api/v1/auth/me"), 401)["code"] == "unauthenticated"
    headers = api_login(user)
    me = client.get("/api/v1/auth/me").get_json()
    assert me["id"] == user.id and me["role"] == "worker"
    assert error_of(client.post("/api/v1/auth/logout"), 403)["code"] == "csrf"
    assert client.post("/api/v1/auth/logout", headers=headers).status_code == 204
    error_of(client.get("/api/v1/auth/me"), 401)


def test_wrong_password_is_401_and_repeated_failures_are_throttled(
    app, client, csrf_header, make_user
):
    user = make_user()
    app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT_ADDRESS"] = 2
    body = {"identifier": user.mobile, "password": "wrong-password"}
    for _ in range(2):
        response = client.post("/api/v1/auth/login", json=body, headers=csrf_header())
        error_of(response, 401)
    throttled = client.post("/api/v1/auth/login", json=body, headers=csrf_header())
    assert error_of(throttled, 429)["code"] == "throttled"
    assert int(throttled.headers["Retry-After"]) > 0


def test_a_suspended_user_cannot_log_in(client, csrf_header, make_user):
    user = make_user()
    user.status = UserStatus.SUSPENDED
    db.session.commit()
    body = {"identifier": user.mobile, "password": PASSWORD}
    error_of(client.post("/api/v1/auth/login", json=body, headers=csrf_header()), 401)


def test_tokens_are_made_listed_and_revoked_and_only_their_hash_is_kept(
    client, api_login, make_user
):
    user = make_user()
    headers = api_login(user)
    body = {"name": "laptop", "password": PASSWORD}
    made = client.post("/api/v1/auth/tokens", json=body, headers=headers)
    assert made.status_code == 201
    secret = made.get_json()["token"]
    assert secret.startswith("mkt_") and made.get_json()["prefix"] == secret[:10]
    stored = db.session.scalar(sa.select(ApiToken))
    assert stored.token_hash == api_tokens.token_hash(secret)
    assert secret not in {getattr(stored, c.key) for c in ApiToken.__table__.columns}
    listed = client.get("/api/v1/auth/tokens").get_json()
    assert [t["name"] for t in listed] == ["laptop"] and "token" not in listed[0]

    bearer = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/auth/me", headers=bearer).get_json()["id"] == user.id
    url = f"/api/v1/auth/tokens/{stored.id}"
    assert client.delete(url, headers=headers).status_code == 204
    assert error_of(client.delete(url, headers=headers), 409)["code"] == "conflict"
    assert error_of(client.get("/api/v1/auth/me", headers=bearer), 401)["code"] == (
        "unauthenticated"
    )
    actions = set(db.session.scalars(sa.select(AuditEvent.action)))
    assert {"api_token.created", "api_token.revoked"} <= actions


def test_token_refusals(client, bearer, make_user):
    user, other = make_user(), make_user()
    headers = bearer(user)
    error_of(client.get("/api/v1/auth/tokens"), 401)
    others = api_tokens.create_token(other, "theirs").token
    error_of(client.delete(f"/api/v1/auth/tokens/{others.id}", headers=headers), 403)
    error_of(client.delete("/api/v1/auth/tokens/999999", headers=headers), 404)
    body = {"name": "", "password": PASSWORD}
    bad = client.post("/api/v1/auth/tokens", json=body, headers=headers)
    assert "name" in error_of(bad, 422)["fields"]
    body = {"name": "x", "expires_in_days": 9999, "password": PASSWORD}
    long = client.post("/api/v1/auth/tokens", json=body, headers=headers)
    assert "expires_in_days" in error_of(long, 422)["fields"]


def test_a_bearer_token_needs_no_csrf_but_a_cookie_does(client, api_login, bearer, make_user):
    user = make_user()
    body = {"name": "ci", "password": PASSWORD}
    by_token = client.post("/api/v1/auth/tokens", json=body, headers=bearer(user))
    assert by_token.status_code == 201
    api_login(user)
    by_cookie = client.post("/api/v1/auth/tokens", json=body)
    assert error_of(by_cookie, 403)["code"] == "csrf"


def test_a_bad_token_is_refused_even_beside_a_good_cookie(client, api_login, make_user):
    user = make_user()
    api_login(user)
    headers = {"Authorization": "Bearer mkt_not-a-real-token"}
    error_of(client.get("/api/v1/auth/me", headers=headers), 401)
    # and it does not lift CSRF from the cookie session either
    body = {"name": "x", "password": PASSWORD}
    error_of(client.post("/api/v1/auth/tokens", json=body, headers=headers), 401)


def test_expired_tokens_and_suspended_users_are_refused(client, make_user):
    user = make_user()
    new = api_tokens.create_token(user, "short", expires_in_days=1)
    headers = {"Authorization": f"Bearer {new.secret}"}
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 200
    new.token.expires_at = new.token.created_at
    db.session.commit()
    error_of(client.get("/api/v1/auth/me", headers=headers), 401)
    other = api_tokens.create_token(user, "long")
    db.session.get(User, user.id).status = UserStatus.SUSPENDED
    db.session.commit()
    error_of(
        client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {other.secret}"}), 401
    )


def test_a_token_is_not_accepted_on_web_pages(client, bearer, make_user):
    headers = bearer(make_user())
    response = client.post("/auth/logout", headers=headers)
    assert response.status_code == 400  # the web's CSRF check still applies
