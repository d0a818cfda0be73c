"""Applying for a shift, and the waiting list that fills places as they free."""

from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from ... import policy
from ...errors import Conflict, Invalid, NotFound
from ...extensions import db
from ...models import (
    Application,
    ApplicationOrigin,
    ApplicationStatus,
    Shift,
    ShiftStatus,
    User,
    WorkerProfile,
    utcnow,
)
from .. import audit, authz
from ..common import commit, flush
from ..notify import notifications
from . import eligibility

DEFAULT_OFFER_TTL_HOURS = 24
_UNPUBLISHED = frozenset({ShiftStatus.DRAFT, ShiftStatus.PENDING_REVIEW, ShiftStatus.REJECTED})
NOTE_MAX_LENGTH = 1000

# A worker may apply again after an application ended in one of these states (not after
# a rejection: the factory said no to this worker for this shift).
REUSABLE_STATES = frozenset(
    {
        ApplicationStatus.WITHDRAWN,
        ApplicationStatus.DECLINED,
        ApplicationStatus.EXPIRED,
    }
)


def load_application(application_id: int) -> Application:
    """The application, or NotFound."""
    application = db.session.get(Application, application_id)
    if application is None:
        raise NotFound(_l("No such application."))
    return application


def record(action: str, actor: User | None, application: Application, **details) -> None:
    """Audit a change to the application under its shift's association."""
    audit.record(
        action,
        actor=actor,
        obj=application,
        association_id=audit.association_of(application),
        **details,
    )


def staff_application(actor: User, application_id: int, action: str) -> Application:
    """The application, if the actor is staff of its shift's factory (else Forbidden)."""
    application = load_application(application_id)
    authz.require(policy.can_manage_shift(actor, application.shift), actor, action, application)
    return application


def worker_application(actor: User, application_id: int, action: str) -> Application:
    """The application, if the actor is its worker (else Forbidden)."""
    application = load_application(application_id)
    authz.require(policy.is_self(actor, application.worker), actor, action, application)
    return application


def require_state(application: Application, allowed, message) -> None:
    """Raise Conflict(message) unless the application is in one of the allowed states."""
    if application.status not in allowed:
        raise Conflict(message)


def transition(application: Application, from_states, to_status, **values) -> None:
    """Move the application with one conditional UPDATE, so a concurrent change is never lost.

    The caller has already checked the state it read; this refuses if it changed since.
    """
    result = db.session.execute(
        update(Application)
        .where(Application.id == application.id, Application.status.in_(list(from_states)))
        .values(status=to_status, updated_at=utcnow(), **values),
        execution_options={"synchronize_session": False},
    )
    if result.rowcount != 1:
        db.session.rollback()
        raise Conflict(_l("This application changed a moment ago; reload the page and try again."))
    db.session.expire(application)


def _about(application: Application) -> dict:
    # The parameter names the inbox templates use (notification_kinds.KINDS).
    shift = application.shift
    return {
        "shift_id": shift.id,
        "shift": shift.title,
        "factory": shift.factory.name,
        "worker": application.worker.user.name,
        "starts_at": shift.starts_at,
    }


def tell_worker(application: Application, kind: str, **params) -> None:
    """Queue a notification about the application for its worker."""
    notifications.notify(
        application.worker.user_id,
        kind,
        obj=application,
        **_about(application),
        **params,
    )


def tell_factory(application: Application, kind: str, **params) -> None:
    """Queue a notification about the application for the staff of the shift's factory."""
    notifications.notify_many(
        notifications.factory_staff_ids(application.shift.factory_id),
        kind,
        obj=application,
        **_about(application),
        **params,
    )


def offer_deadline(shift: Shift, now: datetime, hours: float | None = None) -> datetime:
    """When an offer made now lapses: after the TTL, but never after the shift starts."""
    if hours is None:
        hours = current_app.config.get("OFFER_TTL_HOURS", DEFAULT_OFFER_TTL_HOURS)
    return min(now + timedelta(hours=hours), shift.starts_at)


def live_offer_count(shift_id: int, now: datetime) -> int:
    """Offers on the shift still waiting for the worker's answer."""
    query = select(func.count(Application.id)).where(
        Application.shift_id == shift_id,
        Application.status == ApplicationStatus.OFFERED,
        Application.offer_expires_at > now,
    )
    return db.session.scalar(query)


