"""Reports, the review queue and the audit trail, each seen by its own association only."""

import pytest
import sqlalchemy as sa

from marketplace.errors import Conflict, Forbidden, Invalid, NotFound
from marketplace.extensions import db
from marketplace.models import (
    Application,
    Industry,
    Report,
    ReportStatus,
    Role,
    ShiftStatus,
    Skill,
    UserStatus,
    VerificationStatus,
    WorkerKind,
    WorkerSkill,
)
from marketplace.services import audit
from marketplace.services.moderation import reports
from tests.helpers import events, owner
from tests.helpers import notified_users as notified


def _file(actor, target_type, target_id, category="unsafe_conditions", text="车间没有消防通道"):
    return reports.file_report(actor, target_type, target_id, category, text)


def test_a_worker_reports_a_shift_to_its_factory_s_association(
    make_shift, make_worker, moderator_of
):
    shift = make_shift()
    moderator = moderator_of(shift.factory)
    other_moderator = moderator_of(make_shift().factory)
    worker = make_worker()
    report = _file(worker.user, "shift", shift.id, "unpaid_wages", "  工资拖欠两周  ")
    report = db.session.get(Report, report.id)
    assert (report.association_id, report.status) == (
        shift.factory.association_id,
        ReportStatus.OPEN,
    )
    assert report.description == "工资拖欠两周"
    assert report.reporter_id == worker.user_id
    assert notified("report_filed") == {moderator.id}
    assert other_moderator.id not in notified("report_filed")
    (event,) = events("report.filed")
    assert event.association_id == shift.factory.association_id


def test_a_report_on_a_factory_goes_to_its_association(make_factory, make_worker):
    factory = make_factory()
    report = _file(make_worker().user, "factory", factory.id)
    assert report.association_id == factory.association_id


def test_a_report_on_a_worker_goes_to_an_association_the_worker_is_tied_to(
    make_factory, make_shift, make_worker
):
    worker = make_worker()
    with pytest.raises(Invalid) as caught:
        _file(owner(make_factory()), "worker", worker.id, "no_show", "没来上班")
    assert list(caught.value.fields) == ["target_id"]
    first, second = make_shift(), make_shift()
    for shift in (first, second):
        db.session.add(Application(worker=worker, shift=shift))
    db.session.commit()
    # Staff of the second shift's factory report: it goes to their association.
    report = _file(owner(second.factory), "worker", worker.id, "no_show", "没来上班")
    assert report.association_id == second.factory.association_id


def test_a_report_needs_a_known_target_and_a_description(make_worker, make_factory):
    reporter = make_worker().user
    factory = make_factory()
    with pytest.raises(Invalid) as caught:
        reports.file_report(reporter, "planet", factory.id, "gossip", " ")
    assert set(caught.value.fields) == {"target_type", "category", "description"}
    with pytest.raises(Invalid) as caught:
        _file(reporter, "factory", factory.id, text="长" * 2001)
    assert list(caught.value.fields) == ["description"]
    with pytest.raises(NotFound):
        _file(reporter, "shift", 999_999)
    assert db.session.scalar(sa.select(sa.func.count(Report.id))) == 0


def test_a_suspended_user_cannot_file_reports(make_worker, make_factory):
    worker = make_worker()
    worker.user.status = UserStatus.SUSPENDED
    db.session.commit()
    with pytest.raises(Forbidden):
        _file(worker.user, "factory", make_factory().id)
    assert events("denied.report.file")


@pytest.fixture
def open_report(make_factory, make_worker):
    factory = make_factory()
    reporter = make_worker()
    return _file(reporter.user, "factory", factory.id), factory, reporter


@pytest.mark.parametrize(
    ("close", "status", "kind"),
    [
        (reports.resolve_report, ReportStatus.RESOLVED, "report_resolved"),
        (reports.dismiss_report, ReportStatus.DISMISSED, "report_dismissed"),
    ],
)
def test_the_association_closes_a_report_and_the_reporter_hears(
    open_report, moderator_of, close, status, kind
):
    report, factory, reporter = open_report
    moderator = moderator_of(factory)
    with pytest.raises(Invalid) as caught:
        close(moderator, report.id, "  ")
    assert list(caught.value.fields) == ["resolution"]
    close(moderator, report.id, "已约谈企业负责人")
    db.session.expire_all()
    report = db.session.get(Report, report.id)
    assert (report.status, report.resolution, report.handled_by_id) == (
        status,
        "已约谈企业负责人",
        moderator.id,
    )
    assert notified(kind) == {reporter.user_id}
    assert events(f"report.{status.value}")
    with pytest.raises(Conflict):
        reports.resolve_report(moderator, report.id, "再处理一次")


