"""What an association's moderators read: member factories, tied workers, training sessions."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .. import policy
from ..errors import NotFound
from ..extensions import db
from ..models import Factory, TrainingEnrolment, TrainingSession, User, WorkerProfile
from . import authz
from .reports import moderated_association, tied_worker_ids

PAGE_LIMIT = 200


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
