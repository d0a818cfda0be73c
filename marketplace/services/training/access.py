"""Training sessions as each caller may read them: moderators all, workers the open ones.

Pure reads, apart from publishing through training.publish_training.
"""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ... import policy
from ...errors import Invalid, NotFound
from ...extensions import db
from ...models import EnrolmentStatus, TrainingEnrolment, TrainingSession, TrainingStatus, User
from .. import authz
from ..moderation import association_queries
from ..workers import queries as worker_queries
from . import loading as training_sessions
from . import sessions as training


@dataclass(frozen=True)
class SessionView:
    """A session; the caller's own enrolment (workers), or every enrolment (moderators)."""

    session: TrainingSession
    my_enrolment: EnrolmentStatus | None = None
    enrolments: list[TrainingEnrolment] | None = None


def _association(actor: User, association_id: int | None) -> int | None:
    # A moderator's own association unless another is named (admins have none of their own).
    return association_id if association_id is not None else actor.association_id


def sessions_for(actor: User, association_id: int | None = None) -> list[SessionView]:
    """A moderator's association's sessions, or the open sessions for a worker to enrol in."""
    association_id = _association(actor, association_id)
    if association_id is not None:
        found = association_queries.training_sessions(actor, association_id)
        return [SessionView(session) for session in found]
    offers = worker_queries.training_sessions(actor)
    return [SessionView(offer.session, offer.enrolment_status) for offer in offers]


def visible_session(actor: User, session_id: int) -> SessionView:
    """Moderators of its association see every enrolment; a worker sees a published session,
    or one they enrolled in, with their own enrolment. Anyone else is refused."""
    session = training_sessions.load_session(session_id)
    if policy.can_manage_training(actor, session):
        session = association_queries.training_session(actor, session_id)
        return SessionView(session, enrolments=sorted(session.enrolments, key=lambda e: e.id))
    worker = actor.worker_profile
    authz.require(worker is not None, actor, "training.view", session)
    enrolment = db.session.scalar(
        select(TrainingEnrolment).where(
            TrainingEnrolment.session_id == session.id, TrainingEnrolment.worker_id == worker.id
        )
    )
    if enrolment is None and session.status != TrainingStatus.PUBLISHED:
        raise NotFound(_l("No such training session."))
    return SessionView(session, enrolment.status if enrolment else None)


def publish(
    actor: User, association_id: int | None, data: training.TrainingInput
) -> TrainingSession:
    """Publish for the moderator's own association, or (admins) the one named."""
    association_id = _association(actor, association_id)
    if association_id is None:
        authz.require(policy.is_admin(actor), actor, "training.publish")
        message = _l("Choose the association that runs this session.")
        raise Invalid(message, fields={"association_id": [message]})
    return training.publish_training(actor, association_id, data)
