"""An agreement that ends early (recalled or cancelled): what happens to the worker's places."""

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select, update

from ...extensions import db
from ...models import (
    Application,
    ApplicationStatus,
    LendingAgreement,
    Shift,
    User,
    WorkerProfile,
    utcnow,
)
from .. import audit
from ..applications.applying import fill_from_waitlist
from ..ranking import index as matching_index
from .rules import PENDING_STATES


def end_places(actor: User, agreement: LendingAgreement, reason: str) -> dict:
    """End the worker's places at the borrower under the agreement; return what changed.

    Accepted (not started) → cancelled, by the actor, with the reason; the assignment ends.
    In progress → completed, checked out now, hours counted up to now (or to the shift's
    end if that is earlier) and the worker's completed-shift count raised: the worker did
    the work and is not to blame. Applied, offered or waitlisted → withdrawn, with the
    reason: the worker is no longer available. Each change is audited as the application's
    own event; places freed (cancelled, or an offer withdrawn) go to the waiting lists.
    """
    applications = db.session.scalars(
        select(Application)
        .where(
            Application.lending_agreement_id == agreement.id,
            Application.status.in_(
                (ApplicationStatus.ACCEPTED, ApplicationStatus.IN_PROGRESS, *PENDING_STATES)
            ),
        )
        .order_by(Application.id)
        .with_for_update()
    ).all()
    now = utcnow()
    ended: dict[str, list[int]] = {"cancelled": [], "completed": [], "withdrawn": []}
    freed: dict[int, Shift] = {}
    for application in applications:
        shift, was = application.shift, application.status
        outcome = _end_one(actor, application, reason, now)
        if outcome is None:
            continue  # changed by someone else a moment ago
        ended[outcome].append(application.id)
        if outcome == "cancelled" or was == ApplicationStatus.OFFERED:
            freed[shift.id] = shift
    for shift_id in sorted(freed):
        fill_from_waitlist(freed[shift_id])
    return {f"{key}_application_ids": ids for key, ids in ended.items()}


def _end_one(actor: User, application: Application, reason: str, now: datetime) -> str | None:
    """End one application; its outcome, or None if it had already left the state it was read in."""
    was = application.status
    if was == ApplicationStatus.IN_PROGRESS:
        outcome, values = "completed", {}
    else:
        outcome = "cancelled" if was == ApplicationStatus.ACCEPTED else "withdrawn"
        values = {"cancelled_by_id": actor.id, "cancel_reason": reason}
    status = ApplicationStatus(outcome)
    if not _move(application, was, status, now, **values):
        return None
    if outcome == "completed":
        _check_out(application, now)
    elif application.assignment is not None:
        application.assignment.ended_at = now
    audit.record(
        f"application.{outcome}",
        actor=actor,
        obj=application,
        association_id=application.shift.factory.association_id,
        recalled=True,
        lending_agreement_id=application.lending_agreement_id,
    )
    return outcome


def _move(application: Application, was, status, now: datetime, **values) -> bool:
    # Conditional: a concurrent check-out (or accept) changes the row first and wins.
    result = db.session.execute(
        update(Application)
        .where(Application.id == application.id, Application.status == was)
        .values(status=status, decided_at=now, updated_at=now, **values)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(application)
    return result.rowcount == 1


def _check_out(application: Application, now: datetime) -> None:
    assignment = application.assignment
    if assignment is not None:
        assignment.ended_at = assignment.checked_out_at = now
        assignment.hours = hours_until(assignment.checked_in_at, application.shift, now)
    db.session.execute(
        update(WorkerProfile)
        .where(WorkerProfile.id == application.worker_id)
        .values(shifts_completed=WorkerProfile.shifts_completed + 1)
    )
    matching_index.bump()  # reliability changed behind the ORM's back


def hours_until(checked_in_at: datetime | None, shift: Shift, now: datetime) -> Decimal:
    """Hours from check-in to now, or to the shift's end if that came first; 2 places."""
    if checked_in_at is None:
        return Decimal("0.00")
    seconds = max(0, int((min(now, shift.ends_at) - checked_in_at).total_seconds()))
    return (Decimal(seconds) / Decimal(3600)).quantize(Decimal("0.01"), ROUND_HALF_UP)
