"""The demo seeder: realistic, valid, consistent and deterministic data."""

import hashlib
import json
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from itertools import pairwise

import pytest
import sqlalchemy as sa
from stdnum.cn import ric, uscc

from marketplace.demo.seed import DEMO_PASSWORD, database_is_empty, generate_rows, seed_demo
from marketplace.errors import Conflict
from marketplace.extensions import db
from marketplace.identifiers import normalise_mobile
from marketplace.models import (
    PLACE_HOLDING_STATES,
    Application,
    ApplicationStatus,
    Assignment,
    Association,
    District,
    Factory,
    FactoryMember,
    Industry,
    MemberRole,
    Role,
    Shift,
    ShiftStatus,
    Skill,
    User,
    WorkerKind,
    WorkerProfile,
)
from marketplace.services.accounts import sessions

NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # 09:00 in Shaoxing
WORKERS = 300

CENTRES = {
    "330602": ("越城区", 29.9882, 120.5826),
    "330603": ("柯桥区", 30.0819, 120.4951),
    "330604": ("上虞区", 30.0331, 120.8681),
    "330681": ("诸暨市", 29.7087, 120.2469),
    "330683": ("嵊州市", 29.5614, 120.8310),
    "330624": ("新昌县", 29.4998, 120.9039),
}


@pytest.fixture
def seeded(app):
    """The counts seed_demo returned for a small, fixed-clock demo."""
    assert database_is_empty()
    return seed_demo(workers=WORKERS, seed=2020, now=NOW)


def _all(model):
    return db.session.scalars(sa.select(model).order_by(model.id)).all()


def test_counts_match_the_tables_and_the_request(seeded):
    for model in (District, Association, Factory, User, WorkerProfile, Shift, Application):
        count = db.session.scalar(sa.select(sa.func.count()).select_from(model))
        assert seeded[model.__tablename__] == count
    assert seeded["worker_profiles"] == WORKERS
    workers = db.session.scalar(sa.select(sa.func.count(User.id)).where(User.role == Role.WORKER))
    assert workers == WORKERS
    assert 35 <= seeded["factories"] <= 45
    upcoming = db.session.scalar(sa.select(sa.func.count(Shift.id)).where(Shift.starts_at > NOW))
    assert 140 <= upcoming <= 160
    assert 150 <= seeded["shifts"] - upcoming <= 200  # the four weeks before
    assert not database_is_empty()


def test_districts_are_shaoxings_six_with_their_centres(seeded):
    districts = {d.code: (d.name, d.lat, d.lon) for d in _all(District)}
    assert districts == CENTRES
    assert {d.city for d in _all(District)} == {"绍兴市"}


def test_associations_and_skill_taxonomy(seeded):
    names = {a.name for a in _all(Association)}
    assert {"绍兴市纺织行业协会", "诸暨市袜业协会", "新昌县轴承行业协会"} <= names
    assert all(a.name_en for a in _all(Association))
    skills = _all(Skill)
    assert len(skills) >= 60
    industries = {s.industry for s in skills}
    assert {
        Industry.TEXTILES,
        Industry.GARMENTS,
        Industry.HOSIERY,
        Industry.BEARINGS,
        Industry.MEDICAL_SUPPLIES,
        Industry.LOGISTICS,
        Industry.ELECTRICAL,
        Industry.PACKAGING,
        Industry.CATERING,
        Industry.ECOMMERCE,
        Industry.SMART_MANUFACTURING,
    } <= industries


def test_identifiers_are_valid(seeded):
    for factory in _all(Factory):
        assert uscc.validate(factory.uscc) == factory.uscc
    national_ids = [w.national_id for w in _all(WorkerProfile) if w.national_id]
    assert len(national_ids) > WORKERS * 0.8
    for number in national_ids:
        assert ric.validate(number) == number
    users = _all(User)
    assert all(u.mobile or u.email for u in users)
    mobiles = [u.mobile for u in users if u.mobile]
    assert len(mobiles) == len(set(mobiles))
    for mobile in mobiles:
        assert normalise_mobile(mobile) == mobile
    assert any(u.email and u.mobile for u in users)
    assert any(u.email and not u.mobile for u in users)


