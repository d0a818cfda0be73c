"""An association's side of the API: its queue, its decisions, members, workers, audit trail."""

from datetime import date, timedelta
from types import SimpleNamespace

import pytest

from marketplace.extensions import db
from marketplace.models import (
    CertificateType,
    Factory,
    Report,
    ReportCategory,
    ReportTarget,
    Role,
    Shift,
    ShiftStatus,
    VerificationStatus,
    WorkerCertificate,
    WorkerKind,
    WorkerSkill,
)
from tests.api.conftest import error_of
from tests.factories import valid_national_id
from tests.helpers import events, owner

API = "/api/v1"
MOD = f"{API}/moderation"


@pytest.fixture
def scene(make_association, make_factory, make_shift, make_worker, make_user, loom):
    """Association A with one factory of each status, a shift to review, a worker to verify."""
    association = make_association()
    pending = make_factory(association=association, status=VerificationStatus.PENDING)
    verified = make_factory(association=association)
    suspended = make_factory(association=association, status=VerificationStatus.SUSPENDED)
    shift = make_shift(factory=verified, status=ShiftStatus.PENDING_REVIEW)
    worker = make_worker(WorkerKind.IDLE_EMPLOYEE, name="李师傅", mobile="+8613912345678")
    worker.national_id = valid_national_id(7)
    worker.lender_factory_id = verified.id  # ties the worker to association A
    forklift = CertificateType(code="forklift", name_zh="叉车证", name_en="Forklift")
    db.session.add(forklift)
    db.session.flush()
    skill = WorkerSkill(worker_id=worker.id, skill_id=loom.id, level=2)
    certificate = WorkerCertificate(
        worker_id=worker.id,
        certificate_type_id=forklift.id,
        number="T330602",
        valid_until=date.today() + timedelta(days=365),
    )
    report = Report(
        target_type=ReportTarget.FACTORY,
        target_id=verified.id,
        association_id=association.id,
        category=ReportCategory.UNPAID_WAGES,
        description="工资拖欠",
    )
    db.session.add_all([skill, certificate, report])
    db.session.commit()
    return SimpleNamespace(
        association=association,
        pending=pending,
        verified=verified,
        suspended=suspended,
        shift=shift,
        worker=worker,
        skill=skill,
        certificate=certificate,
        moderator=make_user(Role.MODERATOR, association=association),
        stranger=make_user(Role.MODERATOR, association=make_association()),
    )


def test_the_queue_holds_what_waits_for_the_association(client, bearer, scene, make_factory):
    url = f"{API}/associations/{scene.association.id}/queue"
    queue = client.get(url, headers=bearer(scene.moderator)).get_json()
    assert [f["id"] for f in queue["factories"]] == [scene.pending.id]
    assert [(s["id"], s["status"]) for s in queue["shifts"]] == [(scene.shift.id, "pending_review")]
    assert [(s["id"], s["worker_name"], s["level"]) for s in queue["worker_skills"]] == [
        (scene.skill.id, "李师傅", 2)
    ]
    assert [c["id"] for c in queue["worker_certificates"]] == [scene.certificate.id]
    assert "number" not in queue["worker_certificates"][0]
    assert [r["category"] for r in queue["reports"]] == ["unpaid_wages"]
    assert queue["totals"] == dict.fromkeys(
        ("factories", "shifts", "worker_skills", "worker_certificates", "reports"), 1
    )
    make_factory(association=scene.association, status=VerificationStatus.PENDING)
    first = client.get(f"{url}?limit=1", headers=bearer(scene.moderator)).get_json()
    assert [f["id"] for f in first["factories"]] == [scene.pending.id]
    assert first["totals"]["factories"] == 2
    assert (
        "limit"
        in error_of(client.get(f"{url}?limit=0", headers=bearer(scene.moderator)), 422)["fields"]
    )


VERIFIER = "the association"  # stands for the moderator's association id
# (path, object, body, field, value after): each decision's happy path.
DECISIONS = [
    ("factories/{}/verify", "pending", {}, "verification_status", "verified"),
    ("factories/{}/reject", "pending", {"reason": "证照不符"}, "verification_status", "rejected"),
    ("factories/{}/suspend", "verified", {"reason": "欠薪"}, "verification_status", "suspended"),
    ("factories/{}/reinstate", "suspended", {}, "verification_status", "verified"),
    ("shifts/{}/approve", "shift", {}, "status", "open"),
    ("shifts/{}/reject", "shift", {"reason": "工价过低"}, "status", "rejected"),
    ("worker-skills/{}/verify", "skill", {"level": 4}, "level", 4),
    ("worker-certificates/{}/verify", "certificate", {}, "verified_by_association_id", VERIFIER),
]


