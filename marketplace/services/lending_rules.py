"""The lender's rules on approving an agreement, and what a recall does to the worker's places."""

from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..errors import Conflict
from ..extensions import db
from ..models import (
    AgreementStatus,
    Application,
    ApplicationStatus,
    Factory,
    LendingAgreement,
    Shift,
    User,
    WorkerProfile,
    utcnow,
)
from .applications import promote_from_waitlist

# With no shifts applied for yet, a period may run this much longer than the lender's extra days.
UNCOVERED_GRACE_DAYS = 14
# Applications that hold or seek a place: the shifts an agreement is meant to cover.
SEEKING_STATES = (
    ApplicationStatus.APPLIED,
    ApplicationStatus.OFFERED,
    ApplicationStatus.ACCEPTED,
    ApplicationStatus.WAITLISTED,
)
PENDING_STATES = (
    ApplicationStatus.APPLIED,
    ApplicationStatus.OFFERED,
    ApplicationStatus.WAITLISTED,
)


def _zone() -> ZoneInfo:
    return ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE", "Asia/Shanghai"))


def local_today() -> date:
    """Today in the platform's time zone (Shanghai): agreement periods are local dates."""
    return utcnow().astimezone(_zone()).date()


def local_date(moment: datetime) -> date:
    """The local calendar day of an aware UTC time."""
    return moment.astimezone(_zone()).date()


def day_bounds(first: date, last: date) -> tuple[datetime, datetime]:
    """UTC instants from the start of the first local day to the end of the last."""
    zone = _zone()
    start = datetime.combine(first, time.min, tzinfo=zone)
    end = datetime.combine(last + timedelta(days=1), time.min, tzinfo=zone)
    return start.astimezone(UTC), end.astimezone(UTC)


def check_approval(agreement: LendingAgreement) -> None:
    """Refuse (Conflict) an approval that breaks the lender's rules.

    - The period must not be over already.
    - Cap: on no day of the period may more of the lender's staff be out on approved
      agreements than ``lending_cap`` (None: no cap), counting this one.
    - Extra days: the days of the period outside the span of the borrower's shifts it
      covers (the worker's applications there that hold or seek a place, on shifts that
      overlap the period) may be at most ``lending_max_extra_days``. With no such shifts
      yet, the whole period may last at most ``lending_max_extra_days`` + 14 days.
    """
    if agreement.ends_on < local_today():
        raise Conflict(_l("This agreement's period is over; ask for a new one."))
    # Lock the lender so that concurrent approvals count each other against the cap.
    lender = db.session.scalars(
        select(Factory).where(Factory.id == agreement.lender_factory_id).with_for_update()
    ).one()
    _check_cap(agreement, lender)
    _check_extra_days(agreement, lender)


def _check_cap(agreement: LendingAgreement, lender: Factory) -> None:
    if lender.lending_cap is None:
        return
    others = db.session.execute(
        select(LendingAgreement.starts_on, LendingAgreement.ends_on).where(
            LendingAgreement.lender_factory_id == lender.id,
            LendingAgreement.status == AgreementStatus.APPROVED,
            LendingAgreement.id != agreement.id,
            LendingAgreement.starts_on <= agreement.ends_on,
            LendingAgreement.ends_on >= agreement.starts_on,
        )
    ).all()
    periods = [*others, (agreement.starts_on, agreement.ends_on)]
    # The most staff out at once is reached on the first day of one of the periods.
    days = {max(start, agreement.starts_on) for start, _ in periods}
    peak = max(sum(start <= day <= end for start, end in periods) for day in days)
    if peak > lender.lending_cap:
        raise Conflict(
            _l(
                "Your factory lends at most %(cap)d staff at once; this would make %(n)d.",
                cap=lender.lending_cap,
                n=peak,
            )
        )


def _check_extra_days(agreement: LendingAgreement, lender: Factory) -> None:
    allowed = lender.lending_max_extra_days
    start, end = day_bounds(agreement.starts_on, agreement.ends_on)
    first, last = db.session.execute(
        select(func.min(Shift.starts_at), func.max(Shift.ends_at))
        .join(Application, Application.shift_id == Shift.id)
        .where(
            Application.worker_id == agreement.worker_id,
            Application.status.in_(SEEKING_STATES),
            Shift.factory_id == agreement.borrower_factory_id,
            Shift.starts_at < end,
            Shift.ends_at > start,
        )
    ).one()
    if first is None:
        total = (agreement.ends_on - agreement.starts_on).days + 1
        if total > allowed + UNCOVERED_GRACE_DAYS:
            raise Conflict(
                _l(
                    "With no shifts applied for yet, the period may last at most %(days)d days.",
                    days=allowed + UNCOVERED_GRACE_DAYS,
                )
            )
        return
    before = max(0, (local_date(first) - agreement.starts_on).days)
    after = max(0, (agreement.ends_on - local_date(last)).days)
    if before + after > allowed:
        raise Conflict(
            _l(
                "The period runs %(extra)d days beyond the shifts it covers;"
                " your factory allows %(days)d.",
                extra=before + after,
                days=allowed,
            )
        )


def end_places(actor: User, agreement: LendingAgreement, reason: str) -> dict:
    """End the worker's places at the borrower under the agreement; return what changed.

    Accepted (not started) → cancelled, by the actor, with the reason; the assignment ends.
    In progress → completed, checked out now, hours counted up to now (or to the shift's
    end if that is earlier) and the worker's completed-shift count raised: the worker did
    the work and is not to blame. Applied, offered or waitlisted → withdrawn, with the
    reason: the worker is no longer available. Freed places go to the waiting lists.
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
    for application in applications:
        outcome = _end_one(actor, application, reason, now)
        ended[outcome].append(application.id)
    db.session.flush()  # the triggers count the freed places
    freed = {a.shift for a in applications if a.id in ended["cancelled"]}
    _promote_waitlists(freed)
    return {f"{key}_application_ids": ids for key, ids in ended.items()}


def _end_one(actor: User, application: Application, reason: str, now: datetime) -> str:
    assignment = application.assignment
    if application.status == ApplicationStatus.IN_PROGRESS:
        application.status = ApplicationStatus.COMPLETED
        if assignment is not None:
            assignment.ended_at = assignment.checked_out_at = now
            assignment.hours = hours_until(assignment.checked_in_at, application.shift, now)
        worker = application.worker
        worker.shifts_completed = WorkerProfile.shifts_completed + 1
        return "completed"
    if assignment is not None:
        assignment.ended_at = now
    application.cancelled_by_id = actor.id
    application.cancel_reason = reason
    if application.status == ApplicationStatus.ACCEPTED:
        application.status = ApplicationStatus.CANCELLED
        return "cancelled"
    application.status = ApplicationStatus.WITHDRAWN
    return "withdrawn"


def hours_until(checked_in_at: datetime | None, shift: Shift, now: datetime) -> Decimal:
    """Hours from check-in to now, or to the shift's end if that came first; 2 places."""
    if checked_in_at is None:
        return Decimal("0.00")
    seconds = max(0, int((min(now, shift.ends_at) - checked_in_at).total_seconds()))
    return (Decimal(seconds) / Decimal(3600)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def _promote_waitlists(shifts) -> None:
    for shift in sorted(shifts, key=lambda s: s.id):
        promote_from_waitlist(shift)
