"""Posting: factory staff create, edit, publish and cancel their own factory's shifts."""

from datetime import datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from ... import policy
from ...errors import Conflict, NotFound
from ...extensions import db
from ...models import (
    PLACE_HOLDING_STATES,
    Application,
    ApplicationStatus,
    Factory,
    Shift,
    ShiftStatus,
    Site,
    User,
    WorkerProfile,
    mask_to_kinds,
    utcnow,
)
from .. import audit, authz
from ..applications import eligibility
from ..applications.applying import fill_from_waitlist
from ..common import committing, text_field
from ..notify import notifications
from ..notify.notifications import moderator_ids
from .closing import close_shift
from .shift import ShiftInput, fill_shift, shift_requirements, validate_shift_input

EDITABLE = frozenset({ShiftStatus.DRAFT, ShiftStatus.PENDING_REVIEW, ShiftStatus.OPEN})
MAX_REASON = 2000
# Moving these changes where or when the workers holding a place must turn up.
MOVING_FIELDS = frozenset({"starts_at", "ends_at", "site_id"})
AUDITED_FIELDS = (
    *("site_id", "title", "description", "starts_at", "ends_at", "headcount"),
    *("hourly_pay_cny", "dormitory_beds", "max_distance_km"),
)


def clean_reason(reason: str | None, field: str = "reason") -> str:
    """A required free-text reason, stripped; Invalid if blank or too long."""
    return text_field(reason, field, required=True, max_length=MAX_REASON)


def load_shift(shift_id: int, *, lock: bool = False) -> Shift:
    """The shift, row-locked on PostgreSQL if asked, or NotFound."""
    shift = db.session.get(Shift, shift_id, with_for_update=lock or None)
    if shift is None:
        raise NotFound(_l("No such shift."))
    return shift


def _places_taken(shift: Shift, states=PLACE_HOLDING_STATES) -> int:
    query = select(func.count(Application.id)).where(
        Application.shift_id == shift.id, Application.status.in_(states)
    )
    return db.session.scalar(query)


def create_shift(actor: User, factory_id: int, data: ShiftInput) -> Shift:
    """A draft shift at one of the factory's sites, for its staff to publish."""
    factory = db.session.get(Factory, factory_id)
    if factory is None:
        raise NotFound(_l("No such factory."))
    authz.require(policy.can_act_for_factory(actor, factory), actor, "shift.create", factory)
    validate_shift_input(factory, data)
    shift = Shift(factory=factory, status=ShiftStatus.DRAFT, created_by_id=actor.id)
    with committing(_l("The shift could not be saved; please try again.")):
        fill_shift(shift, data)
        db.session.add(shift)
        audit.record("shift.created", actor=actor, obj=shift, association_id=factory.association_id)
    return shift


def update_shift(actor: User, shift_id: int, data: ShiftInput) -> Shift:
    """Edit a draft, pending or open shift; workers holding a place hear of moved times or site."""
    shift = load_shift(shift_id, lock=True)
    authz.require(policy.can_manage_shift(actor, shift), actor, "shift.update", shift)
    if shift.status not in EDITABLE:
        raise Conflict(
            _l("This shift is %(status)s and can no longer be edited.", status=shift.status.value)
        )
    validate_shift_input(
        shift.factory,
        data,
        check_start=data.starts_at != shift.starts_at,
        places_taken=_places_taken(shift),
    )
    before = _snapshot(shift)
    # The database refuses a headcount below the places taken by a concurrent accept.
    with committing(_l("Workers took places meanwhile: check the headcount and save again.")):
        fill_shift(shift, data)
        changes = _changes(before, _snapshot(shift))
        if MOVING_FIELDS & changes.keys():
            _refuse_if_places_break(shift)
        if changes:
            _record_update(actor, shift, changes)
        if shift.status == ShiftStatus.OPEN:
            _cap_offer_deadlines(shift)
            fill_from_waitlist(shift)  # a raised headcount offers the new places at once
    return shift


def _refuse_if_places_break(shift: Shift) -> None:
    """Refuse a move that would leave someone holding a place they could not take now.

    (Overlap with another place, an agreement or a certificate not covering the new dates.)
    """
    query = select(Application).where(
        Application.shift_id == shift.id,
        Application.status.in_((ApplicationStatus.ACCEPTED, ApplicationStatus.OFFERED)),
    )
    broken = [
        application.worker.user.name
        for application in db.session.scalars(query).all()
        if eligibility.failed_conditions(application.worker, shift)
    ]
    if broken:
        db.session.rollback()
        raise Conflict(
            _l(
                "Moving the shift would break the places of: %(names)s. Cancel their places"
                " first, or keep the times and site.",
                names="、".join(sorted(broken)),
            )
        )


