"""Quick training: an association publishes a session, workers enrol, the association completes it.

Completion and what it grants are in training_grants.py; loading and locking a session in
training_sessions.py.
"""

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from ... import policy
from ...errors import Conflict, Invalid, NotFound
from ...extensions import db
from ...models import (
    Association,
    CertificateType,
    EnrolmentStatus,
    Role,
    Skill,
    TrainingEnrolment,
    TrainingSession,
    TrainingStatus,
    User,
    utcnow,
)
from .. import audit, authz
from ..notify.notifications import notify_many
from .loading import _enrolment, _locked_session, commit, require_published


@dataclass
class TrainingInput:
    """A new session: exactly one of skill (with the level it grants) or certificate type."""

    title: str
    starts_at: datetime
    ends_at: datetime
    capacity: int
    skill_id: int | None = None
    level_granted: int | None = None
    certificate_type_id: int | None = None
    location: str = ""


def publish_training(actor: User, association_id: int, data: TrainingInput) -> TrainingSession:
    """A moderator of the association publishes a session that workers can enrol in."""
    association = db.session.get(Association, association_id)
    if association is None:
        raise NotFound(_l("No such association."))
    authz.require(policy.moderates(actor, association.id), actor, "training.publish", association)
    errors: dict = {}
    _check_text(data, errors)
    _check_grant(data, errors)
    _check_times(data, errors)
    if not isinstance(data.capacity, int) or data.capacity < 1:
        errors["capacity"] = [_l("Enter how many people can take part: 1 or more.")]
    if errors:
        raise Invalid(_l("Please correct the marked fields."), fields=errors)
    session = TrainingSession(
        association_id=association.id,
        title=data.title.strip(),
        location=(data.location or "").strip(),
        skill_id=data.skill_id,
        level_granted=data.level_granted if data.skill_id is not None else None,
        certificate_type_id=data.certificate_type_id,
        starts_at=data.starts_at,
        ends_at=data.ends_at,
        capacity=data.capacity,
        created_by_id=actor.id,
    )
    db.session.add(session)
    audit.record("training.published", actor=actor, obj=session, association_id=association.id)
    return commit(session)


def _check_text(data: TrainingInput, errors: dict) -> None:
    if not (data.title or "").strip():
        errors["title"] = [_l("Enter a title.")]
    elif len(data.title.strip()) > 120:
        errors["title"] = [_l("Use at most 120 characters.")]
    if len((data.location or "").strip()) > 255:
        errors["location"] = [_l("Use at most 255 characters.")]


def _check_grant(data: TrainingInput, errors: dict) -> None:
    if (data.skill_id is None) == (data.certificate_type_id is None):
        errors["skill_id"] = [_l("Choose either a skill or a certificate, not both.")]
        return
    if data.skill_id is not None:
        if db.session.get(Skill, data.skill_id) is None:
            errors["skill_id"] = [_l("Choose a skill.")]
        if not isinstance(data.level_granted, int) or not 1 <= data.level_granted <= 5:
            errors["level_granted"] = [_l("Choose the level granted, from 1 to 5.")]
    elif db.session.get(CertificateType, data.certificate_type_id) is None:
        errors["certificate_type_id"] = [_l("Choose a certificate.")]


def _check_times(data: TrainingInput, errors: dict) -> None:
    moments = (data.starts_at, data.ends_at)
    if not all(isinstance(m, datetime) and m.tzinfo is not None for m in moments):
        errors["starts_at"] = [_l("Enter when the session starts and ends.")]
        return
    if data.starts_at <= utcnow():
        errors["starts_at"] = [_l("The session must start in the future.")]
    if data.ends_at <= data.starts_at:
        errors["ends_at"] = [_l("The session must end after it starts.")]


def cancel_training(actor: User, session_id: int, reason: str) -> TrainingSession:
    """The association calls a session off; everyone enrolled is withdrawn and told why."""
    session = _locked_session(session_id)
    authz.require(policy.can_manage_training(actor, session), actor, "training.cancel", session)
    require_published(session)
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(_l("Give a reason."), fields={"reason": [_l("Give a reason.")]})
    _close_session(session)
    enrolled = _withdraw_everyone(session)
    audit.record(
        "training.cancelled",
        actor=actor,
        obj=session,
        association_id=session.association_id,
        reason=reason,
        withdrawn_worker_ids=sorted(e.worker_id for e in enrolled),
    )
    users = [e.worker.user_id for e in enrolled]
    notify_many(users, "training_cancelled", obj=session, title=session.title, reason=reason)
    return commit(session)


