"""Offers: the factory offers or rejects; the worker accepts, declines or withdraws; offers lapse.

Offers hold no place: accepting takes one, and the database (triggers counting
places plus a CHECK against the headcount) refuses the accept that would overbook.
"""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from ... import policy
from ...errors import Conflict, Invalid, NotFound
from ...extensions import db
from ...models import (
    Application,
    ApplicationOrigin,
    ApplicationStatus,
    Assignment,
    Shift,
    User,
    WorkerProfile,
    utcnow,
)
from .. import authz
from ..common import commit, flush, text_field
from . import eligibility
from .applying import (
    fill_from_waitlist,
    lock_shift,
    offer_deadline,
    record,
    require_state,
    staff_application,
    tell_factory,
    tell_worker,
    transition,
    worker_application,
)
from .offer_expiry import expire_offer

S = ApplicationStatus
MAX_OFFER_HOURS = 14 * 24
REASON_MAX_LENGTH = 1000
_UNDECIDED = (S.APPLIED, S.WAITLISTED, S.OFFERED)


def _offer_hours(value) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        message = _l("Give the offer a deadline of more than 0 hours.")
        raise Invalid(message, fields={"expires_in_hours": [message]})
    if value > MAX_OFFER_HOURS:
        message = _l("An offer may stay open for at most %(n)d hours.", n=MAX_OFFER_HOURS)
        raise Invalid(message, fields={"expires_in_hours": [message]})
    return float(value)


# Staff may also offer to someone on the waiting list, e.g. after raising the headcount.
_OFFERABLE = frozenset({S.APPLIED, S.WAITLISTED})


def offer(actor: User, application_id: int, *, expires_in_hours=None) -> Application:
    """Factory staff offer the worker a place, answerable until a deadline."""
    application = staff_application(actor, application_id, "application.offer")
    status = application.status.value
    require_state(
        application,
        _OFFERABLE,
        _l(
            "Only an application waiting for a decision can be offered; this one is %(s)s.",
            s=status,
        ),
    )
    make_offer(actor, application, _offer_hours(expires_in_hours))
    commit(_l("This application changed a moment ago; reload the page and try again."))
    return application


def make_offer(actor: User, application: Application, hours: float | None, **details) -> None:
    """Turn an offerable application into an offer; the caller authorises and commits."""
    shift, worker = application.shift, application.worker
    eligibility.require_eligible(worker, shift, _l("This worker cannot take this shift now."))
    now = utcnow()
    deadline = offer_deadline(shift, now, hours)
    transition(
        application,
        _OFFERABLE,
        S.OFFERED,
        offered_at=now,
        offer_expires_at=deadline,
        lending_agreement_id=eligibility.agreement_id_for(worker, shift),
    )
    record(
        "application.offered", actor, application, offer_expires_at=deadline.isoformat(), **details
    )
    tell_worker(application, "offer_made", expires_at=deadline)


def offer_unasked(
    actor: User, shift, worker: WorkerProfile, origin: ApplicationOrigin, **details
) -> Application:
    """Offer a place to a worker who may not have applied (an invitation, a placement run's).

    Reuses the worker's application for the shift if it is still offerable (it stays the
    worker's own), else starts one marked with `origin`: an offer the worker never asked for
    ties them to nobody until they accept it (policy.worker_association_ids).
    The caller authorises, checks eligibility first if it wants a reason, and commits.
    """
    application = db.session.scalar(
        select(Application).where(
            Application.worker_id == worker.id, Application.shift_id == shift.id
        )
    )
    if application is None:
        application = Application(
            worker_id=worker.id, shift_id=shift.id, status=S.APPLIED, origin=origin
        )
        db.session.add(application)
        flush(_l("This worker applied a moment ago; reload the page."))
    elif application.status not in _OFFERABLE:
        raise Conflict(
            _l("The worker's application for this shift is %(s)s.", s=application.status.value)
        )
    make_offer(actor, application, None, **details)
    return application


def invite(actor: User, shift_id: int, worker_id: int) -> Application:
    """Factory staff offer a place to a candidate who has not applied (from the ranking)."""
    shift = db.session.get(Shift, shift_id)
    if shift is None:
        raise NotFound(_l("No such shift."))
    authz.require(policy.can_manage_shift(actor, shift), actor, "application.invite", shift)
    worker = db.session.get(WorkerProfile, worker_id)
    if worker is None:
        raise NotFound(_l("No such worker."))
    application = offer_unasked(actor, shift, worker, ApplicationOrigin.FACTORY_OFFER, invited=True)
    commit(_l("This worker applied a moment ago; reload the page."))
    return application


