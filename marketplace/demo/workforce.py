"""Workers: accounts, profiles, skills, certificates and availability, in chunks."""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta

from ..models import (
    AvailabilityWindow,
    Industry,
    Role,
    User,
    UserStatus,
    WorkerCertificate,
    WorkerKind,
    WorkerProfile,
    WorkerSkill,
)
from . import people
from .organisations import Batch, association_for, user_row
from .taxonomy import DISTRICT_WEIGHTS, SUPPORT_INDUSTRIES, district_by_code
from .world import SHANGHAI, World

# Rows are built and inserted this many workers at a time, so 100,000 workers never sit
# in memory as dicts all at once.
CHUNK = 5000

KIND_WEIGHTS = {
    WorkerKind.IDLE_EMPLOYEE: 40,
    WorkerKind.CROSS_INDUSTRY: 25,
    WorkerKind.RETIREE: 15,
    WorkerKind.VOLUNTEER: 12,
    WorkerKind.EXPERT: 8,
}
AGE_RANGES = {
    WorkerKind.IDLE_EMPLOYEE: (20, 55),
    WorkerKind.CROSS_INDUSTRY: (18, 50),
    WorkerKind.RETIREE: (55, 70),
    WorkerKind.VOLUNTEER: (18, 65),
    WorkerKind.EXPERT: (30, 65),
}
SKILL_LEVELS = {
    WorkerKind.IDLE_EMPLOYEE: (2, 5),
    WorkerKind.CROSS_INDUSTRY: (1, 4),
    WorkerKind.RETIREE: (3, 5),
    WorkerKind.VOLUNTEER: (1, 3),
    WorkerKind.EXPERT: (4, 5),
}
# The trade each district is known for, which its retirees and experts mostly know.
DISTRICT_INDUSTRY = {
    "330602": Industry.MEDICAL_SUPPLIES,
    "330603": Industry.TEXTILES,
    "330604": Industry.MEDICAL_SUPPLIES,
    "330681": Industry.HOSIERY,
    "330683": Industry.GARMENTS,
    "330624": Industry.BEARINGS,
}
CROSS_INDUSTRIES = (
    Industry.CATERING,
    Industry.ECOMMERCE,
    Industry.GARMENTS,
    Industry.TEXTILES,
    Industry.LOGISTICS,
    Industry.PACKAGING,
    Industry.GENERAL,
)
VOLUNTEER_INDUSTRIES = (*SUPPORT_INDUSTRIES, Industry.ECOMMERCE)
# Special-operation certificates and driving licences carry the holder's ID number.
ID_NUMBERED = {"electrician_low_voltage", "electrician_high_voltage", "welding_hot_cutting"}
ID_NUMBERED |= {"driving_c1", "driving_b2", "driving_a1"}
# (certificate, chance) for holders of a skill; everyone else gets the "anyone" list.
SKILL_CERTIFICATE_CHANCES = {
    "electrical.low_voltage": (("electrician_low_voltage", 0.85),),
    "electrical.high_voltage": (("electrician_high_voltage", 0.8),),
    "general.welding": (("welding_hot_cutting", 0.8),),
    "logistics.forklift": (("forklift", 0.85),),
    "logistics.delivery_driving": (("driving_c1", 0.7), ("driving_b2", 0.4)),
    "dyeing.dye_vat": (("boiler_operator", 0.3), ("health", 0.5)),
    "catering.cooking": (("food_health", 0.85),),
    "catering.kitchen_helper": (("food_health", 0.8),),
    "catering.serving": (("food_health", 0.8),),
    "mask.cleanroom": (("health", 0.8),),
    "mask.machine_operation": (("health", 0.7),),
}
ANYONE_CERTIFICATE_CHANCES = (("health", 0.2), ("driving_c1", 0.2), ("driving_a1", 0.01))


@dataclass
class _Chunk:
    users: list[dict] = field(default_factory=list)
    profiles: list[dict] = field(default_factory=list)
    skills: list[dict] = field(default_factory=list)
    certificates: list[dict] = field(default_factory=list)
    windows: list[dict] = field(default_factory=list)


