"""Quick training: publish, enrol within capacity, withdraw, cancel, complete and grant."""

import threading
from datetime import datetime, timedelta
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from config import TestConfig
from marketplace import create_app
from marketplace.errors import Conflict, Forbidden, Invalid, NotFound
from marketplace.extensions import db
from marketplace.models import (
    AuditEvent,
    CertificateType,
    EnrolmentStatus,
    Industry,
    Notification,
    Role,
    Skill,
    TrainingEnrolment,
    TrainingSession,
    TrainingStatus,
    User,
    WorkerCertificate,
    WorkerSkill,
    utcnow,
)
from marketplace.services.lending.rules import local_today
from marketplace.services.training import sessions as training
from marketplace.services.training.grants import complete_training
from tests.helpers import race


@pytest.fixture
def world(make_association, make_user):
    association = make_association()
    skill = Skill(
        code="sock.toe_seaming", name_zh="缝头", name_en="Toe seaming", industry=Industry.HOSIERY
    )
    electrician = CertificateType(
        code="electrician", name_zh="电工证", name_en="Electrician", validity_years=2
    )
    forklift = CertificateType(code="forklift", name_zh="叉车证", name_en="Forklift")
    db.session.add_all([skill, electrician, forklift])
    db.session.commit()
    return SimpleNamespace(
        association=association,
        moderator=make_user(Role.MODERATOR, association=association),
        skill=skill,
        electrician=electrician,
        forklift=forklift,
    )


def data(world, **overrides):
    starts = utcnow() + timedelta(days=2)
    values = {
        "title": "缝头速成班",
        "starts_at": starts,
        "ends_at": starts + timedelta(hours=4),
        "capacity": 10,
        "skill_id": world.skill.id,
        "level_granted": 3,
        "location": "诸暨大唐",
    }
    values.update(overrides)
    return training.TrainingInput(**values)


def publish(world, **overrides):
    return training.publish_training(
        world.moderator, world.association.id, data(world, **overrides)
    )


def actions(prefix):
    query = sa.select(AuditEvent.action).where(AuditEvent.action.startswith(prefix))
    return list(db.session.scalars(query))


def notes(user, kind):
    query = sa.select(Notification).where(
        Notification.user_id == user.id, Notification.kind == kind
    )
    return list(db.session.scalars(query))


def started(session):
    """Move a session into the past: it has run and can be completed."""
    session.starts_at = utcnow() - timedelta(hours=5)
    session.ends_at = utcnow() - timedelta(hours=1)
    db.session.commit()


# --- publish ----------------------------------------------------------------------------


def test_a_moderator_publishes_a_session_for_their_association(world):
    session = publish(world)
    assert session.status == TrainingStatus.PUBLISHED
    assert (session.skill_id, session.level_granted, session.capacity) == (world.skill.id, 3, 10)
    assert session.enrolled_count == 0 and session.created_by_id == world.moderator.id
    event = db.session.scalar(
        sa.select(AuditEvent).where(AuditEvent.action == "training.published")
    )
    assert (event.object_id, event.association_id) == (session.id, world.association.id)


def test_only_the_associations_moderators_publish(world, make_user, make_association, make_factory):
    strangers = (
        make_user(Role.MODERATOR, association=make_association()),
        make_user(Role.WORKER),
        make_factory().members[0].user,
    )
    for stranger in strangers:
        with pytest.raises(Forbidden):
            training.publish_training(stranger, world.association.id, data(world))
    assert actions("denied.training.publish") == ["denied.training.publish"] * 3
    assert db.session.scalar(sa.select(sa.func.count(TrainingSession.id))) == 0
    with pytest.raises(NotFound):
        training.publish_training(world.moderator, 999_999, data(world))


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": " "}, "title"),
        ({"certificate_type_id": "both"}, "skill_id"),
        ({"skill_id": None}, "skill_id"),
        ({"skill_id": 999_999}, "skill_id"),
        ({"level_granted": 0}, "level_granted"),
        ({"level_granted": 6}, "level_granted"),
        ({"level_granted": None}, "level_granted"),
        ({"capacity": 0}, "capacity"),
        ({"starts_at": utcnow() - timedelta(hours=1)}, "starts_at"),
        ({"starts_at": datetime(2030, 1, 1, 9)}, "starts_at"),  # naive: no time zone
        ({"ends_at": utcnow() + timedelta(days=1)}, "ends_at"),
    ],
)
def test_bad_sessions_are_refused_field_by_field(world, overrides, field):
    if overrides.get("certificate_type_id") == "both":
        overrides = {"certificate_type_id": world.electrician.id}
    with pytest.raises(Invalid) as refused:
        publish(world, **overrides)
    assert field in refused.value.fields


