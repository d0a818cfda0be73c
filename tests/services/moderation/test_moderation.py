"""Association moderation: factories, shifts and worker skills, within one's own association."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from marketplace.errors import Conflict, Forbidden, Invalid, NotFound
from marketplace.extensions import db
from marketplace.models import (
    Application,
    ApplicationStatus,
    CertificateType,
    Factory,
    Industry,
    Role,
    Shift,
    ShiftStatus,
    Skill,
    VerificationStatus,
    WorkerCertificate,
    WorkerKind,
    WorkerSkill,
)
from marketplace.services.moderation import decisions as moderation
from tests.helpers import events, owner
from tests.helpers import notified_users as notified


@pytest.fixture
def strangers(make_factory, make_user, make_worker):
    """A moderator of another association, a worker, and staff of another factory."""

    def make():
        other = make_factory()
        return [
            make_user(Role.MODERATOR, association=other.association),
            make_worker().user,
            owner(other),
        ]

    return make


FACTORY_ACTIONS = [
    (
        "verify",
        VerificationStatus.PENDING,
        lambda actor, fid: moderation.verify_factory(actor, fid),
    ),
    (
        "reject",
        VerificationStatus.PENDING,
        lambda actor, fid: moderation.reject_factory(actor, fid, "资料不全"),
    ),
    (
        "suspend",
        VerificationStatus.VERIFIED,
        lambda actor, fid: moderation.suspend_factory(actor, fid, "拖欠工资"),
    ),
    (
        "reinstate",
        VerificationStatus.SUSPENDED,
        lambda actor, fid: moderation.reinstate_factory(actor, fid),
    ),
]


@pytest.mark.parametrize(("name", "status", "act"), FACTORY_ACTIONS)
def test_strangers_are_refused_every_factory_decision(make_factory, strangers, name, status, act):
    factory = make_factory(status=status)
    for actor in strangers():
        with pytest.raises(Forbidden):
            act(actor, factory.id)
    assert db.session.get(Factory, factory.id).verification_status == status
    denied = events(f"denied.factory.{name}")
    assert len(denied) == 3 and {e.object_id for e in denied} == {factory.id}


@pytest.mark.parametrize(("name", "status", "act"), FACTORY_ACTIONS)
def test_factory_decisions_need_the_right_state(make_factory, moderator_of, name, status, act):
    wrong = VerificationStatus.REJECTED
    factory = make_factory(status=wrong)
    with pytest.raises(Conflict):
        act(moderator_of(factory), factory.id)
    assert db.session.get(Factory, factory.id).verification_status == wrong
    with pytest.raises(NotFound):
        act(moderator_of(factory), 999_999)


def test_verifying_a_factory_leaves_its_shifts_for_review_one_by_one(
    make_factory, make_shift, moderator_of
):
    factory = make_factory(status=VerificationStatus.PENDING)
    waiting = make_shift(factory=factory, status=ShiftStatus.PENDING_REVIEW)
    moderator = moderator_of(factory)
    moderation.verify_factory(moderator, factory.id)
    db.session.expire_all()
    factory = db.session.get(Factory, factory.id)
    assert factory.verification_status == VerificationStatus.VERIFIED
    assert factory.verified_at is not None
    assert db.session.get(Shift, waiting.id).status == ShiftStatus.PENDING_REVIEW
    assert notified("factory_verified") == {owner(factory).id}
    (event,) = events("factory.verified")
    assert (event.actor_id, event.association_id) == (moderator.id, factory.association_id)


def test_rejecting_a_factory_needs_a_reason_and_closes_its_waiting_shifts(
    make_factory, make_shift, moderator_of
):
    factory = make_factory(status=VerificationStatus.PENDING)
    waiting = make_shift(factory=factory, status=ShiftStatus.PENDING_REVIEW)
    with pytest.raises(Invalid) as caught:
        moderation.reject_factory(moderator_of(factory), factory.id, "")
    assert list(caught.value.fields) == ["reason"]
    moderation.reject_factory(moderator_of(factory), factory.id, "信用代码不符")
    db.session.expire_all()
    factory = db.session.get(Factory, factory.id)
    assert (factory.verification_status, factory.status_reason) == (
        VerificationStatus.REJECTED,
        "信用代码不符",
    )
    assert db.session.get(Shift, waiting.id).status == ShiftStatus.CANCELLED
    assert notified("factory_rejected") == {owner(factory).id}
    (event,) = events("factory.rejected")
    assert (event.details["reason"], event.details["shifts_closed"]) == ("信用代码不符", 1)


def test_suspending_a_factory_closes_its_shifts_and_frees_the_places(
    make_factory, make_shift, make_worker, moderator_of
):
    factory = make_factory()
    open_shift = make_shift(factory=factory, headcount=2)
    waiting = make_shift(factory=factory, status=ShiftStatus.PENDING_REVIEW)
    draft = make_shift(factory=factory, status=ShiftStatus.DRAFT)
    accepted, applied = make_worker(), make_worker()
    db.session.add_all(
        [
            Application(worker=accepted, shift=open_shift, status=ApplicationStatus.ACCEPTED),
            Application(worker=applied, shift=open_shift, status=ApplicationStatus.APPLIED),
        ]
    )
    db.session.commit()
    assert db.session.get(Shift, open_shift.id).accepted_count == 1

    moderation.suspend_factory(moderator_of(factory), factory.id, "安全检查不合格")
    db.session.expire_all()
    assert db.session.get(Factory, factory.id).verification_status == VerificationStatus.SUSPENDED
    closed = db.session.get(Shift, open_shift.id)
    assert (closed.status, closed.cancel_reason, closed.accepted_count) == (
        ShiftStatus.CANCELLED,
        "安全检查不合格",
        0,
    )
    assert db.session.get(Shift, waiting.id).status == ShiftStatus.CANCELLED
    assert db.session.get(Shift, draft.id).status == ShiftStatus.DRAFT
    statuses = set(db.session.scalars(sa.select(Application.status)))
    assert statuses == {ApplicationStatus.CANCELLED}
    assert notified("shift_cancelled") == {accepted.user_id, applied.user_id}
    assert notified("factory_suspended") == {owner(factory).id}
    assert {e.object_id for e in events("shift.cancelled")} == {open_shift.id, waiting.id}
    (event,) = events("factory.suspended")
    assert event.details["shifts_closed"] == 2


def test_a_suspended_factory_is_reinstated_and_its_staff_told(make_factory, moderator_of):
    factory = make_factory(status=VerificationStatus.SUSPENDED)
    moderation.reinstate_factory(moderator_of(factory), factory.id)
    assert db.session.get(Factory, factory.id).verification_status == VerificationStatus.VERIFIED
    assert notified("factory_reinstated") == {owner(factory).id}
    assert events("factory.reinstated")


def test_an_admin_moderates_every_association(make_factory, make_user):
    factory = make_factory(status=VerificationStatus.PENDING)
    moderation.verify_factory(make_user(Role.ADMIN), factory.id)
    assert db.session.get(Factory, factory.id).is_verified


def test_a_shift_waiting_for_review_is_approved(make_factory, make_shift, moderator_of):
    factory = make_factory()
    shift = make_shift(factory=factory, status=ShiftStatus.PENDING_REVIEW)
    moderator = moderator_of(factory)
    moderation.approve_shift(moderator, shift.id)
    db.session.expire_all()
    shift = db.session.get(Shift, shift.id)
    assert (shift.status, shift.reviewed_by_id) == (ShiftStatus.OPEN, moderator.id)
    assert shift.reviewed_at is not None
    assert notified("shift_approved") == {owner(factory).id}
    assert events("shift.approved")


def test_a_shift_is_approved_only_when_waiting_and_its_factory_verified(
    make_factory, make_shift, moderator_of
):
    pending_factory = make_factory(status=VerificationStatus.PENDING)
    shift = make_shift(factory=pending_factory, status=ShiftStatus.PENDING_REVIEW)
    with pytest.raises(Conflict):
        moderation.approve_shift(moderator_of(pending_factory), shift.id)
    stale = make_shift(
        factory=make_factory(), status=ShiftStatus.PENDING_REVIEW, starts_in_hours=-1
    )
    with pytest.raises(Conflict):
        moderation.approve_shift(moderator_of(stale.factory), stale.id)
    open_shift = make_shift()
    with pytest.raises(Conflict):
        moderation.approve_shift(moderator_of(open_shift.factory), open_shift.id)
    with pytest.raises(Conflict):
        moderation.reject_shift(moderator_of(open_shift.factory), open_shift.id, "不行")
    assert db.session.get(Shift, shift.id).status == ShiftStatus.PENDING_REVIEW
    assert db.session.get(Shift, open_shift.id).status == ShiftStatus.OPEN


def test_a_shift_is_rejected_with_a_reason(make_factory, make_shift, moderator_of):
    factory = make_factory()
    shift = make_shift(factory=factory, status=ShiftStatus.PENDING_REVIEW)
    with pytest.raises(Invalid):
        moderation.reject_shift(moderator_of(factory), shift.id, " ")
    moderation.reject_shift(moderator_of(factory), shift.id, "工价低于最低工资")
    db.session.expire_all()
    shift = db.session.get(Shift, shift.id)
    assert (shift.status, shift.review_reason) == (ShiftStatus.REJECTED, "工价低于最低工资")
    assert notified("shift_rejected") == {owner(factory).id}
    (event,) = events("shift.rejected")
    assert event.details["reason"] == "工价低于最低工资"


def test_strangers_cannot_review_shifts(make_factory, make_shift, strangers):
    shift = make_shift(status=ShiftStatus.PENDING_REVIEW)
    for actor in strangers():
        with pytest.raises(Forbidden):
            moderation.approve_shift(actor, shift.id)
        with pytest.raises(Forbidden):
            moderation.reject_shift(actor, shift.id, "不行")
    assert db.session.get(Shift, shift.id).status == ShiftStatus.PENDING_REVIEW
    assert len(events("denied.shift.approve")) == len(events("denied.shift.reject")) == 3


@pytest.fixture
def lent_worker(make_factory, make_worker):
    """An idle employee of a factory, so tied to that factory's association, with a skill."""
    factory = make_factory()
    worker = make_worker(WorkerKind.IDLE_EMPLOYEE)
    worker.lender_factory_id = factory.id
    skill = Skill(code="sock.toe", name_zh="缝头", name_en="Toe seaming", industry=Industry.HOSIERY)
    certificate = CertificateType(code="forklift", name_zh="叉车证", name_en="Forklift")
    db.session.add_all([skill, certificate])
    db.session.flush()
    worker.skills.append(WorkerSkill(skill_id=skill.id, level=2))
    worker.certificates.append(
        WorkerCertificate(
            certificate_type_id=certificate.id,
            number="T330602",
            valid_until=date.today() + timedelta(days=365),
        )
    )
    db.session.commit()
    return factory, worker