@pytest.mark.parametrize("close", [reports.resolve_report, reports.dismiss_report])
def test_only_the_report_s_association_handles_it(
    open_report, make_factory, make_user, moderator_of, close
):
    report, factory, reporter = open_report
    stranger = moderator_of(make_factory())
    for actor in (stranger, reporter.user, owner(factory)):
        with pytest.raises(Forbidden):
            close(actor, report.id, "处理")
    assert db.session.get(Report, report.id).status == ReportStatus.OPEN
    action = "resolve" if close is reports.resolve_report else "dismiss"
    assert len(events(f"denied.report.{action}")) == 3
    with pytest.raises(NotFound):
        close(stranger, 999_999, "处理")
    close(make_user(Role.ADMIN), report.id, "管理员处理")
    assert db.session.get(Report, report.id).status != ReportStatus.OPEN


def test_moderators_list_their_own_association_s_reports(open_report, moderator_of, make_factory):
    report, factory, reporter = open_report
    elsewhere = _file(reporter.user, "factory", make_factory().id)
    moderator = moderator_of(factory)
    assert [r.id for r in reports.list_reports(moderator, factory.association_id)] == [report.id]
    assert reports.list_reports(moderator, factory.association_id, status="resolved") == []
    with pytest.raises(Invalid):
        reports.list_reports(moderator, factory.association_id, status="lost")
    with pytest.raises(Forbidden):
        reports.list_reports(moderator, elsewhere.association_id)
    with pytest.raises(Forbidden):
        reports.list_reports(reporter.user, factory.association_id)
    assert len(events("denied.report.list")) == 2


def test_the_review_queue_holds_what_waits_for_the_association(
    make_factory, make_shift, make_worker, moderator_of
):
    verified = make_factory()
    association = verified.association
    pending = make_factory(association=association, status=VerificationStatus.PENDING)
    waiting = make_shift(factory=verified, status=ShiftStatus.PENDING_REVIEW)
    make_shift(factory=verified)  # open: nothing to review
    elsewhere = make_shift(status=ShiftStatus.PENDING_REVIEW)
    tied, untied = make_worker(WorkerKind.IDLE_EMPLOYEE), make_worker()
    tied.lender_factory_id = verified.id
    skill = Skill(code="dye.vat", name_zh="染色", name_en="Dyeing", industry=Industry.TEXTILES)
    db.session.add(skill)
    db.session.flush()
    tied.skills.append(WorkerSkill(skill_id=skill.id, level=2))
    untied.skills.append(WorkerSkill(skill_id=skill.id, level=2))
    db.session.commit()
    report = _file(untied.user, "shift", waiting.id)

    queue = reports.review_queue(moderator_of(verified), association.id)
    assert [f.id for f in queue.factories] == [pending.id]
    assert [s.id for s in queue.shifts] == [waiting.id]
    assert [s.worker_id for s in queue.worker_skills] == [tied.id]
    assert queue.worker_certificates == []
    assert [r.id for r in queue.reports] == [report.id]
    with pytest.raises(Forbidden):
        reports.review_queue(moderator_of(elsewhere.factory), association.id)
    with pytest.raises(Forbidden):
        reports.review_queue(owner(verified), association.id)
    assert len(events("denied.moderation.queue")) == 2


def test_moderators_read_only_their_association_s_audit_trail(
    make_factory, moderator_of, make_user
):
    mine, theirs = make_factory(), make_factory()
    for n in range(3):
        audit.record("test.mine", obj=mine, association_id=mine.association_id, n=n)
    audit.record("test.theirs", obj=theirs, association_id=theirs.association_id)
    db.session.commit()
    moderator = moderator_of(mine)

    trail = reports.audit_events(moderator, mine.association_id, limit=2)
    assert [e.details["n"] for e in trail] == [2, 1]  # newest first
    rest = reports.audit_events(moderator, mine.association_id, before_id=trail[-1].id)
    assert [e.details["n"] for e in rest] == [0]

    for association_id in (theirs.association_id, None):
        with pytest.raises(Forbidden):
            reports.audit_events(moderator, association_id)
    with pytest.raises(Forbidden):
        reports.audit_events(owner(mine), mine.association_id)
    assert len(events("denied.audit.read")) == 3
    with pytest.raises(Invalid):
        reports.audit_events(moderator, mine.association_id, limit=0)

    admin = make_user(Role.ADMIN)
    everything = reports.audit_events(admin)
    assert {"test.mine", "test.theirs", "denied.audit.read"} <= {e.action for e in everything}
