"""Reading shifts; the input a factory gives for a shift, its checks, and copying it on."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ...errors import Invalid
from ...extensions import db
from ...models import (
    CertificateType,
    Factory,
    PickupPoint,
    Shift,
    ShiftCertificate,
    ShiftPreferredSkill,
    ShiftRequiredSkill,
    Site,
    Skill,
    WorkerKind,
    kinds_to_mask,
    utcnow,
)

# The public list lives in listing.py; its callers reach it through this module too.
from .listing import Page, ShiftFilters, list_shifts  # noqa: F401

MAX_SHIFT_LENGTH = timedelta(hours=24)
MAX_PAY_CNY = Decimal("999999.99")  # Numeric(8, 2)
MAX_DISTANCE_KM = 500.0  # as far as a worker may say they travel
MAX_DESCRIPTION = 5000


@dataclass
class ShiftInput:
    """Everything a factory says about a shift, as parsed by a form or the API."""

    site_id: int
    title: str
    starts_at: datetime
    ends_at: datetime
    headcount: int
    hourly_pay_cny: Decimal
    description: str = ""
    dormitory_beds: int = 0
    max_distance_km: float = 30.0
    accepted_kinds: Iterable[WorkerKind] = frozenset(WorkerKind)
    required_skills: list[tuple[int, int]] = field(default_factory=list)  # (skill id, min level)
    preferred_skills: list[tuple[int, float]] = field(default_factory=list)  # (skill id, weight)
    required_certificate_ids: list[int] = field(default_factory=list)
    pickup_points: list[tuple[str, float, float]] = field(default_factory=list)  # (name, lat, lon)


def validate_shift_input(
    factory: Factory, data: ShiftInput, *, check_start: bool = True, places_taken: int = 0
) -> None:
    """Raise Invalid with every field's problems at once (the start must be ahead if checked)."""
    errors: dict[str, list] = {}
    site = db.session.get(Site, data.site_id) if isinstance(data.site_id, int) else None
    if site is None or site.factory_id != factory.id:
        _add(errors, "site_id", _l("Choose one of your factory's sites."))
    _check_text(data, errors)
    _check_times(data, errors, check_start)
    _check_numbers(data, errors)
    if _is_int(data.headcount) and 1 <= data.headcount < places_taken:
        message = _l(
            "%(taken)d workers already hold a place: the headcount cannot go below that.",
            taken=places_taken,
        )
        _add(errors, "headcount", message)
    _check_kinds(data, errors)
    _check_skills(data, errors)
    _check_certificates(data, errors)
    _check_pickups(data, errors)
    if errors:
        raise Invalid(_l("Please correct the marked fields."), fields=errors)


def _add(errors: dict, name: str, message) -> None:
    errors.setdefault(name, []).append(message)


def _check_text(data: ShiftInput, errors: dict) -> None:
    title = (data.title or "").strip()
    if not title:
        _add(errors, "title", _l("Give the shift a title."))
    elif len(title) > 120:
        _add(errors, "title", _l("Use at most 120 characters."))
    if len(data.description or "") > MAX_DESCRIPTION:
        _add(errors, "description", _l("Use at most 5000 characters."))


def _aware(value) -> bool:
    return isinstance(value, datetime) and value.utcoffset() is not None


def _check_times(data: ShiftInput, errors: dict, check_start: bool) -> None:
    if not _aware(data.starts_at):
        _add(errors, "starts_at", _l("Give the start time with its time zone."))
    if not _aware(data.ends_at):
        _add(errors, "ends_at", _l("Give the end time with its time zone."))
    if "starts_at" in errors or "ends_at" in errors:
        return
    if check_start and data.starts_at <= utcnow():
        _add(errors, "starts_at", _l("The shift must start in the future."))
    if data.ends_at <= data.starts_at:
        _add(errors, "ends_at", _l("The shift must end after it starts."))
    elif data.ends_at - data.starts_at > MAX_SHIFT_LENGTH:
        _add(errors, "ends_at", _l("A shift may last at most 24 hours."))


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_numbers(data: ShiftInput, errors: dict) -> None:
    if not _is_int(data.headcount) or data.headcount < 1:
        _add(errors, "headcount", _l("Ask for at least one worker."))
    if not _is_int(data.dormitory_beds) or data.dormitory_beds < 0:
        _add(errors, "dormitory_beds", _l("Give the number of beds, 0 if none."))
    distance = data.max_distance_km
    if not isinstance(distance, int | float) or not 0 < distance <= MAX_DISTANCE_KM:
        _add(errors, "max_distance_km", _l("Give a distance above 0 and at most 500 km."))
    if _pay(data.hourly_pay_cny) is None:
        _add(errors, "hourly_pay_cny", _l("Give an hourly pay above 0, in yuan and fen."))


def _pay(value) -> Decimal | None:
    """The pay as a two-place Decimal, or None if it is not a valid amount."""
    try:
        pay = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    if not pay.is_finite() or pay <= 0 or pay > MAX_PAY_CNY or pay.as_tuple().exponent < -2:
        return None
    return pay.quantize(Decimal("0.01"))