def reject(actor: User, application_id: int, reason: str = "") -> Application:
    """Factory staff turn an application down (also one on the waiting list or on offer)."""
    application = staff_application(actor, application_id, "application.reject")
    status = application.status.value
    require_state(
        application, _UNDECIDED, _l("This application is %(s)s; it cannot be rejected.", s=status)
    )
    reason = text_field(reason, max_length=REASON_MAX_LENGTH)
    transition(application, _UNDECIDED, S.REJECTED, decided_at=utcnow())
    record("application.rejected", actor, application, reason=reason)
    tell_worker(application, "application_rejected", reason=reason)
    fill_from_waitlist(application.shift)  # a rejected offer leaves its place to the list
    commit(_l("This application changed a moment ago; reload the page and try again."))
    return application


def _take_place(application: Application, agreement_id: int | None, now: datetime) -> None:
    # One conditional UPDATE: whichever accepts run at once, the triggers count them and the
    # CHECK refuses the one that would overbook, so we never read-then-write the count.
    statement = (
        update(Application)
        .where(
            Application.id == application.id,
            Application.status == S.OFFERED,
            Application.offer_expires_at > now,
        )
        .values(
            status=S.ACCEPTED, decided_at=now, updated_at=now, lending_agreement_id=agreement_id
        )
    )
    try:
        result = db.session.execute(statement, execution_options={"synchronize_session": False})
    except IntegrityError:
        db.session.rollback()
        _waitlist_instead(application)
    if result.rowcount != 1:
        db.session.rollback()
        raise Conflict(_l("This offer is no longer open: it was answered or lapsed a moment ago."))
    db.session.expire(application)


def _waitlist_instead(application: Application) -> None:
    transition(application, {S.OFFERED}, S.WAITLISTED)
    record("application.waitlisted", application.worker.user, application, reason="full_on_accept")
    db.session.commit()
    raise Conflict(
        _l(
            "This shift filled up before you accepted. You are on its waiting list and will"
            " get a new offer if a place frees."
        )
    )


def accept(actor: User, application_id: int) -> Application:
    """The worker accepts an open offer and takes a place, unless the shift is already full."""
    application = worker_application(actor, application_id, "application.accept")
    status = application.status.value
    require_state(
        application, {S.OFFERED}, _l("There is no offer to accept; this is %(s)s.", s=status)
    )
    now = utcnow()
    if application.offer_expires_at <= now:
        expire_offer(application, now)
        raise Conflict(_l("This offer has expired; it can no longer be accepted."))
    shift, worker = application.shift, application.worker
    lock_shift(shift.id)
    _lock_worker(worker)
    eligibility.require_eligible(worker, shift)
    _take_place(application, eligibility.agreement_id_for(worker, shift), now)
    db.session.add(
        Assignment(
            application_id=application.id,
            shift_id=application.shift_id,
            worker_id=application.worker_id,
            lending_agreement_id=application.lending_agreement_id,
        )
    )
    record("application.accepted", actor, application)
    tell_factory(application, "offer_accepted")
    commit(_l("This offer was answered a moment ago; reload the page."))
    return application


def _lock_worker(worker: WorkerProfile) -> None:
    """Serialise one worker's accepts, so two overlapping offers cannot both be taken.

    A write takes PostgreSQL's row lock (and SQLite's write lock); the eligibility
    check that follows then sees any place this worker took a moment ago.
    """
    db.session.execute(
        update(WorkerProfile).where(WorkerProfile.id == worker.id).values(updated_at=utcnow())
    )


def decline(actor: User, application_id: int) -> Application:
    """The worker declines an offer; the place goes to the waiting list."""
    application = worker_application(actor, application_id, "application.decline")
    status = application.status.value
    require_state(
        application, {S.OFFERED}, _l("There is no offer to decline; this is %(s)s.", s=status)
    )
    transition(application, {S.OFFERED}, S.DECLINED, decided_at=utcnow())
    record("application.declined", actor, application)
    tell_factory(application, "offer_declined")
    fill_from_waitlist(application.shift)
    commit(_l("This offer was answered a moment ago; reload the page."))
    return application


def withdraw(actor: User, application_id: int) -> Application:
    """The worker withdraws an application that holds no place yet."""
    application = worker_application(actor, application_id, "application.withdraw")
    status = application.status.value
    require_state(
        application,
        _UNDECIDED,
        _l(
            "This application is %(s)s; only one without a place can be withdrawn"
            " (cancel a place you accepted instead).",
            s=status,
        ),
    )
    transition(application, _UNDECIDED, S.WITHDRAWN, decided_at=utcnow())
    record("application.withdrawn", actor, application)
    tell_factory(application, "application_withdrawn")
    fill_from_waitlist(application.shift)
    commit(_l("This application changed a moment ago; reload the page and try again."))
    return application
