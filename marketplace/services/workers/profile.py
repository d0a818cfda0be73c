"""A worker edits their own profile: kind, home, reach, lender, skills, certificates, availability.

Only the worker themself may change it (policy.is_self); every change is audited and
committed on its own. Self-declared skills and certificates are unverified until an
association verifies them; changing a verified one drops the verification.
Certificates are in worker_certificates.py, availability windows in worker_availability.py.
"""

import math
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ... import policy
from ...errors import Invalid, NotFound
from ...extensions import db
from ...models import (
    AgreementStatus,
    District,
    Factory,
    LendingAgreement,
    Skill,
    User,
    VerificationStatus,
    WorkerKind,
    WorkerProfile,
    WorkerSkill,
    utcnow,
)
from .. import audit, authz
from ..applications.eligibility import local_date
from ..common import commit

MAX_TRAVEL_KM = 500
CERTIFICATE_NUMBER_MAX = 40
# A worker plans weeks ahead, not years; a long list of windows is a mistake, not a plan.
HOME_SOURCES = ("district", "coordinates")
_CHANGED = _l("Your profile changed a moment ago; reload the page and try again.")
_CORRECT = _l("Please correct the marked fields.")
# Lending agreements that tie a worker to their lender until they end.
_LIVE_AGREEMENTS = (AgreementStatus.REQUESTED, AgreementStatus.APPROVED)


@dataclass
class ProfileInput:
    """The profile form: home from a district's centre or from coordinates (typed or located)."""

    kind: str
    home_source: str = "district"
    district_id: int | None = None
    lat: float | None = None
    lon: float | None = None
    max_travel_km: float | None = None
    needs_housing: bool = False
    lender_factory_id: int | None = None


def own_worker(actor: User | None, worker_id: int, action: str) -> WorkerProfile:
    """The worker profile, if the actor is that worker (else a recorded Forbidden)."""
    worker = db.session.get(WorkerProfile, worker_id)
    if worker is None:
        raise NotFound(_l("No such worker."))
    authz.require(policy.is_self(actor, worker), actor, action, worker)
    return worker


def _record(action: str, actor: User, obj, worker: WorkerProfile, **details) -> None:
    audit.record(
        action, actor=actor, obj=obj, association_id=audit.association_of(worker), **details
    )


def _number(value, field: str, errors: dict, message) -> float | None:
    if value is None or isinstance(value, bool):
        errors.setdefault(field, []).append(message)
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = math.nan
    if not math.isfinite(number):
        errors.setdefault(field, []).append(message)
        return None
    return number


def _home(data: ProfileInput, errors: dict) -> tuple[int | None, float | None, float | None]:
    """District id and coordinates of the home, from the district or from the coordinates."""
    if data.home_source not in HOME_SOURCES:
        errors["home_source"] = [_l("Choose how to give your home location.")]
        return None, None, None
    district = db.session.get(District, data.district_id) if data.district_id else None
    if data.home_source == "district":
        if district is None:
            errors["district_id"] = [_l("Choose your district.")]
            return None, None, None
        return district.id, district.lat, district.lon
    lat = _number(data.lat, "lat", errors, _l("Enter a latitude from -90 to 90."))
    lon = _number(data.lon, "lon", errors, _l("Enter a longitude from -180 to 180."))
    if lat is not None and not -90 <= lat <= 90:
        errors["lat"] = [_l("Enter a latitude from -90 to 90.")]
    if lon is not None and not -180 <= lon <= 180:
        errors["lon"] = [_l("Enter a longitude from -180 to 180.")]
    return (district.id if district else None), lat, lon


def _lender(worker: WorkerProfile, kind: WorkerKind | None, data: ProfileInput, errors: dict):
    """The lender's id: required for an idle employee, none for anyone else."""
    if kind != WorkerKind.IDLE_EMPLOYEE:
        lender_id = None
    else:
        factory = (
            db.session.get(Factory, data.lender_factory_id) if data.lender_factory_id else None
        )
        if factory is None or factory.verification_status in (
            VerificationStatus.REJECTED,
            VerificationStatus.SUSPENDED,
        ):
            errors["lender_factory_id"] = [_l("Choose the factory that employs you.")]
            return worker.lender_factory_id
        lender_id = factory.id
    if lender_id != worker.lender_factory_id and _has_live_agreement(worker):
        field = "lender_factory_id" if kind == WorkerKind.IDLE_EMPLOYEE else "kind"
        errors[field] = [
            _l(
                "You have a lending agreement that has not ended; your employer cannot change"
                " until it ends or is cancelled."
            )
        ]
    return lender_id


