"""Rules the database itself enforces, whatever the code above it does."""

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from marketplace.extensions import db
from marketplace.models import (
    Application,
    ApplicationStatus,
    Factory,
    Role,
    Shift,
    User,
    WorkerKind,
    WorkerProfile,
    WorkerSkill,
)


def test_second_application_for_the_same_shift_is_refused_by_the_database(make_worker, make_shift):
    worker, shift = make_worker(), make_shift()
    db.session.add(Application(worker_id=worker.id, shift_id=shift.id))
    db.session.commit()
    db.session.add(Application(worker_id=worker.id, shift_id=shift.id))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    count = db.session.scalar(sa.select(sa.func.count(Application.id)))
    assert count == 1


def test_the_same_worker_may_apply_to_two_shifts(make_worker, make_shift):
    worker = make_worker()
    for shift in (make_shift(), make_shift()):
        db.session.add(Application(worker_id=worker.id, shift_id=shift.id))
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count(Application.id))) == 2


def test_accepted_count_can_never_exceed_headcount(make_shift):
    shift = make_shift(headcount=2)
    # A raw UPDATE, as a buggy or racing service might issue, still cannot overbook.
    db.session.execute(sa.update(Shift).where(Shift.id == shift.id).values(accepted_count=2))
    db.session.commit()
    with pytest.raises(IntegrityError):
        db.session.execute(sa.update(Shift).where(Shift.id == shift.id).values(accepted_count=3))
        db.session.commit()
    db.session.rollback()
    assert db.session.get(Shift, shift.id).accepted_count == 2


def test_headcount_cannot_shrink_below_accepted_workers(make_shift):
    shift = make_shift(headcount=3)
    shift.accepted_count = 3
    db.session.commit()
    shift.headcount = 2
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_foreign_keys_are_enforced(make_shift):
    make_shift()
    db.session.add(Application(worker_id=999_999, shift_id=999_999))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_a_shift_must_end_after_it_starts(make_shift):
    shift = make_shift()
    shift.ends_at = shift.starts_at
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_unknown_application_state_is_refused_by_the_database(make_worker, make_shift):
    application = Application(worker_id=make_worker().id, shift_id=make_shift().id)
    db.session.add(application)
    db.session.commit()
    with pytest.raises(IntegrityError):
        db.session.execute(
            sa.text("UPDATE applications SET status = 'teleported' WHERE id = :id"),
            {"id": application.id},
        )
        db.session.commit()
    db.session.rollback()
    assert db.session.get(Application, application.id).status == ApplicationStatus.APPLIED


def test_skill_levels_stay_between_one_and_five(make_worker, app):
    from marketplace.models import Industry, Skill

    skill = Skill(code="weaving.loom", name_zh="挡车", name_en="Loom", industry=Industry.TEXTILES)
    db.session.add(skill)
    db.session.commit()
    db.session.add(WorkerSkill(worker_id=make_worker().id, skill_id=skill.id, level=6))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_only_idle_employees_have_a_lender(make_worker, make_factory):
    factory = make_factory()
    retiree = make_worker(WorkerKind.RETIREE)
    retiree.lender_factory_id = factory.id
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    idle = make_worker(WorkerKind.IDLE_EMPLOYEE)
    idle.lender_factory_id = factory.id
    db.session.commit()
    assert db.session.get(WorkerProfile, idle.id).lender.id == factory.id


def test_mobile_numbers_and_credit_codes_are_unique(make_user, make_factory):
    make_user(mobile="+8613812340000")
    db.session.add(User(role=Role.WORKER, name="x", mobile="+8613812340000", password_hash="h"))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    factory = make_factory()
    db.session.add(
        Factory(
            name="copy",
            uscc=factory.uscc,
            industry=factory.industry,
            association_id=factory.association_id,
        )
    )
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_a_moderator_must_belong_to_an_association(make_user):
    with pytest.raises(IntegrityError):
        make_user(Role.MODERATOR)
    db.session.rollback()


def test_times_come_back_as_aware_utc(make_shift):
    shift = make_shift()
    starts = shift.starts_at
    db.session.expire_all()
    again = db.session.get(Shift, shift.id)
    assert again.starts_at.utcoffset().total_seconds() == 0
    assert abs((again.starts_at - starts).total_seconds()) < 1e-3


def test_a_shift_accepts_at_least_one_known_worker_kind(make_shift):
    shift = make_shift()
    for bad_mask in (0, 32):
        shift.accepted_kinds_mask = bad_mask
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()


def _accept(application):
    application.status = ApplicationStatus.ACCEPTED
    db.session.commit()


def test_the_database_refuses_to_accept_more_applications_than_places(make_worker, make_shift):
    shift = make_shift(headcount=2)
    applications = [Application(worker_id=make_worker().id, shift_id=shift.id) for _ in range(3)]
    db.session.add_all(applications)
    db.session.commit()
    _accept(applications[0])
    _accept(applications[1])
    assert db.session.get(Shift, shift.id).accepted_count == 2
    with pytest.raises(IntegrityError):
        _accept(applications[2])
    db.session.rollback()
    assert db.session.get(Application, applications[2].id).status == ApplicationStatus.APPLIED


def test_a_place_frees_when_an_accepted_worker_cancels(make_worker, make_shift):
    shift = make_shift(headcount=1)
    first = Application(worker_id=make_worker().id, shift_id=shift.id)
    second = Application(worker_id=make_worker().id, shift_id=shift.id)
    db.session.add_all([first, second])
    db.session.commit()
    _accept(first)
    first.status = ApplicationStatus.IN_PROGRESS  # still holds the place
    db.session.commit()
    assert db.session.get(Shift, shift.id).accepted_count == 1
    first.status = ApplicationStatus.CANCELLED
    db.session.commit()
    assert db.session.get(Shift, shift.id).accepted_count == 0
    _accept(second)
    db.session.delete(second)
    db.session.commit()
    assert db.session.get(Shift, shift.id).accepted_count == 0


def test_an_application_inserted_as_accepted_counts_too(make_worker, make_shift):
    shift = make_shift(headcount=1)
    db.session.add(
        Application(
            worker_id=make_worker().id, shift_id=shift.id, status=ApplicationStatus.ACCEPTED
        )
    )
    db.session.commit()
    db.session.add(
        Application(
            worker_id=make_worker().id, shift_id=shift.id, status=ApplicationStatus.COMPLETED
        )
    )
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    assert db.session.get(Shift, shift.id).accepted_count == 1


def test_the_triggers_count_exactly_the_place_holding_states():
    import importlib.util
    from pathlib import Path

    from marketplace.models import PLACE_HOLDING_STATES

    path = next(Path("migrations/versions").glob("*_place_counter_triggers.py"))
    spec = importlib.util.spec_from_file_location("triggers", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    in_sql = {s.strip(" '") for s in module.HOLDING.strip("()").split(",")}
    assert in_sql == {s.value for s in PLACE_HOLDING_STATES}
