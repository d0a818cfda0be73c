"""Invitations: a worker someone else registered sets their own password through a one-time link."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from ...errors import Conflict, Invalid, NotFound
from ...extensions import db
from ...models import Invitation, User, utcnow
from .. import audit
from ..roster.write import token_hash
from . import refusals, sessions
from .passwords import hash_password, password_problems

_USED = _l("This invitation has been used already. Log in with your password.")


def open_invitation(token: str) -> Invitation:
    """The invitation behind a link, if it is still open (unused and not expired).

    A refused link is an audit event (why, and which invitation), never the token; a link
    naming no invitation is a log line (services/accounts/refusals.py).
    """
    invitation = db.session.scalar(
        select(Invitation).where(Invitation.token_hash == token_hash(token or ""))
    )
    if invitation is None:
        _refused(None, "unknown")
        raise NotFound(_l("This invitation link is not valid. Ask for a new one."))
    if invitation.used_at is not None:
        _refused(invitation, "used")
        raise Conflict(_USED)
    if invitation.expires_at <= utcnow():
        _refused(invitation, "expired")
        raise Conflict(_l("This invitation has expired. Ask your association for a new one."))
    return invitation


def _refused(invitation: Invitation | None, reason: str) -> None:
    refusals.note_refusal("auth.invitation_refused", invitation, reason)
    db.session.commit()


def accept(token: str, password: str) -> User:
    """Set the invited worker's password (registration's rules) and close the invitation."""
    invitation = open_invitation(token)
    user = invitation.user
    problems = password_problems(password or "", [user.name, user.mobile or ""])
    if problems:
        raise Invalid(_l("Please correct the marked fields."), fields={"password": problems})
    # The conditional update settles two tabs sending the same link at once.
    closed = db.session.execute(
        update(Invitation)
        .where(Invitation.id == invitation.id, Invitation.used_at.is_(None))
        .values(used_at=utcnow()),
        execution_options={"synchronize_session": False},
    )
    if closed.rowcount != 1:
        db.session.rollback()
        raise Conflict(_USED)
    user.password_hash = hash_password(password)
    # A new password ends whatever was logged in with the old one (and its API tokens).
    sessions.end_everything(user)
    audit.record("invitation.accepted", actor=user, obj=invitation)
    db.session.commit()
    return user
