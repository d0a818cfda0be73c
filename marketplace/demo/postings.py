"""Shifts over the next two weeks, with what they require and offer."""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

from ..models import (
    ALL_KINDS_MASK,
    Application,
    Assignment,
    Industry,
    LendingAgreement,
    PickupPoint,
    Shift,
    ShiftCertificate,
    ShiftPreferredSkill,
    ShiftRequiredSkill,
    ShiftStatus,
    VerificationStatus,
    WorkerKind,
    kinds_to_mask,
)
from . import applications, people
from .organisations import Batch
from .taxonomy import DISTRICT_WEIGHTS, SKILL_CERTIFICATES, SUPPORT_INDUSTRIES, district_by_code
from .world import SHANGHAI, FactoryInfo, World

SHIFT_COUNT = 150
DAYS_AHEAD = 13  # shifts start from tomorrow on, so all within 14 days of now
# (local start hour, minute, hours, label): day, evening and night shifts of 4-12 hours.
FACTORY_PATTERNS = (
    (8, 0, 9, "白班"),
    (7, 30, 8, "早班"),
    (8, 30, 10, "白班"),
    (13, 0, 8, "中班"),
    (20, 0, 12, "夜班"),
    (22, 0, 8, "夜班"),
)
SHORT_PATTERNS = {
    Industry.CATERING: ((6, 0, 8, "早班"), (10, 0, 4, "午餐班")),
    Industry.ECOMMERCE: ((19, 0, 4, "晚场直播"), (14, 0, 6, "下午场")),
}
# Some employers only want people lent by other factories or moving from other trades.
STAFF_ONLY_MASK = kinds_to_mask((WorkerKind.IDLE_EMPLOYEE, WorkerKind.CROSS_INDUSTRY))
NO_VOLUNTEERS_MASK = ALL_KINDS_MASK & ~kinds_to_mask((WorkerKind.VOLUNTEER,))
EXPERTS_MASK = kinds_to_mask((WorkerKind.EXPERT, WorkerKind.RETIREE))


@dataclass
class ShiftPlan:
    """A shift row with what the booking step needs to know about it."""

    row: dict
    factory: FactoryInfo
    required: list[tuple[int, int]]  # (skill id, min level)
    certificate_ids: list[int]
    preferred: list[dict] = field(default_factory=list)
    pickups: list[dict] = field(default_factory=list)


def shift_rows(world: World) -> Iterator[Batch]:
    """About 150 shifts, their requirements, pickup points, applications and assignments."""
    plans = [plan_shift(world, index) for index in range(SHIFT_COUNT)]
    apps, assignments, agreements = applications.book(world, plans)
    yield from plan_batches(plans, apps, assignments, agreements)


def plan_batches(plans, apps, assignments, agreements) -> Iterator[Batch]:
    """The rows of planned shifts and their bookings, in insertion order."""
    for plan in plans:
        # Written after booking: a shift that could not be filled had its headcount cut.
        plan.row["description"] = _description(plan)
    yield Shift, [p.row for p in plans]
    yield (
        ShiftRequiredSkill,
        [
            {"shift_id": p.row["id"], "skill_id": skill_id, "min_level": level}
            for p in plans
            for skill_id, level in p.required
        ],
    )
    yield ShiftPreferredSkill, [row for p in plans for row in p.preferred]
    yield (
        ShiftCertificate,
        [
            {"shift_id": p.row["id"], "certificate_type_id": type_id}
            for p in plans
            for type_id in p.certificate_ids
        ],
    )
    yield PickupPoint, [row for p in plans for row in p.pickups]
    yield LendingAgreement, agreements
    yield Application, apps
    yield Assignment, assignments


def _pick_factory(world: World, index: int) -> FactoryInfo:
    # The first factory's owner is a demo login, so it always has a few shifts to show.
    if index < 3:
        return world.factories[0]
    # Rejected and suspended factories cannot post; pending ones wait for review.
    posting = [f for f in world.factories if f.verified or f.status == VerificationStatus.PENDING]
    weights = [4 if f.verified else 1 for f in posting]
    return world.rng.choices(posting, weights)[0]


def plan_shift(world: World, index: int) -> ShiftPlan:
    """One shift over the next two weeks, at a factory that may post."""
    rng = world.rng
    factory = _pick_factory(world, index)
    # Most postings are for the factory's own trade, the rest for the help every plant needs.
    industry = factory.industry if rng.random() < 0.75 else rng.choice(SUPPORT_INDUSTRIES)
    pool = world.skills[industry]
    required = rng.sample(pool, rng.randint(1, min(3, len(pool))))
    starts_at, ends_at, label = _timing(world, industry)
    row = _shift_row(world, factory, required[0], label, starts_at, ends_at)
    plan = ShiftPlan(
        row=row,
        factory=factory,
        required=[(s["id"], _min_level(world, industry)) for s in required],
        certificate_ids=_certificates(world, required),
    )
    plan.preferred = _preferred(world, row["id"], pool, required)
    if rng.random() < 0.25:
        plan.pickups = _pickups(world, row["id"], factory)
    return plan


