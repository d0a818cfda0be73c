"""Every action refused to each outsider: another association's moderator, a worker,
and staff of another factory (or, for a worker's own actions, another worker).

Each refusal must be Forbidden (checked before any state rule), leave a denied.* audit
event, and change nothing else (every row a refused action could touch is compared).
"""

from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from marketplace.errors import Forbidden
from marketplace.extensions import db
from marketplace.models import (
    AgreementStatus,
    Application,
    ApplicationStatus,
    Assignment,
    AuditEvent,
    CertificateType,
    Factory,
    Industry,
    LendingAgreement,
    Notification,
    Payer,
    Rating,
    Report,
    ReportCategory,
    ReportTarget,
    Role,
    Shift,
    Skill,
    TrainingEnrolment,
    TrainingSession,
    WorkerCertificate,
    WorkerKind,
    WorkerSkill,
    utcnow,
)
from marketplace.services.applications import attendance, offers
from marketplace.services.lending import agreements as lending
from marketplace.services.lending import report as lending_report
from marketplace.services.moderation import decisions as moderation
from marketplace.services.moderation import reports
from marketplace.services.shifts import posting
from marketplace.services.shifts.shift import ShiftInput
from marketplace.services.training import grants as training_grants
from marketplace.services.training import sessions as training


@pytest.fixture
def world(make_association, make_factory, make_user, make_worker, make_shift):
    """A factory with a shift and an application in every needed state, and outsiders."""
    association = make_association()
    factory = make_factory(association=association)
    lender = make_factory(association=association)
    shift = make_shift(factory=factory)
    idle = make_worker(WorkerKind.IDLE_EMPLOYEE)
    idle.lender_factory_id = lender.id
    worker = make_worker()
    application = Application(
        worker_id=worker.id,
        shift_id=shift.id,
        status=ApplicationStatus.OFFERED,
        offered_at=utcnow(),
        offer_expires_at=utcnow() + timedelta(hours=6),
    )
    skill = Skill(code="x.loom", name_zh="挡车", name_en="Loom", industry=Industry.TEXTILES)
    cert_type = CertificateType(code="x.health", name_zh="健康证", name_en="Health")
    db.session.add_all([application, skill, cert_type])
    db.session.flush()
    day = utcnow().date() + timedelta(days=2)
    agreement = LendingAgreement(
        worker_id=idle.id,
        lender_factory_id=lender.id,
        borrower_factory_id=factory.id,
        starts_on=day,
        ends_on=day,
        wage_payer=Payer.LENDER,
        insurance_payer=Payer.LENDER,
        settlement_rate_cny=Decimal("25"),
        status=AgreementStatus.REQUESTED,
    )
    training_session = TrainingSession(
        association_id=association.id,
        title="挡车培训",
        skill_id=skill.id,
        level_granted=2,
        starts_at=utcnow() + timedelta(days=3),
        ends_at=utcnow() + timedelta(days=3, hours=2),
        capacity=10,
    )
    db.session.add_all(
        [
            agreement,
            training_session,
            WorkerSkill(worker_id=worker.id, skill_id=skill.id, level=2),
            WorkerCertificate(worker_id=worker.id, certificate_type_id=cert_type.id, number="N1"),
            Report(
                reporter_id=worker.user_id,
                target_type=ReportTarget.FACTORY,
                target_id=factory.id,
                association_id=association.id,
                category=ReportCategory.OTHER,
                description="…",
            ),
        ]
    )
    db.session.commit()
    other_factory = make_factory()
    return {
        "association": association,
        "factory": factory,
        "lender": lender,
        "shift": shift,
        "application": application,
        "agreement": agreement,
        "training": training_session,
        "skill": db.session.scalar(sa.select(WorkerSkill)),
        "certificate": db.session.scalar(sa.select(WorkerCertificate)),
        "report": db.session.scalar(sa.select(Report)),
        "worker": worker,
        "outsiders": {
            "other_moderator": make_user(Role.MODERATOR, association=other_factory.association),
            "worker": make_worker().user,
            "other_staff": other_factory.members[0].user,
        },
    }


def _shift_input(w):
    starts = utcnow() + timedelta(days=3)
    return ShiftInput(
        site_id=w["factory"].sites[0].id,
        title="t",
        starts_at=starts,
        ends_at=starts + timedelta(hours=8),
        headcount=2,
        hourly_pay_cny=Decimal("25"),
    )


FACTORY_ACTIONS = {
    "create_shift": lambda a, w: posting.create_shift(a, w["factory"].id, _shift_input(w)),
    "update_shift": lambda a, w: posting.update_shift(a, w["shift"].id, _shift_input(w)),
    "publish_shift": lambda a, w: posting.publish_shift(a, w["shift"].id),
    "cancel_shift": lambda a, w: posting.cancel_shift(a, w["shift"].id, "no"),
    "offer": lambda a, w: offers.offer(a, w["application"].id),
    "reject": lambda a, w: offers.reject(a, w["application"].id, "no"),
    "check_in": lambda a, w: attendance.check_in(a, w["application"].id),
    "check_out": lambda a, w: attendance.check_out(a, w["application"].id),
    "no_show": lambda a, w: attendance.mark_no_show(a, w["application"].id),
    "cancel_place": lambda a, w: attendance.cancel(a, w["application"].id, "no"),
    "rate_worker": lambda a, w: attendance.rate(a, w["application"].id, 5),
    "request_agreement": lambda a, w: lending.request_agreement(
        a,
        w["agreement"].worker_id,
        w["factory"].id,
        w["agreement"].starts_on,
        w["agreement"].ends_on,
        Payer.LENDER,
        Payer.LENDER,
        Decimal("20"),
    ),
    "approve_agreement": lambda a, w: lending.approve_agreement(a, w["agreement"].id),
    "refuse_agreement": lambda a, w: lending.refuse_agreement(a, w["agreement"].id, "no"),
    "cancel_agreement": lambda a, w: lending.cancel_agreement(a, w["agreement"].id),
    "recall_worker": lambda a, w: lending.recall_worker(a, w["agreement"].id, "no"),
    "agreement_report": lambda a, w: lending_report.agreement_report(a, w["factory"].id),
}

