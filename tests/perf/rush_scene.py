"""The morning rush's scene, added to a seeded demo database straight through the models.

A few verified factories of the demo's first association share one site's neighbourhood and
post shifts that all start tomorrow at 08:00 in Shanghai, so every pair overlaps and a worker
can hold one place at most. The rush's workers are volunteers and retirees living nearby,
with no skills, certificates, lender or availability limits: every one is eligible for every
shift (services/applications/eligibility.py) until they hold a place. Everyone authenticates
with an API token whose secret we choose here; no account gets a password (argon2 per account
is slow).
"""

import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import select
from stdnum.cn import uscc

from marketplace.demo.people import scatter
from marketplace.extensions import db
from marketplace.models import (
    ApiToken,
    Association,
    District,
    Factory,
    FactoryMember,
    MemberRole,
    MemberStatus,
    Role,
    Shift,
    ShiftStatus,
    Site,
    User,
    UserStatus,
    VerificationStatus,
    WorkerKind,
    WorkerProfile,
)
from marketplace.services.accounts.api_tokens import token_hash

SHANGHAI = ZoneInfo("Asia/Shanghai")
NO_PASSWORD = "!"  # no argon2 hash matches it: these accounts only use API tokens
WORKER_KINDS = (WorkerKind.VOLUNTEER, WorkerKind.RETIREE)
SHIFT_HOURS = 9
HOME_SIGMA_KM = 4.0
MAX_TRAVEL_KM = 100.0


@dataclass
class Staff:
    """A factory staff member's token and the shifts their client looks after."""

    user_id: int
    factory_id: int
    secret: str
    shift_ids: list[int] = field(default_factory=list)


@dataclass
class RushWorker:
    """A rush worker: profile id, user id, token secret."""

    worker_id: int
    user_id: int
    secret: str


@dataclass
class Scene:
    """What the clients and the checks need to know about the rush."""

    shift_ids: list[int]
    headcount: int
    starts_at: datetime
    staff: list[Staff]
    workers: list[RushWorker]


def tomorrow_at_eight(now: datetime | None = None) -> datetime:
    """Tomorrow 08:00 in Shanghai, as an aware UTC time."""
    now = now or datetime.now(UTC)
    day = now.astimezone(SHANGHAI).date() + timedelta(days=1)
    return datetime.combine(day, time(8, 0), tzinfo=SHANGHAI).astimezone(UTC)


def _secret(label: str) -> str:
    return f"mkt_rush_{label}_{secrets.token_urlsafe(24)}"


def _token(user: User, secret: str) -> ApiToken:
    return ApiToken(
        user=user,
        name="rush",
        token_hash=token_hash(secret),
        prefix=secret[:10],
        expires_at=datetime.now(UTC) + timedelta(days=1),
    )


def _free_mobiles(prefix: str, count: int) -> list[str]:
    # A block of numbers the demo's random ones might touch: skip any already taken.
    taken = set(db.session.scalars(select(User.mobile).where(User.mobile.like(f"+86{prefix}%"))))
    digits = 11 - len(prefix)  # a mainland mobile number has 11 digits
    numbers = (f"+86{prefix}{n:0{digits}d}" for n in range(1, 10**digits))
    return [m for m, _ in zip((m for m in numbers if m not in taken), range(count), strict=False)]


def _factories(association: Association, district: District, count: int) -> list[Factory]:
    factories = []
    for n in range(count):
        body = f"91330602MA2RUNH{n:02d}"
        factory = Factory(
            name=f"绍兴早高峰纺织{n + 1}厂",
            uscc=body + uscc.calc_check_digit(body),
            industry=association.industry,
            association=association,
            verification_status=VerificationStatus.VERIFIED,
            verified_at=datetime.now(UTC),
        )
        lat, lon = district.lat, district.lon
        factory.sites.append(
            Site(name="一号车间", address="柯桥区早高峰路1号", district=district, lat=lat, lon=lon)
        )
        factories.append(factory)
    return factories


def _staff(factories: list[Factory], mobiles: list[str]) -> list[tuple[User, Factory, str]]:
    made = []
    for factory, mobile in zip(factories, mobiles, strict=True):
        user = User(role=Role.FACTORY_STAFF, name="调度员", mobile=mobile)
        user.password_hash = NO_PASSWORD
        db.session.add(
            FactoryMember(
                factory=factory, user=user, role=MemberRole.OWNER, status=MemberStatus.ACTIVE
            )
        )
        secret = _secret(f"staff{len(made)}")
        db.session.add(_token(user, secret))
        made.append((user, factory, secret))
    return made


def _shifts(factories, staff, count: int, headcount: int, starts_at: datetime) -> list[Shift]:
    shifts = []
    for n in range(count):
        factory = factories[n % len(factories)]
        owner = staff[n % len(factories)][0]
        shifts.append(
            Shift(
                factory=factory,
                site=factory.sites[0],
                title=f"早班包装 {n + 1:03d}",
                description="早高峰压力测试",
                starts_at=starts_at,
                ends_at=starts_at + timedelta(hours=SHIFT_HOURS),
                headcount=headcount,
                hourly_pay_cny=Decimal("28.00"),
                max_distance_km=50.0,
                status=ShiftStatus.OPEN,
                created_by=owner,
                published_at=datetime.now(UTC),
            )
        )
    db.session.add_all(shifts)
    return shifts


def _workers(district: District, mobiles: list[str], rng) -> list[tuple[User, WorkerProfile, str]]:
    made = []
    for n, mobile in enumerate(mobiles):
        user = User(role=Role.WORKER, name=f"早班工{n + 1:04d}", mobile=mobile)
        user.password_hash = NO_PASSWORD
        user.status = UserStatus.ACTIVE
        lat, lon = scatter(rng, district.lat, district.lon, HOME_SIGMA_KM)
        profile = WorkerProfile(
            user=user,
            kind=WORKER_KINDS[n % len(WORKER_KINDS)],
            home_district=district,
            home_lat=lat,
            home_lon=lon,
            max_travel_km=MAX_TRAVEL_KM,
            needs_housing=False,
        )
        secret = _secret(f"w{n}")
        db.session.add_all([user, profile, _token(user, secret)])
        made.append((user, profile, secret))
    return made


def build_scene(
    *, workers: int, shifts: int, headcount: int, factories: int, rng, now: datetime | None = None
) -> Scene:
    """Add the rush's factories, shifts, workers and tokens; commit and describe them."""
    association = db.session.scalar(select(Association).order_by(Association.id).limit(1))
    if association is None:
        raise RuntimeError("seed the demo first: no association found")
    district = association.district
    made_factories = _factories(association, district, factories)
    db.session.add_all(made_factories)
    staff = _staff(made_factories, _free_mobiles("1380009", factories))
    starts_at = tomorrow_at_eight(now)
    made_shifts = _shifts(made_factories, staff, shifts, headcount, starts_at)
    made_workers = _workers(district, _free_mobiles("1599", workers), rng)
    db.session.commit()
    by_factory = {}
    for shift in made_shifts:
        by_factory.setdefault(shift.factory_id, []).append(shift.id)
    return Scene(
        shift_ids=[s.id for s in made_shifts],
        headcount=headcount,
        starts_at=starts_at,
        staff=[Staff(u.id, f.id, secret, by_factory[f.id]) for u, f, secret in staff],
        workers=[RushWorker(p.id, u.id, secret) for u, p, secret in made_workers],
    )
