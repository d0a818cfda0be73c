"""Closing a shift early: its live applications end, each with its own audit event.

Shared by a factory cancelling its shift and an association suspending or
rejecting the factory; the caller holds the shift's row lock and commits.
"""

from sqlalchemy import select, update

from ...extensions import db
from ...models import (
    Application,
    ApplicationStatus,
    Assignment,
    Shift,
    ShiftStatus,
    User,
    WorkerProfile,
    utcnow,
)
from .. import audit
from ..applications.attendance import worked_hours
from ..notify import notifications
from ..ranking import index as matching_index

S = ApplicationStatus
LIVE_STATES = (S.APPLIED, S.WAITLISTED, S.OFFERED, S.ACCEPTED)


def close_shift(
    actor: User, shift: Shift, reason: str, *, finish_started: bool = False, **details
) -> list[int]:
    """Cancel the shift and its live applications and tell the workers; their user ids.

    With finish_started, workers already on site are checked out now, so their hours
    are kept (a suspended factory's staff can no longer do it themselves).
    """
    now = utcnow()
    shift.status = ShiftStatus.CANCELLED
    shift.cancel_reason = reason
    association_id = shift.factory.association_id
    cancelled = _cancel_live(shift, actor, reason, now, association_id)
    finished = _finish_started(shift, actor, now, association_id) if finish_started else []
    audit.record(
        "shift.cancelled",
        actor=actor,
        obj=shift,
        association_id=association_id,
        reason=reason,
        applications_cancelled=len(cancelled),
        workers_checked_out=len(finished),
        **details,
    )
    user_ids = _user_ids(cancelled + finished)
    notifications.notify_many(
        user_ids, "shift_cancelled", obj=shift, title=shift.title, reason=reason
    )
    return user_ids


def _cancel_live(shift: Shift, actor: User, reason: str, now, association_id) -> list[int]:
    # One conditional UPDATE: an application another transition moves meanwhile
    # is either cancelled here or left to the transition that got there first.
    rows = db.session.execute(
        update(Application)
        .where(Application.shift_id == shift.id, Application.status.in_(LIVE_STATES))
        .values(
            status=S.CANCELLED,
            cancelled_by_id=actor.id,
            cancel_reason=reason,
            decided_at=now,
            updated_at=now,
        )
        .returning(Application.id, Application.worker_id)
        .execution_options(synchronize_session="fetch")
    ).all()
    ids = [row.id for row in rows]
    if ids:
        db.session.execute(
            update(Assignment)
            .where(Assignment.application_id.in_(ids), Assignment.ended_at.is_(None))
            .values(ended_at=now)
            .execution_options(synchronize_session="fetch")
        )
    for application_id in ids:
        _record(actor, application_id, association_id, "application.cancelled", reason=reason)
    return [row.worker_id for row in rows]


def _finish_started(shift: Shift, actor: User, now, association_id) -> list[int]:
    """Check out, as of now, everyone in progress on the shift."""
    finished = []
    query = select(Application).where(
        Application.shift_id == shift.id, Application.status == S.IN_PROGRESS
    )
    for application in db.session.scalars(query).all():
        moved = db.session.execute(
            update(Application)
            .where(Application.id == application.id, Application.status == S.IN_PROGRESS)
            .values(status=S.COMPLETED, decided_at=now, updated_at=now)
            .execution_options(synchronize_session="fetch")
        ).rowcount
        if moved != 1:
            continue  # checked out by someone else a moment ago
        assignment = application.assignment
        assignment.checked_out_at = assignment.ended_at = now
        assignment.hours = worked_hours(assignment.checked_in_at, now)
        db.session.execute(
            update(WorkerProfile)
            .where(WorkerProfile.id == application.worker_id)
            .values(shifts_completed=WorkerProfile.shifts_completed + 1)
        )
        matching_index.bump()  # reliability changed behind the ORM's back
        _record(
            actor,
            application.id,
            association_id,
            "application.checked_out",
            hours=str(assignment.hours),
            closed_early=True,
        )
        finished.append(application.worker_id)
    return finished


def _record(actor: User, application_id: int, association_id, action: str, **details) -> None:
    application = db.session.get(Application, application_id)
    audit.record(action, actor=actor, obj=application, association_id=association_id, **details)


def _user_ids(worker_ids: list[int]) -> list[int]:
    if not worker_ids:
        return []
    query = select(WorkerProfile.user_id).where(WorkerProfile.id.in_(set(worker_ids)))
    return sorted(db.session.scalars(query))


def release_worker(actor: User, worker: WorkerProfile, reason: str) -> int:
    """A suspended worker lets go of every place and application on shifts not yet started.

    Accepted places are cancelled (not counted as late: the worker did not choose it),
    applications still in play are withdrawn, each factory is told, and the freed places
    go to the waiting lists. The caller commits; returns how many applications ended.
    """
    from ..applications.applying import fill_from_waitlist, lock_shift

    now = utcnow()
    query = (
        select(Application)
        .join(Shift, Shift.id == Application.shift_id)
        .where(
            Application.worker_id == worker.id,
            Application.status.in_(LIVE_STATES),
            Shift.starts_at > now,
        )
        .order_by(Application.shift_id)
    )
    ended = 0
    for application in db.session.scalars(query).all():
        lock_shift(application.shift_id)
        target = S.CANCELLED if application.status == S.ACCEPTED else S.WITHDRAWN
        moved = db.session.execute(
            update(Application)
            .where(Application.id == application.id, Application.status == application.status)
            .values(
                status=target,
                cancelled_by_id=actor.id,
                cancel_reason=reason,
                decided_at=now,
                updated_at=now,
            )
            .execution_options(synchronize_session="fetch")
        ).rowcount
        if moved != 1:
            continue
        ended += 1
        shift = application.shift
        if application.assignment is not None:
            application.assignment.ended_at = now
        _record(
            actor,
            application.id,
            shift.factory.association_id,
            f"application.{target.value}",
            reason=reason,
            account_suspended=True,
        )
        notifications.notify_many(
            notifications.factory_staff_ids(shift.factory_id),
            "place_cancelled",
            obj=application,
            shift=shift.title,
            worker=worker.user.name,
            reason=reason,
        )
        fill_from_waitlist(shift)
    return ended