MODERATOR_ACTIONS = {
    "verify_factory": lambda a, w: moderation.verify_factory(a, w["factory"].id),
    "reject_factory": lambda a, w: moderation.reject_factory(a, w["factory"].id, "no"),
    "suspend_factory": lambda a, w: moderation.suspend_factory(a, w["factory"].id, "no"),
    "reinstate_factory": lambda a, w: moderation.reinstate_factory(a, w["factory"].id),
    "approve_shift": lambda a, w: moderation.approve_shift(a, w["shift"].id),
    "reject_shift": lambda a, w: moderation.reject_shift(a, w["shift"].id, "no"),
    "verify_skill": lambda a, w: moderation.verify_worker_skill(a, w["skill"].id),
    "verify_certificate": lambda a, w: moderation.verify_worker_certificate(a, w["certificate"].id),
    "resolve_report": lambda a, w: reports.resolve_report(a, w["report"].id, "done"),
    "dismiss_report": lambda a, w: reports.dismiss_report(a, w["report"].id, "done"),
    "list_reports": lambda a, w: reports.list_reports(a, w["association"].id),
    "review_queue": lambda a, w: reports.review_queue(a, w["association"].id),
    "audit_events": lambda a, w: reports.audit_events(a, w["association"].id),
    "publish_training": lambda a, w: training.publish_training(
        a,
        w["association"].id,
        training.TrainingInput(
            title="t",
            starts_at=utcnow() + timedelta(days=5),
            ends_at=utcnow() + timedelta(days=5, hours=1),
            capacity=5,
            skill_id=w["skill"].skill_id,
            level_granted=1,
        ),
    ),
    "cancel_training": lambda a, w: training.cancel_training(a, w["training"].id, "no"),
    "complete_training": lambda a, w: training_grants.complete_training(a, w["training"].id, []),
}

WORKER_ACTIONS = {
    "accept": lambda a, w: offers.accept(a, w["application"].id),
    "decline": lambda a, w: offers.decline(a, w["application"].id),
    "withdraw": lambda a, w: offers.withdraw(a, w["application"].id),
}


def _state() -> dict:
    """Everything a refused action might have touched, to compare before and after."""
    rows = {}
    for model in (
        Application,
        LendingAgreement,
        Report,
        TrainingSession,
        WorkerSkill,
        WorkerCertificate,
        Shift,
        Factory,
    ):
        columns = [c for c in model.__table__.columns if c.name not in ("updated_at",)]
        rows[model.__tablename__] = sorted(
            tuple(map(str, row)) for row in db.session.execute(sa.select(*columns))
        )
    for model in (Notification, TrainingEnrolment, Assignment, Rating):
        rows[model.__tablename__] = db.session.scalar(sa.select(sa.func.count(model.id)))
    return rows


def _refused(world, actor, action) -> None:
    before = db.session.scalar(sa.select(sa.func.count(AuditEvent.id)))
    state = _state()
    with pytest.raises(Forbidden):
        action(actor, world)
    db.session.rollback()
    assert _state() == state
    events = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.id > 0).order_by(AuditEvent.id.desc()).limit(1)
    ).all()
    assert db.session.scalar(sa.select(sa.func.count(AuditEvent.id))) == before + 1
    assert events[0].action.startswith("denied.") and events[0].actor_id == actor.id


@pytest.mark.parametrize("outsider", ["other_moderator", "worker", "other_staff"])
@pytest.mark.parametrize("name", sorted(FACTORY_ACTIONS))
def test_factory_actions_are_refused_to_outsiders(world, outsider, name):
    _refused(world, world["outsiders"][outsider], FACTORY_ACTIONS[name])


@pytest.mark.parametrize("outsider", ["other_moderator", "worker", "other_staff"])
@pytest.mark.parametrize("name", sorted(MODERATOR_ACTIONS))
def test_moderation_actions_are_refused_to_outsiders(world, outsider, name):
    _refused(world, world["outsiders"][outsider], MODERATOR_ACTIONS[name])


@pytest.mark.parametrize("name", sorted(MODERATOR_ACTIONS))
def test_moderation_actions_are_refused_to_the_factory_itself(world, name):
    _refused(world, world["factory"].members[0].user, MODERATOR_ACTIONS[name])


@pytest.mark.parametrize("outsider", ["other_moderator", "worker", "other_staff", "staff"])
@pytest.mark.parametrize("name", sorted(WORKER_ACTIONS))
def test_a_workers_answers_are_refused_to_everyone_else(world, outsider, name):
    actor = (
        world["factory"].members[0].user if outsider == "staff" else (world["outsiders"][outsider])
    )
    _refused(world, actor, WORKER_ACTIONS[name])
    assert db.session.get(Application, world["application"].id).status == (
        ApplicationStatus.OFFERED
    )
