"""One shift's whole life, through the services only, as the three kinds of user live it."""

from datetime import timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.models import (
    ApplicationStatus,
    AuditEvent,
    Industry,
    Notification,
    Payer,
    Rating,
    Role,
    Shift,
    ShiftStatus,
    Skill,
    VerificationStatus,
    WorkerKind,
    WorkerSkill,
    utcnow,
)
from marketplace.services.applications import applying as applications
from marketplace.services.applications import attendance, offers
from marketplace.services.lending import agreements as lending
from marketplace.services.lending import report as lending_report
from marketplace.services.moderation import decisions as moderation
from marketplace.services.shifts import posting
from marketplace.services.shifts.shift import ShiftInput

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _skilled(make_worker, skill, level, kind, **extra):
    worker = make_worker(kind)
    for key, value in extra.items():
        setattr(worker, key, value)
    db.session.add(WorkerSkill(worker_id=worker.id, skill_id=skill.id, level=level))
    db.session.commit()
    return worker


def _cast(make_association, make_factory, make_user, make_worker):
    """Who takes part: an association, two factories in it, three workers of three kinds."""
    association = make_association(industry=Industry.TEXTILES)
    moderator = make_user(Role.MODERATOR, association=association)
    borrower = make_factory(association=association, status=VerificationStatus.PENDING)
    lender = make_factory(association=association)
    loom = Skill(code="weaving.loom", name_zh="挡车", name_en="Loom", industry=Industry.TEXTILES)
    db.session.add(loom)
    db.session.commit()
    workers = {
        "retiree": _skilled(make_worker, loom, 3, WorkerKind.RETIREE),
        "volunteer": _skilled(make_worker, loom, 2, WorkerKind.VOLUNTEER),
        "idle": _skilled(
            make_worker, loom, 4, WorkerKind.IDLE_EMPLOYEE, lender_factory_id=lender.id
        ),
    }
    return moderator, borrower, lender, loom, workers


def _post_and_approve(staff, borrower, moderator, loom) -> Shift:
    starts = (utcnow() + timedelta(days=2)).replace(minute=0, second=0, microsecond=0)
    data = ShiftInput(
        site_id=borrower.sites[0].id,
        title="挡车工（白班）",
        starts_at=starts,
        ends_at=starts + timedelta(hours=8),
        headcount=3,
        hourly_pay_cny=Decimal("28.50"),
        required_skills=[(loom.id, 2)],
    )
    shift = posting.create_shift(staff, borrower.id, data)
    assert posting.publish_shift(staff, shift.id).status == ShiftStatus.PENDING_REVIEW
    moderation.verify_factory(moderator, borrower.id)
    assert moderation.approve_shift(moderator, shift.id).status == ShiftStatus.OPEN
    return shift


def _lend(staff, lender_staff, worker, borrower, shift):
    day = shift.starts_at.astimezone(SHANGHAI).date()
    agreement = lending.request_agreement(
        staff,
        worker.id,
        borrower.id,
        day,
        day + timedelta(days=1),
        Payer.LENDER,
        Payer.BORROWER,
        Decimal("30.00"),
    )
    return lending.approve_agreement(lender_staff, agreement.id)


def _work_the_shift(staff, shift, placed):
    """Time passes: the shift is moved into the past, then attendance is taken."""
    now = utcnow().replace(microsecond=0)
    db.session.execute(
        sa.update(Shift)
        .where(Shift.id == shift.id)
        .values(starts_at=now - timedelta(hours=9), ends_at=now - timedelta(hours=1))
    )
    db.session.commit()
    for application in placed:
        attendance.check_in(staff, application.id, at=now - timedelta(hours=9))
        attendance.check_out(staff, application.id, at=now - timedelta(hours=1))


def test_a_shift_from_posting_to_ratings(make_association, make_factory, make_user, make_worker):
    moderator, borrower, lender, loom, workers = _cast(
        make_association, make_factory, make_user, make_worker
    )
    staff, lender_staff = borrower.members[0].user, lender.members[0].user
    shift = _post_and_approve(staff, borrower, moderator, loom)
    agreement = _lend(staff, lender_staff, workers["idle"], borrower, shift)
    before = {name: attendance.reliability(w) for name, w in workers.items()}

    placed = []
    for worker in workers.values():
        application = applications.apply(worker.user, shift.id)
        offers.offer(staff, application.id)
        placed.append(offers.accept(worker.user, application.id))
    assert db.session.get(Shift, shift.id).accepted_count == 3
    assert placed[2].lending_agreement_id == agreement.id

    _work_the_shift(staff, shift, placed)
    for application, worker in zip(placed, workers.values(), strict=True):
        attendance.rate(staff, application.id, 5, "准时，手脚麻利")
        attendance.rate(worker.user, application.id, 4, "管理规范")

    db.session.expire_all()
    assert {a.status for a in placed} == {ApplicationStatus.COMPLETED}
    assert all(a.assignment.hours == Decimal("8.00") for a in placed)
    assert db.session.scalar(sa.select(sa.func.count(Rating.id))) == 6
    after = {name: attendance.reliability(w) for name, w in workers.items()}
    assert all(after[name] > before[name] for name in workers)

    (line,) = lending_report.agreement_report(staff, borrower.id)
    assert line.agreement.id == agreement.id
    assert line.hours == Decimal("8.00") and line.amount_due_cny == Decimal("240.00")

    told = set(db.session.scalars(sa.select(Notification.kind)))
    assert {
        "shift_pending_review",
        "factory_verified",
        "shift_approved",
        "lending_requested",
        "lending_approved",
        "application_received",
        "offer_made",
        "offer_accepted",
    } <= told
    trail = list(db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)))
    expected_order = [
        "shift.created",
        "shift.published",
        "factory.verified",
        "shift.approved",
        "application.applied",
        "application.offered",
        "application.accepted",
        "application.checked_in",
        "application.checked_out",
        "application.rated",
    ]
    positions = [trail.index(action) for action in expected_order]
    assert positions == sorted(positions), trail
