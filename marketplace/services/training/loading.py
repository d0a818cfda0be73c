"""Training sessions as the verbs need them: loaded, locked, checked to be published, committed.

Shared by training.py (publish, cancel, enrol, withdraw) and training_grants.py (complete).
"""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ...errors import Conflict, NotFound
from ...extensions import db
from ...models import TrainingEnrolment, TrainingSession, TrainingStatus
from .. import common


def _enrolment(session_id: int, worker_id: int) -> TrainingEnrolment | None:
    return db.session.scalar(
        select(TrainingEnrolment)
        .where(TrainingEnrolment.session_id == session_id, TrainingEnrolment.worker_id == worker_id)
        .execution_options(populate_existing=True)
    )


def load_session(session_id: int) -> TrainingSession:
    """The session, or NotFound."""
    session = db.session.get(TrainingSession, session_id)
    if session is None:
        raise NotFound(_l("No such training session."))
    return session


def _locked_session(session_id: int) -> TrainingSession:
    # Every change to a session's enrolments takes the session's row first (PostgreSQL),
    # so a cancellation and a withdrawal never wait on each other's rows in opposite order.
    session = db.session.scalar(
        select(TrainingSession)
        .where(TrainingSession.id == session_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if session is None:
        raise NotFound(_l("No such training session."))
    return session


def require_published(session: TrainingSession) -> None:
    """Conflict unless the session is still published (not cancelled or closed)."""
    if session.status != TrainingStatus.PUBLISHED:
        raise Conflict(
            _l(
                "This session is %(status)s; only a published session can change.",
                status=session.status.value,
            )
        )


def commit(obj):
    """Commit the caller's change; a concurrent clash becomes a Conflict."""
    common.commit(
        _l("Someone changed this session at the same moment. Please reload and try again.")
    )
    return obj
