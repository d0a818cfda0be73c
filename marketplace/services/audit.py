"""Audit events, written inside the caller's transaction."""

from flask import has_request_context, request
from sqlalchemy.orm import Session

from ..extensions import db
from ..models import AuditEvent


def record(
    action: str,
    *,
    actor=None,
    obj=None,
    association_id: int | None = None,
    **details,
) -> AuditEvent:
    """Add an audit event to the session; the calling service commits it."""
    if obj is not None and getattr(obj, "id", None) is None:
        db.session.flush()  # the event must name the object's id
    event = AuditEvent(
        action=action,
        actor_id=getattr(actor, "id", None),
        object_type=obj.__tablename__ if obj is not None else None,
        object_id=getattr(obj, "id", None),
        association_id=association_id,
        ip_address=request.remote_addr if has_request_context() else None,
        details=details,
    )
    db.session.add(event)
    return event


def record_refusal(action: str, *, actor=None, obj=None) -> None:
    """Keep a refused authorisation in its own transaction.

    The caller's session is left alone: the refusal is kept even though the
    caller's work is abandoned, and nothing the caller had pending is committed.
    """
    event = AuditEvent(
        action="denied." + action,
        actor_id=getattr(actor, "id", None),
        object_type=obj.__tablename__ if obj is not None else None,
        object_id=getattr(obj, "id", None),
        ip_address=request.remote_addr if has_request_context() else None,
        details={},
    )
    with Session(db.engine) as session:
        session.add(event)
        session.commit()
