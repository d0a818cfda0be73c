"""Creator fixtures: each returns a function that makes one valid object and commits it."""

import itertools
from datetime import timedelta
from decimal import Decimal

import pytest
from stdnum.cn import ric, uscc

from marketplace.extensions import db
from marketplace.models import (
    Association,
    District,
    Factory,
    FactoryMember,
    Industry,
    MemberRole,
    MemberStatus,
    Role,
    Shift,
    ShiftRequiredSkill,
    ShiftStatus,
    Site,
    Skill,
    User,
    VerificationStatus,
    WorkerKind,
    WorkerProfile,
    WorkerSkill,
    kinds_to_mask,
    utcnow,
)
from marketplace.services.accounts.passwords import hash_password

PASSWORD = "Weaving-Loom-7342"
_counter = itertools.count(1)
_PASSWORD_HASH = None


def password_hash() -> str:
    """Hash once per run: argon2 is slow on purpose."""
    global _PASSWORD_HASH
    if _PASSWORD_HASH is None:
        _PASSWORD_HASH = hash_password(PASSWORD)
    return _PASSWORD_HASH


def valid_uscc(n: int) -> str:
    """A credit code registered in Shaoxing's Yuecheng district, with a true check digit."""
    body = f"91330602{n:09d}"[:17]
    return body + uscc.calc_check_digit(body)


def valid_national_id(n: int, born: str = "19900314") -> str:
    """A Yuecheng-born resident identity number with a true check digit."""
    body = f"330602{born}{n % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")  # it ignores the last character


def unique_mobile() -> str:
    return f"+86138{next(_counter):08d}"


@pytest.fixture
def make_district(app):
    def make(code="330602", name="越城区", lat=29.9882, lon=120.5826):
        district = District(code=code, name=name, name_en=name, city="绍兴市", lat=lat, lon=lon)
        db.session.add(district)
        db.session.commit()
        return district

    return make


@pytest.fixture
def district(make_district):
    return make_district()


@pytest.fixture
def make_association(app, district):
    def make(name=None, industry=Industry.TEXTILES):
        n = next(_counter)
        association = Association(
            name=name or f"纺织行业协会{n}",
            name_en=f"Textile association {n}",
            industry=industry,
            district_id=district.id,
        )
        db.session.add(association)
        db.session.commit()
        return association

    return make


@pytest.fixture
def make_user(app):
    def make(role=Role.WORKER, *, mobile=None, email=None, association=None, name="测试用户"):
        user = User(
            role=role,
            name=name,
            mobile=mobile or (None if email else unique_mobile()),
            email=email,
            password_hash=password_hash(),
            association_id=association.id if association else None,
        )
        db.session.add(user)
        db.session.commit()
        return user

    return make


@pytest.fixture
def make_factory(app, make_association, make_user, district):
    def make(*, association=None, status=VerificationStatus.VERIFIED, owner=None):
        n = next(_counter)
        association = association or make_association()
        owner = owner or make_user(Role.FACTORY_STAFF)
        factory = Factory(
            name=f"绍兴测试纺织有限公司{n}",
            uscc=valid_uscc(n),
            industry=Industry.TEXTILES,
            association_id=association.id,
            verification_status=status,
        )
        site = Site(
            factory=factory,
            name="一号车间",
            address="越城区测试路1号",
            district_id=district.id,
            lat=district.lat,
            lon=district.lon,
        )
        db.session.add_all([factory, site])
        db.session.add(
            FactoryMember(
                factory=factory, user=owner, role=MemberRole.OWNER, status=MemberStatus.ACTIVE
            )
        )
        db.session.commit()
        return factory

    return make


@pytest.fixture
def make_worker(app, make_user, district):
    def make(kind=WorkerKind.RETIREE, **user_kwargs):
        user = make_user(Role.WORKER, **user_kwargs)
        user.worker_profile = WorkerProfile(
            kind=kind, home_district_id=district.id, home_lat=district.lat, home_lon=district.lon
        )
        db.session.commit()
        return user.worker_profile

    return make


@pytest.fixture
def make_shift(app, make_factory):
    def make(
        *,
        factory=None,
        headcount=5,
        status=ShiftStatus.OPEN,
        starts_in_hours=48,
        hours=8,
        title="挡车工",
    ):
        factory = factory or make_factory()
        starts = utcnow() + timedelta(hours=starts_in_hours)
        shift = Shift(
            factory=factory,
            site=factory.sites[0],
            title=title,
            starts_at=starts,
            ends_at=starts + timedelta(hours=hours),
            headcount=headcount,
            hourly_pay_cny=Decimal("25.00"),
            status=status,
        )
        db.session.add(shift)
        db.session.commit()
        return shift

    return make


@pytest.fixture
def moderator_of(make_user):
    """Makes a moderator of a factory's own association."""
    return lambda factory: make_user(Role.MODERATOR, association=factory.association)


@pytest.fixture
def loom(app):
    """The loom-operation skill."""
    skill = Skill(
        code="weaving.loom", name_zh="挡车", name_en="Loom operation", industry=Industry.TEXTILES
    )
    db.session.add(skill)
    db.session.commit()
    return skill


@pytest.fixture
def placement_scene(make_factory, make_shift, make_worker, moderator_of, loom):
    """Two overlapping one-place shifts; one worker fits both, the other only the first.

    Whoever takes the best-looking pair first fills one place; the optimum fills both.
    """
    factory = make_factory()
    first = make_shift(factory=factory, headcount=1, starts_in_hours=48)
    second = make_shift(factory=factory, headcount=1, starts_in_hours=50)
    second.accepted_kinds_mask = kinds_to_mask([WorkerKind.RETIREE])
    both = make_worker(WorkerKind.RETIREE)
    one = make_worker(WorkerKind.CROSS_INDUSTRY)
    for shift in (first, second):
        db.session.add(ShiftRequiredSkill(shift_id=shift.id, skill_id=loom.id, min_level=2))
    for worker, level in ((both, 5), (one, 2)):
        db.session.add(WorkerSkill(worker_id=worker.id, skill_id=loom.id, level=level))
    db.session.commit()
    return {
        "factory": factory,
        "first": first,
        "second": second,
        "both": both,
        "one": one,
        "moderator": moderator_of(factory),
    }
