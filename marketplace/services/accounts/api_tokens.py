"""Personal API tokens: made, listed and revoked by their owner; checked on every API call.

Only the SHA-256 of a token is stored. A token is 32 random bytes, so a fast hash is
enough: there is nothing to guess that a slow hash would protect.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from ...errors import Conflict, Invalid, NotFound
from ...extensions import db
from ...models import ApiToken, User, UserStatus, utcnow
from .. import audit, authz
from . import refusals

TOKEN_PREFIX = "mkt_"  # tells a leaked token apart from other secrets in a scan
# Refresh last_used_at at most this often, so reads do not all turn into writes.
_TOUCH_INTERVAL = timedelta(minutes=5)
MAX_TOKENS_PER_USER = 20


@dataclass(frozen=True)
class NewToken:
    """A token just made: the row, and the secret that is shown this once only."""

    token: ApiToken
    secret: str


def token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(actor: User, name: str, expires_in_days: int | None = None) -> NewToken:
    """Make a named token for the actor; the secret is returned once.

    Every token expires: after API_TOKEN_DEFAULT_DAYS unless fewer or more days (up to
    API_TOKEN_MAX_DAYS) are asked for. Callers facing a user check the password first
    (sessions.create_token).
    """
    name = (name or "").strip()
    if not name or len(name) > 80:
        message = _l("Name the token (at most 80 characters).")
        raise Invalid(message, fields={"name": [message]})
    expires_at = _expiry(expires_in_days)
    if len(list_tokens(actor)) >= MAX_TOKENS_PER_USER:
        raise Conflict(_l("You have too many tokens: revoke one you no longer use."))
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=actor.id,
        name=name,
        token_hash=token_hash(secret),
        prefix=secret[:10],
        expires_at=expires_at,
    )
    db.session.add(token)
    audit.record("api_token.created", actor=actor, obj=token, name=name)
    db.session.commit()
    return NewToken(token, secret)


def _expiry(days: int | None) -> datetime:
    longest = current_app.config["API_TOKEN_MAX_DAYS"]
    if days is None:
        days = min(current_app.config["API_TOKEN_DEFAULT_DAYS"], longest)
    if not isinstance(days, int) or not 1 <= days <= longest:
        message = _l("Choose from 1 to %(n)d days.", n=longest)
        raise Invalid(message, fields={"expires_in_days": [message]})
    return utcnow() + timedelta(days=days)


def list_tokens(actor: User) -> list[ApiToken]:
    """The actor's tokens that still work, newest first."""
    now = utcnow()
    query = (
        select(ApiToken)
        .where(ApiToken.user_id == actor.id, ApiToken.revoked_at.is_(None))
        .order_by(ApiToken.id.desc())
    )
    return [t for t in db.session.scalars(query) if t.expires_at > now]


def revoke_token(actor: User, token_id: int) -> ApiToken:
    """Revoke one of the actor's tokens; it is refused from the next request on."""
    token = db.session.get(ApiToken, token_id)
    if token is None:
        raise NotFound(_l("No such token."))
    authz.require(token.user_id == actor.id, actor, "api_token.revoke", token)
    if token.revoked_at is not None:
        raise Conflict(_l("This token is already revoked."))
    token.revoked_at = utcnow()
    audit.record("api_token.revoked", actor=actor, obj=token, name=token.name)
    db.session.commit()
    return token


def revoke_all(user: User) -> int:
    """Revoke every token of the user (suspension, an admin's logout); the caller commits."""
    result = db.session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow()),
        execution_options={"synchronize_session": False},
    )
    return result.rowcount


def user_for_token(secret: str) -> User | None:
    """The active user behind a live token, or None (unknown, revoked, expired, suspended).

    A refused token is an audit event naming why and which token row, never the secret
    (a secret that names no token: a log line, see services/accounts/refusals.py).
    """
    token = None
    if secret:
        token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash(secret)))
    now = utcnow()
    problem = _problem(token, now)
    if problem:
        actor = token.user if token else None
        refusals.note_refusal("auth.token_refused", token, problem, actor=actor)
        db.session.commit()
        return None
    if token.last_used_at is None or now - token.last_used_at > _TOUCH_INTERVAL:
        token.last_used_at = now
        db.session.commit()
    return token.user


def _problem(token: ApiToken | None, now: datetime) -> str | None:
    if token is None:
        return "unknown"
    if token.revoked_at is not None:
        return "revoked"
    if token.expires_at <= now:
        return "expired"
    if token.user.status != UserStatus.ACTIVE:
        return "suspended"
    return None