def _cap_offer_deadlines(shift: Shift) -> None:
    # An offer must be answered before the shift starts, also after the start moved earlier.
    db.session.execute(
        update(Application)
        .where(
            Application.shift_id == shift.id,
            Application.status == ApplicationStatus.OFFERED,
            Application.offer_expires_at > shift.starts_at,
        )
        .values(offer_expires_at=shift.starts_at)
        .execution_options(synchronize_session="fetch")
    )


def _record_update(actor: User, shift: Shift, changes: dict) -> None:
    association_id = shift.factory.association_id
    if shift.status == ShiftStatus.OPEN and not shift.factory.is_verified:
        # The association approved the old text, not this one.
        shift.status = ShiftStatus.PENDING_REVIEW
        notifications.notify_many(
            moderator_ids(association_id), "shift_pending_review", obj=shift, title=shift.title
        )
    audit.record(
        "shift.updated",
        actor=actor,
        obj=shift,
        association_id=association_id,
        changes=changes,
        status=shift.status.value,
    )
    moved = sorted(MOVING_FIELDS & changes.keys())
    if moved:
        notifications.notify_many(
            place_holder_user_ids(shift),
            "shift_changed",
            obj=shift,
            title=shift.title,
            starts_at=shift.starts_at,
            ends_at=shift.ends_at,
            site=db.session.get(Site, shift.site_id).name,
            changed=",".join(moved),
        )


def _snapshot(shift: Shift) -> dict:
    kinds = sorted(k.value for k in mask_to_kinds(shift.accepted_kinds_mask or 0))
    scalars = {name: getattr(shift, name) for name in AUDITED_FIELDS}
    return {**scalars, "accepted_kinds": kinds, **shift_requirements(shift)}


def _changes(before: dict, after: dict) -> dict:
    """Changed fields as {name: [old, new]}, JSON-safe for the audit trail."""
    return {
        name: [_plain(before[name]), _plain(after[name])]
        for name in before
        if before[name] != after[name]
    }


def _plain(value):
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def place_holder_user_ids(shift: Shift) -> list[int]:
    """Users of the workers holding a place on the shift and not yet done with it."""
    query = (
        select(WorkerProfile.user_id)
        .join(Application, Application.worker_id == WorkerProfile.id)
        .where(
            Application.shift_id == shift.id,
            Application.status.in_((ApplicationStatus.ACCEPTED, ApplicationStatus.IN_PROGRESS)),
        )
    )
    return sorted(db.session.scalars(query))


def publish_shift(actor: User, shift_id: int) -> Shift:
    """Open a draft at once for a verified factory; otherwise send it for review."""
    shift = load_shift(shift_id)
    authz.require(policy.can_manage_shift(actor, shift), actor, "shift.publish", shift)
    if shift.status != ShiftStatus.DRAFT:
        raise Conflict(
            _l(
                "This shift is %(status)s; only a draft can be published.",
                status=shift.status.value,
            )
        )
    if shift.starts_at <= utcnow():
        raise Conflict(_l("This shift's start has passed: change its times before publishing."))
    association_id = shift.factory.association_id
    shift.published_at = utcnow()
    if shift.factory.is_verified:
        shift.status = ShiftStatus.OPEN
    else:
        shift.status = ShiftStatus.PENDING_REVIEW
        notifications.notify_many(
            moderator_ids(association_id), "shift_pending_review", obj=shift, title=shift.title
        )
    with committing(_l("The shift could not be published; please try again.")):
        audit.record(
            "shift.published",
            actor=actor,
            obj=shift,
            association_id=association_id,
            status=shift.status.value,
        )
    return shift


def cancel_shift(actor: User, shift_id: int, reason: str) -> Shift:
    """Cancel a shift with a reason: its live applications are cancelled and the workers told."""
    shift = load_shift(shift_id, lock=True)
    authz.require(policy.can_manage_shift(actor, shift), actor, "shift.cancel", shift)
    if shift.status not in EDITABLE:
        raise Conflict(
            _l("This shift is %(status)s and cannot be cancelled.", status=shift.status.value)
        )
    reason = clean_reason(reason)
    started = _places_taken(shift, (ApplicationStatus.IN_PROGRESS, ApplicationStatus.COMPLETED))
    if started:
        raise Conflict(
            _l(
                "%(n)d workers have already started this shift: check them out instead.",
                n=started,
            )
        )
    with committing(_l("The shift changed meanwhile; please try again.")):
        close_shift(actor, shift, reason)
    return shift
