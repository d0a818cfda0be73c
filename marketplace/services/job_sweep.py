"""Finding the jobs that were lost, so that the job workers can run them again.

A job can be lost two ways: its enqueue never reached the queue (Redis was down when the
request committed the row), or its worker died while holding the row's lease. The rows say
both: queued long ago and never claimed, or running past their lease. Running such a row
again is safe, since a job claims its row first (services/leases.py); a row whose workers
died JOB_MAX_ATTEMPTS times is marked failed instead, so that a job which kills its worker
(say, out of memory) is not retried for ever but waits for a person to press retry.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select, update

from ..extensions import db
from ..models import ImportStatus, PlacementRun, RosterImport, RunStatus, utcnow
from .placement_job import JOB_NAME as PLACEMENT_JOB
from .roster_job import JOB_NAME as ROSTER_JOB


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


def lost_jobs(now: datetime | None = None) -> list[tuple[str, int]]:
    """(job name, row id) of every lost job to enqueue again; gives up on the worn-out ones."""
    now = now or utcnow()
    config = current_app.config
    queued_before = now - timedelta(seconds=config["JOB_SWEEP_QUEUED_AFTER_SECONDS"])
    found = []
    for kind in KINDS:
        model = kind.model
        stale = select(model.id).where(
            model.status == kind.queued, model.created_at < queued_before
        )
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
