"""Cancelling a place, attendance (check-in, check-out, no-show), ratings and reliability."""

from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ... import policy
from ...errors import Conflict, Invalid
from ...extensions import db
from ...models import (
    Application,
    ApplicationStatus,
    Assignment,
    Rating,
    RatingDirection,
    User,
    WorkerProfile,
    utcnow,
)
from .. import authz
from ..common import commit, flush, text_field
from .applying import (
    fill_from_waitlist,
    load_application,
    lock_shift,
    record,
    require_state,
    staff_application,
    tell_factory,
    tell_worker,
    transition,
)

S = ApplicationStatus
# A worker who gives up an accepted place closer to the start than this leaves the factory short.
LATE_CANCELLATION_HOURS = 24
# Workers arrive early for bus pickups and briefings, but not a day early.
CHECK_IN_OPENS_HOURS = 2
TEXT_MAX_LENGTH = 1000
SCORES = range(1, 6)

# Reliability is the share of good outcomes with a Beta(1, 1) prior, so a newcomer starts at
# 0.5 and one early no-show does not condemn anyone; a late cancellation costs half a no-show.
PRIOR_GOOD = 1.0
PRIOR_BAD = 1.0
NO_SHOW_WEIGHT = 1.0
LATE_CANCELLATION_WEIGHT = 0.5

_CANCELLABLE_BY_FACTORY = (S.ACCEPTED, S.OFFERED, S.APPLIED, S.WAITLISTED)
_CANCELLABLE_BY_WORKER = (S.ACCEPTED,)
_CHANGED = _l("This application changed a moment ago; reload the page and try again.")


def _bump(worker: WorkerProfile, counter: str) -> None:
    # Counted in SQL (counter = counter + 1), so two updates at once both count.
    setattr(worker, counter, getattr(WorkerProfile, counter) + 1)


def _cancellable_states(application: Application, by_worker: bool):
    status = application.status.value
    if by_worker:
        message = _l(
            "You can cancel only a place you accepted; this application is %(s)s"
            " (withdraw or decline it instead).",
            s=status,
        )
        states = _CANCELLABLE_BY_WORKER
    else:
        message = _l("This application is %(s)s; it can no longer be cancelled.", s=status)
        states = _CANCELLABLE_BY_FACTORY
    require_state(application, states, message)
    return states


def cancel(actor: User, application_id: int, reason: str) -> Application:
    """Either side cancels before the start, with a reason; the place goes to the waiting list."""
    application = load_application(application_id)
    by_worker = policy.is_self(actor, application.worker)
    allowed = by_worker or policy.can_manage_shift(actor, application.shift)
    authz.require(allowed, actor, "application.cancel", application)
    states = _cancellable_states(application, by_worker)
    now = utcnow()
    shift = application.shift
    if shift.starts_at <= now:
        raise Conflict(_l("This shift has already started; it can no longer be cancelled."))
    reason = text_field(reason, "reason", required=True, max_length=TEXT_MAX_LENGTH)
    late = by_worker and shift.starts_at - now < timedelta(hours=LATE_CANCELLATION_HOURS)
    held_place = application.status == S.ACCEPTED
    lock_shift(shift.id)
    transition(
        application,
        states,
        S.CANCELLED,
        cancelled_by_id=actor.id,
        cancel_reason=reason,
        late_cancellation=late,
        decided_at=now,
    )
    if late:
        _bump(application.worker, "late_cancellations")
    if application.assignment is not None:
        application.assignment.ended_at = now
    record(
        "application.cancelled",
        actor,
        application,
        by="worker" if by_worker else "factory",
        reason=reason,
        late=late,
        held_place=held_place,
    )
    if by_worker:
        tell_factory(application, "worker_cancelled", reason=reason, late=late)
    else:
        tell_worker(application, "place_cancelled", reason=reason)
    fill_from_waitlist(shift)
    commit(_CHANGED)
    return application


def _attendance_time(at: datetime | None, now: datetime) -> datetime:
    if at is None:
        return now
    if at.tzinfo is None:
        message = _l("Give the time with its time zone.")
        raise Invalid(message, fields={"at": [message]})
    if at > now:
        message = _l("Attendance cannot be recorded for a time still to come.")
        raise Invalid(message, fields={"at": [message]})
    return at


def _assignment(application: Application) -> Assignment:
    # Places taken before assignments existed (or by a placement run) may lack the row.
    if application.assignment is None:
        application.assignment = Assignment(
            shift_id=application.shift_id,
            worker_id=application.worker_id,
            lending_agreement_id=application.lending_agreement_id,
        )
    return application.assignment


