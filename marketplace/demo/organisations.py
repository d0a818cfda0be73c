"""Rows for the reference tables, the associations, the factories and their staff."""

from collections.abc import Iterator
from datetime import timedelta

from ..models import (
    Association,
    CertificateType,
    District,
    Factory,
    FactoryMember,
    Industry,
    MemberRole,
    MemberStatus,
    Role,
    Site,
    Skill,
    User,
    UserStatus,
    VerificationStatus,
)
from . import factories, people
from .taxonomy import ASSOCIATIONS, CERTIFICATE_TYPES, CITY, DISTRICTS, SKILLS, district_by_code
from .world import FactoryInfo, World

Batch = tuple[type, list[dict]]

# Out of ~40 factories: how many wait, were turned down or were suspended by their association.
UNVERIFIED_STATUSES = (
    (VerificationStatus.PENDING, 3),
    (VerificationStatus.REJECTED, 1),
    (VerificationStatus.SUSPENDED, 2),
)


def reference_rows(world: World) -> Iterator[Batch]:
    """Districts, associations, the skill taxonomy and certificate types."""
    yield District, _district_rows(world)
    yield Association, _association_rows(world)
    yield Skill, _skill_rows(world)
    rows = []
    ids = world.take_ids("certificate_types", len(CERTIFICATE_TYPES))
    for cert, cert_id in zip(CERTIFICATE_TYPES, ids, strict=True):
        world.certificate_ids[cert.code] = cert_id
        rows.append({"id": cert_id, **cert._asdict()})
    yield CertificateType, rows


def _district_rows(world: World) -> list[dict]:
    rows = []
    for d, district_id in zip(DISTRICTS, world.take_ids("districts", len(DISTRICTS)), strict=True):
        world.district_ids[d.code] = district_id
        rows.append(
            {
                "id": district_id,
                "code": d.code,
                "name": d.name,
                "name_en": d.name_en,
                "city": CITY,
                "lat": d.lat,
                "lon": d.lon,
            }
        )
    return rows


def _association_rows(world: World) -> list[dict]:
    rows = []
    ids = world.take_ids("associations", len(ASSOCIATIONS))
    for a, association_id in zip(ASSOCIATIONS, ids, strict=True):
        world.association_ids[a.industry] = association_id
        world.district_association[a.district_code] = association_id
        rows.append(
            {
                "id": association_id,
                "name": a.name,
                "name_en": a.name_en,
                "industry": a.industry,
                "district_id": world.district_ids[a.district_code],
                "created_at": world.days_ago(400, 500),
            }
        )
    return rows


def _skill_rows(world: World) -> list[dict]:
    rows = []
    ids = iter(world.take_ids("skills", sum(len(g) for g in SKILLS.values())))
    for industry, group in SKILLS.items():
        world.skills[industry] = []
        for code, name_zh, name_en in group:
            row = {"id": next(ids), "code": code, "name_zh": name_zh, "name_en": name_en}
            row["industry"] = industry
            world.skills[industry].append(row)
            world.skill_codes[row["id"]] = code
            rows.append(row)
    return rows


def association_for(world: World, industry: Industry, district_code: str) -> int:
    """The association of the industry, or else the one based in the district."""
    return world.association_ids.get(industry) or world.district_association[district_code]


def factory_rows(world: World) -> Iterator[Batch]:
    """Factories with their sites, staff accounts and memberships."""
    plan = factories.plan_factories(world.rng)
    statuses = _verification_statuses(world, len(plan))
    rows = []
    ids = world.take_ids("factories", len(plan))
    for data, factory_id, status in zip(plan, ids, statuses, strict=True):
        created = world.days_ago(60, 400)
        verified = status == VerificationStatus.VERIFIED
        info = FactoryInfo(
            id=factory_id,
            name=data.name,
            industry=data.industry,
            district_code=data.district_code,
            association_id=association_for(world, data.industry, data.district_code),
            verified=verified,
            status=status,
        )
        world.factories.append(info)
        rows.append(
            {
                "id": factory_id,
                "name": data.name,
                "uscc": data.uscc,
                "industry": data.industry,
                "association_id": info.association_id,
                "verification_status": status,
                "verified_at": created + timedelta(days=world.rng.randint(1, 20))
                if verified
                else None,
                "created_at": created,
            }
        )
    yield Factory, rows
    yield Site, _site_rows(world)
    yield from _staff_rows(world)


