"""Users, their server-side sessions, and failed-login records."""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import UTCDateTime, str_enum, utcnow


class Role(enum.StrEnum):
    WORKER = "worker"
    FACTORY_STAFF = "factory_staff"
    MODERATOR = "moderator"
    ADMIN = "admin"


class UserStatus(enum.StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"


class User(db.Model):
    """Anyone who logs in, with a mainland mobile number, an email, or both."""

    __tablename__ = "users"
    __table_args__ = (
        sa.CheckConstraint("mobile IS NOT NULL OR email IS NOT NULL", name="has_login"),
        sa.CheckConstraint(
            "role != 'moderator' OR association_id IS NOT NULL", name="moderator_association"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    role: Mapped[Role] = mapped_column(str_enum(Role, "role"), index=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    # E.164, e.g. +8613812345678; stored once, shown masked.
    mobile: Mapped[str | None] = mapped_column(sa.String(16), unique=True)
    email: Mapped[str | None] = mapped_column(sa.String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    status: Mapped[UserStatus] = mapped_column(
        str_enum(UserStatus, "user_status"), default=UserStatus.ACTIVE
    )
    association_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("associations.id", ondelete="RESTRICT"), index=True
    )
    locale: Mapped[str | None] = mapped_column(sa.String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    association = relationship("Association", back_populates="moderators")
    worker_profile = relationship("WorkerProfile", back_populates="user", uselist=False)
    memberships = relationship("FactoryMember", back_populates="user")

    # Flask-Login protocol. The id it keeps in the cookie is the server-side
    # session token, not the user id, so that revoking the session row makes
    # the cookie worthless (see services/accounts/registration.py).
    session_token = None

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.status == UserStatus.ACTIVE

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str | None:
        return self.session_token

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"


class UserSession(db.Model):
    """One logged-in browser or client; the cookie holds the token, we keep its hash."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ip_address: Mapped[str | None] = mapped_column(sa.String(45))
    user_agent: Mapped[str | None] = mapped_column(sa.String(255))

    user = relationship("User")


class AttemptKind(enum.StrEnum):
    LOGIN = "login"
    REGISTRATION = "registration"


class AuthAttempt(db.Model):
    """A login or registration attempt, kept for throttling inside a time window.

    Written (and committed) before the password is checked, so that parallel
    guesses count against each other; a successful login deletes the account's rows.
    Rows rather than a counter so concurrent processes only ever insert. The
    account is a keyed hash: a mobile number is a personal number.
    """

    __tablename__ = "auth_attempts"
    __table_args__ = (
        sa.Index("ix_auth_attempts_kind_account_at", "kind", "account_key", "at"),
        sa.Index("ix_auth_attempts_kind_address_at", "kind", "ip_address", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[AttemptKind] = mapped_column(str_enum(AttemptKind, "attempt_kind"))
    account_key: Mapped[str | None] = mapped_column(sa.String(64))
    ip_address: Mapped[str | None] = mapped_column(sa.String(45))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ApiToken(db.Model):
    """A personal API token, sent as `Authorization: Bearer`; we keep only its SHA-256.

    The secret is shown once, when the token is made. `prefix` is its first characters,
    kept so the owner can tell their tokens apart; it does not help anyone guess the rest.
    """

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    prefix: Mapped[str] = mapped_column(sa.String(12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)  # every token expires
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user = relationship("User")