def promote_from_waitlist(shift: Shift) -> Application | None:
    """Offer a free place to the first on the waiting list; the caller commits.

    A place is free when it is neither taken nor on offer, so calling this in a
    loop until it returns None fills every free place and no more.
    """
    now = utcnow()
    db.session.flush()  # the triggers count places as the caller's changes reach the database
    db.session.refresh(shift, ["accepted_count", "status", "headcount"])
    if shift.status != ShiftStatus.OPEN or shift.starts_at <= now:
        return None
    if shift.accepted_count + live_offer_count(shift.id, now) >= shift.headcount:
        return None
    application = _first_eligible_waiting(shift, now)
    if application is None:
        return None
    application.status = ApplicationStatus.OFFERED
    application.offered_at = now
    application.offer_expires_at = offer_deadline(shift, now)
    audit.record(
        "application.promoted",
        obj=application,
        association_id=shift.factory.association_id,
        offer_expires_at=application.offer_expires_at.isoformat(),
    )
    tell_worker(application, "waitlist_promoted", expires_at=application.offer_expires_at)
    return application


def _first_eligible_waiting(shift: Shift, now: datetime) -> Application | None:
    """The earliest waiting worker who can still take the shift (suspended, overlapping,
    expired certificate or recalled agreement: passed over, so the place is not blocked)."""
    query = (
        select(Application)
        .where(Application.shift_id == shift.id, Application.status == ApplicationStatus.WAITLISTED)
        .order_by(Application.created_at, Application.id)
        # Two places freeing at once promote two different workers, not one twice.
        .with_for_update(skip_locked=True)
    )
    for application in db.session.scalars(query):
        if not eligibility.failed_conditions(application.worker, shift, now=now):
            return application
    return None


def lock_shift(shift_id: int) -> None:
    """Row-lock the shift before its applications (PostgreSQL; SQLite serialises writers).

    Every path that changes places takes the shift first, then applications, the order
    the counting trigger and cancel_shift use: no two transactions wait on each other.
    """
    db.session.execute(select(Shift.id).where(Shift.id == shift_id).with_for_update(key_share=True))


def fill_from_waitlist(shift: Shift) -> int:
    """Offer every free place to the waiting list, in order; the caller commits."""
    promoted = 0
    while promote_from_waitlist(shift) is not None:
        promoted += 1
    return promoted


def _own_worker(actor: User, shift: Shift) -> WorkerProfile:
    authz.require(actor.worker_profile is not None, actor, "application.apply", shift)
    return actor.worker_profile


def _existing(worker: WorkerProfile, shift: Shift) -> Application | None:
    query = select(Application).where(
        Application.worker_id == worker.id, Application.shift_id == shift.id
    )
    existing = db.session.scalar(query)
    if existing is not None and existing.status not in REUSABLE_STATES:
        raise Conflict(
            _l(
                "You already have an application for this shift (it is %(status)s).",
                status=existing.status.value,
            )
        )
    return existing


def _reset(application: Application, now: datetime) -> None:
    # Reusing the row (one per worker and shift); the new application joins the back of the list.
    application.offered_at = application.offer_expires_at = application.decided_at = None
    application.cancelled_by_id = application.cancel_reason = None
    application.late_cancellation = False
    application.created_at = now


def apply(actor: User, shift_id: int, note: str = "") -> Application:
    """The worker applies; a full shift puts them on its waiting list."""
    shift = db.session.get(Shift, shift_id)
    if shift is None or shift.status in _UNPUBLISHED:
        raise NotFound(_l("No such shift."))  # drafts and unapproved shifts are not public
    worker = _own_worker(actor, shift)
    application = _existing(worker, shift)
    note = (note or "").strip()
    if len(note) > NOTE_MAX_LENGTH:
        message = _l("Use at most %(n)d characters.", n=NOTE_MAX_LENGTH)
        raise Invalid(message, fields={"note": [message]})
    eligibility.require_eligible(worker, shift)
    now = utcnow()
    if application is None:
        application = Application(worker_id=worker.id, shift_id=shift.id)
        db.session.add(application)
    else:
        _reset(application, now)
    application.note = note
    application.origin = ApplicationOrigin.WORKER  # also over a declined or lapsed offer
    application.lending_agreement_id = eligibility.agreement_id_for(worker, shift)
    full = shift.is_full
    application.status = ApplicationStatus.WAITLISTED if full else ApplicationStatus.APPLIED
    flush(_l("You applied for this shift a moment ago."))
    audit.record(
        "application.waitlisted" if full else "application.applied",
        actor=actor,
        obj=application,
        association_id=shift.factory.association_id,
        shift_id=shift.id,
    )
    tell_factory(application, "application_received", waitlisted=full)
    if full:
        fill_from_waitlist(shift)  # a place may have freed since we looked
    commit(_l("You applied for this shift a moment ago."))
    return application
