"""Refused credentials (API tokens, invitation links), noted within bounds.

Anyone may send a made-up token or link, as often as they like. A secret that names no row is
therefore one log line (with the request's id and address), never an audit row, so no one can
grow the audit table by asking; a refusal of a real token or invitation (revoked, expired,
used) is an audit event, at most one per row and action in REPEAT_INTERVAL.
"""

import logging
from datetime import timedelta

from flask import has_request_context, request
from sqlalchemy import select

from ...extensions import db
from ...models import AuditEvent, utcnow
from .. import audit

log = logging.getLogger("marketplace.security")
REPEAT_INTERVAL = timedelta(hours=1)


def note_refusal(action: str, obj, reason: str, *, actor=None) -> None:
    """Audit (or, for a secret naming no row, log) a refused credential; the caller commits."""
    if obj is None:
        address = request.remote_addr if has_request_context() else None
        log.warning("%s: %s, from %s", action, reason, address)
        return
    if _recorded_lately(action, obj):
        return
    audit.record(action, actor=actor, obj=obj, reason=reason)


def _recorded_lately(action: str, obj) -> bool:
    query = (
        select(AuditEvent.id)
        .where(
            AuditEvent.object_type == obj.__tablename__,
            AuditEvent.object_id == obj.id,
            AuditEvent.action == action,
            AuditEvent.at >= utcnow() - REPEAT_INTERVAL,
        )
        .limit(1)
    )
    return db.session.scalar(query) is not None