def _timing(world: World, industry: Industry) -> tuple[datetime, datetime, str]:
    rng = world.rng
    hour, minute, hours, label = rng.choice(SHORT_PATTERNS.get(industry, FACTORY_PATTERNS))
    day = world.today + timedelta(days=1 + rng.randrange(DAYS_AHEAD))
    starts_at = datetime.combine(day, time(hour, minute), SHANGHAI).astimezone(UTC)
    return starts_at, starts_at + timedelta(hours=hours), label


def _min_level(world: World, industry: Industry) -> int:
    if industry == Industry.SMART_MANUFACTURING:
        return world.rng.randint(3, 5)
    return world.rng.choices((1, 2, 3, 4), (3, 4, 2, 1))[0]


def _shift_row(world: World, factory, skill: dict, label, starts_at, ends_at) -> dict:
    rng = world.rng
    status = ShiftStatus.PENDING_REVIEW if not factory.verified else ShiftStatus.OPEN
    if factory.verified and rng.random() < 0.1:
        status = ShiftStatus.DRAFT
    created_at = world.days_ago(0.5, 6)
    headcount = 2 + int(28 * rng.random() ** 2)  # mostly small crews, a few big ones
    return {
        "id": world.take_ids("shifts", 1)[0],
        "factory_id": factory.id,
        "site_id": rng.choice(factory.sites)["id"],
        "title": f"{skill['name_zh']}（{label}）",
        "description": "",
        "starts_at": starts_at,
        "ends_at": ends_at,
        "headcount": headcount,
        "accepted_count": 0,
        "hourly_pay_cny": _pay(world, skill),
        "dormitory_beds": rng.randint(1, headcount) if rng.random() < 0.3 else 0,
        "max_distance_km": float(rng.choice((10, 15, 20, 30, 40, 50))),
        "accepted_kinds_mask": _kinds_mask(world, skill),
        "status": status,
        "created_by_id": factory.owner_user_id,
        "created_at": created_at,
        "published_at": world.between(created_at, world.now)
        if status == ShiftStatus.OPEN
        else None,
    }


def _pay(world: World, skill: dict) -> Decimal:
    low = 70 if skill["industry"] == Industry.SMART_MANUFACTURING else 36
    # Half-yuan steps from 18.00 (or 35.00 for experts) to 45.00 an hour.
    return (Decimal(world.rng.randint(low, 90)) / 2).quantize(Decimal("0.01"))


def _kinds_mask(world: World, skill: dict) -> int:
    if skill["industry"] == Industry.SMART_MANUFACTURING:
        return EXPERTS_MASK
    roll = world.rng.random()
    if roll < 0.15:
        return NO_VOLUNTEERS_MASK
    if roll < 0.25:
        return STAFF_ONLY_MASK
    return ALL_KINDS_MASK


def _certificates(world: World, required: list[dict]) -> list[int]:
    codes = {code for s in required for code in SKILL_CERTIFICATES.get(s["code"], ())}
    if not codes and world.rng.random() < 0.1:
        codes.add("health")
    return sorted(world.certificate_ids[code] for code in codes)


def _preferred(world: World, shift_id: int, pool: list[dict], required: list[dict]) -> list[dict]:
    rng = world.rng
    taken = {s["id"] for s in required}
    candidates = []
    for skill in (*pool, *world.skills[Industry.GENERAL]):
        if skill["id"] not in taken:  # the general pool may be the shift's own pool
            taken.add(skill["id"])
            candidates.append(skill)
    chosen = rng.sample(candidates, min(len(candidates), rng.randint(0, 3)))
    return [
        {"shift_id": shift_id, "skill_id": s["id"], "weight": round(rng.uniform(0.2, 1.0), 2)}
        for s in chosen
    ]


def _pickups(world: World, shift_id: int, factory: FactoryInfo) -> list[dict]:
    rng = world.rng
    rows = []
    for _ in range(rng.randint(1, 3)):
        # Chartered buses fetch workers from the towns where many of them live.
        code = rng.choices(tuple(DISTRICT_WEIGHTS), tuple(DISTRICT_WEIGHTS.values()))[0]
        district = district_by_code(code)
        lat, lon = people.scatter(rng, district.lat, district.lon, 4.0)
        name = f"{district.name}{rng.choice(district.towns)}公交站"
        rows.append({"shift_id": shift_id, "name": name, "lat": lat, "lon": lon})
    return rows


def _description(plan: ShiftPlan) -> str:
    row = plan.row
    start = row["starts_at"].astimezone(SHANGHAI)
    end = row["ends_at"].astimezone(SHANGHAI)
    site = next(s for s in plan.factory.sites if s["id"] == row["site_id"])
    parts = [
        f"{plan.factory.name}（{site['name']}，{site['address']}）招{row['headcount']}人，"
        f"{start:%m月%d日 %H:%M}至{end:%m月%d日 %H:%M}，时薪{row['hourly_pay_cny']}元。"
    ]
    if row["dormitory_beds"]:
        parts.append(f"提供宿舍床位{row['dormitory_beds']}个。")
    if plan.pickups:
        parts.append("包车接送：" + "、".join(p["name"] for p in plan.pickups) + "。")
    parts.append("上岗前请出示健康码并测量体温。")
    return "".join(parts)
