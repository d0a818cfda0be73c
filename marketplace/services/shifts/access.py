"""One shift as the API reads and patches it: who may see a draft, and partial edits."""

from dataclasses import fields as dataclass_fields

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from ... import policy
from ...errors import NotFound
from ...extensions import db
from ...models import Shift, Site, User
from .listing import PUBLIC_STATUSES
from .posting import update_shift
from .shift import ShiftInput

_INPUT_FIELDS = frozenset(f.name for f in dataclass_fields(ShiftInput))


def visible_shift(actor: User | None, shift_id: int) -> Shift:
    """A published shift for anyone; a draft, pending or rejected one only for its factory's
    staff and its moderators. To anyone else it does not exist (NotFound, not Forbidden)."""
    shift = db.session.scalar(
        select(Shift)
        .where(Shift.id == shift_id)
        .options(
            joinedload(Shift.site).joinedload(Site.district),
            joinedload(Shift.factory),
            selectinload(Shift.required_skills),
            selectinload(Shift.preferred_skills),
            selectinload(Shift.required_certificates),
            selectinload(Shift.pickup_points),
        )
    )
    if shift is None:
        raise NotFound(_l("No such shift."))
    if shift.status in PUBLIC_STATUSES:
        return shift
    if policy.can_manage_shift(actor, shift) or policy.can_moderate_shift(actor, shift):
        return shift
    raise NotFound(_l("No such shift."))


def current_input(shift: Shift) -> ShiftInput:
    """The shift as the input that would create it, to apply a partial edit to."""
    return ShiftInput(
        site_id=shift.site_id,
        title=shift.title,
        description=shift.description or "",
        starts_at=shift.starts_at,
        ends_at=shift.ends_at,
        headcount=shift.headcount,
        hourly_pay_cny=shift.hourly_pay_cny,
        dormitory_beds=shift.dormitory_beds,
        max_distance_km=shift.max_distance_km,
        accepted_kinds=[k.value for k in shift.accepted_kinds],
        required_skills=[(r.skill_id, r.min_level) for r in shift.required_skills],
        preferred_skills=[(p.skill_id, p.weight) for p in shift.preferred_skills],
        required_certificate_ids=[c.certificate_type_id for c in shift.required_certificates],
        pickup_points=[(p.name, p.lat, p.lon) for p in shift.pickup_points],
    )


def patch_shift(actor: User, shift_id: int, changes: dict) -> Shift:
    """Change only the given fields of a shift (names as in ShiftInput); see update_shift."""
    shift = db.session.get(Shift, shift_id)
    if shift is None:
        raise NotFound(_l("No such shift."))
    data = current_input(shift)
    for name, value in changes.items():
        if name in _INPUT_FIELDS:
            setattr(data, name, value)
    return update_shift(actor, shift_id, data)