def test_a_certificate_session_grants_no_level(world):
    session = publish(world, skill_id=None, certificate_type_id=world.forklift.id, level_granted=2)
    assert (session.certificate_type_id, session.level_granted) == (world.forklift.id, None)
    with pytest.raises(Invalid) as refused:
        publish(world, skill_id=None, certificate_type_id=999_999)
    assert "certificate_type_id" in refused.value.fields


# --- enrol and withdraw ---------------------------------------------------------------------


def test_a_worker_enrols_withdraws_and_enrols_again_in_the_same_row(world, make_worker):
    session, worker = publish(world), make_worker()
    first = training.enrol(worker.user, session.id)
    assert first.status == EnrolmentStatus.ENROLLED
    assert db.session.get(TrainingSession, session.id).enrolled_count == 1
    with pytest.raises(Conflict, match="already enrolled"):
        training.enrol(worker.user, session.id)
    training.withdraw_enrolment(worker.user, session.id)
    assert db.session.get(TrainingSession, session.id).enrolled_count == 0
    assert db.session.get(TrainingEnrolment, first.id).status == EnrolmentStatus.WITHDRAWN
    with pytest.raises(Conflict, match="not enrolled"):
        training.withdraw_enrolment(worker.user, session.id)
    again = training.enrol(worker.user, session.id)
    assert again.id == first.id and again.status == EnrolmentStatus.ENROLLED
    assert db.session.get(TrainingSession, session.id).enrolled_count == 1
    assert actions("training.") == [
        "training.published",
        "training.enrolled",
        "training.withdrawn",
        "training.enrolled",
    ]


def test_a_full_session_takes_nobody_more(world, make_worker):
    session = publish(world, capacity=1)
    training.enrol(make_worker().user, session.id)
    with pytest.raises(Conflict, match="full"):
        training.enrol(make_worker().user, session.id)
    assert db.session.get(TrainingSession, session.id).enrolled_count == 1


def test_only_workers_enrol_and_only_in_open_sessions(world, make_user, make_worker):
    session = publish(world)
    for stranger in (world.moderator, make_user(Role.FACTORY_STAFF), make_user(Role.ADMIN)):
        with pytest.raises(Forbidden):
            training.enrol(stranger, session.id)
        with pytest.raises(Forbidden):
            training.withdraw_enrolment(stranger, session.id)
    with pytest.raises(NotFound):
        training.enrol(make_worker().user, 999_999)
    started(session)
    with pytest.raises(Conflict, match="started"):
        training.enrol(make_worker().user, session.id)
    cancelled = publish(world)
    training.cancel_training(world.moderator, cancelled.id, "场地不可用")
    with pytest.raises(Conflict, match="cancelled"):
        training.enrol(make_worker().user, cancelled.id)


def _race_enrol(database_url: str, user_ids: list[int], session_id: int) -> list[str]:
    jobs = [(user_id, lambda user: training.enrol(user, session_id)) for user_id in user_ids]
    return race(database_url, jobs, success="enrolled")


def test_concurrent_enrolments_never_exceed_capacity(world, make_worker, database_url):
    session = publish(world, capacity=3)
    user_ids = [make_worker().user_id for _ in range(20)]
    outcomes = _race_enrol(database_url, user_ids, session.id)
    assert sorted(set(outcomes)) == ["conflict", "enrolled"], outcomes
    assert outcomes.count("enrolled") == 3
    db.session.expire_all()
    assert db.session.get(TrainingSession, session.id).enrolled_count == 3
    query = sa.select(sa.func.count(TrainingEnrolment.id)).where(
        TrainingEnrolment.status == EnrolmentStatus.ENROLLED
    )
    assert db.session.scalar(query) == 3


