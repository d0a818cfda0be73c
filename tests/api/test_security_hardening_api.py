"""The API side of the hardening: ending a user's sessions, refused tokens audited."""

from datetime import timedelta

import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.models import ApiToken, AuditEvent, Role, utcnow
from marketplace.services.accounts import api_tokens
from marketplace.services.accounts import registration as accounts
from tests.api.conftest import error_of
from tests.factories import PASSWORD


def _end_sessions(client, user_id: int, headers: dict):
    return client.post(f"/api/v1/moderation/users/{user_id}/end-sessions", headers=headers)


def _events(action: str) -> list[AuditEvent]:
    query = sa.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
    return list(db.session.scalars(query))


def test_only_an_admin_may_end_a_user_s_sessions_and_a_refusal_is_audited(
    client, bearer, make_user
):
    worker, moderator = make_user(), make_user()
    response = _end_sessions(client, worker.id, bearer(moderator))
    assert error_of(response, 403)["code"] == "forbidden"
    (denied,) = _events("denied.auth.sessions_end")
    assert denied.actor_id == moderator.id and denied.object_id == worker.id


def test_an_admin_ends_every_session_and_token_of_a_user(app, client, bearer, make_user):
    worker, admin = make_user(), make_user(Role.ADMIN)
    worker_token = bearer(worker)
    browser = app.test_client()  # an IsolatedClient, as the client fixture set
    csrf = browser.get("/api/v1/auth/csrf").get_json()["csrf_token"]
    login = {"identifier": worker.mobile, "password": PASSWORD}
    response = browser.post("/api/v1/auth/login", json=login, headers={"X-CSRFToken": csrf})
    assert response.status_code == 200
    assert browser.get("/api/v1/auth/me").status_code == 200
    response = _end_sessions(client, worker.id, bearer(admin))
    assert response.status_code == 200
    assert response.get_json() == {"user_id": worker.id, "sessions_ended": 1, "tokens_revoked": 1}
    assert browser.get("/api/v1/auth/me").status_code == 401
    assert client.get("/api/v1/auth/me", headers=worker_token).status_code == 401
    (ended,) = _events("auth.sessions_ended")
    assert ended.object_id == worker.id and ended.details == {"sessions": 1, "tokens": 1}


def test_ending_the_sessions_of_nobody_is_a_404(client, bearer, make_user):
    assert error_of(_end_sessions(client, 999_999, bearer(make_user(Role.ADMIN))), 404)


def test_refused_tokens_are_audited_with_the_reason_only(client, make_user, caplog):
    user = make_user()
    revoked = api_tokens.create_token(user, "old")
    api_tokens.revoke_token(user, revoked.token.id)
    expired = api_tokens.create_token(user, "expired", expires_in_days=1)
    db.session.get(ApiToken, expired.token.id).expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    for secret in ("mkt_no-such-token", revoked.secret, expired.secret):
        response = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {secret}"})
        assert error_of(response, 401)["code"] == "unauthenticated"
    events = _events("auth.token_refused")
    assert [e.details["reason"] for e in events] == ["revoked", "expired"]
    assert [e.object_id for e in events] == [revoked.token.id, expired.token.id]
    assert all(set(e.details) == {"reason"} for e in events)
    # The made-up one is a log line, without the secret.
    logged = [r.getMessage() for r in caplog.records if r.name == "marketplace.security"]
    assert logged == ["auth.token_refused: unknown, from 127.0.0.1"]


def test_refused_tokens_cannot_grow_the_audit_table(client, make_user):
    """Anyone may send tokens, made up or stolen and revoked, as often as they like."""
    user = make_user()
    revoked = api_tokens.create_token(user, "old")
    api_tokens.revoke_token(user, revoked.token.id)
    before = db.session.scalar(sa.select(sa.func.count(AuditEvent.id)))
    for n in range(20):
        for secret in (f"mkt_made-up-{n}", revoked.secret):
            headers = {"Authorization": f"Bearer {secret}"}
            assert client.get("/api/v1/auth/me", headers=headers).status_code == 401
    after = db.session.scalar(sa.select(sa.func.count(AuditEvent.id)))
    assert after - before == 1  # the revoked token's first refusal this hour


def test_suspension_revokes_the_tokens_for_good(client, bearer, make_user):
    user, admin = make_user(), make_user(Role.ADMIN)
    headers = bearer(user)
    accounts.suspend_user(admin, user, reason="test")
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 401
    assert _events("auth.token_refused")[-1].details == {"reason": "revoked"}
    accounts.reinstate_user(admin, user)
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 401
