"""Audit events, written inside the caller's transaction."""

from flask import has_request_context, request
from sqlalchemy import insert
from sqlalchemy.orm import Session

from ..extensions import db
from ..models import AuditEvent, utcnow


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
    event = _event(action, actor, obj, association_id, details)
    db.session.add(event)
    return event


def record_each(
    action: str, object_type: str, details_by_id: dict[int, dict], *, actor=None, association_id
) -> None:
    """One event per object (by id, with its own details) in one bulk INSERT; the caller commits.

    For jobs that change many rows at once (a roster import), where an ORM object per event
    would cost more than the change itself.
    """
    if not details_by_id:
        return
    ip_address = request.remote_addr if has_request_context() else None
    now = utcnow()
    rows = [
        {
            "at": now,
            "action": action,
            "actor_id": getattr(actor, "id", None),
            "object_type": object_type,
            "object_id": object_id,
            "association_id": association_id,
            "ip_address": ip_address,
            "details": details,
        }
        for object_id, details in details_by_id.items()
    ]
    db.session.execute(insert(AuditEvent.__table__), rows)


def _event(action: str, actor, obj, association_id, details: dict) -> AuditEvent:
    return AuditEvent(
        action=action,
        actor_id=getattr(actor, "id", None),
        object_type=obj.__tablename__ if obj is not None else None,
        object_id=getattr(obj, "id", None),
        association_id=association_id,
        ip_address=request.remote_addr if has_request_context() else None,
        details=details,
    )


def record_refusal(action: str, *, actor=None, obj=None) -> None:
    """Keep a refused authorisation in its own transaction.

    The caller's session is left alone: the refusal is kept even though the
    caller's work is abandoned, and nothing the caller had pending is committed.
    """
    event = _event("denied." + action, actor, obj, association_of(obj), {})
    with Session(db.engine) as session:
        session.add(event)
        session.commit()


# Paths from an object to the association responsible for it, tried in order.
_ASSOCIATION_PATHS = (
    ("association_id",),
    ("factory", "association_id"),
    ("shift", "factory", "association_id"),
    ("lender", "association_id"),
    ("session", "association_id"),
)


def association_of(obj) -> int | None:
    """The association whose moderators should see events about this object, if any."""
    if obj is None:
        return None
    for path in _ASSOCIATION_PATHS:
        value = obj
        for attribute in path:
            value = getattr(value, attribute, None)
            if value is None:
                break
        if isinstance(value, int):
            return value
    return None