def worker_rows(world: World, count: int) -> Iterator[Batch]:
    """Users and worker profiles with skills, certificates and availability windows."""
    world.workers.first_id = world.next_ids.get("worker_profiles", 1)
    for start in range(0, count, CHUNK):
        chunk = _Chunk()
        for index in range(start, min(count, start + CHUNK)):
            _add_worker(world, chunk, index)
        yield User, chunk.users
        yield WorkerProfile, chunk.profiles
        yield WorkerSkill, chunk.skills
        yield WorkerCertificate, chunk.certificates
        yield AvailabilityWindow, chunk.windows


def _add_worker(world: World, chunk: _Chunk, index: int) -> None:
    rng = world.rng
    # The first worker is the well-known demo login: someone who can apply anywhere.
    kind = WorkerKind.CROSS_INDUSTRY if index == 0 else _weighted(rng, KIND_WEIGHTS)
    district_code = "330603" if index == 0 else _weighted(rng, DISTRICT_WEIGHTS)
    lender = _lender(world, district_code) if kind == WorkerKind.IDLE_EMPLOYEE else None
    industry = lender.industry if lender else _home_industry(world, kind, district_code)
    male = rng.random() < 0.5
    user = _worker_user(world, index, male)
    profile = _profile_row(world, user, kind, district_code, lender.id if lender else None)
    if rng.random() < 0.92:
        born = people.birth_date(rng, world.today, *AGE_RANGES[kind])
        profile["national_id"] = world.national_ids.allocate(district_code, born, male)
    world.workers.kind.append(kind)
    world.workers.lender.append(profile["lender_factory_id"])
    if user["status"] == UserStatus.SUSPENDED:
        world.workers.suspended.add(profile["id"])
    chunk.users.append(user)
    chunk.profiles.append(profile)
    skills = _skill_rows(world, profile, kind, industry, district_code)
    chunk.skills.extend(skills)
    codes = [world.skill_codes[s["skill_id"]] for s in skills]
    chunk.certificates.extend(_certificate_rows(world, profile, codes, district_code))
    if index > 0:  # the demo worker stays always available, so every shift can be tried
        chunk.windows.extend(_window_rows(world, profile["id"]))


def _weighted(rng, weights: dict):
    return rng.choices(tuple(weights), tuple(weights.values()))[0]


def _lender(world: World, district_code: str):
    # Employers nearby lend more of their idle staff; only verified factories lend.
    lenders = [f for f in world.factories if f.verified]
    weights = [5 if f.district_code == district_code else 1 for f in lenders]
    return world.rng.choices(lenders, weights)[0]


def _home_industry(world: World, kind: WorkerKind, district_code: str) -> Industry:
    rng = world.rng
    if kind == WorkerKind.CROSS_INDUSTRY:
        return rng.choice(CROSS_INDUSTRIES)
    if kind == WorkerKind.VOLUNTEER:
        return rng.choice(VOLUNTEER_INDUSTRIES)
    if kind == WorkerKind.EXPERT and rng.random() < 0.5:
        return rng.choice((Industry.SMART_MANUFACTURING, Industry.ELECTRICAL, Industry.GENERAL))
    if rng.random() < 0.75:
        return DISTRICT_INDUSTRY[district_code]
    return rng.choice(SUPPORT_INDUSTRIES)


def _worker_user(world: World, index: int, male: bool) -> dict:
    rng = world.rng
    if index == 0:
        mobile = world.mobiles.sequential("139", 1)
    else:
        mobile = None if rng.random() < 0.03 else world.mobiles.random()
    user = user_row(world, Role.WORKER, mobile, male=male)
    # A few sign up with an email only, some give both.
    if mobile is None or rng.random() < 0.1:
        user["email"] = f"worker{user['id']}@example.com"
    if index > 0 and rng.random() < 0.005:
        user["status"] = UserStatus.SUSPENDED
    return user


