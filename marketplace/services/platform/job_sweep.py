"""Handing rows' jobs to the queue, and finding the jobs that were lost, to run them again.

A job can be lost three ways: its enqueue never reached the queue (Redis was down when the
request committed the row: queued_at is None, and the workers retry within seconds), the
queue lost it (queued long ago, by queued_at, and never claimed), or its worker died while
holding the row's lease (running past it). Running such a row
again is safe, since a job claims its row first (services/leases.py); a row whose workers
died JOB_MAX_ATTEMPTS times is marked failed instead, so that a job which kills its worker
(say, out of memory) is not retried for ever but waits for a person to press retry.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select, update

from ... import jobs
from ...extensions import db
from ...models import ImportStatus, PlacementRun, RosterImport, RunStatus, utcnow
from ..placement.job import JOB_NAME as PLACEMENT_JOB
from ..roster.job import JOB_NAME as ROSTER_JOB


@dataclass(frozen=True)
class LeasedKind:
    """A table whose rows jobs claim with a lease, with its job and statuses."""

    model: type
    job_name: str
    queued: object
    running: object
    failed: object


KINDS = (
    LeasedKind(PlacementRun, PLACEMENT_JOB, RunStatus.QUEUED, RunStatus.RUNNING, RunStatus.FAILED),
    LeasedKind(
        RosterImport, ROSTER_JOB, ImportStatus.QUEUED, ImportStatus.RUNNING, ImportStatus.FAILED
    ),
)


_KIND_OF = {kind.model: kind for kind in KINDS}


def enqueue(model, row_id: int) -> bool:
    """Hand a committed queued row's job to the queue; if Redis refused it, mark it not handed.

    Such a row (queued_at None) is enqueued by the job workers as soon as Redis answers
    (hand_over_unqueued), not after the sweep's threshold.
    """
    kind = _KIND_OF[model]
    if jobs.enqueue(kind.job_name, row_id):
        return True
    _set_queued_at(kind, row_id, None)
    db.session.commit()
    return False


def hand_over_unqueued() -> int:
    """Enqueue the queued rows whose job never reached the queue; how many were handed over."""
    handed = 0
    for kind in KINDS:
        model = kind.model
        unqueued = select(model.id).where(model.status == kind.queued, model.queued_at.is_(None))
        ids = list(db.session.scalars(unqueued.order_by(model.id)))
        db.session.commit()  # hold no snapshot while talking to Redis
        for row_id in ids:
            if not jobs.enqueue(kind.job_name, row_id):
                return handed  # Redis is away again: the next round tries
            _set_queued_at(kind, row_id, utcnow())
            db.session.commit()
            handed += 1
    return handed


def mark_enqueued(job_name: str, row_id: int) -> None:
    """Note that the sweep handed this row's job to the queue again just now."""
    kind = next(kind for kind in KINDS if kind.job_name == job_name)
    _set_queued_at(kind, row_id, utcnow())
    db.session.commit()


def _set_queued_at(kind: LeasedKind, row_id: int, value) -> None:
    # Only while still queued: a worker may have claimed the row already.
    model = kind.model
    db.session.execute(
        update(model)
        .where(model.id == row_id, model.status == kind.queued)
        .values(queued_at=value),
        execution_options={"synchronize_session": False},
    )


def lost_jobs(now: datetime | None = None) -> list[tuple[str, int]]:
    """(job name, row id) of every lost job to enqueue again; gives up on the worn-out ones."""
    now = now or utcnow()
    config = current_app.config
    queued_before = now - timedelta(seconds=config["JOB_SWEEP_QUEUED_AFTER_SECONDS"])
    found = []
    for kind in KINDS:
        model = kind.model
        # Counted from the last enqueue: a row retried by hand an hour after it was made
        # has just been queued. (Rows never handed over are hand_over_unqueued's.)
        stale = select(model.id).where(model.status == kind.queued, model.queued_at < queued_before)
        lapsed = select(model.id).where(
            model.status == kind.running,
            model.lease_expires_at < now,
            model.attempts < config["JOB_MAX_ATTEMPTS"],
        )
        ids = sorted(set(db.session.scalars(stale)) | set(db.session.scalars(lapsed)))
        found += [(kind.job_name, row_id) for row_id in ids]
        _give_up(kind, now, config["JOB_MAX_ATTEMPTS"])
    db.session.commit()
    return found


def _give_up(kind: LeasedKind, now: datetime, max_attempts: int) -> None:
    # Conditional, like every lease write: a worker that renewed its lease meanwhile keeps it.
    model = kind.model
    db.session.execute(
        update(model)
        .where(
            model.status == kind.running,
            model.lease_expires_at < now,
            model.attempts >= max_attempts,
        )
        .values(status=kind.failed, error="unexpected", finished_at=now, lease_expires_at=None),
        execution_options={"synchronize_session": False},
    )