def _has_live_agreement(worker: WorkerProfile) -> bool:
    today = local_date(utcnow())
    query = select(func.count(LendingAgreement.id)).where(
        LendingAgreement.worker_id == worker.id,
        LendingAgreement.status.in_(_LIVE_AGREEMENTS),
        LendingAgreement.ends_on >= today,
    )
    return bool(db.session.scalar(query))


def update_profile(actor: User, worker_id: int, data: ProfileInput) -> WorkerProfile:
    """The worker changes their kind, home, reach, housing need and (idle employees) lender."""
    worker = own_worker(actor, worker_id, "worker.update_profile")
    errors: dict = {}
    kind = WorkerKind(data.kind) if data.kind in {k.value for k in WorkerKind} else None
    if kind is None:
        errors["kind"] = [_l("Choose what kind of worker you are.")]
    district_id, lat, lon = _home(data, errors)
    travel = _number(data.max_travel_km, "max_travel_km", errors, _l("Enter a distance."))
    if travel is not None and not 0 < travel <= MAX_TRAVEL_KM:
        errors["max_travel_km"] = [_l("Enter a distance from 1 to 500 km.")]
    lender_id = _lender(worker, kind, data, errors)
    if errors:
        raise Invalid(_CORRECT, fields=errors)
    new = {
        "kind": kind,
        "home_district_id": district_id,
        "home_lat": lat,
        "home_lon": lon,
        "max_travel_km": travel,
        "needs_housing": bool(data.needs_housing),
        "lender_factory_id": lender_id,
    }
    changed = sorted(name for name, value in new.items() if getattr(worker, name) != value)
    if not changed:
        return worker
    for name in changed:
        setattr(worker, name, new[name])
    # Home coordinates are personal: the trail names what changed, not the values.
    _record("worker.profile_updated", actor, worker, worker, changed=changed)
    commit(_CHANGED)
    return worker


def _level(value, errors: dict) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
        errors["level"] = [_l("Skill levels go from 1 to 5.")]
        return None
    return value


def set_skill(actor: User, worker_id: int, skill_id: int | None, level) -> WorkerSkill:
    """Declare a skill at a level, or change the level of one already declared.

    A verified skill whose level changes is unverified again: the association vouched for
    the old level, not the new one.
    """
    worker = own_worker(actor, worker_id, "worker.set_skill")
    errors: dict = {}
    skill = db.session.get(Skill, skill_id) if skill_id else None
    if skill is None:
        errors["skill_id"] = [_l("Choose a skill.")]
    level = _level(level, errors)
    if errors:
        raise Invalid(_CORRECT, fields=errors)
    held = next((s for s in worker.skills if s.skill_id == skill.id), None)
    if held is None:
        held = WorkerSkill(worker=worker, skill_id=skill.id, level=level)
        db.session.add(held)
        _record("worker.skill_declared", actor, held, worker, skill_id=skill.id, level=level)
    elif held.level != level:
        was_verified = held.is_verified
        previous, held.level = held.level, level
        held.verified_at = held.verified_by_association_id = None
        _record(
            "worker.skill_changed",
            actor,
            held,
            worker,
            skill_id=skill.id,
            previous_level=previous,
            level=level,
            verification_dropped=was_verified,
        )
    commit(_CHANGED)
    return held


def _own_item(actor: User, model, item_id: int, action: str, message):
    item = db.session.get(model, item_id)
    if item is None:
        raise NotFound(message)
    authz.require(policy.is_self(actor, item.worker), actor, action, item)
    return item


def remove_skill(actor: User, worker_skill_id: int) -> None:
    """Take a skill off one's profile (verified or not)."""
    held = _own_item(
        actor, WorkerSkill, worker_skill_id, "worker.remove_skill", _l("No such skill.")
    )
    worker = held.worker
    _record(
        "worker.skill_removed",
        actor,
        held,
        worker,
        skill_id=held.skill_id,
        level=held.level,
        was_verified=held.is_verified,
    )
    worker.skills.remove(held)
    commit(_CHANGED)
