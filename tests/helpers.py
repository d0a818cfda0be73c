"""Small read helpers shared by the lifecycle service tests."""

import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.models import Application, ApplicationStatus, AuditEvent, Notification


def staff(shift):
    """The owner of the shift's factory, who acts for it."""
    return shift.factory.members[0].user


def notified(user_id, kind) -> int:
    """How many notifications of a kind the user has."""
    query = sa.select(sa.func.count(Notification.id)).where(
        Notification.user_id == user_id, Notification.kind == kind
    )
    return db.session.scalar(query)


def audited(action) -> int:
    """How many audit events of an action exist."""
    query = sa.select(sa.func.count(AuditEvent.id)).where(AuditEvent.action == action)
    return db.session.scalar(query)


def status_of(application) -> ApplicationStatus:
    """The application's state as stored now."""
    return db.session.scalar(sa.select(Application.status).where(Application.id == application.id))


def owner(factory):
    """The factory's first member, its owner."""
    return factory.members[0].user


def events(action: str) -> list[AuditEvent]:
    """The audit events of an action."""
    return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)))


def notified_users(kind: str) -> set[int]:
    """Who received a notification of a kind."""
    query = sa.select(Notification.user_id).where(Notification.kind == kind)
    return set(db.session.scalars(query))


def race(database_url: str, jobs, *, success: str) -> list[str]:
    """Run (user_id, action(user)) jobs at the same moment, each thread on its own connection.

    Outcomes in job order: `success`, "conflict" for a Conflict, or the repr of any other
    exception (so an unexpected error fails the caller's assertion by name).
    """
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from sqlalchemy.pool import NullPool

    from config import TestConfig
    from marketplace import create_app
    from marketplace.errors import Conflict
    from marketplace.models import User

    racing = create_app(
        TestConfig,
        SQLALCHEMY_DATABASE_URI=database_url,
        SQLALCHEMY_ENGINE_OPTIONS={"poolclass": NullPool},
    )
    barrier = threading.Barrier(len(jobs))

    def run(job) -> str:
        user_id, action = job
        with racing.app_context():
            user = db.session.get(User, user_id)
            _ = user.worker_profile  # loaded before the start, so the race is only the action
            barrier.wait(timeout=60)
            try:
                action(user)
            except Conflict:
                return "conflict"
            except Exception as exc:
                return repr(exc)
            return success

    try:
        with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
            return list(pool.map(run, jobs))
    finally:
        with racing.app_context():
            db.engine.dispose()
