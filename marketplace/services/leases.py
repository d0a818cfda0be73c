"""Leases for rows that jobs work on (placement runs, roster imports).

A job claims its row with one conditional UPDATE: a queued row, or a running one whose
lease has lapsed (its worker died). The attempt number it gets back is its ticket: every
later write is conditional on the row still running under that attempt, so a worker that
lost its lease to another can write nothing. Nothing here lives in process memory.
"""

import logging
from datetime import timedelta

from sqlalchemy import and_, or_, update

from ..extensions import db
from ..models import utcnow

log = logging.getLogger(__name__)


def claim(model, row_id: int, *, queued, running, lease: timedelta, **values) -> int | None:
    """Take the row for one attempt and commit; the attempt number, or None if not ours."""
    now = utcnow()
    result = db.session.execute(
        update(model)
        .where(
            model.id == row_id,
            or_(
                model.status == queued, and_(model.status == running, model.lease_expires_at < now)
            ),
        )
        .values(
            status=running,
            started_at=now,
            lease_expires_at=now + lease,
            attempts=model.attempts + 1,
            error="",
            **values,
        ),
        execution_options={"synchronize_session": False},
    )
    if result.rowcount != 1:
        db.session.rollback()
        return None
    db.session.commit()
    return db.session.get(model, row_id).attempts


def update_held(model, row_id: int, attempt: int, *, running, **values) -> bool:
    """Write values only while this attempt still holds the row (uncommitted); else False."""
    result = db.session.execute(
        update(model)
        .where(model.id == row_id, model.status == running, model.attempts == attempt)
        .values(**values),
        execution_options={"synchronize_session": False},
    )
    if result.rowcount != 1:
        db.session.rollback()
        log.warning("%s %s: attempt %s lost its lease", model.__tablename__, row_id, attempt)
        return False
    return True


def finish(model, row_id: int, attempt: int, status, *, running, **values) -> bool:
    """Move the row from running (this attempt) to status, ending the lease; else False."""
    values.update(status=status, finished_at=utcnow(), lease_expires_at=None)
    return update_held(model, row_id, attempt, running=running, **values)