def check_in(actor: User, application_id: int, at: datetime | None = None) -> Application:
    """Factory staff record the worker's arrival, from two hours before the start."""
    application = staff_application(actor, application_id, "application.check_in")
    status = application.status.value
    require_state(
        application,
        {S.ACCEPTED},
        _l("Only an accepted worker can check in; this is %(s)s.", s=status),
    )
    at = _attendance_time(at, utcnow())
    opens = application.shift.starts_at - timedelta(hours=CHECK_IN_OPENS_HOURS)
    if at < opens:
        raise Conflict(
            _l("Check-in opens %(n)d hours before the shift starts.", n=CHECK_IN_OPENS_HOURS)
        )
    if at >= application.shift.ends_at:
        # Arriving after the end would record hours outside the shift: mark a no-show instead.
        raise Conflict(_l("This shift has ended; check-in is no longer possible."))
    transition(application, {S.ACCEPTED}, S.IN_PROGRESS)
    _assignment(application).checked_in_at = at
    record("application.checked_in", actor, application, at=at.isoformat())
    commit(_CHANGED)
    return application


def worked_hours(checked_in_at: datetime, checked_out_at: datetime) -> Decimal:
    """Hours between check-in and check-out, to the hundredth."""
    seconds = Decimal(int((checked_out_at - checked_in_at).total_seconds()))
    return (seconds / 3600).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def check_out(actor: User, application_id: int, at: datetime | None = None) -> Application:
    """Factory staff record the worker's departure; the hours count and the shift is done."""
    application = staff_application(actor, application_id, "application.check_out")
    status = application.status.value
    require_state(
        application,
        {S.IN_PROGRESS},
        _l("Only a checked-in worker can check out; this is %(s)s.", s=status),
    )
    at = _attendance_time(at, utcnow())
    assignment = _assignment(application)
    if at < assignment.checked_in_at:
        message = _l("The check-out cannot come before the check-in.")
        raise Invalid(message, fields={"at": [message]})
    hours = worked_hours(assignment.checked_in_at, at)
    transition(application, {S.IN_PROGRESS}, S.COMPLETED)
    assignment.checked_out_at, assignment.hours = at, hours
    _bump(application.worker, "shifts_completed")
    record("application.checked_out", actor, application, hours=str(hours))
    tell_worker(application, "shift_completed", hours=hours)
    commit(_CHANGED)
    return application


def mark_no_show(actor: User, application_id: int) -> Application:
    """Factory staff record that an accepted worker did not come, once the shift has started."""
    application = staff_application(actor, application_id, "application.no_show")
    status = application.status.value
    require_state(
        application,
        {S.ACCEPTED},
        _l(
            "Only an accepted worker who has not checked in can be a no-show; this is %(s)s.",
            s=status,
        ),
    )
    now = utcnow()
    if application.shift.starts_at > now:
        raise Conflict(_l("The shift has not started yet; a no-show is recorded after the start."))
    transition(application, {S.ACCEPTED}, S.NO_SHOW)
    _bump(application.worker, "no_shows")
    _assignment(application).ended_at = now
    record("application.no_show", actor, application)
    tell_worker(application, "marked_no_show")
    commit(_CHANGED)
    return application


def _rating_direction(actor: User, application: Application) -> RatingDirection | None:
    if policy.is_self(actor, application.worker):
        return RatingDirection.WORKER_RATES_FACTORY
    if policy.can_manage_shift(actor, application.shift):
        return RatingDirection.FACTORY_RATES_WORKER
    return None


def _score(score) -> int:
    if isinstance(score, bool) or not isinstance(score, int) or score not in SCORES:
        message = _l("Give a score from 1 to 5.")
        raise Invalid(message, fields={"score": [message]})
    return score


def rate(actor: User, application_id: int, score: int, comment: str = "") -> Rating:
    """After a completed shift each side rates the other once, 1-5 with a comment."""
    application = load_application(application_id)
    direction = _rating_direction(actor, application)
    authz.require(direction is not None, actor, "application.rate", application)
    status = application.status.value
    require_state(
        application,
        {S.COMPLETED},
        _l("Rating opens once the shift is completed; this is %(s)s.", s=status),
    )
    score, comment = _score(score), text_field(comment, "comment", max_length=TEXT_MAX_LENGTH)
    assignment = _assignment(application)
    db.session.flush()  # an assignment made just now needs its id for the query below
    already = _l("This shift has already been rated from your side.")
    taken = select(Rating.id).where(
        Rating.assignment_id == assignment.id, Rating.direction == direction
    )
    if db.session.scalar(taken) is not None:
        raise Conflict(already)
    rating = Rating(assignment=assignment, direction=direction, score=score, comment=comment)
    rating.rated_by_id = actor.id
    db.session.add(rating)
    flush(already)
    record("application.rated", actor, application, direction=direction.value, score=score)
    if direction == RatingDirection.WORKER_RATES_FACTORY:
        tell_factory(application, "rating_received", score=score)
    else:
        tell_worker(application, "rating_received", score=score)
    commit(already)
    return rating


def reliability(worker: WorkerProfile) -> float:
    """How dependable the worker has been, in [0, 1]; 0.5 with no record yet."""
    good = PRIOR_GOOD + worker.shifts_completed
    bad = (
        PRIOR_BAD
        + NO_SHOW_WEIGHT * worker.no_shows
        + LATE_CANCELLATION_WEIGHT * worker.late_cancellations
    )
    return good / (good + bad)