def _double_submit(database_url: str, user_id: int, session_id: int, action) -> list[str]:
    """The same worker submits the same change twice at once, from two app contexts."""
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def submit() -> None:
        racing = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url)
        with racing.app_context():
            try:
                user = db.session.get(User, user_id)
                assert user.worker_profile is not None  # loaded before the start
                barrier.wait(timeout=60)
                action(user, session_id)
                outcomes.append("done")
            except Conflict:
                outcomes.append("conflict")
            except Exception as exc:  # any other outcome fails the test, by name
                outcomes.append(repr(exc))
            finally:
                db.session.remove()
                db.engine.dispose()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.mark.parametrize("withdrawn_first", [False, True], ids=["withdraw", "re-enrol"])
def test_a_double_submit_changes_the_count_once(world, make_worker, database_url, withdrawn_first):
    session = publish(world)
    _enrolled(session, make_worker, 2)  # others, so a wrong count cannot hide at zero
    worker = make_worker()
    training.enrol(worker.user, session.id)
    action = training.withdraw_enrolment
    if withdrawn_first:
        training.withdraw_enrolment(worker.user, session.id)
        action = training.enrol

    outcomes = _double_submit(database_url, worker.user_id, session.id, action)

    assert sorted(outcomes) == ["conflict", "done"], outcomes
    db.session.expire_all()
    enrolled = db.session.scalar(
        sa.select(sa.func.count(TrainingEnrolment.id)).where(
            TrainingEnrolment.session_id == session.id,
            TrainingEnrolment.status == EnrolmentStatus.ENROLLED,
        )
    )
    assert enrolled == (3 if withdrawn_first else 2)
    assert db.session.get(TrainingSession, session.id).enrolled_count == enrolled


# --- cancel ---------------------------------------------------------------------------------


def test_cancelling_tells_the_enrolled_workers_why(world, make_worker, make_association, make_user):
    session = publish(world)
    enrolled, withdrawn = make_worker(), make_worker()
    training.enrol(enrolled.user, session.id)
    training.enrol(withdrawn.user, session.id)
    training.withdraw_enrolment(withdrawn.user, session.id)
    for stranger in (make_user(Role.MODERATOR, association=make_association()), enrolled.user):
        with pytest.raises(Forbidden):
            training.cancel_training(stranger, session.id, "下雪")
    with pytest.raises(Invalid):
        training.cancel_training(world.moderator, session.id, " ")
    training.cancel_training(world.moderator, session.id, "下雪")
    assert db.session.get(TrainingSession, session.id).status == TrainingStatus.CANCELLED
    [note] = notes(enrolled.user, "training_cancelled")
    assert note.params["reason"] == "下雪" and note.object_id == session.id
    assert notes(withdrawn.user, "training_cancelled") == []
    with pytest.raises(Conflict, match="cancelled"):
        training.cancel_training(world.moderator, session.id, "again")


def test_cancelling_withdraws_every_enrolment_and_zeroes_the_count(world, make_worker):
    session = publish(world)
    one, two = _enrolled(session, make_worker, 2)
    training.cancel_training(world.moderator, session.id, "场地不可用")
    db.session.expire_all()
    cancelled = db.session.get(TrainingSession, session.id)
    assert cancelled.enrolled_count == 0
    assert {e.status for e in cancelled.enrolments} == {EnrolmentStatus.WITHDRAWN}
    event = db.session.scalar(
        sa.select(AuditEvent).where(AuditEvent.action == "training.cancelled")
    )
    assert event.details["withdrawn_worker_ids"] == sorted([one.id, two.id])
    # A withdrawn worker of a cancelled session cannot withdraw again.
    with pytest.raises(Conflict, match="cancelled"):
        training.withdraw_enrolment(one.user, session.id)


# --- complete -------------------------------------------------------------------------------


def _enrolled(session, make_worker, n):
    workers = [make_worker() for _ in range(n)]
    for worker in workers:
        training.enrol(worker.user, session.id)
    return workers


