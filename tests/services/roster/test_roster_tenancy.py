"""Roster imports write only over workers the importer answers for, and only what it may set.

A factory: its own lent staff (home, ID number, skills). An association: staff lent by its
members (also which member lends them), and for workers tied to it otherwise (an application
to a member's shift, its training) their skills. Either: the unclaimed accounts its own
imports created. Anyone else is refused by row; whoever is changed is told and audited.
"""

import sqlalchemy as sa
from flask_babel import force_locale

from marketplace.extensions import db
from marketplace.models import (
    Application,
    ApplicationStatus,
    ImportStatus,
    Notification,
    Role,
    User,
    WorkerKind,
    WorkerSkill,
    utcnow,
)
from marketplace.services.accounts import invitations
from marketplace.services.notify import notifications
from marketplace.services.roster import imports as roster
from marketplace.services.roster.reasons import row_reason
from tests.factories import PASSWORD
from tests.helpers import events
from tests.roster_helpers import rows_to_csv

MOBILE = "+8613912340000"


def _row(**values) -> dict:
    row = {"name": "王五", "mobile": MOBILE[3:], "kind": "idle_employee", "district": "柯桥区"}
    return {**row, **values}


def _import(scene, rows, *, as_factory=False):
    data = rows_to_csv(rows)
    if as_factory:
        return roster.start_import(scene["owner"], "r.csv", data, factory_id=scene["factory"].id)
    return roster.start_import(
        scene["moderator"], "r.csv", data, association_id=scene["association"].id
    )


def _problems(job) -> dict:
    db.session.expire_all()
    job = db.session.get(type(job), job.id)
    return {e["row"]: e["problems"] for e in job.report if e["problems"]}


def _skills(worker) -> dict:
    query = sa.select(WorkerSkill.skill_id, WorkerSkill.level).where(
        WorkerSkill.worker_id == worker.id
    )
    return dict(db.session.execute(query).all())


def _skill_id(code="weaving.loom_operation"):
    from marketplace.models import Skill

    return db.session.scalar(sa.select(Skill.id).where(Skill.code == code))


def test_a_factory_updates_its_own_lent_staff_and_they_are_told_by_whom(roster_scene, make_worker):
    factory = roster_scene["factory"]
    worker = make_worker(kind=WorkerKind.IDLE_EMPLOYEE, mobile=MOBILE)
    worker.lender_factory_id = factory.id
    db.session.commit()
    job = _import(roster_scene, [_row(skills="织机操作:4")], as_factory=True)
    assert (job.status, job.updated_count) == (ImportStatus.DONE, 1)
    db.session.expire_all()
    assert worker.home_district_id == roster_scene["districts"][1].id
    assert _skills(worker) == {_skill_id(): 4}
    [event] = events("roster.worker_updated")
    assert (event.object_type, event.object_id) == ("worker_profiles", worker.id)
    assert event.details == {"import_id": job.id, "fields": ["home", "skills"]}
    assert event.actor_id == roster_scene["owner"].id
    [notice] = db.session.scalars(sa.select(Notification)).all()
    assert notice.user_id == worker.user_id
    subject, body = notifications.render(notice, "en")
    assert factory.name in subject and "home location, skills" in body
    subject, body = notifications.render(notice, "zh_Hans_CN")
    assert factory.name in subject and "居住地、技能" in body


def test_a_lender_cannot_release_its_staff_or_redo_a_verified_level(roster_scene, make_worker):
    worker = make_worker(kind=WorkerKind.IDLE_EMPLOYEE, mobile=MOBILE)
    worker.lender_factory_id = roster_scene["factory"].id
    db.session.add(
        WorkerSkill(
            worker=worker,
            skill_id=_skill_id(),
            level=2,
            verified_at=utcnow(),
            verified_by_association_id=roster_scene["association"].id,
        )
    )
    db.session.commit()
    job = _import(roster_scene, [_row(kind="volunteer")], as_factory=True)
    assert _problems(job) == {2: [["field_fixed", {"fields": ["kind", "lender"]}]]}
    job = _import(roster_scene, [_row(skills="织机操作:5")], as_factory=True)
    assert _problems(job) == {2: [["skill_verified", {}]]}
    db.session.expire_all()
    assert (worker.kind, worker.lender_factory_id) == (
        WorkerKind.IDLE_EMPLOYEE,
        roster_scene["factory"].id,
    )
    assert _skills(worker) == {_skill_id(): 2}
    assert db.session.scalar(sa.select(sa.func.count(Notification.id))) == 0