def _check_kinds(data: ShiftInput, errors: dict) -> None:
    kinds = list(data.accepted_kinds or ())
    if not kinds or any(k not in {w.value for w in WorkerKind} for k in kinds):
        _add(errors, "accepted_kinds", _l("Choose at least one kind of worker."))


def _known(model, ids) -> set:
    ids = {i for i in ids if _is_int(i)}
    return set(db.session.scalars(select(model.id).where(model.id.in_(ids)))) if ids else set()


def _check_skills(data: ShiftInput, errors: dict) -> None:
    required = [skill for skill, _ in data.required_skills]
    preferred = [skill for skill, _ in data.preferred_skills]
    known = _known(Skill, required + preferred)
    if any(s not in known for s in required + preferred):
        _add(errors, "required_skills", _l("Choose skills from the list."))
    if len(set(required)) < len(required) or len(set(preferred)) < len(preferred):
        _add(errors, "required_skills", _l("List each skill once."))
    if any(not _is_int(level) or not 1 <= level <= 5 for _, level in data.required_skills):
        _add(errors, "required_skills", _l("Skill levels go from 1 to 5."))
    if any(not isinstance(w, int | float) or not 0 < w <= 1 for _, w in data.preferred_skills):
        _add(errors, "preferred_skills", _l("Weights are above 0 and at most 1."))
    if set(required) & set(preferred):
        _add(errors, "preferred_skills", _l("A skill is either required or preferred, not both."))


def _check_certificates(data: ShiftInput, errors: dict) -> None:
    ids = set(data.required_certificate_ids)
    if ids - _known(CertificateType, ids):
        _add(errors, "required_certificate_ids", _l("Choose certificates from the list."))


def _check_pickups(data: ShiftInput, errors: dict) -> None:
    for name, lat, lon in data.pickup_points:
        if not (name or "").strip() or len(name.strip()) > 120:
            _add(errors, "pickup_points", _l("Name each pickup point (at most 120 characters)."))
        if not all(isinstance(v, int | float) for v in (lat, lon)) or not (
            -90 <= lat <= 90 and -180 <= lon <= 180
        ):
            _add(
                errors,
                "pickup_points",
                _l("Give each pickup point a valid latitude and longitude."),
            )


def fill_shift(shift: Shift, data: ShiftInput) -> None:
    """Copy validated input onto the shift; child rows are replaced only when they changed."""
    shift.site_id = data.site_id
    shift.title = data.title.strip()
    shift.description = (data.description or "").strip()
    shift.starts_at, shift.ends_at = data.starts_at, data.ends_at
    shift.headcount = data.headcount
    shift.hourly_pay_cny = _pay(data.hourly_pay_cny)
    shift.dormitory_beds = data.dormitory_beds
    shift.max_distance_km = float(data.max_distance_km)
    shift.accepted_kinds_mask = kinds_to_mask(data.accepted_kinds)
    wanted = _requirements(data)
    if wanted != shift_requirements(shift):
        _replace_requirements(shift, data)


def _requirements(data: ShiftInput) -> dict:
    return {
        "required_skills": sorted((s, lvl) for s, lvl in data.required_skills),
        "preferred_skills": sorted((s, float(w)) for s, w in data.preferred_skills),
        "required_certificate_ids": sorted(set(data.required_certificate_ids)),
        "pickup_points": [(n.strip(), float(a), float(o)) for n, a, o in data.pickup_points],
    }


def shift_requirements(shift: Shift) -> dict:
    """The shift's child rows in the shape of ShiftInput, to compare and to audit."""
    return {
        "required_skills": sorted((r.skill_id, r.min_level) for r in shift.required_skills),
        "preferred_skills": sorted((p.skill_id, p.weight) for p in shift.preferred_skills),
        "required_certificate_ids": sorted(
            c.certificate_type_id for c in shift.required_certificates
        ),
        "pickup_points": [(p.name, p.lat, p.lon) for p in shift.pickup_points],
    }


def _replace_requirements(shift: Shift, data: ShiftInput) -> None:
    for collection in ("required_skills", "preferred_skills", "required_certificates"):
        getattr(shift, collection).clear()
    shift.pickup_points.clear()
    if shift.id is not None:
        db.session.flush()  # delete old rows first: (shift, skill) is unique
    shift.required_skills.extend(
        ShiftRequiredSkill(skill_id=s, min_level=lvl) for s, lvl in data.required_skills
    )
    shift.preferred_skills.extend(
        ShiftPreferredSkill(skill_id=s, weight=float(w)) for s, w in data.preferred_skills
    )
    shift.required_certificates.extend(
        ShiftCertificate(certificate_type_id=c) for c in sorted(set(data.required_certificate_ids))
    )
    shift.pickup_points.extend(
        PickupPoint(name=n.strip(), lat=float(a), lon=float(o)) for n, a, o in data.pickup_points
    )