def test_completion_grants_verified_skill_levels_at_once(world, make_worker, make_association):
    session = publish(world, level_granted=3)
    new, claimed, expert, failed, absent = _enrolled(session, make_worker, 5)
    other = make_association()
    db.session.add_all(
        [
            WorkerSkill(worker_id=claimed.id, skill_id=world.skill.id, level=4),  # self-declared
            WorkerSkill(
                worker_id=expert.id,
                skill_id=world.skill.id,
                level=5,
                verified_by_association_id=other.id,
                verified_at=utcnow() - timedelta(days=30),
            ),
        ]
    )
    db.session.commit()
    started(session)

    complete_training(world.moderator, session.id, [new.id, claimed.id, expert.id], [failed.id])

    def skill_of(worker):
        query = sa.select(WorkerSkill).where(
            WorkerSkill.worker_id == worker.id, WorkerSkill.skill_id == world.skill.id
        )
        return db.session.scalar(query)

    for worker in (new, claimed):
        skill = skill_of(worker)
        assert skill.level == 3 and skill.is_verified
        assert skill.verified_by_association_id == world.association.id
    assert (skill_of(expert).level, skill_of(expert).verified_by_association_id) == (5, other.id)
    assert skill_of(failed) is None and skill_of(absent) is None
    statuses = {
        e.worker_id: e.status for e in db.session.get(TrainingSession, session.id).enrolments
    }
    assert statuses[new.id] == EnrolmentStatus.COMPLETED
    assert statuses[failed.id] == statuses[absent.id] == EnrolmentStatus.FAILED
    assert db.session.get(TrainingSession, session.id).status == TrainingStatus.CLOSED
    assert notes(new.user, "training_result")[0].params["outcome"] == "passed"
    assert notes(absent.user, "training_result")[0].params["outcome"] == "failed"
    event = db.session.scalar(
        sa.select(AuditEvent).where(AuditEvent.action == "training.completed")
    )
    assert event.details["failed_worker_ids"] == sorted([failed.id, absent.id])


def test_completion_issues_certificates_valid_for_the_types_years(world, make_worker):
    session = publish(world, skill_id=None, certificate_type_id=world.electrician.id)
    passed, lifelong = _enrolled(session, make_worker, 2)
    db.session.add(
        WorkerCertificate(
            worker_id=lifelong.id,
            certificate_type_id=world.electrician.id,
            number="ZJ-0001",
            valid_until=None,
            verified_by_association_id=world.association.id,
            verified_at=utcnow(),
        )
    )
    db.session.commit()
    started(session)
    complete_training(world.moderator, session.id, [passed.id, lifelong.id])

    certificate = db.session.scalar(
        sa.select(WorkerCertificate).where(WorkerCertificate.worker_id == passed.id)
    )
    today = local_today()
    assert certificate.number == f"TR-{session.id}-{passed.id}"
    assert certificate.valid_until == today.replace(year=today.year + 2)
    assert certificate.verified_by_association_id == world.association.id
    assert certificate.is_valid_on(today + timedelta(days=365))
    # A verified certificate that never expires is not replaced by one that does.
    kept = db.session.scalar(
        sa.select(WorkerCertificate).where(WorkerCertificate.worker_id == lifelong.id)
    )
    assert (kept.number, kept.valid_until) == ("ZJ-0001", None)


def test_a_certificate_type_without_validity_never_expires(world, make_worker):
    session = publish(world, skill_id=None, certificate_type_id=world.forklift.id)
    [worker] = _enrolled(session, make_worker, 1)
    started(session)
    complete_training(world.moderator, session.id, [worker.id])
    certificate = db.session.scalar(
        sa.select(WorkerCertificate).where(WorkerCertificate.worker_id == worker.id)
    )
    assert certificate.valid_until is None and certificate.verified_at is not None


def test_completion_is_refused_to_strangers_early_twice_or_with_bad_lists(
    world, make_worker, make_user, make_association
):
    session = publish(world)
    one, two = _enrolled(session, make_worker, 2)
    with pytest.raises(Conflict, match="not started"):
        complete_training(world.moderator, session.id, [one.id])
    started(session)
    for stranger in (make_user(Role.MODERATOR, association=make_association()), one.user):
        with pytest.raises(Forbidden):
            complete_training(stranger, session.id, [one.id])
    with pytest.raises(Invalid):
        complete_training(world.moderator, session.id, [one.id], [one.id])
    outsider = make_worker()
    with pytest.raises(Invalid, match=str(outsider.id)):
        complete_training(world.moderator, session.id, [outsider.id])
    assert db.session.scalar(sa.select(sa.func.count(WorkerSkill.id))) == 0
    complete_training(world.moderator, session.id, [one.id], [two.id])
    with pytest.raises(Conflict, match="closed"):
        complete_training(world.moderator, session.id, [two.id])
