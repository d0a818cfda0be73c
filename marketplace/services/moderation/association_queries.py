"""What an association's moderators read: member factories, tied workers, training sessions,
and (on purpose, with a reason, audited) a worker's personal numbers."""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ... import policy
from ...errors import NotFound
from ...extensions import db
from ...models import Factory, TrainingEnrolment, TrainingSession, User, WorkerProfile
from .. import audit, authz
from ..common import text_field
from .reports import moderated_association, tied_worker_ids

PAGE_LIMIT = 200
CONTACT_REASON_MAX = 500


@dataclass(frozen=True)
class WorkerContact:
    worker_id: int
    name: str
    mobile: str | None
    email: str | None
    national_id: str | None


def member_factories(actor: User, association_id: int) -> list[Factory]:
    """The association's factories, by name, with their status."""
    moderated_association(actor, association_id, "association.factories")
    query = (
        select(Factory)
        .where(Factory.association_id == association_id)
        .order_by(Factory.name, Factory.id)
        .limit(PAGE_LIMIT)
    )
    return list(db.session.scalars(query))


def tied_workers(actor: User, association_id: int) -> list[WorkerProfile]:
    """Workers tied to the association (lent by a member, applied to one, or trained by it)."""
    moderated_association(actor, association_id, "association.workers")
    tied = select(tied_worker_ids(association_id).c[0])
    query = (
        select(WorkerProfile)
        .where(WorkerProfile.id.in_(tied))
        .options(selectinload(WorkerProfile.user))
        .order_by(WorkerProfile.id)
        .limit(PAGE_LIMIT)
    )
    return list(db.session.scalars(query))


def worker_account(actor: User, worker_id: int, action: str) -> User:
    """The account of a worker the actor moderates (for suspending or reinstating it)."""
    worker = db.session.get(WorkerProfile, worker_id)
    if worker is None:
        raise NotFound(_l("No such worker."))
    authz.require(policy.can_moderate_worker(actor, worker), actor, action, worker)
    return worker.user


def training_sessions(actor: User, association_id: int) -> list[TrainingSession]:
    """The association's sessions, latest start first."""
    moderated_association(actor, association_id, "training.list")
    query = (
        select(TrainingSession)
        .where(TrainingSession.association_id == association_id)
        .order_by(TrainingSession.starts_at.desc(), TrainingSession.id.desc())
        .limit(PAGE_LIMIT)
    )
    return list(db.session.scalars(query))


def training_session(actor: User, session_id: int) -> TrainingSession:
    """One session with its enrolments, for a moderator of its association."""
    query = (
        select(TrainingSession)
        .where(TrainingSession.id == session_id)
        .options(
            selectinload(TrainingSession.enrolments)
            .selectinload(TrainingEnrolment.worker)
            .selectinload(WorkerProfile.user)
        )
    )
    session = db.session.scalar(query)
    if session is None:
        raise NotFound(_l("No such training session."))
    allowed = policy.can_manage_training(actor, session)
    authz.require(allowed, actor, "training.view", session)
    return session


def worker_contact(actor: User, worker_id: int, reason: str) -> WorkerContact:
    """A tied worker's numbers in full, for a moderator who says why; every look is audited.

    Everywhere else the numbers are masked: this is the one way to read them, and the
    audit trail keeps who read whose numbers, when and why (never the numbers themselves).
    """
    worker = db.session.get(WorkerProfile, worker_id)
    if worker is None:
        raise NotFound(_l("No such worker."))
    authz.require(policy.can_moderate_worker(actor, worker), actor, "worker.contact", worker)
    why = text_field(reason, "reason", required=True, max_length=CONTACT_REASON_MAX)
    audit.record("worker.contact_viewed", actor=actor, obj=worker, reason=why)
    db.session.commit()
    user = worker.user
    return WorkerContact(worker.id, user.name, user.mobile, user.email, worker.national_id)
