"""The in-app inbox: services queue notifications inside their own transaction."""

from datetime import date, datetime

from flask_babel import force_locale, format_date, format_datetime, gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import insert, select

from ..extensions import db
from ..models import FactoryMember, MemberStatus, Notification, Role, User, UserStatus, utcnow


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


# Messages by kind: (subject, body), filled from the notification's params when read.
# Parameter names: shift, factory, worker, association, lender, borrower, title (of a
# training session), level, category, reason, resolution, hours, score, starts_at /
# expires_at (ISO times), starts_on / ends_on (ISO dates); ALIASES lists the other names
# emitters use. A kind with an "outcome" param is looked up as "kind.outcome" first.
KINDS: dict[str, tuple] = {
    "offer_made": (
        _l("You have an offer: %(shift)s"),
        _l("You are offered a place on “%(shift)s”. Please accept or decline by %(expires_at)s."),
    ),
    "offer_accepted": (
        _l("Offer accepted: %(shift)s"),
        _l("%(worker)s accepted your offer for “%(shift)s”."),
    ),
    "offer_declined": (
        _l("Offer declined: %(shift)s"),
        _l("%(worker)s declined your offer for “%(shift)s”."),
    ),
    "offer_expired": (
        _l("Offer expired: %(shift)s"),
        _l("The offer of a place on “%(shift)s” expired without an answer."),
    ),
    "application_received": (
        _l("New application: %(shift)s"),
        _l("%(worker)s applied for “%(shift)s”."),
    ),
    "application_rejected": (
        _l("Application not accepted: %(shift)s"),
        _l("Your application for “%(shift)s” was not accepted. %(reason)s"),
    ),
    "shift_changed": (
        _l("Shift changed: %(shift)s"),
        _l("“%(shift)s” has changed: it runs from %(starts_at)s to %(ends_at)s. Please check it."),
    ),
    "shift_cancelled": (
        _l("Shift cancelled: %(shift)s"),
        _l("“%(shift)s” was cancelled. Reason: %(reason)s"),
    ),
    "shift_pending_review": (
        _l("Shift to review: %(shift)s"),
        _l("A new shift, “%(shift)s”, waits for your association's review."),
    ),
    "shift_approved": (
        _l("Shift approved: %(shift)s"),
        _l("Your association approved “%(shift)s”; workers can apply now."),
    ),
    "shift_rejected": (
        _l("Shift rejected: %(shift)s"),
        _l("Your association rejected “%(shift)s”. Reason: %(reason)s"),
    ),
    "factory_verified": (
        _l("%(factory)s is verified"),
        _l("Your association verified %(factory)s; its shifts now open without review."),
    ),
    "factory_rejected": (
        _l("%(factory)s was not verified"),
        _l("Your association did not verify %(factory)s. Reason: %(reason)s"),
    ),
    "factory_suspended": (
        _l("%(factory)s is suspended"),
        _l("Your association suspended %(factory)s. Reason: %(reason)s"),
    ),
    "factory_reinstated": (
        _l("%(factory)s is reinstated"),
        _l("Your association reinstated %(factory)s."),
    ),
    "skill_verified": (
        _l("Skill verified"),
        _l("An association verified one of your skills at level %(level)s."),
    ),
    "certificate_verified": (
        _l("Certificate verified"),
        _l("An association verified one of your certificates."),
    ),
    "report_filed": (
        _l("A new report to handle"),
        _l("A report (%(category)s) was filed with your association and waits for you."),
    ),
    "report_resolved": (
        _l("Your report was resolved"),
        _l("Your association resolved your report: %(resolution)s"),
    ),
    "report_dismissed": (
        _l("Your report was dismissed"),
        _l("Your association dismissed your report: %(resolution)s"),
    ),
    "lending_requested": (
        _l("Lending request: %(worker)s"),
        _l("%(borrower)s asks %(lender)s to lend %(worker)s from %(starts_on)s to %(ends_on)s."),
    ),
    "lending_approved": (
        _l("Lending approved: %(worker)s"),
        _l(
            "%(lender)s agreed to lend %(worker)s to %(borrower)s"
            " from %(starts_on)s to %(ends_on)s."
        ),
    ),
    "lending_refused": (
        _l("Lending refused: %(worker)s"),
        _l("%(lender)s refused to lend %(worker)s to %(borrower)s. Reason: %(reason)s"),
    ),
    "lending_cancelled": (
        _l("Lending request withdrawn: %(worker)s"),
        _l("%(borrower)s withdrew its request to borrow %(worker)s."),
    ),
    "worker_recalled": (
        _l("Worker recalled: %(worker)s"),
        _l(
            "%(lender)s recalled %(worker)s from %(borrower)s; their places there have ended."
            " Reason: %(reason)s"
        ),
    ),
    "training_result": (
        _l("Training result: %(title)s"),
        _l("The result of “%(title)s” is on your profile."),
    ),
    "training_result.passed": (
        _l("Training passed: %(title)s"),
        _l("You passed “%(title)s”; what it teaches is now verified on your profile."),
    ),
    "training_result.failed": (
        _l("Training result: %(title)s"),
        _l("You did not pass “%(title)s” this time."),
    ),
    "training_cancelled": (
        _l("Training cancelled: %(title)s"),
        _l("“%(title)s” has been cancelled. Reason: %(reason)s"),
    ),
    "place_cancelled": (
        _l("Place cancelled: %(shift)s"),
        _l("%(worker)s's place on “%(shift)s” was cancelled. Reason: %(reason)s"),
    ),
    "application_cancelled": (
        _l("Place cancelled: %(shift)s"),
        _l("Your place on “%(shift)s” was cancelled. Reason: %(reason)s"),
    ),
    "application_withdrawn": (
        _l("Application withdrawn: %(shift)s"),
        _l("%(worker)s withdrew their application for “%(shift)s”."),
    ),
    "shift_completed": (
        _l("Shift completed: %(shift)s"),
        _l("You completed “%(shift)s”: %(hours)s hours recorded."),
    ),
    "marked_no_show": (
        _l("Marked as not attending: %(shift)s"),
        _l("The factory recorded that you did not come to “%(shift)s”."),
    ),
    "rating_received": (
        _l("New rating: %(shift)s"),
        _l("You were rated %(score)s out of 5 for “%(shift)s”."),
    ),
    "profile_imported": (
        _l("Your profile was changed by %(importer)s"),
        _l(
            "%(importer)s imported a staff roster that changed your %(fields)s."
            " Please check your profile; if anything is wrong, correct it or tell your association."
        ),
    ),
    "waitlist_promoted": (
        _l("A place for you: %(shift)s"),
        _l(
            "A place on “%(shift)s” became free and is offered to you."
            " Please answer by %(expires_at)s."
        ),
    ),
}
# The parts of a worker's record a notification may name (param "fields": codes, commas between).
PROFILE_FIELD_LABELS = {
    "kind": _l("kind of worker"),
    "lender": _l("lender"),
    "home": _l("home location"),
    "national_id": _l("ID number"),
    "skills": _l("skills"),
}
GENERIC = (
    _l("News from the shared-staff marketplace"),
    _l("You have a new notification; open your inbox to read it."),
)


# Other names emitters give the same parameter (the first present one is used).
ALIASES = {
    "shift": ("shift_title", "title"),
    "worker": ("worker_name",),
    "factory": ("factory_name", "name"),
}


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