def test_a_moderator_verifies_a_tied_worker_s_skill_at_a_corrected_level(lent_worker, moderator_of):
    factory, worker = lent_worker
    moderator = moderator_of(factory)
    skill = worker.skills[0]
    moderation.verify_worker_skill(moderator, skill.id, level=3)
    db.session.expire_all()
    skill = db.session.get(WorkerSkill, skill.id)
    assert (skill.level, skill.verified_by_association_id) == (3, factory.association_id)
    assert skill.verified_at is not None
    assert notified("skill_verified") == {worker.user_id}
    (event,) = events("worker.skill_verified")
    assert event.association_id == factory.association_id
    assert (event.details["previous_level"], event.details["level"]) == (2, 3)
    with pytest.raises(Conflict):
        moderation.verify_worker_skill(moderator, skill.id)  # already verified at 3


def test_skill_levels_and_the_association_are_checked(lent_worker, moderator_of, make_factory):
    factory, worker = lent_worker
    with pytest.raises(Invalid) as caught:
        moderation.verify_worker_skill(moderator_of(factory), worker.skills[0].id, level=6)
    assert list(caught.value.fields) == ["level"]
    elsewhere = make_factory().association_id
    with pytest.raises(Invalid) as caught:
        moderation.verify_worker_skill(
            moderator_of(factory), worker.skills[0].id, association_id=elsewhere
        )
    assert list(caught.value.fields) == ["association_id"]
    assert db.session.get(WorkerSkill, worker.skills[0].id).verified_at is None


