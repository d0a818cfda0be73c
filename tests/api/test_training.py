"""Quick training through the API: publish, enrol, withdraw, cancel, complete; the refusals."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.models import (
    EnrolmentStatus,
    Role,
    TrainingEnrolment,
    TrainingSession,
    WorkerSkill,
    utcnow,
)
from tests.api.conftest import error_of
from tests.helpers import owner

URL = "/api/v1/training-sessions"


@pytest.fixture
def scene(make_association, make_user, make_worker, make_factory, loom):
    association = make_association()
    return SimpleNamespace(
        association=association,
        moderator=make_user(Role.MODERATOR, association=association),
        stranger=make_user(Role.MODERATOR, association=make_association()),
        worker=make_worker(name="张阿姨"),
        staff=owner(make_factory(association=association)),
        skill=loom,
    )


def _body(scene, **overrides) -> dict:
    starts = utcnow() + timedelta(days=2)
    body = {
        "title": "挡车速成班",
        "location": "柯桥",
        "starts_at": starts.isoformat(),
        "ends_at": (starts + timedelta(hours=4)).isoformat(),
        "capacity": 10,
        "skill_id": scene.skill.id,
        "level_granted": 3,
    }
    return {**body, **overrides}


def _publish(client, bearer, scene) -> int:
    created = client.post(URL, json=_body(scene), headers=bearer(scene.moderator))
    assert created.status_code == 201, created.get_json()
    return created.get_json()["id"]


def _started(session_id: int) -> None:
    """Move the session into the past, as if it had run."""
    session = db.session.get(TrainingSession, session_id)
    session.starts_at = utcnow() - timedelta(hours=5)
    session.ends_at = utcnow() - timedelta(hours=1)
    db.session.commit()


def test_published_enrolled_completed_and_the_skill_is_certified(client, bearer, scene):
    mod, me = bearer(scene.moderator), bearer(scene.worker.user)
    session_id = _publish(client, bearer, scene)
    (offered,) = client.get(URL, headers=me).get_json()["items"]
    assert (offered["id"], offered["places_left"], offered["my_enrolment"]) == (
        session_id,
        10,
        None,
    )
    enrolled = client.post(f"{URL}/{session_id}/enrol", headers=me)
    assert enrolled.status_code == 200 and enrolled.get_json()["status"] == "enrolled"
    mine = client.get(f"{URL}/{session_id}", headers=me).get_json()
    assert (mine["my_enrolment"], mine["enrolments"], mine["enrolled_count"]) == (
        "enrolled",
        None,
        1,
    )
    listed = client.get(URL, headers=mod).get_json()["items"]
    assert [(s["id"], s["association_id"]) for s in listed] == [(session_id, scene.association.id)]
    seen = client.get(f"{URL}/{session_id}", headers=mod).get_json()
    assert [(e["worker_name"], e["status"]) for e in seen["enrolments"]] == [("张阿姨", "enrolled")]

    _started(session_id)
    body = {"passed_worker_ids": [scene.worker.id]}
    completed = client.post(f"{URL}/{session_id}/complete", json=body, headers=mod)
    assert completed.status_code == 200 and completed.get_json()["status"] == "closed"
    skill = db.session.scalar(
        sa.select(WorkerSkill).where(WorkerSkill.worker_id == scene.worker.id)
    )
    assert (skill.level, skill.verified_by_association_id) == (3, scene.association.id)
    error_of(client.post(f"{URL}/{session_id}/complete", json=body, headers=mod), 409)


def test_a_worker_withdraws_and_a_moderator_cancels_with_a_reason(client, bearer, scene):
    mod, me = bearer(scene.moderator), bearer(scene.worker.user)
    session_id = _publish(client, bearer, scene)
    client.post(f"{URL}/{session_id}/enrol", headers=me)
    error_of(client.post(f"{URL}/{session_id}/enrol", headers=me), 409)
    withdrawn = client.post(f"{URL}/{session_id}/withdraw", headers=me)
    assert withdrawn.get_json()["status"] == "withdrawn"
    error_of(client.post(f"{URL}/{session_id}/withdraw", headers=me), 409)
    client.post(f"{URL}/{session_id}/enrol", headers=me)

    cancel = f"{URL}/{session_id}/cancel"
    assert error_of(client.post(cancel, json={}, headers=mod), 422)["fields"] == {
        "reason": ["This field is required."]
    }
    cancelled = client.post(cancel, json={"reason": "讲师生病"}, headers=mod)
    assert cancelled.get_json()["status"] == "cancelled"
    enrolment = db.session.scalar(sa.select(TrainingEnrolment))
    assert enrolment.status == EnrolmentStatus.WITHDRAWN
    error_of(client.post(cancel, json={"reason": "again"}, headers=mod), 409)
    error_of(client.post(f"{URL}/{session_id}/enrol", headers=me), 409)


def test_publishing_is_for_moderators_of_the_association_with_valid_input(
    client, bearer, csrf_header, scene
):
    error_of(client.post(URL, json=_body(scene), headers=csrf_header()), 401)
    for outsider in (scene.worker.user, scene.staff):
        error_of(client.post(URL, json=_body(scene), headers=bearer(outsider)), 403)
    theirs = _body(scene, association_id=scene.association.id)
    error_of(client.post(URL, json=theirs, headers=bearer(scene.stranger)), 403)
    mod = bearer(scene.moderator)
    missing = error_of(client.post(URL, json={}, headers=mod), 422)["fields"]
    assert set(missing) == {"title", "starts_at", "ends_at", "capacity"}
    both = _body(scene, certificate_type_id=1)
    assert "skill_id" in error_of(client.post(URL, json=both, headers=mod), 422)["fields"]
    past = _body(scene, starts_at=(utcnow() - timedelta(hours=1)).isoformat())
    assert "starts_at" in error_of(client.post(URL, json=past, headers=mod), 422)["fields"]
    assert db.session.scalar(sa.select(sa.func.count(TrainingSession.id))) == 0


def test_reading_sessions_is_refused_to_outsiders(client, bearer, scene):
    session_id = _publish(client, bearer, scene)
    error_of(client.get(URL), 401)
    error_of(client.get(f"{URL}/{session_id}"), 401)
    error_of(client.get(URL, headers=bearer(scene.staff)), 403)  # neither moderator nor worker
    theirs = f"{URL}?association_id={scene.association.id}"
    error_of(client.get(theirs, headers=bearer(scene.stranger)), 403)
    error_of(client.get(f"{URL}?association_id=999999", headers=bearer(scene.moderator)), 404)
    for outsider in (scene.stranger, scene.staff):
        error_of(client.get(f"{URL}/{session_id}", headers=bearer(outsider)), 403)
    error_of(client.get(f"{URL}/999999", headers=bearer(scene.moderator)), 404)
    client.post(f"{URL}/{session_id}/cancel", json={"reason": "x"}, headers=bearer(scene.moderator))
    # A cancelled session the worker never enrolled in is none of their business.
    error_of(client.get(f"{URL}/{session_id}", headers=bearer(scene.worker.user)), 404)


@pytest.mark.parametrize(
    ("action", "body"),
    [("cancel", {"reason": "讲师生病"}), ("complete", {"passed_worker_ids": []})],
)
def test_cancelling_and_completing_are_for_the_associations_moderators(
    client, bearer, csrf_header, scene, action, body
):
    session_id = _publish(client, bearer, scene)
    _started(session_id)
    url = f"{URL}/{session_id}/{action}"
    error_of(client.post(url, json=body, headers=csrf_header()), 401)
    for outsider in (scene.stranger, scene.worker.user, scene.staff):
        error_of(client.post(url, json=body, headers=bearer(outsider)), 403)
    mod = bearer(scene.moderator)
    error_of(client.post(f"{URL}/999999/{action}", json=body, headers=mod), 404)
    assert db.session.get(TrainingSession, session_id).status.value == "published"
    assert client.post(url, json=body, headers=mod).status_code == 200


def test_completing_names_only_enrolled_workers_after_the_start(client, bearer, scene, make_worker):
    session_id = _publish(client, bearer, scene)
    client.post(f"{URL}/{session_id}/enrol", headers=bearer(scene.worker.user))
    url, mod = f"{URL}/{session_id}/complete", bearer(scene.moderator)
    body = {"passed_worker_ids": [scene.worker.id]}
    error_of(client.post(url, json=body, headers=mod), 409)  # not started yet
    _started(session_id)
    stranger = {"passed_worker_ids": [make_worker().id]}
    assert list(error_of(client.post(url, json=stranger, headers=mod), 422)["fields"]) == [
        "passed_worker_ids"
    ]
    assert "passed_worker_ids" in error_of(client.post(url, json={}, headers=mod), 422)["fields"]


@pytest.mark.parametrize("action", ["enrol", "withdraw"])
def test_enrolling_and_withdrawing_are_for_workers(client, bearer, csrf_header, scene, action):
    session_id = _publish(client, bearer, scene)
    url = f"{URL}/{session_id}/{action}"
    error_of(client.post(url, headers=csrf_header()), 401)
    for outsider in (scene.moderator, scene.staff):
        error_of(client.post(url, headers=bearer(outsider)), 403)
    error_of(client.post(f"{URL}/999999/{action}", headers=bearer(scene.worker.user)), 404)
    assert db.session.scalar(sa.select(sa.func.count(TrainingEnrolment.id))) == 0