def _close_session(session: TrainingSession) -> None:
    # Conditional, so that of two cancellations at once only one goes through; the
    # count follows the enrolments, which are all withdrawn below.
    result = db.session.execute(
        update(TrainingSession)
        .where(TrainingSession.id == session.id, TrainingSession.status == TrainingStatus.PUBLISHED)
        .values(status=TrainingStatus.CANCELLED, enrolled_count=0)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(session, ["status", "enrolled_count"])
    if result.rowcount != 1:
        db.session.rollback()
        require_published(session)
        raise Conflict(
            _l("Someone changed this session at the same moment. Please reload and try again.")
        )


def _withdraw_everyone(session: TrainingSession) -> list[TrainingEnrolment]:
    # Read after the session row is written: no enrolment can slip in behind this.
    enrolled = db.session.scalars(
        select(TrainingEnrolment)
        .where(
            TrainingEnrolment.session_id == session.id,
            TrainingEnrolment.status == EnrolmentStatus.ENROLLED,
        )
        .order_by(TrainingEnrolment.id)
        .execution_options(populate_existing=True)
    ).all()
    for enrolment in enrolled:
        enrolment.status = EnrolmentStatus.WITHDRAWN
    return enrolled


def enrol(actor: User, session_id: int) -> TrainingEnrolment:
    """A worker takes a place in a published session that has not started and is not full."""
    session = _locked_session(session_id)
    worker = _own_profile(actor, session, "training.enrol")
    require_published(session)
    if session.starts_at <= utcnow():
        raise Conflict(_l("This session has already started; enrolment is closed."))
    enrolment = _enrolment(session.id, worker.id)
    if enrolment is not None and enrolment.status == EnrolmentStatus.ENROLLED:
        raise Conflict(_l("You are already enrolled in this session."))
    if enrolment is not None and enrolment.status != EnrolmentStatus.WITHDRAWN:
        raise Conflict(_l("You have already taken this session."))
    if enrolment is None:
        enrolment = _new_enrolment(session, worker.id)
    else:
        _move_enrolment(enrolment, EnrolmentStatus.WITHDRAWN, EnrolmentStatus.ENROLLED)
    _take_place(session)
    audit.record(
        "training.enrolled",
        actor=actor,
        obj=session,
        association_id=session.association_id,
        worker_id=worker.id,
    )
    return commit(enrolment)


def _new_enrolment(session: TrainingSession, worker_id: int) -> TrainingEnrolment:
    # The unique (session, worker) constraint refuses the second of two first enrolments.
    enrolment = TrainingEnrolment(
        session_id=session.id, worker_id=worker_id, status=EnrolmentStatus.ENROLLED
    )
    db.session.add(enrolment)
    try:
        db.session.flush()
    except IntegrityError as exc:
        db.session.rollback()
        raise Conflict(_l("You are already enrolled in this session.")) from exc
    return enrolment


# What a lost race means, by the state the enrolment was to leave.
_ALREADY = {
    EnrolmentStatus.WITHDRAWN: _l("You are already enrolled in this session."),
    EnrolmentStatus.ENROLLED: _l("You have already withdrawn from this session."),
}


def _move_enrolment(enrolment: TrainingEnrolment, from_status, to_status) -> None:
    """Change the enrolment only if it is still in from_status; Conflict if a double submit won."""
    # A withdrawn enrolment is reused when the worker enrols again.
    result = db.session.execute(
        update(TrainingEnrolment)
        .where(TrainingEnrolment.id == enrolment.id, TrainingEnrolment.status == from_status)
        .values(status=to_status, completed_at=None)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.rollback()
        raise Conflict(_ALREADY[from_status])
    db.session.expire(enrolment, ["status", "completed_at"])


def _take_place(session: TrainingSession) -> None:
    # One conditional UPDATE: concurrent enrolments queue on the row, and the
    # last place goes to exactly one of them; the CHECK backs this up.
    result = db.session.execute(
        update(TrainingSession)
        .where(
            TrainingSession.id == session.id,
            TrainingSession.status == TrainingStatus.PUBLISHED,
            TrainingSession.enrolled_count < TrainingSession.capacity,
        )
        .values(enrolled_count=TrainingSession.enrolled_count + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.rollback()  # the enrolment written just before goes too
        require_published(session)
        raise Conflict(_l("This session is full."))
    db.session.expire(session, ["enrolled_count", "status"])


def withdraw_enrolment(actor: User, session_id: int) -> TrainingEnrolment:
    """A worker gives up their place in a session that has not been completed or cancelled."""
    session = _locked_session(session_id)
    worker = _own_profile(actor, session, "training.withdraw")
    require_published(session)
    enrolment = _enrolment(session.id, worker.id)
    if enrolment is None or enrolment.status != EnrolmentStatus.ENROLLED:
        raise Conflict(_l("You are not enrolled in this session."))
    _move_enrolment(enrolment, EnrolmentStatus.ENROLLED, EnrolmentStatus.WITHDRAWN)
    db.session.execute(
        update(TrainingSession)
        .where(TrainingSession.id == session.id, TrainingSession.enrolled_count > 0)
        .values(enrolled_count=TrainingSession.enrolled_count - 1)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(session, ["enrolled_count"])
    audit.record(
        "training.withdrawn",
        actor=actor,
        obj=session,
        association_id=session.association_id,
        worker_id=worker.id,
    )
    return commit(enrolment)


def _is_worker(actor: User | None) -> bool:
    # Only workers with a profile enrol; policy has no predicate for "is a worker".
    return actor is not None and actor.role == Role.WORKER and actor.worker_profile is not None


def _own_profile(actor: User, session: TrainingSession, action: str):
    authz.require(_is_worker(actor), actor, action, session)
    return actor.worker_profile
