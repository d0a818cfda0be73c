"""Association moderation: vetting factories, reviewing shifts, verifying worker skills.

A moderator acts only on its own association's factories, shifts and workers; admins everywhere.
"""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ... import policy
from ...errors import Conflict, Invalid, NotFound
from ...extensions import db
from ...models import (
    Association,
    Factory,
    Shift,
    ShiftStatus,
    User,
    VerificationStatus,
    WorkerCertificate,
    WorkerSkill,
    utcnow,
)
from .. import audit, authz
from ..common import committing
from ..notify import notifications
from ..shifts.posting import clean_reason, close_shift, load_shift

# Shifts that end when their factory is suspended or rejected; drafts wait for reinstatement.
CLOSED_ON_SUSPENSION = (ShiftStatus.OPEN, ShiftStatus.PENDING_REVIEW)


def _load_factory(factory_id: int) -> Factory:
    factory = db.session.get(Factory, factory_id, with_for_update=True)
    if factory is None:
        raise NotFound(_l("No such factory."))
    return factory


def _decide_factory(actor: User, factory: Factory, action: str, status, reason=None, **details):
    """Write a factory's new status, audit it and tell its staff; the caller commits."""
    before = factory.verification_status
    factory.verification_status = status
    factory.status_reason = reason
    if status == VerificationStatus.VERIFIED:
        factory.verified_at = utcnow()
    audit.record(
        f"factory.{action}",
        actor=actor,
        obj=factory,
        association_id=factory.association_id,
        previous=before.value,
        reason=reason,
        **details,
    )
    notifications.notify_many(
        notifications.factory_staff_ids(factory.id),
        f"factory_{action}",
        obj=factory,
        name=factory.name,
        reason=reason,
        **details,
    )


def _moderated_factory(actor: User, factory_id: int, action: str, required, refusal) -> Factory:
    """The factory, once the actor may moderate it and it is in the state the action needs."""
    factory = _load_factory(factory_id)
    authz.require(policy.can_moderate_factory(actor, factory), actor, action, factory)
    if factory.verification_status != required:
        raise Conflict(refusal(factory.verification_status.value))
    return factory


def verify_factory(actor: User, factory_id: int) -> Factory:
    """Verify a pending factory.

    Its shifts already waiting for review stay pending: the moderator approves them one by one.
    """
    factory = _moderated_factory(
        actor,
        factory_id,
        "factory.verify",
        VerificationStatus.PENDING,
        lambda status: _l(
            "This factory is %(status)s; only a pending factory can be verified.", status=status
        ),
    )
    with committing(_l("The factory changed meanwhile; please try again.")):
        _decide_factory(actor, factory, "verified", VerificationStatus.VERIFIED)
    return factory


def reject_factory(actor: User, factory_id: int, reason: str) -> Factory:
    """Refuse a pending factory, with a reason; its shifts waiting for review are cancelled."""
    factory = _moderated_factory(
        actor,
        factory_id,
        "factory.reject",
        VerificationStatus.PENDING,
        lambda status: _l(
            "This factory is %(status)s; only a pending factory can be rejected.", status=status
        ),
    )
    reason = clean_reason(reason)
    with committing(_l("The factory changed meanwhile; please try again.")):
        closed = _close_factory_shifts(actor, factory, reason, "factory_rejected")
        _decide_factory(
            actor, factory, "rejected", VerificationStatus.REJECTED, reason, shifts_closed=closed
        )
    return factory


def suspend_factory(actor: User, factory_id: int, reason: str) -> Factory:
    """Suspend a verified factory: its open and pending shifts close and their workers are told."""
    factory = _moderated_factory(
        actor,
        factory_id,
        "factory.suspend",
        VerificationStatus.VERIFIED,
        lambda status: _l(
            "This factory is %(status)s; only a verified factory can be suspended.", status=status
        ),
    )
    reason = clean_reason(reason)
    with committing(_l("The factory changed meanwhile; please try again.")):
        closed = _close_factory_shifts(actor, factory, reason, "factory_suspended")
        _decide_factory(
            actor, factory, "suspended", VerificationStatus.SUSPENDED, reason, shifts_closed=closed
        )
    return factory


def reinstate_factory(actor: User, factory_id: int) -> Factory:
    """Lift a suspension; the shifts it closed stay cancelled."""
    factory = _moderated_factory(
        actor,
        factory_id,
        "factory.reinstate",
        VerificationStatus.SUSPENDED,
        lambda status: _l(
            "This factory is %(status)s; only a suspended factory can be reinstated.", status=status
        ),
    )
    with committing(_l("The factory changed meanwhile; please try again.")):
        _decide_factory(actor, factory, "reinstated", VerificationStatus.VERIFIED)
    return factory


def _close_factory_shifts(actor: User, factory: Factory, reason: str, because: str) -> int:
    """Cancel the factory's open and pending shifts; how many."""
    query = (
        select(Shift)
        .where(Shift.factory_id == factory.id, Shift.status.in_(CLOSED_ON_SUSPENSION))
        .order_by(Shift.id)
        .with_for_update()
    )
    shifts = db.session.scalars(query).all()
    for shift in shifts:
        # Workers already on site are checked out now: the factory's staff no longer can.
        close_shift(actor, shift, reason, because=because, finish_started=True)
    return len(shifts)


