"""The calling worker's own profile, addressed without a worker id (the API's /workers/me).

Each function finds the actor's profile (anyone without one is a recorded Forbidden) and
hands over to services/workers/profile.py, which the web pages call too, so both keep one set of
rules. Skills and certificates are named by their catalogue ids, and a window by its id
among the worker's own: one the worker does not hold is simply not found.
"""

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from ...errors import NotFound
from ...extensions import db
from ...models import AvailabilityWindow, Skill, User, WorkerCertificate, WorkerProfile, WorkerSkill
from .. import authz
from . import availability as worker_availability
from . import certificates as worker_certificates
from . import profile as workers

# Fields of ProfileInput a change may name; the rest of the input is the profile as it is.
PROFILE_FIELDS = (
    "kind",
    "home_source",
    "district_id",
    "lat",
    "lon",
    "max_travel_km",
    "needs_housing",
    "lender_factory_id",
)


def my_profile(actor: User, action: str = "worker.profile") -> WorkerProfile:
    """The actor's worker profile with its skills, certificates and availability."""
    authz.require(actor is not None and actor.worker_profile is not None, actor, action, actor)
    return db.session.get(
        WorkerProfile,
        actor.worker_profile.id,
        options=(
            selectinload(WorkerProfile.skills).selectinload(WorkerSkill.skill),
            selectinload(WorkerProfile.certificates).selectinload(
                WorkerCertificate.certificate_type
            ),
            selectinload(WorkerProfile.availability),
            selectinload(WorkerProfile.home_district),
            selectinload(WorkerProfile.lender),
        ),
    )


def home_source(worker: WorkerProfile) -> str:
    """ "district" when the home is its district's centre, else "coordinates" (as the form)."""
    district = worker.home_district
    at_centre = district is not None and (worker.home_lat, worker.home_lon) == (
        district.lat,
        district.lon,
    )
    return "district" if at_centre else "coordinates"


def profile_input(worker: WorkerProfile, changes: dict) -> workers.ProfileInput:
    """The profile as it stands, with the given changes over it.

    New coordinates without a source mean the home is at them; a new district alone means
    its centre.
    """
    data = workers.ProfileInput(
        kind=worker.kind.value,
        home_source=home_source(worker),
        district_id=worker.home_district_id,
        lat=worker.home_lat,
        lon=worker.home_lon,
        max_travel_km=worker.max_travel_km,
        needs_housing=worker.needs_housing,
        lender_factory_id=worker.lender_factory_id,
    )
    if "home_source" not in changes and ("lat" in changes or "lon" in changes):
        data.home_source = "coordinates"
    elif "home_source" not in changes and "district_id" in changes:
        data.home_source = "district"
    for name, value in changes.items():
        if name in PROFILE_FIELDS:
            setattr(data, name, value)
    return data


def patch_profile(actor: User, changes: dict) -> WorkerProfile:
    """Change only the given fields of the actor's profile (see workers.update_profile)."""
    worker = my_profile(actor, "worker.update_profile")
    workers.update_profile(actor, worker.id, profile_input(worker, changes))
    return my_profile(actor)


def my_skills(actor: User) -> list[WorkerSkill]:
    """The actor's declared skills, by skill code."""
    return sorted(my_profile(actor, "worker.skills").skills, key=lambda s: s.skill.code)


def set_my_skill(actor: User, skill_id: int, level) -> WorkerSkill:
    """Declare a skill at a level, or change its level (which unverifies it)."""
    worker = my_profile(actor, "worker.set_skill")
    if db.session.get(Skill, skill_id) is None:  # the skill is the resource addressed
        raise NotFound(_l("No such skill."))
    return workers.set_skill(actor, worker.id, skill_id, level)


def remove_my_skill(actor: User, skill_id: int) -> None:
    """Take the skill off the actor's profile; NotFound if they do not hold it."""
    worker = my_profile(actor, "worker.remove_skill")
    held = next((s for s in worker.skills if s.skill_id == skill_id), None)
    if held is None:
        raise NotFound(_l("No such skill."))
    workers.remove_skill(actor, held.id)


def my_certificates(actor: User) -> list[WorkerCertificate]:
    """The actor's certificates, by certificate code."""
    held = my_profile(actor, "worker.certificates").certificates
    return sorted(held, key=lambda c: c.certificate_type.code)


def set_my_certificate(
    actor: User, certificate_type_id: int, number: str, valid_until
) -> WorkerCertificate:
    """Add a certificate, or change its number or expiry (which unverifies it)."""
    worker = my_profile(actor, "worker.set_certificate")
    return worker_certificates.set_certificate(
        actor, worker.id, certificate_type_id, number, valid_until
    )


def remove_my_certificate(actor: User, certificate_type_id: int) -> None:
    """Take the certificate off the actor's profile; NotFound if they do not hold it."""
    worker = my_profile(actor, "worker.remove_certificate")
    held = next(
        (c for c in worker.certificates if c.certificate_type_id == certificate_type_id), None
    )
    if held is None:
        raise NotFound(_l("No such certificate."))
    worker_certificates.remove_certificate(actor, held.id)


def my_availability(actor: User) -> list[AvailabilityWindow]:
    """The actor's availability windows, soonest first."""
    return list(my_profile(actor, "worker.availability").availability)


def add_my_availability(actor: User, starts_at, ends_at) -> AvailabilityWindow:
    """Add a time the actor can work."""
    worker = my_profile(actor, "worker.add_availability")
    return worker_availability.add_availability(actor, worker.id, starts_at, ends_at)


def remove_my_availability(actor: User, window_id: int) -> None:
    """Remove one of the actor's windows; another's, or none, is not found."""
    worker = my_profile(actor, "worker.remove_availability")
    if not any(w.id == window_id for w in worker.availability):
        raise NotFound(_l("No such time on your profile."))
    worker_availability.remove_availability(actor, window_id)