def test_an_association_sets_skills_only_of_a_worker_tied_to_it_by_an_application(
    roster_scene, make_worker, make_shift
):
    volunteer = make_worker(kind=WorkerKind.VOLUNTEER, mobile=MOBILE)
    shift = make_shift(factory=roster_scene["factory"])
    db.session.add(
        Application(worker_id=volunteer.id, shift_id=shift.id, status=ApplicationStatus.APPLIED)
    )
    db.session.commit()
    home = volunteer.home_district_id
    takeover = _row(lender=roster_scene["factory"].uscc, skills="织机操作:5")
    job = _import(roster_scene, [takeover])
    assert _problems(job) == {2: [["field_fixed", {"fields": ["kind", "lender", "home"]}]]}
    job = _import(roster_scene, [_row(kind="volunteer", district="越城区", skills="织机操作:3")])
    assert (job.status, job.updated_count) == (ImportStatus.DONE, 1), _problems(job)
    db.session.expire_all()
    assert (volunteer.kind, volunteer.lender_factory_id, volunteer.home_district_id) == (
        WorkerKind.VOLUNTEER,
        None,
        home,
    )
    assert _skills(volunteer) == {_skill_id(): 3}
    [event] = events("roster.worker_updated")
    assert event.details["fields"] == ["skills"]


def test_strangers_are_refused_and_the_file_writes_nothing(roster_scene, make_worker, make_factory):
    stranger = make_worker(kind=WorkerKind.RETIREE, mobile=MOBILE)
    elsewhere = make_factory()
    lent_elsewhere = make_worker(kind=WorkerKind.IDLE_EMPLOYEE, mobile="+8613912340001")
    lent_elsewhere.lender_factory_id = elsewhere.id
    db.session.commit()
    rows = [
        _row(kind="retiree", skills="验布:2"),
        _row(mobile="13912340001", kind="retiree"),
        _row(name="新人", mobile="13912340002", kind="retiree"),
    ]
    for as_factory in (True, False):
        job = _import(roster_scene, rows, as_factory=as_factory)
        assert job.status == ImportStatus.REFUSED
        problems = _problems(job)
        assert problems[2] == [["worker_unrelated", {}]]
        assert problems[3] == [["worker_elsewhere", {}]]
        assert 4 not in problems
    db.session.expire_all()
    assert _skills(stranger) == {}
    assert db.session.scalar(sa.select(sa.func.count(User.id)).where(User.role == Role.WORKER)) == 2
    assert events("roster.worker_updated") == []


def test_an_imports_own_account_is_its_to_correct_until_the_person_takes_it_up(roster_scene):
    rows = [_row(kind="retiree")]
    assert _import(roster_scene, rows).created_count == 1
    rows[0]["district"] = "越城区"
    job = _import(roster_scene, rows)
    assert (job.status, job.updated_count) == (ImportStatus.DONE, 1)
    [link] = roster.issue_invitations(roster_scene["moderator"], job.id - 1)
    invitations.accept(link.token, PASSWORD)
    rows[0]["district"] = "柯桥区"
    job = _import(roster_scene, rows)
    assert _problems(job) == {2: [["worker_unrelated", {}]]}


def test_refusals_name_the_fields_in_the_readers_language(app):
    with app.test_request_context():
        with force_locale("en"):
            english = row_reason("field_fixed", {"fields": ["kind", "lender"]})
        with force_locale("zh_Hans_CN"):
            chinese = row_reason("field_fixed", {"fields": ["kind", "lender"]})
    assert english == "An import of yours cannot change this worker's kind of worker, lender."
    assert chinese == "您的导入不能修改此务工人员的人员类型、出借企业。"
