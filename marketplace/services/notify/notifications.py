"""The in-app inbox: services queue notifications inside their own transaction."""

from datetime import date, datetime

from flask_babel import force_locale, format_date, format_datetime, gettext
from sqlalchemy import insert, select

from ...extensions import db
from ...models import FactoryMember, MemberStatus, Notification, Role, User, UserStatus, utcnow
from .kinds import ALIASES, GENERIC, KINDS, PROFILE_FIELD_LABELS


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


def notify_each(kind: str, params_by_user: dict[int, dict], *, object_type=None) -> None:
    """One notification of the kind per user (params_by_user: user id -> params, with an
    optional "object_id"), in one bulk INSERT; the calling service commits it.
    """
    now = utcnow()
    rows = [
        {
            "user_id": user_id,
            "kind": kind,
            "object_type": object_type,
            "object_id": params.get("object_id"),
            "params": {k: _plain(v) for k, v in params.items() if k != "object_id"},
            "created_at": now,
        }
        for user_id, params in params_by_user.items()
    ]
    if rows:
        db.session.execute(insert(Notification.__table__), rows)


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


class _Params(dict):
    # A parameter the emitter left out shows as a dash instead of failing the message.
    def __missing__(self, key):
        return "—"


def render(notification: Notification, locale: str | None = None) -> tuple[str, str]:
    """The notification's subject and body, in the given locale (else the current one)."""
    params = notification.params or {}
    outcome = params.get("outcome")
    templates = KINDS.get(f"{notification.kind}.{outcome}") or KINDS.get(notification.kind)
    if locale is None:
        return _fill(templates or GENERIC, params)
    with force_locale(locale):
        return _fill(templates or GENERIC, params)


def _fill(templates: tuple, params: dict) -> tuple[str, str]:
    values = _Params({key: _display(key, value) for key, value in params.items()})
    for name, others in ALIASES.items():
        found = [values[other] for other in others if other in values]
        if name not in values and found:
            values[name] = found[0]
    subject, body = (str(template) % values for template in templates)
    return subject, body


def _display(key: str, value):
    # Times and dates travel as ISO strings; show them in the reader's language and zone.
    if not isinstance(value, str):
        return value
    if key == "fields":
        names = (PROFILE_FIELD_LABELS.get(code, code) for code in value.split(","))
        return gettext(", ").join(str(name) for name in names)
    try:
        if key.endswith("_at"):
            return format_datetime(datetime.fromisoformat(value), "short")
        if key.endswith("_on"):
            return format_date(date.fromisoformat(value), "medium")
    except ValueError:
        pass
    return value


def moderator_ids(association_id: int) -> list[int]:
    """Active moderators of an association, to tell it something."""
    query = select(User.id).where(
        User.role == Role.MODERATOR,
        User.association_id == association_id,
        User.status == UserStatus.ACTIVE,
    )
    return list(db.session.scalars(query))