def test_an_admin_names_the_verifying_association(lent_worker, make_user):
    factory, worker = lent_worker
    admin = make_user(Role.ADMIN)
    with pytest.raises(Invalid) as caught:
        moderation.verify_worker_skill(admin, worker.skills[0].id)
    assert list(caught.value.fields) == ["association_id"]
    moderation.verify_worker_skill(
        admin, worker.skills[0].id, association_id=factory.association_id
    )
    skill = db.session.get(WorkerSkill, worker.skills[0].id)
    assert skill.verified_by_association_id == factory.association_id


def test_a_moderator_verifies_a_tied_worker_s_certificate(lent_worker, moderator_of):
    factory, worker = lent_worker
    certificate = worker.certificates[0]
    moderation.verify_worker_certificate(moderator_of(factory), certificate.id)
    certificate = db.session.get(WorkerCertificate, certificate.id)
    assert certificate.verified_by_association_id == factory.association_id
    assert notified("certificate_verified") == {worker.user_id}
    assert events("worker.certificate_verified")
    with pytest.raises(Conflict):
        moderation.verify_worker_certificate(moderator_of(factory), certificate.id)


def test_an_expired_certificate_is_not_verified(lent_worker, moderator_of):
    factory, worker = lent_worker
    certificate = worker.certificates[0]
    certificate.valid_until = date.today() - timedelta(days=1)
    db.session.commit()
    with pytest.raises(Conflict):
        moderation.verify_worker_certificate(moderator_of(factory), certificate.id)
    assert db.session.get(WorkerCertificate, certificate.id).verified_at is None


