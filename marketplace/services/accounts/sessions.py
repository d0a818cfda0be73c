"""Logging in and out, server-side sessions, and failed-login throttling.

The cookie carries a random token; the database keeps its SHA-256 and whether
it was revoked. Logout, suspension, a password set through an invitation or an
admin's "end sessions" revoke the row, so an old cookie is refused by the server
even if the browser still sends it. A session also ends SESSION_LIFETIME_HOURS after
login and after SESSION_IDLE_MINUTES without a request.
"""

import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from ... import policy
from ...errors import NotFound, Throttled, Unauthenticated
from ...extensions import db
from ...identifiers import IdentifierError, looks_like_email, normalise_email, normalise_mobile
from ...models import AttemptKind, User, UserSession, UserStatus, utcnow
from .. import audit, authz
from . import api_tokens, throttle
from .passwords import hash_password, needs_rehash, verify_password

# Refresh last_seen_at at most this often, so reads do not all turn into writes. A session
# in use may look up to this much idler than it is: it can end a little before the idle limit,
# never after it.
_TOUCH_INTERVAL = timedelta(minutes=5)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


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


def account_key(user: User | None, identifier: str = "") -> str:
    """The throttling key of an account, or of a name that matches none."""
    # One count per account, whether it is tried by mobile number or by email.
    return throttle.keyed_hash(f"user:{user.id}" if user else f"name:{identifier}")


def count_password_attempt(key: str, ip, throttled_event: str, *, actor, user) -> None:
    """Count one password check against the login limits; audit and raise Throttled if over."""
    try:
        throttle.record_attempt(AttemptKind.LOGIN, key, ip, throttle.login_limits())
    except Throttled:
        audit.record(throttled_event, actor=actor, obj=user)
        db.session.commit()
        raise


def log_in(identifier: str, password: str, *, ip: str | None, user_agent: str = "") -> User:
    """Check the credentials and open a session; the returned user carries its token."""
    name = _normalise_identifier(identifier)
    user = _find_user(name)
    key = account_key(user, name)
    count_password_attempt(key, ip, "auth.login_throttled", actor=None, user=user)
    if not verify_password(user.password_hash if user else None, password):
        audit.record("auth.login_failed", actor=None, obj=user)
        db.session.commit()
        raise Unauthenticated(_l("Wrong mobile number, email or password."))
    if user.status == UserStatus.SUSPENDED:
        audit.record("auth.login_refused_suspended", actor=user, obj=user)
        db.session.commit()
        raise Unauthenticated(_l("This account is suspended. Contact your association."))
    throttle.forget_account(AttemptKind.LOGIN, key)
    return _open_session(user, password, ip, user_agent)


def create_token(
    actor: User | None,
    password: str,
    name: str,
    expires_in_days: int | None = None,
    *,
    identifier: str | None = None,
    ip: str | None,
) -> api_tokens.NewToken:
    """Make an API token after a fresh password check, never on a token or a cookie alone.

    The account is the identifier's when one is given, else the caller's (a session or a
    token, which without the password proves nothing here). The check counts like a login.
    """
    if identifier:
        name_ = _normalise_identifier(identifier)
        user = _find_user(name_)
        key = account_key(user, name_)
    elif actor is not None:
        user, key = actor, account_key(actor)
    else:
        raise Unauthenticated(_l("Log in, or send your mobile number or email with the password."))
    count_password_attempt(key, ip, "auth.token_throttled", actor=actor, user=user)
    if not verify_password(user.password_hash if user else None, password or ""):
        audit.record("auth.token_password_failed", actor=actor, obj=user)
        db.session.commit()
        raise Unauthenticated(_l("Wrong mobile number, email or password."))
    if user.status != UserStatus.ACTIVE:
        audit.record("auth.token_refused_suspended", actor=user, obj=user)
        db.session.commit()
        raise Unauthenticated(_l("This account is suspended. Contact your association."))
    throttle.forget_account(AttemptKind.LOGIN, key)
    return api_tokens.create_token(user, name, expires_in_days)


def _open_session(user: User, password: str, ip, user_agent: str) -> User:
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
    user.last_login_at = utcnow()
    audit.record("auth.login", actor=user, obj=user)
    db.session.commit()
    user.session_token = token
    return user


def load_session(token: str | None) -> User | None:
    """The user behind a live session token, or None (revoked, expired, idle, or suspended)."""
    if not token:
        return None
    row = db.session.scalar(select(UserSession).where(UserSession.token_hash == _token_hash(token)))
    if row is None or row.revoked_at is not None:
        return None
    now = utcnow()
    if _expired(row, now):
        return None
    user = row.user
    if user.status != UserStatus.ACTIVE:
        return None
    if now - row.last_seen_at > _touch_interval():
        row.last_seen_at = now
        db.session.commit()
    user.session_token = token
    return user


def _expired(row: UserSession, now) -> bool:
    config = current_app.config
    lifetime = timedelta(hours=config["SESSION_LIFETIME_HOURS"])
    idle_limit = timedelta(minutes=config["SESSION_IDLE_MINUTES"])
    return now - row.created_at > lifetime or now - row.last_seen_at > idle_limit


def _touch_interval() -> timedelta:
    # With a short idle limit, touch often enough that the error stays a sixth of it.
    idle_limit = timedelta(minutes=current_app.config["SESSION_IDLE_MINUTES"])
    return min(_TOUCH_INTERVAL, idle_limit / 6)


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


def revoke_all(user: User, *, keep_token: str | None = None) -> int:
    """End every open session of the user (but keep_token's); the caller commits. How many."""
    query = update(UserSession).where(
        UserSession.user_id == user.id, UserSession.revoked_at.is_(None)
    )
    if keep_token:
        query = query.where(UserSession.token_hash != _token_hash(keep_token))
    result = db.session.execute(
        query.values(revoked_at=utcnow()),
        execution_options={"synchronize_session": False},
    )
    return result.rowcount


def end_everything(user: User, *, keep_token: str | None = None) -> tuple[int, int]:
    """End the user's sessions (but keep_token's) and revoke every API token; caller commits.

    How many of each ended. Tokens stay dead after a reinstatement too: the owner makes new ones.
    """
    return revoke_all(user, keep_token=keep_token), api_tokens.revoke_all(user)


def end_all(actor: User, user_id: int) -> dict:
    """An admin logs a user out everywhere: every session ended, every API token revoked."""
    user = db.session.get(User, user_id)
    # Refused before a missing user is told apart, so no one else learns which ids exist.
    authz.require(policy.is_admin(actor), actor, "auth.sessions_end", user)
    if user is None:
        raise NotFound(_l("No such user."))
    ended, revoked = end_everything(user)
    audit.record("auth.sessions_ended", actor=actor, obj=user, sessions=ended, tokens=revoked)
    db.session.commit()
    return {"user_id": user.id, "sessions_ended": ended, "tokens_revoked": revoked}
