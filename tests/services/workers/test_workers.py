"""A worker edits their own profile, skills, certificates and availability; nobody else can."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from marketplace.errors import Forbidden, Invalid, NotFound
from marketplace.extensions import db
from marketplace.models import (
    AgreementStatus,
    Application,
    AvailabilityWindow,
    CertificateType,
    LendingAgreement,
    Payer,
    Role,
    WorkerCertificate,
    WorkerKind,
    WorkerSkill,
    utcnow,
)
from marketplace.services.moderation import decisions as moderation
from marketplace.services.workers import availability as worker_availability
from marketplace.services.workers import certificates as worker_certificates
from marketplace.services.workers import profile as workers
from marketplace.services.workers.profile import ProfileInput
from tests.helpers import audited, events, owner


@pytest.fixture
def electrician(app):
    kind = CertificateType(code="electrician", name_zh="电工证", name_en="Electrician")
    db.session.add(kind)
    db.session.commit()
    return kind


def profile(worker, **overrides) -> ProfileInput:
    values = {
        "kind": worker.kind.value,
        "home_source": "district",
        "district_id": worker.home_district_id,
        "max_travel_km": 25,
    }
    return ProfileInput(**{**values, **overrides})


def snapshot(worker) -> tuple:
    """Everything a refused action must leave as it was."""
    db.session.expire_all()
    row = db.session.execute(
        sa.text(
            "SELECT kind, home_lat, home_lon, max_travel_km, lender_factory_id, needs_housing"
            " FROM worker_profiles WHERE id = :id"
        ),
        {"id": worker.id},
    ).one()
    counts = tuple(
        db.session.scalar(sa.select(sa.func.count()).select_from(model))
        for model in (WorkerSkill, WorkerCertificate, AvailabilityWindow)
    )
    return (*row, *counts)


# ---- the profile ---------------------------------------------------------------------------


def test_a_worker_updates_their_profile_with_typed_coordinates(make_worker):
    worker = make_worker()
    data = profile(worker, home_source="coordinates", lat=30.05, lon=120.9, needs_housing=True)
    workers.update_profile(worker.user, worker.id, data)
    db.session.expire_all()
    assert (worker.home_lat, worker.home_lon, worker.max_travel_km) == (30.05, 120.9, 25)
    assert worker.needs_housing is True
    (event,) = events("worker.profile_updated")
    assert event.actor_id == worker.user_id
    assert set(event.details["changed"]) >= {"home_lat", "home_lon", "max_travel_km"}
    assert "30.05" not in str(event.details)  # where someone lives stays out of the trail


def test_choosing_a_district_puts_the_home_at_its_centre(make_worker, make_district):
    worker = make_worker()
    keqiao = make_district(code="330603", name="柯桥区", lat=30.08, lon=120.49)
    workers.update_profile(worker.user, worker.id, profile(worker, district_id=keqiao.id))
    db.session.expire_all()
    assert (worker.home_district_id, worker.home_lat, worker.home_lon) == (keqiao.id, 30.08, 120.49)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"kind": "astronaut"}, "kind"),
        ({"home_source": "guess"}, "home_source"),
        ({"district_id": None}, "district_id"),
        ({"district_id": 9999}, "district_id"),
        ({"home_source": "coordinates", "lat": 95.0, "lon": 120.0}, "lat"),
        ({"home_source": "coordinates", "lat": 30.0, "lon": 181.0}, "lon"),
        ({"home_source": "coordinates", "lat": None, "lon": 120.0}, "lat"),
        ({"home_source": "coordinates", "lat": 30.0, "lon": float("nan")}, "lon"),
        ({"max_travel_km": 0}, "max_travel_km"),
        ({"max_travel_km": 501}, "max_travel_km"),
        ({"max_travel_km": None}, "max_travel_km"),
        ({"kind": "idle_employee", "lender_factory_id": None}, "lender_factory_id"),
        ({"kind": "idle_employee", "lender_factory_id": 9999}, "lender_factory_id"),
    ],
)
def test_each_bad_profile_value_is_named_on_its_field(make_worker, overrides, field):
    worker = make_worker()
    before = snapshot(worker)
    with pytest.raises(Invalid) as caught:
        workers.update_profile(worker.user, worker.id, profile(worker, **overrides))
    assert list(caught.value.fields) == [field]
    db.session.rollback()
    assert snapshot(worker) == before
    assert audited("worker.profile_updated") == 0


def test_an_idle_employee_names_their_lender_and_others_lose_it(make_worker, make_factory):
    worker = make_worker()
    lender = make_factory()
    data = profile(worker, kind="idle_employee", lender_factory_id=lender.id)
    workers.update_profile(worker.user, worker.id, data)
    assert worker.lender_factory_id == lender.id
    # A retiree has no employer to lend them: the lender goes with the kind.
    workers.update_profile(worker.user, worker.id, profile(worker, kind="retiree"))
    db.session.expire_all()
    assert (worker.kind, worker.lender_factory_id) == (WorkerKind.RETIREE, None)


def test_the_lender_cannot_change_under_a_live_agreement(make_worker, make_factory):
    lender, borrower, other = make_factory(), make_factory(), make_factory()
    worker = make_worker(WorkerKind.IDLE_EMPLOYEE)
    worker.lender_factory_id = lender.id
    today = date.today()
    db.session.add(
        LendingAgreement(
            worker_id=worker.id,
            lender_factory_id=lender.id,
            borrower_factory_id=borrower.id,
            starts_on=today,
            ends_on=today + timedelta(days=10),
            wage_payer=Payer.BORROWER,
            insurance_payer=Payer.BORROWER,
            settlement_rate_cny=30,
            status=AgreementStatus.APPROVED,
        )
    )
    db.session.commit()
    data = profile(worker, kind="idle_employee", lender_factory_id=other.id)
    with pytest.raises(Invalid) as caught:
        workers.update_profile(worker.user, worker.id, data)
    assert list(caught.value.fields) == ["lender_factory_id"]
    with pytest.raises(Invalid) as caught:
        workers.update_profile(worker.user, worker.id, profile(worker, kind="retiree"))
    assert list(caught.value.fields) == ["kind"]


# ---- authorisation -------------------------------------------------------------------------


def _refused_actions(worker, other_worker):
    skill_id = other_worker.skills[0].id
    return [
        ("worker.update_profile", lambda a: workers.update_profile(a, worker.id, profile(worker))),
        ("worker.set_skill", lambda a: workers.set_skill(a, worker.id, skill_id, 3)),
        ("worker.remove_skill", lambda a: workers.remove_skill(a, skill_id)),
        (
            "worker.add_availability",
            lambda a: worker_availability.add_availability(
                a, worker.id, utcnow() + timedelta(days=1), utcnow() + timedelta(days=2)
            ),
        ),
    ]


@pytest.mark.parametrize("who", ["another worker", "factory staff", "moderator"])
def test_nobody_else_may_change_a_profile(
    make_worker, make_factory, make_user, make_association, loom, who
):
    worker = make_worker()
    db.session.add(WorkerSkill(worker_id=worker.id, skill_id=loom.id, level=2))
    db.session.commit()
    actor = {
        "another worker": lambda: make_worker().user,
        "factory staff": lambda: owner(make_factory()),
        "moderator": lambda: make_user(Role.MODERATOR, association=make_association()),
    }[who]()
    before = snapshot(worker)
    for action, call in _refused_actions(worker, worker):
        with pytest.raises(Forbidden):
            call(actor)
        db.session.rollback()
        assert audited("denied." + action) == 1
        (event,) = events("denied." + action)
        assert event.actor_id == actor.id
    assert snapshot(worker) == before


def test_saving_an_unchanged_profile_records_nothing(make_worker):
    worker = make_worker()
    same = profile(worker, max_travel_km=worker.max_travel_km)
    workers.update_profile(worker.user, worker.id, same)
    assert audited("worker.profile_updated") == 0


def test_an_unknown_worker_is_not_found(make_worker):
    worker = make_worker()
    with pytest.raises(NotFound):
        workers.update_profile(worker.user, 9999, profile(worker))
    with pytest.raises(NotFound):
        workers.remove_skill(worker.user, 9999)


# ---- skills --------------------------------------------------------------------------------


def test_a_declared_skill_is_unverified_and_a_level_change_drops_verification(
    make_worker, make_shift, moderator_of, loom
):
    worker = make_worker()
    held = workers.set_skill(worker.user, worker.id, loom.id, 2)
    assert (held.level, held.is_verified) == (2, False)
    assert audited("worker.skill_declared") == 1
    # An association that knows the worker (through an application) verifies the skill.
    shift = make_shift()
    db.session.add(Application(worker_id=worker.id, shift_id=shift.id))
    db.session.commit()
    moderator = moderator_of(shift.factory)
    moderation.verify_worker_skill(moderator, held.id)
    assert held.is_verified
    workers.set_skill(worker.user, worker.id, loom.id, 4)
    db.session.expire_all()
    held = db.session.get(WorkerSkill, held.id)
    assert held.level == 4
    assert (held.verified_at, held.verified_by_association_id) == (None, None)
    (event,) = events("worker.skill_changed")
    assert event.details["verification_dropped"] is True


def test_saving_the_same_level_keeps_the_verification(make_worker, loom):
    worker = make_worker()
    held = WorkerSkill(worker_id=worker.id, skill_id=loom.id, level=3, verified_at=utcnow())
    db.session.add(held)
    db.session.commit()
    workers.set_skill(worker.user, worker.id, loom.id, 3)
    db.session.expire_all()
    assert db.session.get(WorkerSkill, held.id).is_verified
    assert audited("worker.skill_changed") == 0


@pytest.mark.parametrize(
    ("skill", "level", "field"),
    [(None, 3, "skill_id"), (9999, 3, "skill_id"), ("loom", 0, "level"), ("loom", 6, "level")],
)
def test_bad_skill_values_are_named(make_worker, loom, skill, level, field):
    worker = make_worker()
    skill_id = loom.id if skill == "loom" else skill
    with pytest.raises(Invalid) as caught:
        workers.set_skill(worker.user, worker.id, skill_id, level)
    assert list(caught.value.fields) == [field]
    assert db.session.scalar(sa.select(sa.func.count(WorkerSkill.id))) == 0


def test_a_worker_removes_a_skill(make_worker, loom):
    worker = make_worker()
    held = workers.set_skill(worker.user, worker.id, loom.id, 2)
    workers.remove_skill(worker.user, held.id)
    assert db.session.scalar(sa.select(sa.func.count(WorkerSkill.id))) == 0
    assert audited("worker.skill_removed") == 1


# ---- certificates --------------------------------------------------------------------------


def test_a_certificate_is_added_then_a_change_drops_its_verification(make_worker, electrician):
    worker = make_worker()
    until = date.today() + timedelta(days=400)
    held = worker_certificates.set_certificate(
        worker.user, worker.id, electrician.id, " T123 ", until
    )
    assert (held.number, held.valid_until, held.verified_at) == ("T123", until, None)
    held.verified_at = utcnow()
    db.session.commit()
    worker_certificates.set_certificate(worker.user, worker.id, electrician.id, "T999", until)
    db.session.expire_all()
    held = db.session.get(WorkerCertificate, held.id)
    assert (held.number, held.verified_at) == ("T999", None)
    worker_certificates.remove_certificate(worker.user, held.id)
    assert db.session.scalar(sa.select(sa.func.count(WorkerCertificate.id))) == 0
    assert [audited(f"worker.certificate_{a}") for a in ("added", "changed", "removed")] == [1] * 3


@pytest.mark.parametrize(
    ("type_id", "number", "days", "field"),
    [
        (None, "T1", 30, "certificate_type_id"),
        ("ok", "  ", 30, "number"),
        ("ok", "x" * 41, 30, "number"),
        ("ok", "T1", -2, "valid_until"),
    ],
)
def test_bad_certificate_values_are_named(make_worker, electrician, type_id, number, days, field):
    worker = make_worker()
    type_id = electrician.id if type_id == "ok" else type_id
    until = date.today() + timedelta(days=days)
    with pytest.raises(Invalid) as caught:
        worker_certificates.set_certificate(worker.user, worker.id, type_id, number, until)
    assert list(caught.value.fields) == [field]
    assert db.session.scalar(sa.select(sa.func.count(WorkerCertificate.id))) == 0


def test_another_worker_cannot_remove_my_certificate(make_worker, electrician):
    worker, other = make_worker(), make_worker()
    held = worker_certificates.set_certificate(worker.user, worker.id, electrician.id, "T1", None)
    with pytest.raises(Forbidden):
        worker_certificates.remove_certificate(other.user, held.id)
    assert audited("denied.worker.remove_certificate") == 1
    assert db.session.scalar(sa.select(sa.func.count(WorkerCertificate.id))) == 1


# ---- availability --------------------------------------------------------------------------


def test_a_worker_adds_and_removes_availability(make_worker):
    worker = make_worker()
    start = utcnow() + timedelta(days=1)
    window = worker_availability.add_availability(
        worker.user, worker.id, start, start + timedelta(hours=10)
    )
    assert audited("worker.availability_added") == 1
    other = make_worker()
    with pytest.raises(Forbidden):
        worker_availability.remove_availability(other.user, window.id)
    assert audited("denied.worker.remove_availability") == 1
    worker_availability.remove_availability(worker.user, window.id)
    assert db.session.scalar(sa.select(sa.func.count(AvailabilityWindow.id))) == 0


@pytest.mark.parametrize(
    ("start_hours", "end_hours", "field"),
    [
        (10, 5, "ends_at"),
        (-30, -20, "ends_at"),
        (0, 24 * 400, "ends_at"),
        (30, 40, "starts_at"),  # overlaps the window the test gives first
    ],
)
def test_bad_availability_is_named(make_worker, start_hours, end_hours, field):
    worker = make_worker()
    now = utcnow()
    worker_availability.add_availability(
        worker.user, worker.id, now + timedelta(hours=24), now + timedelta(hours=36)
    )
    with pytest.raises(Invalid) as caught:
        worker_availability.add_availability(
            worker.user,
            worker.id,
            now + timedelta(hours=start_hours),
            now + timedelta(hours=end_hours),
        )
    assert list(caught.value.fields) == [field]
    assert db.session.scalar(sa.select(sa.func.count(AvailabilityWindow.id))) == 1


def test_availability_needs_times_with_a_zone(make_worker):
    worker = make_worker()
    naive = utcnow().replace(tzinfo=None) + timedelta(days=1)
    with pytest.raises(Invalid) as caught:
        worker_availability.add_availability(worker.user, worker.id, naive, None)
    assert set(caught.value.fields) == {"starts_at", "ends_at"}