@pytest.mark.parametrize(("path", "target", "body", "field", "after"), DECISIONS)
def test_each_decision_changes_its_object_and_a_repeat_is_a_conflict(
    client, bearer, scene, path, target, body, field, after
):
    url = f"{MOD}/{path.format(getattr(scene, target).id)}"
    decided = client.post(url, json=body, headers=bearer(scene.moderator))
    assert decided.status_code == 200, decided.get_json()
    expected = scene.association.id if after == VERIFIER else after
    assert decided.get_json()[field] == expected
    again = error_of(client.post(url, json=body, headers=bearer(scene.moderator)), 409)
    assert again["code"] == "conflict"


@pytest.mark.parametrize(("path", "target", "body", "field", "after"), DECISIONS)
def test_each_decision_is_refused_to_everyone_but_the_associations_moderators(
    client, bearer, csrf_header, scene, path, target, body, field, after
):
    url = f"{MOD}/{path.format(getattr(scene, target).id)}"
    error_of(client.post(url, json=body, headers=csrf_header()), 401)
    for outsider in (scene.stranger, scene.worker.user, owner(scene.verified)):
        error_of(client.post(url, json=body, headers=bearer(outsider)), 403)
    missing = f"{MOD}/{path.format(999999)}"
    error_of(client.post(missing, json=body, headers=bearer(scene.moderator)), 404)
    if "reason" in body:
        refused = error_of(client.post(url, json={}, headers=bearer(scene.moderator)), 422)
        assert refused["fields"] == {"reason": ["This field is required."]}
        blank = client.post(url, json={"reason": "   "}, headers=bearer(scene.moderator))
        assert "reason" in error_of(blank, 422)["fields"]
    assert _unchanged(scene, target)


def _unchanged(scene, target) -> bool:
    """The object is still in the state the scene made it in."""
    obj = getattr(scene, target)
    db.session.refresh(obj)
    if isinstance(obj, Factory):
        initial = {"pending": "pending", "verified": "verified", "suspended": "suspended"}[target]
        return obj.verification_status == initial
    if isinstance(obj, Shift):
        return obj.status == ShiftStatus.PENDING_REVIEW
    return obj.verified_at is None


@pytest.mark.parametrize(
    ("path", "target", "body"),
    [
        ("shifts/{}/approve", "open_shift", {}),  # already open
        ("factories/{}/verify", "verified", {}),
        ("factories/{}/suspend", "pending", {"reason": "x"}),  # not verified yet
        ("factories/{}/reinstate", "verified", {}),  # not suspended
    ],
)
def test_a_decision_on_an_object_in_the_wrong_state_is_a_conflict(
    client, bearer, scene, make_shift, path, target, body
):
    scene.open_shift = make_shift(factory=scene.verified)
    url = f"{MOD}/{path.format(getattr(scene, target).id)}"
    refused = error_of(client.post(url, json=body, headers=bearer(scene.moderator)), 409)
    assert refused["message"]


def test_a_pending_factorys_shift_waits_for_the_factory_to_be_verified(
    client, bearer, scene, make_shift
):
    shift = make_shift(factory=scene.pending, status=ShiftStatus.PENDING_REVIEW)
    headers = bearer(scene.moderator)
    refused = error_of(client.post(f"{MOD}/shifts/{shift.id}/approve", headers=headers), 409)
    assert "Verify the factory" in refused["message"]
    client.post(f"{MOD}/factories/{scene.pending.id}/verify", headers=headers)
    approved = client.post(f"{MOD}/shifts/{shift.id}/approve", headers=headers)
    assert approved.get_json()["status"] == "open"


def test_a_skill_level_outside_one_to_five_is_refused(client, bearer, scene):
    url = f"{MOD}/worker-skills/{scene.skill.id}/verify"
    refused = error_of(client.post(url, json={"level": 6}, headers=bearer(scene.moderator)), 422)
    assert list(refused["fields"]) == ["level"]