def _profile_row(world: World, user: dict, kind, district_code: str, lender_id) -> dict:
    rng = world.rng
    district = district_by_code(district_code)
    lat, lon = people.scatter(rng, district.lat, district.lon, 6.0)
    return {
        "id": world.take_ids("worker_profiles", 1)[0],
        "user_id": user["id"],
        "kind": kind,
        "home_district_id": world.district_ids[district_code],
        "home_lat": lat,
        "home_lon": lon,
        "max_travel_km": float(rng.choice((5, 10, 15, 20, 20, 30, 30, 40, 50))),
        "needs_housing": rng.random() < 0.15,
        "lender_factory_id": lender_id,
        "national_id": None,
        "created_at": user["created_at"],
        "updated_at": user["created_at"],
    }


def _skill_rows(world: World, profile: dict, kind, industry, district_code) -> list[dict]:
    rng = world.rng
    total = rng.randint(2, 5)
    own = world.skills[industry]
    chosen = rng.sample(own, min(len(own), rng.randint(1, min(3, total))))
    own_count = len(chosen)
    # The rest come from the trades every factory needs (a weaver may also pack boxes).
    while len(chosen) < total:
        extra = rng.choice(world.skills[rng.choice(SUPPORT_INDUSTRIES)])
        if extra not in chosen:
            chosen.append(extra)
    low, high = SKILL_LEVELS[kind]
    rows = []
    for position, skill in enumerate(chosen):
        # Side skills sit a level lower than the worker's own trade.
        level = rng.randint(low, high) - (0 if position < own_count else 1)
        verified = rng.random() < 0.25
        rows.append(
            {
                "worker_id": profile["id"],
                "skill_id": skill["id"],
                "level": max(1, level),
                "verified_by_association_id": association_for(
                    world, skill["industry"], district_code
                )
                if verified
                else None,
                "verified_at": _verified_at(world, profile) if verified else None,
            }
        )
        world.workers.holders.setdefault(skill["id"], []).append((profile["id"], max(1, level)))
    return rows


def _verified_at(world: World, profile: dict) -> datetime:
    # An association can only have checked a skill since the worker signed up.
    return world.between(profile["created_at"], world.now)


def _certificate_rows(world: World, profile: dict, skill_codes: list[str], district) -> list[dict]:
    rng = world.rng
    chances = [c for code in skill_codes for c in SKILL_CERTIFICATE_CHANCES.get(code, ())]
    chances.extend(ANYONE_CERTIFICATE_CHANCES)
    held = {code for code, chance in chances if rng.random() < chance}
    rows = []
    for code in sorted(held):
        type_id = world.certificate_ids[code]
        # One in ten has lapsed: the matcher must notice expired certificates.
        days = -rng.randint(1, 365) if rng.random() < 0.1 else rng.randint(30, 4 * 365)
        valid_until = world.today + timedelta(days=days)
        number = profile["national_id"] if code in ID_NUMBERED else None
        verified = rng.random() < 0.4
        rows.append(
            {
                "worker_id": profile["id"],
                "certificate_type_id": type_id,
                "number": number or f"ZJ{rng.randrange(10**10):010d}",
                "valid_until": valid_until,
                "verified_by_association_id": world.district_association[district]
                if verified
                else None,
                "verified_at": _verified_at(world, profile) if verified else None,
            }
        )
        world.workers.certificates.setdefault(profile["id"], {})[type_id] = valid_until
    return rows


def _window_rows(world: World, worker_id: int) -> list[dict]:
    rng = world.rng
    if rng.random() >= 0.35:
        return []  # no windows: always available
    midnight = datetime.combine(world.today, time(0), SHANGHAI).astimezone(UTC)
    rows = []
    day = rng.randint(0, 4)
    for _ in range(rng.randint(1, 3)):
        span = rng.randint(1, 5)
        rows.append(
            {
                "worker_id": worker_id,
                "starts_at": midnight + timedelta(days=day),
                "ends_at": midnight + timedelta(days=day + span),
            }
        )
        world.workers.windows.setdefault(worker_id, []).append(
            (rows[-1]["starts_at"], rows[-1]["ends_at"])
        )
        day += span + rng.randint(1, 4)
    return rows