def test_strangers_cannot_verify_a_worker(lent_worker, strangers):
    _, worker = lent_worker
    for actor in [*strangers(), worker.user]:
        with pytest.raises(Forbidden):
            moderation.verify_worker_skill(actor, worker.skills[0].id)
        with pytest.raises(Forbidden):
            moderation.verify_worker_certificate(actor, worker.certificates[0].id)
    assert db.session.get(WorkerSkill, worker.skills[0].id).verified_at is None
    assert db.session.get(WorkerCertificate, worker.certificates[0].id).verified_at is None
    assert len(events("denied.worker.verify")) == 8
    with pytest.raises(NotFound):
        moderation.verify_worker_skill(strangers()[0], 999_999)


def test_suspending_a_factory_checks_out_the_workers_already_on_site(
    make_factory, make_shift, make_worker, make_user
):
    from datetime import timedelta

    from marketplace.models import Application, ApplicationStatus, Assignment, Role, utcnow
    from marketplace.services.moderation import decisions as moderation

    factory = make_factory()
    shift = make_shift(factory=factory, starts_in_hours=-3, hours=8)
    worker = make_worker()
    application = Application(
        worker_id=worker.id, shift_id=shift.id, status=ApplicationStatus.IN_PROGRESS
    )
    db.session.add(application)
    db.session.flush()
    db.session.add(
        Assignment(
            application_id=application.id,
            shift_id=shift.id,
            worker_id=worker.id,
            checked_in_at=utcnow() - timedelta(hours=3),
        )
    )
    db.session.commit()
    moderator = make_user(Role.MODERATOR, association=factory.association)
    moderation.suspend_factory(moderator, factory.id, "安全隐患")
    db.session.expire_all()
    done = db.session.get(Application, application.id)
    assert done.status == ApplicationStatus.COMPLETED
    assert 2.9 <= float(done.assignment.hours) <= 3.1
    assert db.session.get(type(worker), worker.id).shifts_completed == 1