def test_workers_of_every_kind_and_only_idle_employees_have_lenders(seeded):
    profiles = _all(WorkerProfile)
    kinds = Counter(p.kind for p in profiles)
    assert set(kinds) == set(WorkerKind)
    assert kinds[WorkerKind.IDLE_EMPLOYEE] > kinds[WorkerKind.EXPERT]
    for p in profiles:
        assert (p.lender_factory_id is not None) == (p.kind == WorkerKind.IDLE_EMPLOYEE)
        assert 5 <= p.max_travel_km <= 50
        assert 2 <= len(p.skills) <= 5


def test_shifts_start_within_two_weeks_and_some_are_full(seeded):
    shifts = [s for s in _all(Shift) if s.starts_at > NOW]
    for s in shifts:
        assert NOW < s.starts_at <= NOW + timedelta(days=14)
        assert timedelta(hours=4) <= s.ends_at - s.starts_at <= timedelta(hours=12)
        assert s.required_skills and s.accepted_count <= s.headcount
    statuses = Counter(s.status for s in shifts)
    assert statuses[ShiftStatus.OPEN] > len(shifts) / 2
    assert statuses[ShiftStatus.PENDING_REVIEW] and statuses[ShiftStatus.DRAFT]
    for s in shifts:
        assert (s.published_at is not None) == (s.status == ShiftStatus.OPEN)
        if s.status == ShiftStatus.PENDING_REVIEW:
            assert not s.factory.is_verified
    full = [s for s in shifts if s.status == ShiftStatus.OPEN and s.is_full]
    assert len(full) >= 5


def test_the_four_weeks_before_ran_and_filled_more_week_by_week(seeded):
    past = [s for s in _all(Shift) if s.starts_at <= NOW]
    assert all(NOW - timedelta(days=29) < s.starts_at and s.ends_at <= NOW for s in past)
    assert {s.status for s in past} == {ShiftStatus.COMPLETED, ShiftStatus.CANCELLED}
    assert all(s.published_at < s.starts_at and s.factory.is_verified for s in past)

    def filled(first_day, last_day):
        week = [
            s
            for s in past
            if s.status == ShiftStatus.COMPLETED
            and NOW - timedelta(days=last_day) <= s.starts_at < NOW - timedelta(days=first_day)
        ]
        return sum(s.accepted_count for s in week) / sum(s.headcount for s in week)

    assert filled(0, 7) > filled(21, 28) + 0.2
    worked = [a for a in _all(Assignment) if a.hours is not None]
    assert len(worked) > 100
    for a in worked:
        length = (a.shift.ends_at - a.shift.starts_at).total_seconds() / 3600
        assert abs(float(a.hours) - length) <= 1
        assert a.application.status == ApplicationStatus.COMPLETED


def test_accepted_counts_match_applications_and_nobody_is_double_booked(seeded):
    holding = db.session.execute(
        sa.select(Application.shift_id, Application.worker_id).where(
            Application.status.in_(PLACE_HOLDING_STATES)
        )
    ).all()
    per_shift = Counter(shift_id for shift_id, _ in holding)
    shifts = {s.id: s for s in _all(Shift)}
    for shift in shifts.values():
        assert shift.accepted_count == per_shift[shift.id]
    assignments = {(a.shift_id, a.worker_id): a for a in _all(Assignment)}
    assert {tuple(row) for row in holding} <= set(assignments)
    # The other places taken were missed or given back late, in the past.
    for key in set(assignments) - {tuple(row) for row in holding}:
        application = assignments[key].application
        assert application.status in (ApplicationStatus.NO_SHOW, ApplicationStatus.CANCELLED)
        assert application.shift.starts_at < NOW
    slots = defaultdict(list)
    for shift_id, worker_id in holding:
        slots[worker_id].append((shifts[shift_id].starts_at, shifts[shift_id].ends_at))
    for times in slots.values():
        times.sort()
        assert all(end <= start for (_, end), (start, _) in pairwise(times))


