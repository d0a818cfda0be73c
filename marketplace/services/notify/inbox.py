"""Reading one's own notifications: the in-app inbox."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from ...errors import NotFound
from ...extensions import db
from ...models import Notification, User, utcnow


def inbox(actor: User, *, unread_only: bool = False, limit: int = 50) -> list[Notification]:
    """The actor's own notifications, newest first."""
    query = select(Notification).where(Notification.user_id == actor.id)
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    query = query.order_by(Notification.created_at.desc(), Notification.id.desc())
    return list(db.session.scalars(query.limit(max(1, min(limit, 500)))))


def unread_count(actor: User) -> int:
    """How many of the actor's notifications are unread."""
    query = select(func.count(Notification.id)).where(
        Notification.user_id == actor.id, Notification.read_at.is_(None)
    )
    return db.session.scalar(query) or 0


def mark_read(actor: User, notification_id: int) -> Notification:
    """Mark one of the actor's notifications read (again is harmless).

    Someone else's notification is NotFound, not Forbidden: ids must not tell
    whether a notification exists.
    """
    notification = db.session.get(Notification, notification_id)
    if notification is None or notification.user_id != actor.id:
        raise NotFound(_l("No such notification."))
    if notification.read_at is None:
        notification.read_at = utcnow()
        db.session.commit()
    return notification


def mark_all_read(actor: User) -> int:
    """Mark all the actor's unread notifications read; return how many."""
    result = db.session.execute(
        update(Notification)
        .where(Notification.user_id == actor.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount
