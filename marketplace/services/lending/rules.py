"""The lender's rules on approving an agreement (against the shifts it covers).

What a recall or a cancellation does to the worker's places is in lending_end.py.
"""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select

from ...errors import Conflict
from ...extensions import db
from ...models import (
    AgreementStatus,
    Application,
    ApplicationStatus,
    AuditEvent,
    Factory,
    LendingAgreement,
    Shift,
    ShiftStatus,
    utcnow,
)

# With no shifts named or applied for, a period may run this much past the lender's extra days.
UNCOVERED_GRACE_DAYS = 14
# Applications that hold or seek a place: the shifts an agreement is meant to cover.
SEEKING_STATES = (
    ApplicationStatus.APPLIED,
    ApplicationStatus.OFFERED,
    ApplicationStatus.ACCEPTED,
    ApplicationStatus.WAITLISTED,
)
# Shifts a request may name as the ones the loan is for.
COVERABLE_SHIFT_STATES = (ShiftStatus.OPEN, ShiftStatus.PENDING_REVIEW)
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
      overlap the period, and the shifts named in the request: see covered_span) may be at
      most ``lending_max_extra_days``. With no such shifts, the whole period may last at
      most ``lending_max_extra_days`` + 14 days.
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
    first, last = covered_span(agreement)
    if first is None:
        total = (agreement.ends_on - agreement.starts_on).days + 1
        if total > allowed + UNCOVERED_GRACE_DAYS:
            raise Conflict(
                _l(
                    "With no shifts named or applied for, the period may last at most"
                    " %(days)d days.",
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


def covered_span(agreement: LendingAgreement) -> tuple[datetime | None, datetime | None]:
    """Start of the first and end of the last borrower shift the agreement covers.

    Covered: the shifts named in the request, and those the worker has applied for at the
    borrower (holding or seeking a place) that overlap the period. (None, None) if none.
    """
    start, end = day_bounds(agreement.starts_on, agreement.ends_on)
    applied = (
        select(Shift.id)
        .join(Application, Application.shift_id == Shift.id)
        .where(
            Application.worker_id == agreement.worker_id,
            Application.status.in_(SEEKING_STATES),
        )
    )
    named = requested_shift_ids(agreement.id)
    first, last = db.session.execute(
        select(func.min(Shift.starts_at), func.max(Shift.ends_at)).where(
            or_(Shift.id.in_(applied), Shift.id.in_(named)),
            Shift.factory_id == agreement.borrower_factory_id,
            Shift.status != ShiftStatus.CANCELLED,
            Shift.starts_at < end,
            Shift.ends_at > start,
        )
    ).one()
    return first, last


def requested_shift_ids(agreement_id: int) -> list[int]:
    """The shift ids the borrower named when asking for the agreement (its audit event)."""
    details = db.session.scalar(
        select(AuditEvent.details)
        .where(
            AuditEvent.action == "lending.requested",
            AuditEvent.object_type == LendingAgreement.__tablename__,
            AuditEvent.object_id == agreement_id,
        )
        .order_by(AuditEvent.id)
        .limit(1)
    )
    ids = (details or {}).get("shift_ids") or []
    return [i for i in ids if isinstance(i, int)]


def check_shifts(shift_ids, borrower: Factory, starts_on, ends_on, errors: dict) -> list[int]:
    """The distinct shift ids named in a request, sorted; errors get a message per bad one."""
    if shift_ids is None:
        return []
    ids = sorted({i for i in shift_ids if isinstance(i, int) and not isinstance(i, bool)})
    problems = []
    if any(not isinstance(i, int) or isinstance(i, bool) for i in shift_ids):
        problems.append(_l("Choose shifts by their numbers."))
    period = None
    if "starts_on" not in errors and "ends_on" not in errors:
        period = day_bounds(starts_on, ends_on)
    for shift_id in ids:
        problem = _shift_problem(db.session.get(Shift, shift_id), shift_id, borrower, period)
        if problem is not None:
            problems.append(problem)
    if problems:
        errors["shift_ids"] = problems
    return ids


def _shift_problem(shift: Shift | None, shift_id: int, borrower: Factory, period):
    if shift is None or shift.factory_id != borrower.id:
        return _l("Shift %(id)d is not one of your factory's shifts.", id=shift_id)
    if shift.status not in COVERABLE_SHIFT_STATES:
        return _l("Shift %(id)d is not open or waiting for review.", id=shift_id)
    if period is not None and not (period[0] <= shift.starts_at and shift.ends_at <= period[1]):
        return _l("Shift %(id)d does not fall inside the period.", id=shift_id)
    return None
