"""The moderators' pages: review queue decisions, members, audit trail, training."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.models import (
    Application,
    EnrolmentStatus,
    Factory,
    Report,
    ReportStatus,
    Role,
    Shift,
    ShiftStatus,
    TrainingEnrolment,
    TrainingSession,
    UserStatus,
    VerificationStatus,
    WorkerSkill,
    utcnow,
)
from marketplace.services.moderation import reports
from tests.conftest import csrf_from
from tests.factories import PASSWORD

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _decide(client, what, object_id, verb, back="queue", **fields):
    page = client.get("/association/" if back == "queue" else "/association/members")
    data = {"csrf_token": csrf_from(page.get_data(as_text=True)), "back": back, **fields}
    return client.post(f"/association/{what}/{object_id}/{verb}", data=data)


def _moderator(client, login, moderator_of, factory):
    moderator = moderator_of(factory)
    login(moderator.mobile, PASSWORD)
    return moderator


def test_a_pending_factory_is_verified_from_the_queue(client, login, make_factory, moderator_of):
    member = make_factory()
    pending = make_factory(association=member.association, status=VerificationStatus.PENDING)
    _moderator(client, login, moderator_of, member)
    page = client.get("/association/").get_data(as_text=True)
    assert pending.name in page and member.name not in page
    response = _decide(client, "factories", pending.id, "verify")
    assert response.status_code == 302
    assert db.session.get(Factory, pending.id).verification_status == VerificationStatus.VERIFIED


def test_rejecting_without_a_reason_says_so_beside_the_box_and_changes_nothing(
    client, login, make_factory, moderator_of
):
    pending = make_factory(status=VerificationStatus.PENDING)
    _moderator(client, login, moderator_of, pending)
    response = _decide(client, "factories", pending.id, "reject", reason="   ")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f'id="error-factories-{pending.id}"' in page and "Give a reason." in page
    assert db.session.get(Factory, pending.id).verification_status == VerificationStatus.PENDING
    too_long = "理由" * 1001
    response = _decide(client, "factories", pending.id, "reject", reason=too_long)
    assert response.status_code == 422 and too_long in response.get_data(as_text=True)


def test_shifts_are_approved_or_rejected_with_a_reason(client, login, make_shift, moderator_of):
    first = make_shift(status=ShiftStatus.PENDING_REVIEW)
    second = make_shift(factory=first.factory, status=ShiftStatus.PENDING_REVIEW)
    _moderator(client, login, moderator_of, first.factory)
    assert _decide(client, "shifts", first.id, "approve").status_code == 302
    assert (
        _decide(client, "shifts", second.id, "reject", reason="工资低于最低标准").status_code == 302
    )
    assert db.session.get(Shift, first.id).status == ShiftStatus.OPEN
    assert db.session.get(Shift, second.id).status == ShiftStatus.REJECTED


def test_a_skill_is_verified_at_the_level_the_moderator_chose(
    client, login, make_shift, make_worker, moderator_of, loom
):
    shift = make_shift()
    worker = make_worker()
    db.session.add(Application(worker_id=worker.id, shift_id=shift.id))  # ties them
    skill = WorkerSkill(worker_id=worker.id, skill_id=loom.id, level=4)
    db.session.add(skill)
    db.session.commit()
    _moderator(client, login, moderator_of, shift.factory)
    assert "Loom operation" in client.get("/association/").get_data(as_text=True)
    assert _decide(client, "skills", skill.id, "verify", level="3").status_code == 302
    verified = db.session.get(WorkerSkill, skill.id)
    assert (verified.level, verified.verified_at is not None) == (3, True)
    assert _decide(client, "skills", skill.id, "verify", level="9").status_code == 422


def test_a_report_is_resolved_with_what_was_done(
    client, login, make_shift, make_worker, moderator_of
):
    shift = make_shift()
    reporter = make_worker()
    report = reports.file_report(reporter.user, "shift", shift.id, "unpaid_wages", "没有发工资")
    _moderator(client, login, moderator_of, shift.factory)
    assert _decide(client, "reports", report.id, "resolve").status_code == 422
    assert (
        _decide(client, "reports", report.id, "resolve", reason="已联系企业补发").status_code == 302
    )
    assert db.session.get(Report, report.id).status == ReportStatus.RESOLVED


def test_a_tied_worker_is_suspended_with_a_reason_and_reinstated(
    client, login, make_shift, make_worker, moderator_of
):
    shift = make_shift()
    worker = make_worker()
    db.session.add(Application(worker_id=worker.id, shift_id=shift.id))
    db.session.commit()
    _moderator(client, login, moderator_of, shift.factory)
    assert worker.user.name in client.get("/association/members").get_data(as_text=True)
    assert _decide(client, "workers", worker.id, "suspend", back="members").status_code == 422
    response = _decide(client, "workers", worker.id, "suspend", back="members", reason="冒名顶替")
    assert response.status_code == 302
    assert db.session.get(type(worker.user), worker.user_id).status == UserStatus.SUSPENDED
    assert _decide(client, "workers", worker.id, "reinstate", back="members").status_code == 302
    assert db.session.get(type(worker.user), worker.user_id).status == UserStatus.ACTIVE


def test_nobody_else_decides_for_an_association(
    client, login, make_factory, make_user, make_association, make_worker
):
    pending = make_factory(status=VerificationStatus.PENDING)
    stranger = make_user(Role.MODERATOR, association=make_association())
    outsiders = [stranger, make_worker().user, pending.members[0].user]
    for outsider in outsiders:
        login(outsider.mobile, PASSWORD)
        page = client.get("/").get_data(as_text=True)
        response = client.post(
            f"/association/factories/{pending.id}/verify",
            data={"csrf_token": csrf_from(page), "back": "queue"},
        )
        assert response.status_code in (403, 404)
        assert client.get(f"/association/?association={pending.association_id}").status_code == 403
    assert db.session.get(Factory, pending.id).verification_status == VerificationStatus.PENDING


def test_a_decision_without_the_csrf_token_is_refused(client, login, make_factory, moderator_of):
    pending = make_factory(status=VerificationStatus.PENDING)
    _moderator(client, login, moderator_of, pending)
    response = client.post(f"/association/factories/{pending.id}/verify", data={"back": "queue"})
    assert response.status_code == 400
    assert db.session.get(Factory, pending.id).verification_status == VerificationStatus.PENDING


def test_the_audit_trail_shows_the_associations_events(client, login, make_factory, moderator_of):
    pending = make_factory(status=VerificationStatus.PENDING)
    other = make_factory(status=VerificationStatus.PENDING)
    moderator = _moderator(client, login, moderator_of, pending)
    _decide(client, "factories", pending.id, "verify")
    page = client.get("/association/audit").get_data(as_text=True)
    assert "factory.verified" in page and moderator.name in page
    assert f"factories #{other.id}" not in page


def _local_input(moment: datetime) -> str:
    return moment.astimezone(SHANGHAI).strftime("%Y-%m-%dT%H:%M")


def test_a_training_session_is_published_completed_and_grants_the_skill(
    client, login, post_form, make_factory, make_worker, moderator_of, loom
):
    factory = make_factory()
    _moderator(client, login, moderator_of, factory)
    starts = (utcnow() + timedelta(days=2)).replace(second=0, microsecond=0)
    fields = {
        "title": "挡车工速成",
        "location": "柯桥培训中心",
        "grant": f"skill:{loom.id}",
        "level_granted": "2",
        "starts_at": _local_input(starts),
        "ends_at": _local_input(starts - timedelta(hours=1)),
        "capacity": "10",
    }
    refused = post_form("/association/training/", fields)
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert "The session must end after it starts." in page and 'value="挡车工速成"' in page
    fields["ends_at"] = _local_input(starts + timedelta(hours=3))
    assert post_form("/association/training/", fields).status_code == 302
    session = db.session.scalar(sa.select(TrainingSession))
    assert session.starts_at == starts  # entered in Shanghai time, stored as the same instant
    worker = make_worker()
    db.session.add(TrainingEnrolment(session_id=session.id, worker_id=worker.id))
    session.enrolled_count, session.starts_at = 1, utcnow() - timedelta(hours=1)
    db.session.commit()
    page = client.get(f"/association/training/{session.id}").get_data(as_text=True)
    response = client.post(
        f"/association/training/{session.id}/complete",
        data={"csrf_token": csrf_from(page), "passed": [str(worker.id)]},
    )
    assert response.status_code == 302
    enrolment = db.session.scalar(sa.select(TrainingEnrolment))
    assert enrolment.status == EnrolmentStatus.COMPLETED
    granted = db.session.scalar(sa.select(WorkerSkill).where(WorkerSkill.worker_id == worker.id))
    assert granted.level == 2 and granted.verified_at is not None


def test_calling_off_a_session_needs_a_reason(client, login, make_factory, moderator_of, loom):
    from marketplace.services.training import sessions as training

    factory = make_factory()
    moderator = _moderator(client, login, moderator_of, factory)
    starts = utcnow() + timedelta(days=3)
    session = training.publish_training(
        moderator,
        factory.association_id,
        training.TrainingInput(
            title="安全培训",
            starts_at=starts,
            ends_at=starts + timedelta(hours=2),
            capacity=5,
            skill_id=loom.id,
            level_granted=1,
        ),
    )
    page = client.get(f"/association/training/{session.id}").get_data(as_text=True)
    url = f"/association/training/{session.id}/cancel"
    response = client.post(url, data={"csrf_token": csrf_from(page), "reason": ""})
    assert response.status_code == 422 and "Give a reason." in response.get_data(as_text=True)
    response = client.post(url, data={"csrf_token": csrf_from(page), "reason": "场地维修"})
    assert response.status_code == 302
    assert db.session.get(TrainingSession, session.id).status.value == "cancelled"
