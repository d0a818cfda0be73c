"""The in-app inbox: services queue notifications inside their own transaction."""

from sqlalchemy import select

from ..extensions import db
from ..models import FactoryMember, MemberStatus, Notification


def notify(user_id: int, kind: str, *, obj=None, **params) -> Notification:
    """Queue one notification for a user; the calling service commits it with its change.

    ``kind`` names a message template (see KINDS); ``params`` fill it when the
    reader opens the inbox, in the reader's language. E-mail delivery happens
    after commit, outside the request (see deliver_pending).
    """
    notification = Notification(
        user_id=user_id,
        kind=kind,
        params={k: _plain(v) for k, v in params.items()},
        object_type=obj.__tablename__ if obj is not None else None,
        object_id=getattr(obj, "id", None),
    )
    db.session.add(notification)
    return notification


def notify_many(user_ids, kind: str, *, obj=None, **params) -> None:
    """The same notification to several users (each once)."""
    for user_id in sorted(set(user_ids)):
        notify(user_id, kind, obj=obj, **params)


def _plain(value):
    # JSON-safe parameters: dates and decimals become strings.
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def factory_staff_ids(factory_id: int) -> list[int]:
    """Users who act for a factory (its admitted staff), to tell the factory something."""
    query = select(FactoryMember.user_id).where(
        FactoryMember.factory_id == factory_id, FactoryMember.status == MemberStatus.ACTIVE
    )
    return list(db.session.scalars(query))