def approve_shift(actor: User, shift_id: int) -> Shift:
    """Open a shift waiting for review; its factory must be verified."""
    shift = load_shift(shift_id, lock=True)
    authz.require(policy.can_moderate_shift(actor, shift), actor, "shift.approve", shift)
    _require_pending_review(shift)
    if not shift.factory.is_verified:
        raise Conflict(_l("Verify the factory before approving its shifts."))
    if shift.starts_at <= utcnow():
        raise Conflict(_l("This shift's start has passed; reject it instead."))
    with committing(_l("The shift changed meanwhile; please try again.")):
        _review_shift(actor, shift, ShiftStatus.OPEN)
    return shift


def reject_shift(actor: User, shift_id: int, reason: str) -> Shift:
    """Refuse a shift waiting for review, with a reason the factory sees."""
    shift = load_shift(shift_id, lock=True)
    authz.require(policy.can_moderate_shift(actor, shift), actor, "shift.reject", shift)
    _require_pending_review(shift)
    reason = clean_reason(reason)
    with committing(_l("The shift changed meanwhile; please try again.")):
        _review_shift(actor, shift, ShiftStatus.REJECTED, reason)
    return shift


def _require_pending_review(shift: Shift) -> None:
    if shift.status != ShiftStatus.PENDING_REVIEW:
        raise Conflict(
            _l(
                "This shift is %(status)s; only a shift waiting for review can be decided.",
                status=shift.status.value,
            )
        )


def _review_shift(actor: User, shift: Shift, status: ShiftStatus, reason=None) -> None:
    shift.status = status
    shift.reviewed_by_id = actor.id
    shift.reviewed_at = utcnow()
    shift.review_reason = reason
    action = "approved" if status == ShiftStatus.OPEN else "rejected"
    audit.record(
        f"shift.{action}",
        actor=actor,
        obj=shift,
        association_id=shift.factory.association_id,
        reason=reason,
    )
    notifications.notify_many(
        notifications.factory_staff_ids(shift.factory_id),
        f"shift_{action}",
        obj=shift,
        title=shift.title,
        reason=reason,
    )


def _verifying_association(actor: User, association_id: int | None) -> int:
    """A moderator verifies for its own association; an admin names one."""
    if not policy.is_admin(actor):
        if association_id not in (None, actor.association_id):
            message = _l("You verify for your own association only.")
            raise Invalid(message, fields={"association_id": [message]})
        return actor.association_id
    if association_id is None or db.session.get(Association, association_id) is None:
        message = _l("Choose the association that verifies this.")
        raise Invalid(message, fields={"association_id": [message]})
    return association_id


def verify_worker_skill(
    actor: User, worker_skill_id: int, level: int | None = None, *, association_id=None
) -> WorkerSkill:
    """Verify a worker's skill, optionally at another level (1-5) than the worker declared."""
    skill = db.session.get(WorkerSkill, worker_skill_id)
    if skill is None:
        raise NotFound(_l("No such skill on a worker's profile."))
    authz.require(policy.can_moderate_worker(actor, skill.worker), actor, "worker.verify", skill)
    verifier = _verifying_association(actor, association_id)
    if level is not None and (
        isinstance(level, bool) or not isinstance(level, int) or not 1 <= level <= 5
    ):
        message = _l("Skill levels go from 1 to 5.")
        raise Invalid(message, fields={"level": [message]})
    new_level = skill.level if level is None else level
    if skill.is_verified and new_level == skill.level:
        raise Conflict(_l("This skill is already verified at this level."))
    previous = skill.level
    skill.level = new_level
    _mark_verified(actor, skill, verifier, "skill", previous_level=previous, level=new_level)
    return skill


def verify_worker_certificate(
    actor: User, worker_certificate_id: int, *, association_id=None
) -> WorkerCertificate:
    """Verify a certificate a worker holds, if it has not expired."""
    certificate = db.session.get(WorkerCertificate, worker_certificate_id)
    if certificate is None:
        raise NotFound(_l("No such certificate on a worker's profile."))
    allowed = policy.can_moderate_worker(actor, certificate.worker)
    authz.require(allowed, actor, "worker.verify", certificate)
    verifier = _verifying_association(actor, association_id)
    if certificate.verified_at is not None:
        raise Conflict(_l("This certificate is already verified."))
    if not certificate.is_valid_on(utcnow().date()):
        raise Conflict(_l("This certificate has expired; the worker must renew it first."))
    _mark_verified(actor, certificate, verifier, "certificate")
    return certificate


def _mark_verified(actor: User, item, association_id: int, what: str, **details) -> None:
    item.verified_by_association_id = association_id
    item.verified_at = utcnow()
    with committing(_l("The worker's profile changed meanwhile; please try again.")):
        audit.record(
            f"worker.{what}_verified",
            actor=actor,
            obj=item,
            association_id=association_id,
            worker_id=item.worker_id,
            **details,
        )
        notifications.notify(item.worker.user_id, f"{what}_verified", obj=item, **details)
