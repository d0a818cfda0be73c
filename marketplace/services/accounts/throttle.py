"""Attempt throttling kept in the database, so every process and host sees one count.

An attempt is recorded and committed *before* the expensive or revealing work
(checking a password, telling whether a number is registered), then counted:
parallel attempts therefore see each other, and at most ``limit`` get through.
"""

import hashlib
import hmac
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, delete, func, select

from ...errors import Throttled
from ...extensions import db
from ...models import AttemptKind, AuthAttempt, utcnow


@dataclass(frozen=True)
class Limits:
    """How many attempts one window allows, per account, per account and address, per address."""

    window_seconds: int
    per_account: int | None
    per_account_address: int | None
    per_address: int | None


def keyed_hash(value: str) -> str:
    """A keyed hash, so the table never holds a mobile number or email in clear."""
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, value.encode(), hashlib.sha256).hexdigest()


def login_limits() -> Limits:
    config = current_app.config
    return Limits(
        window_seconds=config["LOGIN_FAILURE_WINDOW_SECONDS"],
        per_account=config["LOGIN_MAX_FAILURES_PER_ACCOUNT"],
        per_account_address=config["LOGIN_MAX_FAILURES_PER_ACCOUNT_ADDRESS"],
        per_address=config["LOGIN_MAX_FAILURES_PER_ADDRESS"],
    )


def registration_limits() -> Limits:
    config = current_app.config
    return Limits(
        window_seconds=config["REGISTRATION_WINDOW_SECONDS"],
        per_account=config["REGISTRATION_MAX_PER_ACCOUNT"],
        per_account_address=None,
        per_address=config["REGISTRATION_MAX_PER_ADDRESS"],
    )


def record_attempt(kind: AttemptKind, account_key: str | None, ip: str | None, limits: Limits):
    """Record one attempt; raise Throttled (and forget it) if it is over any limit."""
    attempt = AuthAttempt(kind=kind, account_key=account_key, ip_address=ip)
    db.session.add(attempt)
    _prune(kind)
    db.session.commit()
    since = utcnow() - timedelta(seconds=limits.window_seconds)
    if _over_limit(kind, account_key, ip, since, limits):
        # A refused attempt does not lengthen the wait it was refused for.
        db.session.execute(delete(AuthAttempt).where(AuthAttempt.id == attempt.id))
        db.session.commit()
        minutes = max(1, limits.window_seconds // 60)
        raise Throttled(
            _l("Too many attempts. Wait %(minutes)d minutes and try again.", minutes=minutes),
            retry_after=limits.window_seconds,
        )
    return attempt


def _over_limit(kind, account_key, ip, since, limits: Limits) -> bool:
    checks = [
        (limits.per_account, AuthAttempt.account_key == account_key, account_key),
        (
            limits.per_account_address,
            and_(AuthAttempt.account_key == account_key, AuthAttempt.ip_address == ip),
            account_key and ip,
        ),
        (limits.per_address, AuthAttempt.ip_address == ip, ip),
    ]
    for limit, condition, applies in checks:
        if limit is None or not applies:
            continue
        count = db.session.scalar(
            select(func.count(AuthAttempt.id)).where(
                AuthAttempt.kind == kind, condition, AuthAttempt.at >= since
            )
        )
        if count > limit:
            return True
    return False


def forget_attempts(attempts: list[AuthAttempt]) -> None:
    """Delete attempts recorded a moment ago (their request was refused after all); commits."""
    if attempts:
        ids = [attempt.id for attempt in attempts]
        db.session.execute(delete(AuthAttempt).where(AuthAttempt.id.in_(ids)))
        db.session.commit()


def forget_account(kind: AttemptKind, account_key: str) -> None:
    """After a success: earlier failures on the account no longer count. Caller commits."""
    db.session.execute(
        delete(AuthAttempt).where(AuthAttempt.kind == kind, AuthAttempt.account_key == account_key)
    )


def _prune(kind: AttemptKind) -> None:
    # Rows older than a day can no longer matter; deleting them here keeps the table small.
    cutoff = utcnow() - timedelta(days=1)
    db.session.execute(delete(AuthAttempt).where(AuthAttempt.kind == kind, AuthAttempt.at < cutoff))