def test_demo_logins_work(seeded):
    owner = sessions.log_in("+8613800000001", DEMO_PASSWORD, ip="127.0.0.1")
    member = db.session.scalar(sa.select(FactoryMember).where(FactoryMember.user_id == owner.id))
    assert member.role == MemberRole.OWNER and member.factory_id == _all(Factory)[0].id
    worker = sessions.log_in("+8613900000001", DEMO_PASSWORD, ip="127.0.0.1")
    assert worker.role == Role.WORKER and worker.worker_profile is not None
    moderator = sessions.log_in("+8613700000001", DEMO_PASSWORD, ip="127.0.0.1")
    assert moderator.role == Role.MODERATOR and moderator.association_id
    assert sessions.log_in("+8613600000001", DEMO_PASSWORD, ip="127.0.0.1").role == Role.ADMIN


def test_new_rows_after_seeding_get_fresh_ids(seeded):
    # On PostgreSQL the seeder's explicit ids must not leave the id sequences behind.
    user = User(role=Role.ADMIN, name="新管理员", email="new@example.org", password_hash="x")
    db.session.add(user)
    db.session.commit()
    assert user.id == seeded["users"] + 1


def test_a_second_seed_is_refused(seeded):
    with pytest.raises(Conflict):
        seed_demo(workers=10, now=NOW)


def _digest(workers: int, seed: int) -> str:
    # The password hash has a random salt, so a fixed stand-in keeps the digest stable.
    batches = generate_rows(workers=workers, seed=seed, now=NOW, password_hash="x")
    text = json.dumps([(m.__tablename__, rows) for m, rows in batches], default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def test_same_seed_same_data_other_seed_other_data():
    assert _digest(WORKERS, 2020) == _digest(WORKERS, 2020)
    assert _digest(WORKERS, 2020) != _digest(WORKERS, 2021)


def test_factories_do_not_depend_on_the_number_of_workers():
    def factories(workers):
        batches = generate_rows(workers=workers, seed=7, now=NOW, password_hash="x")
        return next(rows for model, rows in batches if model is Factory)

    assert factories(10) == factories(500)


def test_the_database_holds_exactly_the_generated_rows(seeded):
    planned = defaultdict(list)
    for model, rows in generate_rows(workers=WORKERS, seed=2020, now=NOW, password_hash="x"):
        planned[model].extend(rows)
    stored_users = [(u.id, u.name, u.mobile, u.email) for u in _all(User)]
    assert stored_users == [(u["id"], u["name"], u["mobile"], u["email"]) for u in planned[User]]
    stored_shifts = [(s.id, s.starts_at, s.hourly_pay_cny, s.accepted_count) for s in _all(Shift)]
    assert stored_shifts == [
        (s["id"], s["starts_at"], s["hourly_pay_cny"], s["accepted_count"]) for s in planned[Shift]
    ]


def test_lent_idle_employees_work_elsewhere_only_under_an_approved_agreement(seeded):
    from zoneinfo import ZoneInfo

    from marketplace.models import AgreementStatus, WorkerKind

    shanghai = ZoneInfo("Asia/Shanghai")
    checked = 0
    for application in _all(Application):
        worker = application.worker
        if worker.kind != WorkerKind.IDLE_EMPLOYEE or application.status not in (
            PLACE_HOLDING_STATES
        ):
            continue
        agreement = application.lending_agreement
        assert agreement is not None and agreement.status == AgreementStatus.APPROVED
        assert agreement.worker_id == worker.id
        assert agreement.lender_factory_id == worker.lender_factory_id
        assert agreement.borrower_factory_id == application.shift.factory_id
        assert agreement.covers(application.shift.starts_at.astimezone(shanghai).date())
        assert application.assignment.lending_agreement_id == agreement.id
        checked += 1
    assert checked > 0