def _verification_statuses(world: World, count: int) -> list[VerificationStatus]:
    # The first factory stays verified: its owner is the well-known demo login.
    statuses = [VerificationStatus.VERIFIED] * count
    others = world.rng.sample(range(1, count), sum(n for _, n in UNVERIFIED_STATUSES))
    for status, n in UNVERIFIED_STATUSES:
        for index in others[:n]:
            statuses[index] = status
        others = others[n:]
    return statuses


def _site_rows(world: World) -> list[dict]:
    rows = []
    for info in world.factories:
        district = district_by_code(info.district_code)
        for index in range(1 if world.rng.random() < 0.6 else 2):
            town, address = factories.site_address(world.rng, district)
            lat, lon = people.scatter(world.rng, district.lat, district.lon, 5.0)
            site = {
                "id": world.take_ids("sites", 1)[0],
                "factory_id": info.id,
                "name": factories.site_name(index, town),
                "address": address,
                "district_id": world.district_ids[district.code],
                "lat": lat,
                "lon": lon,
            }
            info.sites.append(site)
            rows.append(site)
    return rows


def _staff_rows(world: World) -> Iterator[Batch]:
    users, members = [], []
    for info in world.factories:
        for index in range(world.rng.randint(1, 3)):
            # Staff get the block +86 138 0000 nnnn: the first factory's owner is ...0001.
            mobile = world.mobiles.sequential("138", len(users) + 1)
            user = user_row(world, Role.FACTORY_STAFF, mobile)
            if world.rng.random() < 0.3:
                user["email"] = f"staff{user['id']}@example.com"
            users.append(user)
            owner = index == 0
            if owner:
                info.owner_user_id = user["id"]
            members.append(
                {
                    "id": world.take_ids("factory_members", 1)[0],
                    "factory_id": info.id,
                    "user_id": user["id"],
                    "role": MemberRole.OWNER if owner else MemberRole.STAFF,
                    "status": MemberStatus.ACTIVE
                    if owner or world.rng.random() < 0.8
                    else MemberStatus.PENDING,
                    "created_at": user["created_at"],
                }
            )
    yield User, users
    yield FactoryMember, members


def moderator_rows(world: World) -> Iterator[Batch]:
    """One moderator per association (+86 137 0000 000n) and one admin (+86 136 0000 0001)."""
    users = []
    for n, association_id in enumerate(world.association_ids.values(), start=1):
        user = user_row(world, Role.MODERATOR, world.mobiles.sequential("137", n))
        user["association_id"] = association_id
        user["email"] = f"moderator{n}@example.org"
        users.append(user)
    admin = user_row(world, Role.ADMIN, world.mobiles.sequential("136", 1))
    admin["email"] = "admin@example.org"
    users.append(admin)
    yield User, users


def user_row(world: World, role: Role, mobile: str | None, *, male: bool | None = None) -> dict:
    """A user with the shared demo password hash; the caller may add an email."""
    if male is None:
        male = world.rng.random() < 0.5
    return {
        "id": world.take_ids("users", 1)[0],
        "role": role,
        "name": people.chinese_name(world.rng, male),
        "mobile": mobile,
        "email": None,
        "password_hash": world.password_hash,
        "status": UserStatus.ACTIVE,
        "association_id": None,
        "locale": None,
        "created_at": world.days_ago(1, 300),
        "last_login_at": None,
    }
