"""Logging in and out, server-side sessions, and failed-login throttling.

The cookie carries a random token; the database keeps its SHA-256 and whether
it was revoked. Logout, suspension or a password change revoke the row, so an
old cookie is refused by the server even if the browser still sends it.
"""

import hashlib
import hmac
import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select, update

from ..errors import Throttled, Unauthenticated
from ..extensions import db
from ..identifiers import IdentifierError, looks_like_email, normalise_email, normalise_mobile
from ..models import LoginFailure, User, UserSession, UserStatus, utcnow
from . import audit
from .passwords import hash_password, needs_rehash, verify_password

# Refresh last_seen_at at most this often, so reads do not all turn into writes.
_TOUCH_INTERVAL = timedelta(minutes=5)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _account_key(identifier: str) -> str:
    """A keyed hash of the login name: throttling must not store mobile numbers."""
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, identifier.encode(), hashlib.sha256).hexdigest()


def _normalise_identifier(identifier: str) -> str:
    identifier = identifier.strip()
    try:
        if looks_like_email(identifier):
            return normalise_email(identifier)
        return normalise_mobile(identifier)
    except IdentifierError:
        return identifier.lower()  # still throttled, never matches an account


def _find_user(identifier: str) -> User | None:
    column = User.email if looks_like_email(identifier) else User.mobile
    return db.session.scalar(select(User).where(column == identifier))


def log_in(identifier: str, password: str, *, ip: str | None, user_agent: str = "") -> User:
    """Check the credentials and open a session; the returned user carries its token."""
    key_name = _normalise_identifier(identifier)
    account_key = _account_key(key_name)
    _check_throttle(account_key, ip)
    user = _find_user(key_name)
    if not verify_password(user.password_hash if user else None, password):
        _record_failure(account_key, ip, user)
        raise Unauthenticated(_l("Wrong mobile number, email or password."))
    if user.status == UserStatus.SUSPENDED:
        audit.record("auth.login_refused_suspended", actor=user, obj=user)
        db.session.commit()
        raise Unauthenticated(_l("This account is suspended. Contact your association."))
    return _open_session(user, account_key, password, ip, user_agent)


def _open_session(user: User, account_key: str, password: str, ip, user_agent: str) -> User:
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    token = secrets.token_urlsafe(32)
    db.session.add(
        UserSession(
            user_id=user.id,
            token_hash=_token_hash(token),
            ip_address=ip,
            user_agent=(user_agent or "")[:255],
        )
    )
    db.session.execute(delete(LoginFailure).where(LoginFailure.account_key == account_key))
    user.last_login_at = utcnow()
    audit.record("auth.login", actor=user, obj=user)
    db.session.commit()
    user.session_token = token
    return user


def _check_throttle(account_key: str, ip: str | None) -> None:
    config = current_app.config
    since = utcnow() - timedelta(seconds=config["LOGIN_FAILURE_WINDOW_SECONDS"])
    account_failures = _count_failures(LoginFailure.account_key == account_key, since)
    address_failures = _count_failures(LoginFailure.ip_address == ip, since) if ip else 0
    if (
        account_failures >= config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]
        or address_failures >= config["LOGIN_MAX_FAILURES_PER_ADDRESS"]
    ):
        minutes = max(1, config["LOGIN_FAILURE_WINDOW_SECONDS"] // 60)
        raise Throttled(
            _l(
                "Too many failed logins. Wait %(minutes)d minutes and try again,"
                " or reset your password.",
                minutes=minutes,
            ),
            retry_after=config["LOGIN_FAILURE_WINDOW_SECONDS"],
        )


def _count_failures(condition, since) -> int:
    query = select(func.count(LoginFailure.id)).where(condition, LoginFailure.at >= since)
    return db.session.scalar(query)


def _record_failure(account_key: str, ip: str | None, user: User | None) -> None:
    db.session.add(LoginFailure(account_key=account_key, ip_address=ip))
    # Old rows are useless for throttling; pruning here keeps the table small.
    cutoff = utcnow() - timedelta(days=1)
    db.session.execute(delete(LoginFailure).where(LoginFailure.at < cutoff))
    audit.record("auth.login_failed", actor=None, obj=user)
    db.session.commit()


def load_session(token: str | None) -> User | None:
    """The user behind a live session token, or None (revoked, idle, or suspended)."""
    if not token:
        return None
    row = db.session.scalar(select(UserSession).where(UserSession.token_hash == _token_hash(token)))
    if row is None or row.revoked_at is not None:
        return None
    now = utcnow()
    idle_limit = timedelta(days=current_app.config["SESSION_IDLE_DAYS"])
    if now - row.last_seen_at > idle_limit:
        return None
    user = row.user
    if user.status != UserStatus.ACTIVE:
        return None
    if now - row.last_seen_at > _TOUCH_INTERVAL:
        row.last_seen_at = now
        db.session.commit()
    user.session_token = token
    return user


def log_out(user: User) -> None:
    """Revoke the session behind this request's cookie."""
    if not user.session_token:
        return
    db.session.execute(
        update(UserSession)
        .where(UserSession.token_hash == _token_hash(user.session_token))
        .values(revoked_at=utcnow())
    )
    audit.record("auth.logout", actor=user, obj=user)
    db.session.commit()
    user.session_token = None


def revoke_all(user: User) -> None:
    """End every open session of the user; the caller commits."""
    db.session.execute(
        update(UserSession)
        .where(UserSession.user_id == user.id, UserSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