def test_members_are_the_associations_factories_with_their_status(client, bearer, scene):
    url = f"{API}/associations/{scene.association.id}/members"
    items = client.get(url, headers=bearer(scene.moderator)).get_json()["items"]
    statuses = {f["id"]: f["verification_status"] for f in items}
    assert statuses == {
        scene.pending.id: "pending",
        scene.verified.id: "verified",
        scene.suspended.id: "suspended",
    }


def test_tied_workers_show_the_mobile_masked_and_no_id_number(client, bearer, scene):
    url = f"{API}/associations/{scene.association.id}/workers"
    response = client.get(url, headers=bearer(scene.moderator))
    (worker,) = response.get_json()["items"]
    assert (worker["id"], worker["name"], worker["mobile_masked"]) == (
        scene.worker.id,
        "李师傅",
        "139****5678",
    )
    assert worker["account_status"] == "active"
    text = response.get_data(as_text=True)
    assert "13912345678" not in text and scene.worker.national_id not in text


@pytest.mark.parametrize("page", ["queue", "members", "workers", "audit-events", "reports"])
def test_an_associations_pages_are_for_its_moderators_only(client, bearer, scene, page):
    url = f"{API}/associations/{scene.association.id}/{page}"
    error_of(client.get(url), 401)
    for outsider in (scene.stranger, scene.worker.user, owner(scene.verified)):
        error_of(client.get(url, headers=bearer(outsider)), 403)
    assert client.get(url, headers=bearer(scene.moderator)).status_code == 200
    missing = client.get(f"{API}/associations/999999/{page}", headers=bearer(scene.moderator))
    error_of(missing, 403 if page == "audit-events" else 404)


def test_the_audit_trail_pages_back_from_the_newest_event(client, bearer, scene):
    headers = bearer(scene.moderator)
    client.post(f"{MOD}/factories/{scene.pending.id}/verify", headers=headers)
    client.post(f"{MOD}/shifts/{scene.shift.id}/approve", headers=headers)
    url = f"{API}/associations/{scene.association.id}/audit-events"
    first = client.get(f"{url}?limit=1", headers=headers).get_json()
    assert [e["action"] for e in first["items"]] == ["shift.approved"]
    assert first["items"][0]["actor_name"] == scene.moderator.name
    older = client.get(f"{url}?limit=5&before_id={first['next_before_id']}", headers=headers)
    assert [e["action"] for e in older.get_json()["items"]] == ["factory.verified"]
    assert older.get_json()["next_before_id"] is None
    assert "limit" in error_of(client.get(f"{url}?limit=501", headers=headers), 422)["fields"]


def test_a_moderator_reads_a_tied_worker_s_numbers_with_a_reason_and_it_is_audited(
    client, bearer, scene
):
    url = f"{MOD}/workers/{scene.worker.id}/contact"
    body = {"reason": "核实身份：工伤报备"}
    response = client.post(url, json=body, headers=bearer(scene.moderator))
    assert response.status_code == 200, response.get_json()
    contact = response.get_json()
    assert (contact["mobile"], contact["national_id"]) == ("+8613912345678", valid_national_id(7))
    [event] = events("worker.contact_viewed")
    assert event.actor_id == scene.moderator.id and event.details["reason"] == body["reason"]
    assert "13912345678" not in str(event.details)  # the trail keeps why, not the numbers


def test_the_numbers_are_refused_without_a_reason_or_to_anyone_else(
    client, bearer, scene, make_user, csrf_header
):
    url = f"{MOD}/workers/{scene.worker.id}/contact"
    no_reason = error_of(client.post(url, json={}, headers=bearer(scene.moderator)), 422)
    assert "reason" in no_reason["fields"]
    blank = client.post(url, json={"reason": "   "}, headers=bearer(scene.moderator))
    assert "reason" in error_of(blank, 422)["fields"]
    reason = {"reason": "核实"}
    for intruder in (scene.stranger, owner(scene.verified), make_user(Role.WORKER)):
        error_of(client.post(url, json=reason, headers=bearer(intruder)), 403)
    error_of(client.post(url, json=reason, headers=csrf_header()), 401)
    missing = f"{MOD}/workers/999999/contact"
    error_of(client.post(missing, json=reason, headers=bearer(scene.moderator)), 404)
    assert events("worker.contact_viewed") == []
